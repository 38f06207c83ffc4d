"""Splitting a cell of responsible organisations into organisations and role notes.

``split_organisations(text)`` → ``[(name, note)]``. It knows the organisations of the reference
list (``workplans.reference``: acronyms, aliases, full names; the cluster's sub-clusters and
thematic groups), so that

* a run of known names splits without separators ("UNCT MINUSMA" → UNCT, MINUSMA);
* a phrase naming a body resolves to that body, the rest being its role note
  ("les ONG membres du sous cluster VSG" → SCVBG, "les ONG membres");
* a sentence fragment, a period token ("Q3") or function words never become an organisation:
  a fragment continues the note of the organisation before it; people of the cluster
  ("Membres du cluster", "coordonnateur", "Acteurs impliqués dans …") are the cluster (CP);
* an unknown acronym-like name (capitals: "HSL", "CT-Outils") is kept as a new organisation,
  with what surrounds it as its note.

The database is not read here (the parser works without it); names are resolved to actors at
commit time (``imports.services``).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from workplans.reference import vocabulary
from workplans.text import fold, normalize_name

from .values import LEAD_NOTES, SUPPORT_NOTES

CLUSTER = "CP"
_PAREN = re.compile(r"\(([^()]*)\)")
_STRONG = re.compile(r"\s*(?:,|;|&|\n|\+(?=\s)|/)\s*")
_SMALL_SLASH = re.compile(r"\b([a-zà-ÿ]{1,4})/([a-zà-ÿ]{1,4})\b")
_ET = re.compile(r"\s+(?:et|and)\s+", re.IGNORECASE)
_WORD = re.compile(r"\x00\d+\x00|[^\s]+")
_PERIOD = re.compile(r"^(?:[qt][1-4](?:\s*[-–]\s*[qt][1-4])?|s[12]|(?:19|20)\d\d)$")
FUNCTION_WORDS = {
    "le", "la", "les", "l", "de", "du", "des", "d", "et", "ou", "a", "au", "aux", "en", "pour", "par", "avec", "sur", "dans",
    "un", "une", "son", "sa", "ses", "leur", "leurs", "tout", "tous", "toute", "toutes", "the", "of", "and", "or", "for",
    "with", "in", "on", "by", "to", "all", "its", "their",
}
# words naming the cluster's own people: a phrase made of them (and no body) is the cluster
PEOPLE = ("membre", "coordinat", "coordonnat", "coordination", "acteur", "cluster", "enumerat", "ennumerat",
          "point focal", "points focaux", "equipe de coordination", "comite")
# sub-units and functions that are notes of the organisation they follow, never organisations
UNITS = {"dh", "poc", "pi", "cmcoord", "dhp", "cad", "oswpa", "pe"}
# generic words written in capitals that name no one organisation
GENERIC = {"ong", "ongs", "ngo", "ngos", "ongi", "ongn", "osc", "un", "onu", "etat", "pdi", "idp", "ok"}


@lru_cache(maxsize=1)
def _vocabulary():
    table = vocabulary()
    return table, 12  # the longest name looked for, in words


def _is_acronym(word):
    """A name written like an organisation's acronym: capitals, maybe digits, hyphens, ampersand."""
    bare = word.strip(".,:;!?'’\"")
    if len(bare) < 2 or not bare[0].isupper():
        return False
    head = re.split(r"[-/]", bare)[0]
    return len(head) >= 2 and head.isupper() and any(c.isalpha() for c in head)


def _clean_note(words):
    """Words → a note; leading/trailing function words and punctuation dropped."""
    while words and fold(words[0]).strip(".,:;-–'’") in FUNCTION_WORDS | {""}:
        words = words[1:]
    while words and fold(words[-1]).strip(".,:;-–'’") in FUNCTION_WORDS | {""}:
        words = words[:-1]
    text = " ".join(words).strip(" -–:.,;")
    return re.sub(r"\s+", " ", text)


