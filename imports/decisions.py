"""What the administrator decides before confirming an import: new organisations, indicator rules.

``ImportSession.decisions`` (JSON) holds::

    {"organisations": {"<name as read>": {"action": "accept" | "map" | "drop", "actor": <pk or null>}},
     "indicators": {"<index>": {"text": "<wording>", "aggregation": "sum" | "latest" | "once" | "cumulative",
                                 "sex": bool, "age": bool, "cercle": bool}}}

``organisation_proposals`` and ``indicator_proposals`` compute what the preview shows (with the
suggestion); ``IndicatorRules`` is what the apply writes on the indicators it creates, or on
those the administrator corrected.
"""

from difflib import SequenceMatcher

from indicators import wording
from workplans.models import Actor, ActorAlias, SubClusterAlias
from workplans.text import fold, normalize_name

ACCEPT, MAP, DROP = "accept", "map", "drop"
ACTIONS = (ACCEPT, MAP, DROP)


def known_keys():
    """``{normalized name: Actor}`` over acronyms, actors' aliases and sub-clusters' aliases."""
    by_key = {a.normalized_code: a for a in Actor.objects.all()}
    for alias in ActorAlias.objects.select_related("actor"):
        by_key.setdefault(alias.normalized, alias.actor)
    actor_of_subcluster = {a.subcluster_id: a for a in by_key.values() if a.subcluster_id}
    for alias in SubClusterAlias.objects.all():
        if alias.subcluster_id in actor_of_subcluster:
            by_key.setdefault(alias.normalized, actor_of_subcluster[alias.subcluster_id])
    return by_key


def _suggest(name, actors):
    """The existing organisation ``name`` probably is (similar acronym or full name), or ``None``."""
    key = normalize_name(name)
    best, best_score = None, 0.0
    for actor in actors:
        for candidate in (actor.acronym, actor.name, actor.name_en):
            other = normalize_name(candidate)
            if not other:
                continue
            score = SequenceMatcher(None, key, other).ratio()
            if len(key) >= 3 and (key in other or other in key) and min(len(key), len(other)) >= 3:
                score = max(score, 0.85)
            if score > best_score:
                best, best_score = actor, score
    return best if best_score >= 0.8 else None


def organisation_proposals(parsed, decisions=None):
    """The organisations the file names that the database does not know, each with a suggestion.

    ``[{"name", "activities": n, "suggestion": Actor | None, "action", "actor_id"}]``.
    """
    decisions = (decisions or {}).get("organisations", {})
    by_key = known_keys()
    counts = {}
    for activity in parsed.all_activities():
        for parsed_actor in activity.actors:
            key = normalize_name(parsed_actor.name)
            if key and key not in by_key:
                name = counts.setdefault(key, [parsed_actor.name, 0])
                name[1] += 1
    actors = sorted({a.pk: a for a in by_key.values()}.values(), key=lambda a: a.acronym)
    rows = []
    for name, count in sorted(counts.values(), key=lambda item: fold(item[0])):
        suggestion = _suggest(name, actors)
        decided = decisions.get(name, {})
        action = decided.get("action") or (MAP if suggestion else ACCEPT)
        actor_id = decided.get("actor") or (suggestion.pk if suggestion else None)
        rows.append({"name": name, "activities": count, "suggestion": suggestion, "action": action, "actor_id": actor_id})
    return rows


def inferred(parsed_indicator, plan_dimensions):
    """What the wording (and the plan's note) says: ``{"aggregation", "sex", "age", "cercle", "proposed"}``."""
    dims = wording.disaggregation(parsed_indicator.text)
    proposed = set()
    if plan_dimensions:
        if wording.counts_people(parsed_indicator.text):
            dims |= plan_dimensions
        else:
            proposed = plan_dimensions - dims
    return {
        "aggregation": wording.aggregation(parsed_indicator.text, parsed_indicator.kind),
        "sex": wording.SEX in dims, "age": wording.AGE in dims, "cercle": wording.CERCLE in dims,
        "proposed": sorted(proposed),
    }


def indicator_proposals(parsed, decisions=None):
    """Every indicator of the file with its inferred rule, corrected by the decisions already taken."""
    decided = (decisions or {}).get("indicators", {})
    plan_dimensions = wording.plan_disaggregation(parsed.notes)
    rows = []
    for index, pi in enumerate(parsed.all_indicators()):
        row = {"index": str(index), "text": pi.text, "kind": pi.kind, **inferred(pi, plan_dimensions), "corrected": False}
        choice = decided.get(str(index))
        if choice and choice.get("text") == pi.text:
            row.update({k: choice[k] for k in ("aggregation", "sex", "age", "cercle") if k in choice})
            row["corrected"] = True
        rows.append(row)
    return rows


