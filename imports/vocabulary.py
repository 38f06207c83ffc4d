"""What a header cell says: the field vocabulary as data, in French and English.

Add a synonym to ``EXACT`` (the whole folded header) or ``PREFIXES`` / ``WORDS`` (a header
starting with, or holding, these words). Accents, case, "(s)", footnote marks and a trailing
colon are ignored; a bilingual cell "Activités / Activities" is tried whole, then on each half.
Sub-fields carry a value: ``month:3``, ``quarter:2``, ``year:2020``, ``level:national``,
``target_year:2021``, ``target_quarter:2021-2``.
"""

import functools
import re

from workplans.text import fold

from .values import month_number

# the whole header, folded
EXACT = {
    "kind": ("type d'indicateur", "type d indicateur", "type de l'indicateur", "indicator kind", "indicator type", "kind",
             "type"),
    "target": ("cible", "cibles", "target", "targets", "valeur cible", "cible finale", "final target", "objectif chiffre",
               "cible globale", "overall target"),
    "baseline": ("baseline", "valeur de base", "reference", "situation de reference", "valeur de reference",
                 "reference (baseline)", "baseline (reference)", "ligne de base", "situation initiale", "base line"),
    "unit": ("unite", "unit", "unite de mesure", "unit of measure"),
    "code": ("code", "n°", "no", "no.", "ref", "ref.", "numero", "id", "#", "code activite", "activity code",
             "n° activite", "ref activite", "id activite"),
    "objective_code": ("code objectif", "objective code", "n° objectif", "code os"),
    "result_code": ("code resultat", "result code", "n° resultat", "code produit", "output code", "code extrant"),
    "quarters": ("trimestres", "quarters", "trimestres (codes)", "quarters (codes)"),
    "months": ("mois", "months", "mois (codes)", "months (codes)"),
    "status": ("statut", "status", "etat", "etat d'avancement"),
    "place": ("lieu", "lieux", "place", "location", "localisation", "zone", "zones", "zone d'intervention",
              "zones d'intervention", "region(s)", "cercle", "cercles", "geographic area"),
    "start": ("date de debut", "debut", "start date", "start", "date debut", "date de demarrage", "from"),
    "end": ("date de fin", "fin", "end date", "end", "date fin", "date d'achevement", "to", "echeance finale"),
    "level:national": ("national", "nationale"),
    "level:regional": ("regional", "regionale", "region"),
    "level:local": ("local",),
}
# a header starting with one of these (checked in this order)
PREFIXES = (
    ("period_text", ("periode telle", "period as written", "periode (texte)", "period (text)")),
    ("mov", ("moyen de verification", "moyens de verification", "means of verification", "source de verification",
             "sources de verification", "source of verification", "mov")),
    ("indicator", ("indicat", "progress indicator", "performance indicator", "kpi")),
    ("activity", ("activit", "actions", "action ")),
    ("other", ("autres acteurs", "other actor", "autre acteur", "partenaire", "partner", "support", "other partners",
               "appui", "acteurs d'appui", "implementing partner")),
    ("period", ("periode", "period", "timeframe", "time frame", "calendrier", "chronogramme", "echeance", "timeline",
                "duree", "planning")),
    ("result", ("resultat", "expected result", "result", "output", "produit", "extrant")),
    ("objective", ("objectif", "objective", "axe", "axis", "outcome", "effet", "pilier", "pillar")),
    ("level", ("niveau", "level")),
    ("resources", ("ressource", "budget", "resource", "cout", "cost", "moyens", "financement", "funding")),
)
# a header holding one of these words anywhere
WORDS = (
    ("indicator", ("indicateur", "indicator")),
    ("lead", ("lead", "responsab", "en charge", "chef de file", "acteur", "actors", "actor", "in charge",
              "focal point", "point focal", "owner")),
)
MAIN_FIELDS = {
    "objective", "result", "activity", "indicator", "lead", "other", "mov", "period", "level", "resources",
    "kind", "target", "baseline", "unit", "code", "quarters", "place", "status", "period_text", "months",
    "objective_code", "result_code", "start", "end",
}
SUB_FIELDS = ("year", "month", "quarter", "level", "target_year", "target_quarter")
# the fields a user can give a column in the mapping step
CHOICES = (
    "objective", "objective_code", "result", "result_code", "activity", "code", "indicator", "kind", "target",
    "baseline", "unit", "mov", "lead", "other", "level", "place", "period", "start", "end", "quarters", "months",
    "status", "resources",
)

_FOOTNOTE = "¹²³⁴⁵⁶⁷⁸⁹*†"
_YEAR = r"((?:19|20)\d\d)"
_Q = r"(?:[tq]|trim(?:estre)?\.?\s*|quarter\s*)([1-4])"
_QUARTER_FORMS = (
    re.compile(rf"^{_Q}$"),
    re.compile(rf"^{_Q}\s*[-/ ]?\s*{_YEAR}$"),
    re.compile(rf"^{_YEAR}\s*[-/ ]?\s*{_Q}$"),
    re.compile(rf"^([1-4])(?:er|e|eme|st|nd|rd|th)?\s+(?:trimestre|quarter)(?:\s+{_YEAR})?$"),
)