def _known(words, start, short_ok):
    """The longest known name starting at ``words[start]``: ``(acronym, end)`` or ``None``."""
    table, longest = _vocabulary()
    for end in range(min(len(words), start + longest + 3), start, -1):
        chunk = words[start:end]
        if any(w.startswith("\x00") for w in chunk):
            continue
        key = normalize_name(" ".join(chunk))
        if key in table:
            if len(key) <= 3 and not all(w.isupper() or not w.isalpha() for w in chunk if w.strip("-")):
                continue  # a short code must be written in capitals ("on", "pi" are words)
            if not short_ok and len(key) <= 3 and end - start == 1 and fold(chunk[0]) in UNITS:
                continue
            return table[key], end
    return None


def _expandable(note):
    """The organisations a parenthesis names, when it names known ones and is no tentative "(+X?)"."""
    if note.startswith("+") or "?" in note:
        return None
    inner = split_organisations(note)
    table, _longest = _vocabulary()
    if inner and any(normalize_name(name) in table for name, _note in inner):
        return inner
    return None


def split_organisations(text):
    """``[(name, note)]`` from an actors cell; see the module's docstring."""
    if not text or not str(text).strip():
        return []
    return list(_split_organisations(str(text)))


MAX_NAME = 120


@dataclass(frozen=True, slots=True)
class ActorReading:
    """One organisation of an actors cell, with its role (the tree's ``ParsedActor`` is made from it)."""

    name: str  # at most MAX_NAME characters
    role: str  # lead | support
    note: str
    key: str  # the folded name, to tell the same organisation twice in one activity
    cut: str = ""  # the whole name, when it was too long and cut


def note_role(note, role):
    """The role a note gives ("chef de file" → lead, "(appui)" → support), else ``role`` (the column's)."""
    folded_note = fold(note)
    if any(w in folded_note for w in LEAD_NOTES):
        return "lead"
    if folded_note.strip() in SUPPORT_NOTES or folded_note.startswith(SUPPORT_NOTES):
        return "support"
    return role


@lru_cache(maxsize=8192)
def organisations_with_roles(line, role):
    """``(ActorReading, …)`` of one line of an actors cell, ``role`` being the column's (lead or support).

    Remembered: the same cells come back row after row."""
    out = []
    for name, note in _split_organisations(line) if line and line.strip() else ():
        cut = name if len(name) > MAX_NAME else ""
        name = name[:MAX_NAME]
        out.append(ActorReading(name, note_role(note, role), note[:200], fold(name), cut))
    return tuple(out)


@lru_cache(maxsize=8192)
def organisations_of_lines(lines, role):
    """``(readings, cut)`` for the lines (a tuple) of an actors cell given to one activity: each
    organisation once (same name and role), and the names too long that were cut, in order."""
    readings, seen, cut = [], set(), []
    for line in lines:
        for actor in organisations_with_roles(line, role):
            if actor.cut:
                cut.append(actor.cut)
            if (actor.key, actor.role) not in seen:
                seen.add((actor.key, actor.role))
                readings.append(actor)
    return tuple(readings), tuple(cut)


@lru_cache(maxsize=8192)
def _split_organisations(text):
    notes = []

    def keep(match):
        notes.append(match.group(1).strip())
        return f" \x00{len(notes) - 1}\x00 "

    protected = _PAREN.sub(keep, str(text))
    protected = _SMALL_SLASH.sub(lambda m: f"{m.group(1)}\x01{m.group(2)}", protected)
    pieces = [p for p in _STRONG.split(protected) if p and p.strip()]
    result = []  # [name, [notes]]
    for piece in pieces:
        # "X et Y": split when both sides name something; else one phrase ("la collecte et l'analyse")
        parts = _ET.split(piece)
        if len(parts) > 1 and not all(_names_something(p, notes) for p in parts):
            parts = [piece]
        for part in parts:
            items, fragment = _scan_items(part, notes)
            if items:
                for name, note_words, _new in items:
                    _merge(result, name, "; ".join(note_words))
                continue
            phrase = _clean_note(fragment or [])
            if not phrase or all(fold(w).strip(".,'’") in FUNCTION_WORDS for w in phrase.split()):
                continue
            folded = fold(phrase)
            if result and all(fold(w).strip(".,:;") in UNITS for w in phrase.split()):
                result[-1][1].append(phrase)  # "MINUSMA/DH"
            elif any(word in folded for word in PEOPLE):
                _merge(result, CLUSTER, phrase)
            elif result and (phrase[0].islower() or phrase.split()[0].lower() in FUNCTION_WORDS):
                # a fragment continues the note of the organisation before it
                result[-1][1].append(phrase)
            elif phrase[0].isupper() and len(phrase.split()) <= 4:
                _merge(result, phrase, "")  # a name the list does not know: proposed as new
            elif result:
                result[-1][1].append(phrase)
            else:
                _merge(result, CLUSTER, phrase)
    return tuple((name, "; ".join(dict.fromkeys(n.replace("\x01", "/") for n in note if n))[:200]) for name, note in result)


