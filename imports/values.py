"""Reading cell values: indicator kinds and targets, periods → quarters, actors and roles."""

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from workplans.models import Quarter
from workplans.text import fold

# --- indicators --------------------------------------------------------------------

NUMBER, PERCENT, YES_NO, TEXT = "number", "percent", "yes_no", "text"
_YES_NO = re.compile(r"\((?:o|y)\s*/\s*n\)|\boui\s*/\s*non\b|\byes\s*/\s*no\b")
_LEADING = re.compile(r"^(\d+(?:[.,]\d+)?)(?:\s*[-–à]\s*(\d+(?:[.,]\d+)?))?\s*(%?)")
_NUMBER_WORDS = ("nombre ", "nb ", "number of ", "no. of ")


def to_decimal(text):
    try:
        value = Decimal(str(text).replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() and abs(value) < Decimal("1e12") else None


def indicator_kind(text):
    """``(kind, target, doubt)`` read from the indicator's wording; ``doubt`` explains a guess."""
    folded = fold(text).strip()
    if "/" in folded and _YES_NO.search(folded):  # each spelling holds a slash
        return YES_NO, None, ""
    if folded.startswith("#") or folded.startswith(_NUMBER_WORDS):
        return NUMBER, None, ""
    match = _LEADING.match(folded)
    if match:
        low, high, percent = match.groups()
        target = to_decimal(high or low)
        doubt = "range" if high else ""
        return (PERCENT if percent else NUMBER), target, doubt
    if "%" in folded:
        return PERCENT, None, ""
    return TEXT, None, ""


def parse_kind(text):
    """A kind column's value (``number``, ``Nombre``, ``%``, ``O/N``…) → kind or ``None``."""
    folded = fold(text).strip()
    table = {
        NUMBER: ("number", "nombre", "numero", "#", "chiffre", "count"),
        PERCENT: ("percent", "pourcentage", "%", "taux", "percentage"),
        YES_NO: ("yes_no", "oui/non", "o/n", "yes/no", "y/n", "oui_non"),
        TEXT: ("text", "texte", "jalon", "milestone", "text milestone"),
    }
    for kind, words in table.items():
        if folded in words:
            return kind
    return None


# --- periods -----------------------------------------------------------------------

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3,
    "avril": 4, "avr": 4, "apr": 4, "april": 4,
    "mai": 5, "may": 5,
    "juin": 6, "jun": 6, "june": 6,
    "juillet": 7, "juil": 7, "jul": 7, "july": 7,
    "aout": 8, "aug": 8, "august": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}
CONTINUOUS = ("en continu", "continu", "permanent", "ongoing", "continuous", "tout au long", "throughout", "toute l'annee")
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_TOKEN = re.compile(rf"\b({_MONTH_RE})\.?(?:\s+(\d{{4}}))?\b")
_QUARTER_TOKEN = re.compile(r"(?:(\d{4})\s*-?\s*)?(?<![a-z])[qt]([1-4])(?![\d])(?:\s*(\d{4}))?")
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")


FIRST_YEAR, LAST_YEAR = 1990, 2100  # quarters outside are never created
MAX_PLAN_YEARS = 15


def sane_year(year):
    return year is not None and FIRST_YEAR <= year <= LAST_YEAR


def sane_quarters(quarters):
    """Every quarter within 1990–2100 and the whole within a plan's longest span (15 years)."""
    if not quarters:
        return True
    if not all(sane_year(y) for y, _n in quarters):
        return False
    ordinals = [y * 4 + n for y, n in quarters]
    return max(ordinals) - min(ordinals) < MAX_PLAN_YEARS * 4


def month_number(text):
    folded = fold(text).strip().rstrip(".")
    return MONTHS.get(folded)


