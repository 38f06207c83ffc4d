"""What an indicator's wording says about how it is collected and how its quarters add up.

* ``disaggregation(text)``: the breakdowns the wording asks for, in French or English
  ("désagrégé(e)s par sexe / genre / âge / cercle / région", "ventilé par …",
  "disaggregated by sex, age, location") → a set of ``"sex"``, ``"age"``, ``"cercle"``.
* ``plan_disaggregation(notes)``: the same, from a plan's note applying to all its indicators
  ("Les indicateurs doivent être collectés … avec une désagrégation par sexe, par âge et par cercle").
* ``counts_people(text)``: the indicator counts people (then a plan-wide note switches the
  breakdowns on; for the others it is only proposed).
* ``aggregation(text, kind)``: how quarters add up — ``"sum"`` for a count of things done,
  ``"latest"`` for a stock or a state ("comités mis en place et opérationnels", "mécanismes
  fonctionnels") and for a percentage, ``"once"`` for a single deliverable ("1 note
  méthodologique", "Un guide … est disponible").

Plain functions of text: no database, no model import (the importer and the views call them).
"""

import re

from workplans.text import fold

SEX, AGE, CERCLE = "sex", "age", "cercle"
SUM, LATEST, ONCE = "sum", "latest", "once"

_TRIGGER = re.compile(
    r"desag+reg\w*|ventil\w*|disag+regat\w*|dis-aggregat\w*|broken down|breakdown|"
    r"\bpar (?:sexe|genre|age|tranche d.age|cercle|region)\b|\bby (?:sex|gender|age|location|region)\b"
)
_DIMENSIONS = {
    SEX: re.compile(r"\b(?:sexe|genre|sex|gender)\b"),
    AGE: re.compile(r"\b(?:age|ages|tranches? d.age|groupes? d.age)\b"),
    CERCLE: re.compile(r"\b(?:cercles?|regions?|localites?|locations?|lieux?|communes?|districts?|zones?|"
                       r"geographi\w*|provinces?|sites?)\b"),
}
_PEOPLE = re.compile(
    r"\b(?:personnes?|individus?|participant\w*|beneficiaires?|enfants?|femmes?|filles?|garcons?|hommes?|"
    r"survivant\w*|victimes?|pdi|deplace\w*|refugie\w*|rapatrie\w*|retourne\w*|menages?|moniteurs?|"
    r"points? focaux|point focal|membres?|acteurs?|agents?|leaders?|jeunes|eleves|people|persons?|individuals?|"
    r"children|women|girls|boys|men|survivors?|households?|idps?|refugees?|returnees?|staff|members?)\b"
)
_STATE = re.compile(
    r"\b(?:operationnel\w*|fonctionnel\w*|functional|operational|actifs?|actives?|en fonction|existant\w*|"
    r"in place and|en place et)\b"
)
_SINGLE = re.compile(r"^(?:1|01|un|une|a|an|one)\s+(?!de\b|des\b|of\b)")
_DELIVERED = re.compile(
    r"\b(?:est|sont|is|are)\s+(?:\w+\s+)?(?:disponibles?|elabore\w*|valide\w*|adopte\w*|produit\w*|publie\w*|"
    r"finalise\w*|organise\w*|realise\w*|mis\w* en place|available|developed|validated|adopted|produced|"
    r"published|finali[sz]ed|held|established)\b"
)
_PERCENT = re.compile(r"^(?:%|pourcentage\b|taux\b|percentage\b|proportion\b|rate\b|part\b)|^\d+(?:[.,]\d+)?\s*%")
_COUNTED = re.compile(r"^(?:#|n°|nombre|nb|number|no\.)?\s*(?:\d[\d\s.,-]*)?\s*(?:de |d'|d’|of )?\s*(?:les |des |la |le |l')?")


def disaggregation(text):
    """The breakdowns ``text`` asks for: a set of ``sex``, ``age``, ``cercle``."""
    folded = fold(text)
    found = set()
    for trigger in _TRIGGER.finditer(folded):
        window = folded[trigger.start():trigger.end() + 120]
        for dimension, pattern in _DIMENSIONS.items():
            if pattern.search(window):
                found.add(dimension)
    return found


def plan_disaggregation(notes):
    """The breakdowns a plan's note asks of all its indicators (a set, maybe empty)."""
    found = set()
    for note in notes or []:
        folded = fold(note)
        if re.search(r"\bindicat\w*", folded) and _TRIGGER.search(folded):
            found |= disaggregation(note)
    return found


def counts_people(text):
    """The indicator counts people (participants, children, survivors, members…)."""
    folded = " ".join(fold(text).split())
    head = _COUNTED.sub("", folded, count=1)
    return bool(_PEOPLE.match(head)) and not _PERCENT.search(folded)


def aggregation(text, kind="number"):
    """``"sum"``, ``"latest"`` or ``"once"``: how the quarters of this indicator add up."""
    folded = " ".join(fold(text).split()).lstrip("-–•* ").strip()
    if kind == "percent" or _PERCENT.search(folded):
        return LATEST
    single, delivered = bool(_SINGLE.match(folded)), bool(_DELIVERED.search(folded))
    if single and delivered:
        return ONCE  # "Un guide … est disponible"
    if _STATE.search(folded):
        return LATEST  # "comités mis en place et opérationnels"
    if single or (kind in ("yes_no", "text") and delivered):
        return ONCE  # "1 note méthodologique"
    if kind in ("yes_no", "text"):
        return LATEST
    return SUM