def _merge(result, name, note):
    for item in result:
        if normalize_name(item[0]) == normalize_name(name):
            if note:
                item[1].append(note)
            return
    result.append([name, [note] if note else []])


def _names_something(part, notes):
    items, _fragment = _scan_items(part, notes)
    return bool(items)


def _scan_items(part, notes):
    words = _WORD.findall(part)
    items, pending = [], []
    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith("\x00"):
            note = notes[int(word.strip("\x00"))]
            inner = _expandable(note) if not items else None
            if inner:
                lead = _clean_note(pending)
                for name, inner_note in inner:
                    items.append([name, [n for n in (lead, inner_note) if n], False])
                pending = []
            elif items:
                items[-1][1].append(note)
            else:
                pending.append(note)
            i += 1
            continue
        if items and fold(word).strip(".,:;") in UNITS:
            items[-1][1].append(word)
            i += 1
            continue
        found = _known(words, i, short_ok=True)
        if found:
            name, end = found
            item = next((it for it in items if it[0] == name), None)
            if item is None:
                item = [name, [], False]
                items.append(item)
            lead = _clean_note(pending)
            if lead:
                item[1].insert(0, lead)
            pending = []
            i = end
            continue
        bare = word.strip(".,:;!?")
        if _PERIOD.match(fold(bare)):
            i += 1
            continue
        if _is_acronym(bare) and fold(bare) not in UNITS | GENERIC:
            item = [bare, [], True]
            items.append(item)
            lead = _clean_note(pending)
            if lead:
                item[1].append(lead)
            pending = []
            i += 1
            continue
        if items:
            items[-1][1].append(word)
        else:
            pending.append(word)
        i += 1
    if not items:
        return [], pending
    # words after an organisation are one note, not one note per word
    for item in items:
        item[1] = _group(item[1], notes)
    return items, None


def _group(words, notes):
    """Notes from a parenthesis stay whole; loose words after a name become one phrase."""
    out, run = [], []
    for w in words:
        if w in notes or " " in w:
            if run:
                out.append(_clean_note(run))
                run = []
            out.append(w)
        else:
            run.append(w)
    if run:
        out.append(_clean_note(run))
    return [o for o in out if o]


def fill_missing_organisations(plan):
    """An activity with indicators but no responsible organisation (a "-" in the plan) takes those of
    the activity above it in the same objective or result, with a warning: every indicator needs
    organisations that can report it."""
    from django.utils.translation import gettext as _

    from .errors import ImportWarning
    from .tree import ParsedActor

    def groups():
        for objective in plan.all_objectives():
            yield objective.activities
            for result in objective.results:
                yield result.activities

    for activities in groups():
        previous = None
        for activity in activities:
            if activity.actors:
                previous = activity
                continue
            if not activity.indicators or previous is None:
                continue
            activity.actors = [ParsedActor(a.name, a.role, a.note) for a in previous.actors]
            sheet, _sep, cell = activity.ref.partition("!")
            row = int("".join(ch for ch in cell if ch.isdigit()) or 0) or None
            plan.warnings.append(ImportWarning(
                sheet, row, "", _("No responsible organisation: those of the activity above (%(code)s) are used, "
                                  "so that its indicators can be reported.") % {"code": previous.code or previous.title[:40]},
                cell))
