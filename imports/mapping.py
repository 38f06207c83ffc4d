"""Reading options chosen by a person: a column mapping, the header row, the sheet.

``ReadOptions`` travels from the command line or the preview's drop-downs into the parser;
``header_key`` identifies a header row to apply a saved mapping to the next file like it.
"""

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .errors import WorkplanImportError
from .vocabulary import CHOICES, normalise

IGNORE = "ignore"


@dataclass
class ReadOptions:
    columns: dict = field(default_factory=dict)  # normalised header text → field, or "ignore"
    header_row: int | None = None  # the source row number of the header
    sheet: str | None = None

    @classmethod
    def from_dict(cls, data):
        data = data or {}
        return cls(columns=dict(data.get("columns") or {}), header_row=data.get("header_row") or None,
                   sheet=data.get("sheet") or None)

    def to_dict(self):
        return {"columns": self.columns, "header_row": self.header_row, "sheet": self.sheet}

    def field_for(self, label):
        return self.columns.get(normalise(label or ""))

    def __bool__(self):
        return bool(self.columns or self.header_row or self.sheet)


def valid_field(name):
    return name == IGNORE or name in CHOICES


def parse_map_option(items):
    """``["Outcome=objective", "Column 12=ignore"]`` → ``{normalised header: field}``."""
    columns = {}
    for item in items or []:
        label, sep, name = item.rpartition("=")
        name = name.strip().lower()
        if not sep or not label.strip() or not valid_field(name):
            raise WorkplanImportError(
                _("“%(item)s”: write HEADER=FIELD, FIELD being one of: %(fields)s.")
                % {"item": item, "fields": ", ".join((*CHOICES, IGNORE))})
        columns[normalise(label)] = name
    return columns


def header_key(header):
    """The same header row (accents, case and spaces aside) gives the same key."""
    text = "\x1f".join(normalise(str(h or "")) for h in header).rstrip("\x1f")
    return hashlib.sha256(text.encode()).hexdigest()
