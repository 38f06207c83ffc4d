"""The workplan importer: files (xlsx, csv, docx) → a parsed tree, without views or the database.

``parse_file(data, name)`` returns a ``ParsedPlan`` or raises ``WorkplanImportError`` with a
translated message. Saving is ``imports.services.workplan_import_commit``.
"""

import gc
from contextlib import contextmanager

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
    with cyclic_gc_paused():
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


@contextmanager
def cyclic_gc_paused():
    """The cyclic garbage collector paused while a file is read and parsed.

    Reading builds tens of thousands of small objects (cells, rows, the tree) that hold no cycle:
    each collection the allocations trigger walks them (and every object of the process) and frees
    nothing — about a sixth of the parse of a 5,000-activity plan. Reference counting still frees
    everything as usual; the collector resumes after (left as it was if something else paused it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