def span(first, last):
    """Quarters from ``first`` to ``last`` (``(year, number)`` pairs), included."""
    a, b = first[0] * 4 + first[1] - 1, last[0] * 4 + last[1] - 1
    if b < a:
        a, b = b, a
    return [(o // 4, o % 4 + 1) for o in range(a, b + 1)]


@lru_cache(maxsize=4096)
def period_of(text, year=None):
    """``parse_period`` remembered (the same period texts come back row after row): the quarters as a tuple."""
    quarters, continuous, understood = parse_period(text, year)
    return tuple(quarters), continuous, understood


def parse_period(text, year=None):
    """``(quarters, continuous, understood)`` for one period text.

    ``year``: the year of the column the text sits under, or the plan's single year.
    ``continuous``: "En continu" (the whole plan, resolved later).
    """
    folded = fold(text).strip()
    if not folded or folded in ("-", "–", "n/a", "na", "n/d"):
        return [], False, True
    if any(word in folded for word in CONTINUOUS):
        return [], True, True
    # explicit quarter codes: 2020-Q3, Q3 2020, Q3-Q4, Q3Q4, T1, Q2-Q4
    quarters = []
    tokens = list(_QUARTER_TOKEN.finditer(folded))
    if tokens:
        found_years = [int(y) for y in _YEAR.findall(folded)]
        default_year = found_years[0] if found_years else year
        pairs = []
        for token in tokens:
            y = token.group(1) or token.group(3)
            y = int(y) if y else default_year
            if y is None:
                return [], False, False
            pairs.append((y, int(token.group(2))))
        if not sane_quarters(pairs):
            return [], False, False
        ranged = re.search(
            r"[qt][1-4]\s*(?:-?\s*\d{4})?\s*(?:-|–|—|à|a|to|au|jusqu'au|until)\s*(?:\d{4}\s*-?\s*)?[qt][1-4]", folded)
        if ranged and len(pairs) == 2:
            return span(pairs[0], pairs[1]), False, True
        for pair in pairs:
            if pair not in quarters:
                quarters.append(pair)
        return quarters, False, True
    months = [(MONTHS[m.group(1)], int(m.group(2)) if m.group(2) else None) for m in _MONTH_TOKEN.finditer(folded)]
    if months:
        # a missing year takes the next given year, else the column's year
        filled = []
        for i, (month, y) in enumerate(months):
            if y is None:
                later = [yy for _m, yy in months[i + 1:] if yy]
                y = later[0] if later else year
            if y is None:
                return [], False, False
            filled.append((y, month))
        if not all(sane_year(y) for y, _m in filled):
            return [], False, False
        if len(filled) >= 2 and re.search(r"\b(a|au|to|until|jusqu)\b|-|–", folded):
            first, last = filled[0], filled[-1]
            return span((first[0], Quarter.number_of_month(first[1])), (last[0], Quarter.number_of_month(last[1]))), False, True
        for y, month in filled:
            pair = (y, Quarter.number_of_month(month))
            if pair not in quarters:
                quarters.append(pair)
        return quarters, False, True
    years = [int(y) for y in _YEAR.findall(folded)]
    if years:
        if not sane_quarters([(years[0], 1), (years[-1], 4)]):
            return [], False, False
        if len(years) >= 2:
            return span((years[0], 1), (years[-1], 4)), False, True
        return span((years[0], 1), (years[0], 4)), False, True
    return [], False, False


# --- actors ------------------------------------------------------------------------

_PAREN = re.compile(r"\(([^()]*)\)")
_SMALL_SLASH = re.compile(r"\b([a-zà-ÿ]{1,4})/([a-zà-ÿ]{1,4})\b")
_SPLIT = re.compile(r"\s*(?:/|,|&|;|\n|\bet\b|\band\b|\+(?=\s))\s*")
LEAD_NOTES = ("chef de file", "chefs de file", "lead", "co-lead", "colead")
SUPPORT_NOTES = ("appui", "support", "en appui", "in support", "soutien", "supporting")


@lru_cache(maxsize=4096)
def date_quarter(text):
    """A start or end date (an Excel date read as 2020-03-15, or 15/03/2020, 03/2020, "mars 2020")
    → ``(year, quarter)``, else ``None``."""
    folded = fold(text or "").strip()
    m = (re.match(r"^((?:19|20)\d\d)-(\d{1,2})(?:-\d{1,2})?(?:[ t].*)?$", folded)
         or re.match(r"^(?:\d{1,2}[/.-])?(\d{1,2})[/.-]((?:19|20)\d\d)$", folded))
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        year, month = (a, b) if a > 12 else (b, a)
    else:
        m = re.match(rf"^(?:\d{{1,2}}(?:er)?\s+)?({_MONTH_RE})\.?\s+((?:19|20)\d\d)$", folded)
        if not m:
            return None
        year, month = int(m.group(2)), MONTHS[m.group(1)]
    if not (1 <= month <= 12 and sane_year(year)):
        return None
    return year, Quarter.number_of_month(month)


def split_actors(text):
    """``[(name, note)]`` from an actors cell; parenthesised notes are kept as role notes."""
    if not text:
        return []
    # protect the notes and "son/ses" style slashes from the split
    notes = []

    def keep(match):
        notes.append(match.group(1).strip())
        return f" \x00{len(notes) - 1}\x00 "

    protected = _PAREN.sub(keep, text)
    protected = _SMALL_SLASH.sub(lambda m: f"{m.group(1)}\x01{m.group(2)}", protected)
    items = []
    for part in _SPLIT.split(protected):
        part_notes = [notes[int(i)] for i in re.findall(r"\x00(\d+)\x00", part)]
        name = re.sub(r"\s*\x00\d+\x00\s*", " ", part).replace("\x01", "/").strip(" -–:.\t")
        name = re.sub(r"\s+", " ", name)
        if not name or name in ("-", "?"):
            if part_notes and items:  # a note after a separator belongs to the previous name
                prev_name, prev_note = items[-1]
                items[-1] = (prev_name, "; ".join(n for n in [prev_note, *part_notes] if n))
            continue
        items.append((name, "; ".join(n for n in part_notes if n)))
    return items