# the same tables, indexed for the look-up (built once)
_EXACT_INDEX = {}
for _name, _words in EXACT.items():
    for _word in _words:
        _EXACT_INDEX.setdefault(_word, _name)
_WORDS_INDEX = tuple((name, re.compile("|".join(re.escape(w) for w in words))) for name, words in WORDS)
_PREFIX_INDEX = re.compile("|".join(f"({'|'.join(re.escape(p) for p in prefixes)})" for _n, prefixes in PREFIXES))
_PREFIX_NAMES = tuple(name for name, _prefixes in PREFIXES)
_SPACES = re.compile(r"\s+")
_YEAR_ONLY = re.compile(_YEAR)
_MONTH_HEADER = re.compile(r"^([a-z]+)\.?(?:\s*[-/ ]\s*((?:19|20)?\d\d))?$")
_TARGET_WORDS = ("cible", "target", "objectif chiffre", "valeur cible")
_TARGET = re.compile(r"^(?:cible|target|objectif chiffre|valeur cible)s?\s*(?:\(|en\s+|for\s+)?(.*?)\)?$")
_BASELINE = re.compile(r"^(?:baseline|reference|valeur de reference|situation de reference|ligne de base)\b")


def normalise(text):
    """A header as compared: folded (no accents, lower case), footnote marks, "(s)" and spaces tidied."""
    f = fold(text).strip().strip(_FOOTNOTE).strip()
    if "’" in f:
        f = f.replace("’", "'")
    if "(" in f:
        f = f.replace("(s)", "s").replace("(es)", "es")
    return _SPACES.sub(" ", f).strip(" :;.")


def quarter_of(f):
    """``(number, year or None)`` for a quarter header in any common spelling, else ``None``."""
    if not f or f[0] not in "tq1234":
        return None
    for k, form in enumerate(_QUARTER_FORMS):
        m = form.match(f)
        if m:
            groups = m.groups()
            if k == 2:
                return int(groups[1]), int(groups[0])
            return int(groups[0]), (int(groups[1]) if len(groups) > 1 and groups[1] else None)
    return None


def month_of(f):
    """``(month, year or None)`` for "Jan", "Janvier 2020", "jan-20"; else ``None``."""
    m = _MONTH_HEADER.match(f)
    if not m:
        return None
    month = month_number(m.group(1))
    if not month:
        return None
    year = m.group(2)
    if year and len(year) == 2:
        year = "20" + year
    return month, int(year) if year else None


def _single(f):
    if not f:
        return None
    if _YEAR_ONLY.fullmatch(f):
        return f"year:{f}"
    quarter = quarter_of(f)
    if quarter:
        return f"quarter:{quarter[0]}"
    month = month_of(f)
    if month:
        return f"month:{month[0]}"
    name = _EXACT_INDEX.get(f)
    if name:
        return name
    # a target or a baseline per period: "Cible 2020", "Target Q1 2021", "Cible T1"
    m = _TARGET.match(f) if f.startswith(_TARGET_WORDS) else None
    if m and m.group(1):
        rest = m.group(1).strip()
        if _YEAR_ONLY.fullmatch(rest):
            return f"target_year:{rest}"
        quarter = quarter_of(rest)
        if quarter and quarter[1]:
            return f"target_quarter:{quarter[1]}-{quarter[0]}"
        if rest in ("finale", "final", "globale", "overall", "totale", "total"):
            return "target"
    if _BASELINE.match(f):
        return "baseline"
    m = _PREFIX_INDEX.match(f)  # PREFIXES, in their order
    if m:
        return _PREFIX_NAMES[m.lastindex - 1]
    for name, words in _WORDS_INDEX:
        if words.search(f):
            return name
    return None


@functools.lru_cache(maxsize=8192)
def header_field(text):
    """The field a header cell names, or ``None`` (headers are short: long texts are data)."""
    if not text or len(text) > 90 or text.count(" ") > 8:
        return None
    f = normalise(text)
    found = _single(f)
    if found is None and "/" in f:  # "Activités / Activities": each half
        for half in f.split("/"):
            found = _single(normalise(half))
            if found:
                break
    return found


@functools.lru_cache(maxsize=8192)
def header_year(text):
    """The year a month or quarter header gives itself ("T1 2019", "Jan-20"), else ``None``."""
    if not text:
        return None
    f = normalise(text)
    quarter = quarter_of(f)
    if quarter:
        return quarter[1]
    month = month_of(f)
    return month[1] if month else None


def is_main(name):
    return name is not None and name.split(":")[0] in MAIN_FIELDS


def is_sub(name):
    return name is not None and name.split(":")[0] in SUB_FIELDS
