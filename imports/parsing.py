"""The workplan importer: files (xlsx, csv, docx) → a parsed tree, without views or the database.

``parse_file(data, name)`` returns a ``ParsedPlan`` or raises ``WorkplanImportError`` with a
translated message. Saving is ``imports.services.workplan_import_commit``.
"""

from django.utils.translation import gettext as _

from .actors import fill_missing_organisations
from .errors import ImportWarning, WorkplanImportError
from .layout import parse_sheets
from .readers import read_file
from .tree import (
    ParsedActivity,
    ParsedActor,
    ParsedIndicator,
    ParsedObjective,
    ParsedPlan,
    ParsedResult,
)

__all__ = [
    "ImportWarning", "ParsedActivity", "ParsedActor", "ParsedIndicator", "ParsedObjective", "ParsedPlan",
    "ParsedResult", "WorkplanImportError", "parse_file",
]


def parse_file(data, name="", options=None):
    """Read ``data`` (bytes) named ``name`` into a ``ParsedPlan``; ``WorkplanImportError`` when it cannot.

    ``options``: a ``ReadOptions`` (column mapping, header row, sheet) chosen by a person."""
    kind, sheets = read_file(data, name)
    try:
        plan = parse_sheets(sheets, source_name=name, options=options)
    except WorkplanImportError:
        raise
    except RecursionError:
        raise WorkplanImportError(_("The file is too deeply nested to be read."))
    plan.file_kind = kind
    fill_missing_organisations(plan)
    return plan
