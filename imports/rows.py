"""Row classification: what a row below the header is, before its values are read.

Pure Python over the readers' rows and a ``headers.Layout``, no database:

* ``read_row``: a blank separator (or only dashes) → ``BLANK``; a TOTAL / Sous-total / Total
  général row → ``TOTAL`` (its texts kept as a note by ``total_note``); text in one cell only at
  the start of the table → ``HEADING`` (an axis, objective, result or a note: ``classify``);
  anything else → ``DATA``.
* ``classify``: what a heading text says (``AXE 1 : …``, ``Objectif 2 …``, ``1.1 …``, a note).
* ``objective_cell`` / ``result_cell``: the hierarchy cells of a data row, with their code column;
  ``same_title`` tells a hierarchy cell repeated on every row (a Google Sheets or database export)
  from a new one, so repeated cells collapse into one objective, result and activity.
* ``FillDown``: a blank cell (or the blank rows under a merged cell) continues the value above.
* ``lines`` / ``raw_lines``: a cell's paragraphs.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from workplans.text import fold

from . import values as v

DASHES = ("-", "–", "—")
FOOTNOTE = "¹²³⁴⁵⁶⁷⁸⁹*†"
BLANK, TOTAL, HEADING, DATA = "blank", "total", "heading", "data"
TOTAL_ROW = re.compile(r"^(?:sous[- ]?tota(?:l|ux)|sub[- ]?totals?|totaux|totals?|grand total)\b")

_NOTE = re.compile(r"^(note|nb\b|n\.b|en rouge|en vert|en bleu|in red|in green|source)")
_AXIS = re.compile(r"^(?:axe|axis|pilier|pillar|priorite|priority)\b[^:\d]*(\d+)?\s*[:.\-–]?\s*(.*)$", re.S)
_GENERAL = re.compile(
    r"^(?:objectif (?:general|global|strategique)|(?:general|overall|strategic) objective|goal)\s*[:.\-–]?\s*(.*)$", re.S)
_OBJECTIVE = re.compile(
    r"^(?:objectif|objective|os|so)\b\s*(?:specifique\s*|specific\s*)?(?:n°\s*)?(\d+(?:\.\d+)*)?\s*[:.\-–]?\s*(.*)$", re.S)
_RESULT = re.compile(r"^(?:(?:resultat|result|er|ra)\s*(?:attendu\s*)?)?(\d+\.\d+)\.?\s*[:.\-–]?\s*(.*)$", re.S)
_NUMBERED = re.compile(r"^(\d+)\s*[.)\-–:]?\s+(\D.*)$", re.S)
_BULLETS = "-•*▪◦●–"
_BULLET = re.compile(rf"^\s*(?:[{_BULLETS}]\s+|\d+[.)]\s+(?=\D))")


@lru_cache(maxsize=65536)
def folded(text):
    """``fold(text)``, remembered: the same cells come back row after row."""
    return fold(text)


@lru_cache(maxsize=16384)
def classify(text):
    """``(level, code, title)`` of a row that spans the table; level in axis, general, objective,
    result, note, or ``None`` when the text is none of these."""
    raw = text.strip()
    f = fold(raw)
    if raw[:1] in FOOTNOTE or _NOTE.match(f):
        return "note", "", raw
    m = _AXIS.match(f)
    if m:
        return "axis", f"AXE {m.group(1)}" if m.group(1) else "", _tail(raw, m.start(2)) or raw
    m = _GENERAL.match(f)
    if m:
        return "general", "OG", _tail(raw, m.start(1)) or raw
    m = _OBJECTIVE.match(f)
    if m:
        return "objective", m.group(1) or "", _tail(raw, m.start(2)) or raw
    m = _RESULT.match(f)
    if m and m.group(2):
        return "result", m.group(1), _tail(raw, m.start(2))
    m = _NUMBERED.match(f)
    if m:
        return "objective", m.group(1), _tail(raw, m.start(2))
    return None, "", raw


def _tail(raw, start):
    return raw[start:].strip() if start is not None and start >= 0 else raw


def lines(text):
    """A cell's paragraphs (bullets and lone dashes dropped)."""
    if not text:
        return []
    out = []
    for line in str(text).split("\n"):
        bare = line.strip()
        if len(bare) > 1 and (bare[0] in _BULLETS or bare[0].isdigit()):
            bare = _BULLET.sub("", line).strip()
        if bare and bare not in DASHES:
            out.append(bare)
    return out


