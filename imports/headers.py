"""Header detection: which row(s) of a sheet are the table's header, and what each column holds.

Pure Python over the readers' rows (``Sheet``/``Cell``), no database. Every header cell is
scored against the vocabulary (``vocabulary.header_field``; a person's column mapping first,
through ``Namer``). A row is a header when it names at least two known fields, one of them the
activities or the indicators, and the unknown texts do not outvote them (month, quarter and
year columns are neutral); the rows right below it that hold only sub-fields (years, months,
quarters, levels) complete it. ``build_layout`` turns the header rows into the column map
(``Layout``), the columns it does not know being listed.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .errors import WorkplanImportError
from .mapping import IGNORE
from .vocabulary import header_field, header_year, is_main, is_sub

HEADER_CHARS = 90  # a header cell is short: longer texts are data
FIRST_ROWS = 30  # where the column-mapping step looks for a header when none is recognised
_TITLE_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_MISSING = object()


class Namer:
    """A header cell's field: the person's choice (``ReadOptions.columns``) first, else the vocabulary.

    Calling it with the same text again costs a dictionary look-up (``cache``)."""

    MAX_CACHED = 100_000

    def __init__(self, options=None):
        self.options = options if options is not None and options.columns else None
        self.cache = {}

    def __call__(self, text):
        try:
            return self.cache[text]
        except KeyError:
            pass
        if len(self.cache) >= self.MAX_CACHED:
            self.cache = {}
        if self.options is not None:
            chosen = self.options.field_for(text)
            name = None if chosen == IGNORE else chosen or header_field(text)
        else:
            name = header_field(text)
        self.cache[text] = name
        return name


VOCABULARY = Namer()  # the vocabulary alone, no person's mapping


def is_header_row(row, strict=False, namer=None):
    """A header row: at least two distinct known fields, one of them activities or indicators, and
    more known fields than half the unknown texts (month, quarter and year columns are neutral).
    ``strict`` (a table already has a header above): the unknown texts are at most half the known
    fields, so a data row whose cells happen to start like headers is not taken for one.

    Run on every row: the texts already named (``Namer.cache``) are counted first, and the test
    stops as soon as the known fields cannot win, so a data row's new texts are seldom named."""
    texts = [c.value for c in row if c.value]
    if len(texts) < 2 or sum(1 for t in texts if len(t) <= HEADER_CHARS) < 2:
        return False
    namer = namer or VOCABULARY
    cache = getattr(namer, "cache", {})
    main = set()
    unknown = 0
    pending = []
    for text in texts:
        name = cache.get(text, _MISSING)
        if name is _MISSING:
            pending.append(text)
        elif name is None:
            unknown += 1
        elif is_main(name):
            main.add(name)
    # the known fields can be no more than those found plus the texts left: stop when they cannot win
    if _cannot_win(unknown, len(main) + len(pending), strict):
        return False
    pending.sort(key=len)  # short texts first: they are the ones that repeat (and headers are short)
    for left, text in enumerate(pending, start=1):
        name = namer(text)
        if name is None:
            unknown += 1
            if _cannot_win(unknown, len(main) + len(pending) - left, strict):
                return False
        elif is_main(name):
            main.add(name)
    if len(main) < 2 or not (main & {"activity", "indicator"}):
        return False
    return unknown * 2 <= len(main) if strict else len(main) * 2 >= unknown


def _cannot_win(unknown, most, strict):
    return unknown * 2 > most if strict else most * 2 < unknown


def is_subheader_row(row, namer=None):
    """A row that only holds sub-fields (years, months, quarters, levels) under a header's groups."""
    namer = namer or VOCABULARY
    names = [namer(c.value) for c in row if c.value]
    return bool(names) and all(is_sub(n) or is_main(n) for n in names) and any(is_sub(n) for n in names)


def header_at(sheet, i, namer, strict=False, forced_row=None):
    """The header starting at ``sheet.rows[i]`` — that row and the sub-header rows below it — or ``None``.

    ``forced_row``: the source row number a person gave as the header (no test then)."""
    rows = sheet.rows
    if forced_row:
        if sheet.row_numbers[i] != forced_row:
            return None
    elif not is_header_row(rows[i], strict=strict, namer=namer):
        return None
    header = [rows[i]]
    j = i + 1
    while j < len(rows) and is_subheader_row(rows[j], namer) and not is_header_row(rows[j], namer=namer):
        header.append(rows[j])
        j += 1
    return header


@dataclass
class Layout:
    """The column map of a table: index → field, with the header texts and the years above months."""

    columns: dict = field(default_factory=dict)  # index → field name ("activity", "month:3", "year:2020"…)
    labels: dict = field(default_factory=dict)  # index → header text (for messages)
    month_years: dict = field(default_factory=dict)  # index → year above a month/quarter column
    unknown: list = field(default_factory=list)
    row_number: int | None = None  # the source row of the header
    _first: dict | None = field(default=None, repr=False, compare=False)
    _indexes: dict = field(default_factory=dict, repr=False, compare=False)
    _at: object = field(default=None, repr=False, compare=False)

    def changed(self):
        """Forget the look-ups after ``columns`` changed."""
        self._first = None
        self._indexes = {}
        self._at = None

    @property
    def at(self):
        """``Columns``: the first column of each field the walk reads, looked up once."""
        if self._at is None:
            self._at = Columns(self)
        return self._at

    def first(self, name):
        """The first column read as ``name``, or ``None``."""
        if self._first is None:
            self._first = {}
            for index, column in sorted(self.columns.items()):
                self._first.setdefault(column, index)
        return self._first.get(name)

    def indexes(self, prefix):
        """The columns whose field starts with ``prefix`` (``"month:"``), in order."""
        found = self._indexes.get(prefix)
        if found is None:
            found = self._indexes[prefix] = [i for i, c in sorted(self.columns.items()) if c.startswith(prefix)]
        return found

    @property
    def first_column(self):
        return min(self.columns) if self.columns else 0


