"""The one exception the importer raises, and the warnings it collects."""

from dataclasses import dataclass

from django.utils.translation import gettext as _


def where(sheet=None, row=None, column=None):
    """``feuille Plan, ligne 14, colonne Indicateurs`` (translated), or ``""``."""
    parts = []
    if sheet:
        parts.append(_("sheet %(sheet)s") % {"sheet": sheet})
    if row:
        parts.append(_("row %(row)s") % {"row": row})
    if column:
        parts.append(_("column %(column)s") % {"column": column})
    return ", ".join(parts)


class WorkplanImportError(Exception):
    """A file the importer cannot read: ``str(error)`` is a translated, user-facing message."""

    def __init__(self, message, sheet=None, row=None, column=None):
        self.message = str(message)
        self.sheet, self.row, self.column = sheet, row, column
        place = where(sheet, row, column)
        super().__init__(f"{place} : {self.message}" if place else self.message)


@dataclass
class ImportWarning:
    sheet: str
    row: int
    column: str
    message: str
    cell: str = ""  # "C14": where the annotated workbook puts its comment

    def __str__(self):
        place = where(self.sheet, self.row, self.column)
        return f"{place} : {self.message}" if place else self.message