def raw_lines(text):
    """A cell's paragraphs, keeping lone dashes (they hold a place in a paired list)."""
    if not text:
        return []
    if "\n" not in text:
        text = text.strip()
        return [text] if text else []
    return [line.strip() for line in str(text).split("\n") if line.strip()]


@dataclass(slots=True)
class Row:
    """A data row read against the layout."""

    kind: str  # BLANK, TOTAL, HEADING or DATA
    meaningful: list  # [(index, text)] of the cells holding more than a dash
    shaded_months: list  # month columns shaded without text
    heading: tuple | None = None  # HEADING: (index, text, column field or None)


def read_row(row, layout):
    """What a row under the header is: see the module's docstring."""
    meaningful = [(k, c.value) for k, c in enumerate(row) if c.value and c.value.strip() not in DASHES]
    months = layout.at.months_ticked
    shaded_months = [k for k in months if k < len(row) and row[k].shaded and not row[k].value] if months else []
    if not meaningful and not shaded_months:
        return Row(BLANK, meaningful, shaded_months)
    if meaningful and _may_be_total(meaningful[0][1]) and TOTAL_ROW.match(folded(meaningful[0][1]).strip()):
        return Row(TOTAL, meaningful, shaded_months)
    if len(meaningful) == 1 and not shaded_months:
        index, text = meaningful[0]
        column = layout.columns.get(index)
        at_start = index <= layout.first_column or column in ("objective", "result") or index not in layout.columns
        if at_start and column != "indicator" and (column != "activity" or classify(text)[0] is not None):
            return Row(HEADING, meaningful, shaded_months, (index, text, column))
    return Row(DATA, meaningful, shaded_months)


def _may_be_total(text):
    """``False`` when the text cannot start with "total", "sous-total", "sub-total" or "grand total":
    its first letter is plain ASCII and none of s, t, g (no need to fold it then)."""
    first = text.lstrip()[:1]
    return not first.isascii() or first in "sStTgG"


def total_note(meaningful):
    """The texts of a total row that are not figures, as one note, or ``""`` (one text: the label)."""
    texts = [t for _k, t in meaningful if v.to_decimal(t.rstrip("%").strip()) is None]
    return " ; ".join(texts) if len(texts) > 1 else ""


def same_title(a, b):
    """A hierarchy cell repeating the one above (accents, case aside)."""
    return a == b or folded(a) == folded(b)


def objective_cell(text, code=None):
    """``(level, code, title)`` of a data row's objective cell (``code``: its code column's cell);
    level axis, general or objective."""
    level, found, title = classify(text)
    if level in ("axis", "general"):
        return level, found, title
    if code:
        return "objective", code[:30], title if level == "objective" else text
    if level == "objective":
        return level, found, title
    return "objective", "", text


def result_cell(text, code=None):
    """``(level, code, title)`` of a data row's result cell: a result, or an objective ("2 …") when the
    column mixes both levels."""
    level, found, title = classify(text)
    if code:
        return "result", code[:30], title if level == "result" else text
    if level == "objective" and found and "." not in found:
        return "objective", found, title
    if level == "result":
        return level, found, title
    return "result", "", text


class FillDown:
    """Blank cells continue the value above them (merged cells are read as blanks below their first row)."""

    def __init__(self):
        self.values = {}

    def take(self, name, text):
        """``text``, or the last value of ``name`` when the cell is blank."""
        if text is None:
            return self.values.get(name)
        self.values[name] = text
        return text

    def clear(self):
        self.values = {}