class Columns:
    """Where the walk finds each field in a data row (``None``: no such column), from a ``Layout``."""

    FIELDS = ("objective", "objective_code", "result", "result_code", "activity", "code", "indicator", "kind",
              "target", "baseline", "unit", "mov", "lead", "other", "resources", "place", "status", "period",
              "period_text", "quarters", "months", "start", "end")
    __slots__ = (*FIELDS, "levels", "months_ticked", "ticks", "years", "phased_targets")

    def __init__(self, layout):
        for name in self.FIELDS:
            setattr(self, name, layout.first(name))
        self.levels = layout.indexes("level")  # "Niveau", or National / Régional columns
        self.months_ticked = layout.indexes("month:")
        self.ticks = layout.indexes("month:") + layout.indexes("quarter:")  # ticked or shaded cells
        self.years = layout.indexes("year:")  # year columns holding quarter ranges
        self.phased_targets = layout.indexes("target_year:") + layout.indexes("target_quarter:")


def build_layout(header_rows, namer=None):
    """The ``Layout`` of a header (one row, or a row and its sub-header rows)."""
    header_field_ = namer or VOCABULARY
    layout = Layout()
    width = max(len(r) for r in header_rows)
    years_by_column = {}
    for row in header_rows:
        current_year = None
        for index in range(width):
            cell = row[index] if index < len(row) else None
            name = header_field_(cell.value) if cell and cell.value else None
            if name and name.startswith("year:"):
                current_year = int(name[5:])
            elif cell and cell.value and not is_sub(name):
                current_year = None
            if current_year:
                years_by_column.setdefault(index, current_year)
    for index in range(width):
        chosen, label = None, None
        for row in header_rows:
            cell = row[index] if index < len(row) else None
            if not cell or not cell.value:
                continue
            name = header_field_(cell.value)
            if name is None:
                if chosen is None and label is None:
                    label = cell.value
                continue
            if chosen is None or is_sub(name):
                chosen, label = name, cell.value
        if chosen:
            layout.columns[index] = chosen
            layout.labels[index] = label or chosen
            own_year = header_year(label) if chosen.startswith(("month:", "quarter:")) else None
            if own_year:
                layout.month_years[index] = own_year
            elif index in years_by_column:
                layout.month_years[index] = years_by_column[index]
        elif label:
            layout.unknown.append(label)
    return layout


_CODE_VALUE = re.compile(r"^[A-Za-z]{0,5}[\s.\-]?\d+(?:[.\-]\d+)*[a-z]?\.?$")
CODE_OF = {"objective": "objective_code", "result": "result_code", "activity": "code"}


def resolve_code_columns(layout, rows):
    """Two columns for one level (a code beside the title): the one holding short codes is the code."""
    for name, code_name in CODE_OF.items():
        indexes = [i for i, c in sorted(layout.columns.items()) if c == name]
        if len(indexes) < 2:
            continue
        for index in indexes:
            values = [r[index].value for r in rows if index < len(r) and r[index].value]
            if values and sum(1 for t in values if len(t) <= 15 and _CODE_VALUE.match(t)) * 2 > len(values):
                layout.columns[index] = code_name
    layout.changed()


def describe_columns(sheet, number, header, layout, samples):
    """Every column of a header with its reading (``None``: ignored) and first values, for the preview."""
    width = max(len(r) for r in header)
    out = []
    for index in range(width):
        label = layout.labels.get(index) or next(
            (r[index].value for r in header if index < len(r) and r[index].value), None)
        if not label:
            continue
        values = [r[index].value for r in samples if index < len(r) and r[index].value]
        out.append({"sheet": sheet.title, "header_row": number, "index": index, "label": str(label)[:90],
                    "field": layout.columns.get(index), "samples": [str(x)[:80] for x in values]})
    return out


def candidate_columns(sheets):
    """No header recognised: the row of the first 30 with the most short texts, as columns to map."""
    best = None
    for sheet in sheets:
        for row, number in list(zip(sheet.rows, sheet.row_numbers))[:FIRST_ROWS]:
            texts = sum(1 for c in row if c.value and len(c.value) <= HEADER_CHARS)
            if texts >= 2 and (best is None or texts > best[0]):
                best = (texts, sheet, row, number)
    if best is None:
        return []
    _t, sheet, row, number = best
    position = sheet.row_numbers.index(number)
    layout = build_layout([row])
    return describe_columns(sheet, number, [row], layout, sheet.rows[position + 1:position + 4])


def choose_sheets(sheets, options):
    """The sheets to read: the one a person named, else all (cover and legend sheets have no header
    and are skipped by the walk, with a warning)."""
    if not options.sheet:
        return sheets
    chosen = [s for s in sheets if s.title == options.sheet]
    if not chosen:
        raise WorkplanImportError(_("There is no sheet named “%(sheet)s” (sheets: %(sheets)s).")
                                  % {"sheet": options.sheet, "sheets": ", ".join(s.title for s in sheets)})
    return chosen


def title_years(sheets):
    """The years in the plan's title (the first text of the first five rows that is not a header),
    for month ticks without a year above them."""
    for sheet in sheets:
        for row in sheet.rows[:5]:
            first = next((c.value for c in row if c.value), None)
            if first is not None and not is_header_row(row):
                years = [int(y) for y in _TITLE_YEAR.findall(first)]
                if years:
                    return years
    return []