class IndicatorRules:
    """The aggregation and breakdowns to write on an indicator, one at a time, read from the wording
    only when asked (the diff asks for the indicators it creates and those the administrator corrected)."""

    def __init__(self, parsed, decisions=None):
        self.decided = (decisions or {}).get("indicators", {})
        self.index = {id(pi): str(k) for k, pi in enumerate(parsed.all_indicators())} if self.decided else {}
        self.parsed = parsed
        self._dimensions = None

    def plan_dimensions(self):
        if self._dimensions is None:
            self._dimensions = wording.plan_disaggregation(self.parsed.notes)
        return self._dimensions

    def inferred(self, pi):
        """The model fields the wording (and the plan's note) gives."""
        # ``inferred`` without what only the review page shows (the proposed breakdowns): once an indicator
        plan_dimensions = self.plan_dimensions()
        dims = wording.disaggregation(pi.text)
        if plan_dimensions and wording.counts_people(pi.text):
            dims |= plan_dimensions
        return {"aggregation": wording.aggregation(pi.text, pi.kind), "disaggregate_sex": wording.SEX in dims,
                "disaggregate_age": wording.AGE in dims, "disaggregate_cercle": wording.CERCLE in dims}

    def corrected(self, pi):
        """The model fields the administrator chose for ``pi``, or ``None``."""
        choice = self.decided.get(self.index.get(id(pi), ""))
        if not choice or choice.get("text") != pi.text:
            return None
        fields = self.inferred(pi)
        names = {"aggregation": "aggregation", "sex": "disaggregate_sex", "age": "disaggregate_age",
                 "cercle": "disaggregate_cercle"}
        fields.update({names[k]: choice[k] for k in names if k in choice})
        return fields


def organisation_choice(decisions, name):
    """``(action, actor pk)`` decided for a name the database does not know (default: accept)."""
    decided = (decisions or {}).get("organisations", {}).get(name) or {}
    return decided.get("action") or ACCEPT, decided.get("actor")


AGGREGATIONS = ("sum", "cumulative", "latest", "once")


def import_decisions_save(session, parsed, data):
    """Store the administrator's choices posted from the preview (``data``: a QueryDict).

    Organisations: ``org-<n>-action`` (accept | map | drop) and ``org-<n>-actor`` for the n-th
    proposal; indicators: ``ind-<index>-aggregation`` and ``ind-<index>-sex|age|cercle``.
    Returns a list of translated errors (nothing is stored when there is one).
    """
    from django.utils.translation import gettext as _

    errors = []
    organisations = {}
    actor_ids = set(Actor.objects.values_list("pk", flat=True))
    for n, row in enumerate(organisation_proposals(parsed, session.decisions)):
        action = data.get(f"org-{n}-action", row["action"])
        if action not in ACTIONS:
            errors.append(_("“%(name)s”: choose accept, map or drop.") % {"name": row["name"]})
            continue
        actor = data.get(f"org-{n}-actor") or None
        if action == MAP:
            try:
                actor = int(actor)
            except (TypeError, ValueError):
                actor = None
            if actor not in actor_ids:
                errors.append(_("“%(name)s”: choose the existing organisation it is.") % {"name": row["name"]})
                continue
        organisations[row["name"]] = {"action": action, "actor": actor if action == MAP else None}
    indicators = {}
    for row in indicator_proposals(parsed, session.decisions):
        prefix = f"ind-{row['index']}-"
        if prefix + "aggregation" not in data:
            if row["corrected"]:
                indicators[row["index"]] = {k: row[k] for k in ("text", "aggregation", "sex", "age", "cercle")}
            continue
        aggregation = data.get(prefix + "aggregation")
        if aggregation not in AGGREGATIONS:
            errors.append(_("Indicator “%(text)s”: unknown way of adding up quarters.") % {"text": row["text"][:60]})
            continue
        chosen = {"aggregation": aggregation, **{d: bool(data.get(prefix + d)) for d in ("sex", "age", "cercle")}}
        if any(chosen[k] != row[k] for k in chosen) or row["corrected"]:
            indicators[row["index"]] = {"text": row["text"], **chosen}
    if errors:
        return errors
    session.decisions = {"organisations": organisations, "indicators": indicators}
    session.save(update_fields=["decisions"])
    return []
