"""The import's diff: a parsed plan + a snapshot of the plan's rows → the changes to apply.

Plain Python: no database access and no model instance. ``imports.services.workplan_snapshot``
loads the ``Snapshot`` (a few ``values()`` queries); the preview shows the ``Changes`` and
writes nothing; ``imports.services.workplan_import_commit`` applies them in one transaction.

What a re-import keeps (each existing row is matched at most once):

- objectives, level by level: by code, else by wording (case, accents and spaces aside);
- expected results: by (objective, code), else by wording anywhere in the plan;
- activities: by code where the file has a code column, else by wording;
- indicators: by (owner, wording), else by wording anywhere in the plan;
- activities and indicators no longer in the file are archived (never deleted); their quarter
  and organisation links go; an indicator saved before keeps its aggregation and breakdowns
  unless the administrator corrected them in the preview;
- phased targets (per quarter, no place): an indicator whose row gives some gets exactly those;
  one whose row gives none keeps what it has (entered by hand);
- a re-import of the same file changes nothing, and so writes nothing.

Rows created by the import are ``New`` references: the apply fills their ``pk`` once inserted,
and every value pointing at them (a parent, an owner) is read through ``pk_of``.
"""

from dataclasses import dataclass, field

from workplans.models import Quarter
from workplans.text import fold, normalize_name

from .decisions import DROP, MAP, IndicatorRules, organisation_choice

SHOWN_FIELDS = {"code", "title", "text", "level", "place", "resources", "status", "period_text", "kind", "target",
                "baseline", "unit", "means_of_verification"}
MAX_CHANGES_SHOWN = 500
KINDS = ("objectives", "results", "activities", "indicators")


class New:
    """A row the apply creates; ``pk`` is set once it is inserted."""

    __slots__ = ("pk",)

    def __init__(self):
        self.pk = None

    def __repr__(self):
        return f"New({self.pk})"


def pk_of(value):
    return value.pk if value.__class__ is New else value


def match_key(text):
    """Wording as matched: case, accents and runs of spaces aside."""
    return " ".join(fold(text).split())


def activity_search_text(code, title, place):
    """``Activity.build_search_text`` of these values (the same words, folded)."""
    return fold(" ".join([code, title, place]))


@dataclass
class Snapshot:
    """The plan's rows as they are: plain dicts and tuples (``imports.services.workplan_snapshot``)."""

    workplan: dict | None = None  # id, title, cluster_id, start_date, end_date, notes
    default_cluster_id: int | None = None  # a new plan's cluster when none is given
    objectives: list = field(default_factory=list)  # dicts: id, code, title, order, parent_id
    results: list = field(default_factory=list)  # dicts: id, objective_id, code, title, order
    activities: list = field(default_factory=list)  # dicts: ACTIVITY_FIELDS + id, search_text
    indicators: list = field(default_factory=list)  # dicts: INDICATOR_FIELDS + RULE_FIELDS + id
    quarter_links: list = field(default_factory=list)  # (id, activity_id, quarter_id)
    actor_links: list = field(default_factory=list)  # (id, activity_id, actor_id, role, role_note, order)
    targets: list = field(default_factory=list)  # (id, indicator_id, quarter_id, value): no place
    quarters: dict = field(default_factory=dict)  # (year, number) → id
    actor_keys: dict = field(default_factory=dict)  # normalised name (acronym or alias) → actor id
    actor_ids: set = field(default_factory=set)


ACTIVITY_FIELDS = ("objective_id", "result_id", "code", "title", "level", "place", "resources", "status",
                   "period_text", "months", "order", "archived_at")
INDICATOR_FIELDS = ("activity_id", "result_id", "objective_id", "code", "text", "kind", "target", "baseline", "unit",
                    "means_of_verification", "order", "archived_at")
RULE_FIELDS = ("aggregation", "disaggregate_sex", "disaggregate_age", "disaggregate_cercle")


@dataclass
class Table:
    """One table's changes: rows to create ``(New, values)``, to update ``(pk, values)`` (every field
    the import writes, as it will be), and to retire (archived or deleted: pks)."""

    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    retire: list = field(default_factory=list)


@dataclass
class Changes:
    """What an import changes; ``summary()`` says it in counts and rows old → new."""

    workplan: object = None  # the plan's id, or New
    plan_create: dict | None = None
    plan_update: dict = field(default_factory=dict)  # the plan's fields that differ
    objectives: list = field(default_factory=list)  # one Table per level (children after parents)
    results: Table = field(default_factory=Table)
    activities: Table = field(default_factory=Table)
    indicators: Table = field(default_factory=Table)
    quarter_links: Table = field(default_factory=Table)  # create: (activity, (year, number))
    actor_links: Table = field(default_factory=Table)  # create: (activity, actor, role, note, order)
    targets: Table = field(default_factory=Table)  # create: (indicator, (year, number), value); update: (pk, value)
    new_actors: list = field(default_factory=list)  # (New, acronym, normalised name)
    quarter_range: tuple | None = None  # (first, last) when a quarter the rows need does not exist yet
    created: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    updated: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    archived_activities: list = field(default_factory=list)  # titles
    archived_indicators: list = field(default_factory=list)  # texts
    shown: list = field(default_factory=list)  # (row, field, old, new), at most MAX_CHANGES_SHOWN

    @property
    def changed(self):
        return bool(any(self.created.values()) or any(self.updated.values()) or self.archived_activities
                    or self.archived_indicators or self.new_actors)

    def summary(self, workplan=None, dry_run=False):
        return ImportSummary(
            workplan=workplan, created=dict(self.created), updated=dict(self.updated),
            archived_activities=list(self.archived_activities), archived_indicators=list(self.archived_indicators),
            new_actors=sorted(acronym for _ref, acronym, _key in self.new_actors), changes=list(self.shown),
            dry_run=dry_run)


@dataclass
class ImportSummary:
    workplan: object = None
    created: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    updated: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    archived_activities: list = field(default_factory=list)  # titles
    archived_indicators: list = field(default_factory=list)
    new_actors: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # (row, field, old, new) of the rows updated in place
    dry_run: bool = False

    @property
    def changed(self):
        return bool(any(self.created.values()) or any(self.updated.values()) or self.archived_activities
                    or self.archived_indicators or self.new_actors)


def plan_values(parsed, slug, title=None):
    """The plan's own fields as the file gives them (its cluster aside)."""
    return {
        "title": (title or parsed.title or slug)[:300],
        "start_date": Quarter.dates_of(*parsed.start)[0] if parsed.start else None,
        "end_date": Quarter.dates_of(*parsed.end)[1] if parsed.end else None,
        "notes": "\n".join(parsed.notes),
    }


def diff(parsed, snapshot, slug, title=None, cluster_id=None, decisions=None):
    """The ``Changes`` that make the plan of ``snapshot`` what ``parsed`` says.

    ``cluster_id``: the plan's cluster when given; else an existing plan keeps its own and a new
    one gets ``snapshot.default_cluster_id``. ``decisions``: the administrator's choices in the
    preview (``imports.decisions``)."""
    return _Diff(parsed, snapshot, decisions).run(slug, title, cluster_id)


class _Diff:
    def __init__(self, parsed, snapshot, decisions):
        self.parsed, self.snap, self.decisions = parsed, snapshot, decisions
        self.c = Changes()
        self.objective_of, self.result_of, self.activity_of = {}, {}, {}  # id(parsed) → pk or New
        self.placed = []  # (parsed activity, objective, result) in the file's order
        self.link_changed = set()  # activities whose quarters or organisations change
        self._keys, self._actor_of = {}, {}

    def run(self, slug, title, cluster_id):
        self.plan(slug, title, cluster_id)
        self.objectives()
        self.results()
        self.activities()
        self.quarters()
        self.actors()
        self.indicators()
        self.targets()
        return self.c

    # --- helpers ---------------------------------------------------------------------------
    def key(self, text):
        """``match_key`` remembered: a re-import folds the same wordings on both sides."""
        found = self._keys.get(text)
        if found is None:
            found = self._keys[text] = match_key(text)
        return found

    def compare(self, row, values, label):
        """The fields of ``values`` that differ from ``row``; the shown ones are listed old → new."""
        differ = {}
        for name, value in values.items():
            old = row[name]
            if old != value:
                differ[name] = value
                if name in SHOWN_FIELDS and len(self.c.shown) < MAX_CHANGES_SHOWN:
                    self.c.shown.append((label, name, "" if old is None else str(old), "" if value is None else str(value)))
        return differ

    # --- the plan --------------------------------------------------------------------------
    def plan(self, slug, title, cluster_id):
        values = plan_values(self.parsed, slug, title)
        current = self.snap.workplan
        if current is None:
            self.c.workplan = New()
            self.c.plan_create = {**values, "slug": slug, "cluster_id": cluster_id or self.snap.default_cluster_id}
            return
        self.c.workplan = current["id"]
        if cluster_id:
            values["cluster_id"] = cluster_id
        self.c.plan_update = {name: value for name, value in values.items() if current[name] != value}

    # --- objectives (several levels), results ------------------------------------------------
    def objectives(self):
        rows = self.snap.objectives
        by_code = {o["code"]: o for o in rows if o["code"]}
        by_title = {}
        for o in rows:
            by_title.setdefault(self.key(o["title"]), o)
        used = set()
        level = [(p, None, k) for k, p in enumerate(self.parsed.objectives)]
        while level:
            table = Table()
            for parsed_objective, parent, order in level:
                row = by_code.get(parsed_objective.code)
                if row is None or row["id"] in used:
                    row = by_title.get(self.key(parsed_objective.title))
                values = {"code": parsed_objective.code, "title": parsed_objective.title, "order": order,
                          "parent_id": self.objective_of[id(parent)] if parent is not None else None}
                self.objective_of[id(parsed_objective)] = self.row(table, "objectives", row, used, values)
            self.c.objectives.append(table)
            level = [(child, p, k) for p, _parent, _order in level for k, child in enumerate(p.objectives)]

    def row(self, table, kind, row, used, values, label=None):
        """Create or update one objective or result: its pk or ``New``."""
        if row is not None and row["id"] in used:
            row = None
        if row is None:
            ref = New()
            table.create.append((ref, values))
            self.c.created[kind] += 1
            return ref
        used.add(row["id"])
        if self.compare(row, values, label or f"{row['code']} {row['title']}"[:120]):
            table.update.append((row["id"], values))
            self.c.updated[kind] += 1
        return row["id"]

    def results(self):
        rows = self.snap.results
        by_code = {(r["objective_id"], r["code"]): r for r in rows}
        by_title = {}
        for r in rows:
            by_title.setdefault(self.key(r["title"]), r)
        used = set()
        for parsed_objective in self.parsed.all_objectives():
            objective = self.objective_of[id(parsed_objective)]
            for order, parsed_result in enumerate(parsed_objective.results):
                row = by_code.get((objective, parsed_result.code))
                if row is None or row["id"] in used:
                    row = by_title.get(self.key(parsed_result.title))
                values = {"objective_id": objective, "code": parsed_result.code, "title": parsed_result.title,
                          "order": order}
                self.result_of[id(parsed_result)] = self.row(self.c.results, "results", row, used, values)

    # --- activities ----------------------------------------------------------------------------
    def activities(self):
        by_title, by_code = {}, {}
        for a in self.snap.activities:
            by_title.setdefault(self.key(a["title"]), []).append(a)
            by_code.setdefault(a["code"], []).append(a)
        for parsed_objective in self.parsed.all_objectives():
            objective = self.objective_of[id(parsed_objective)]
            self.placed.extend((a, objective, None) for a in parsed_objective.activities)
            for parsed_result in parsed_objective.results:
                result = self.result_of[id(parsed_result)]
                self.placed.extend((a, objective, result) for a in parsed_result.activities)
        used = set()
        for order, (pa, objective, result) in enumerate(self.placed):
            # stable keys: an explicit code (a Code column, as in our own export), else the wording
            row = None
            if by_title:  # a new plan has nothing to match: no wording to fold
                candidates = (by_code.get(pa.code, []) if pa.explicit_code else []) + by_title.get(self.key(pa.title), [])
                row = next((a for a in candidates if a["id"] not in used), None)
            values = {"objective_id": objective, "result_id": result, "code": pa.code, "title": pa.title,
                      "level": pa.level, "place": pa.place, "resources": pa.resources, "status": pa.status,
                      "period_text": pa.period_text[:300], "months": pa.months, "order": order, "archived_at": None}
            self.activity_of[id(pa)] = self.activity(row, values, pa.ref[:100], used)
        for a in self.snap.activities:
            if a["id"] not in used and a["archived_at"] is None:
                self.c.activities.retire.append(a["id"])
                self.c.archived_activities.append(a["title"])

    def activity(self, row, values, ref, used):
        search = activity_search_text(values["code"], values["title"], values["place"])
        if row is None:
            new = New()
            values["search_text"], values["source_ref"] = search, ref  # ``values`` is this row's own dict
            self.c.activities.create.append((new, values))
            self.c.created["activities"] += 1
            return new
        used.add(row["id"])
        changed = self.compare(row, values, f"{row['code']} {row['title']}"[:120])
        if changed or row["search_text"] != search:  # where the row was read is recorded with a real change
            self.c.activities.update.append((row["id"], {**values, "search_text": search, "source_ref": ref}))
            self.c.updated["activities"] += 1
        return row["id"]

    # --- links: quarters, organisations --------------------------------------------------------
    def quarters(self):
        pair_of = {pk: pair for pair, pk in self.snap.quarters.items()}
        current = {(a, pair_of[q]): link for link, a, q in self.snap.quarter_links}
        create, wanted, pairs = self.c.quarter_links.create, set(), set()
        for pa, _o, _r in self.placed:
            activity = self.activity_of[id(pa)]
            mine = dict.fromkeys(map(tuple, pa.quarters))  # in order, once each
            pairs.update(mine)
            if isinstance(activity, New):  # a new activity: every link is new
                create.extend((activity, pair) for pair in mine)
                continue
            for pair in mine:
                wanted.add((activity, pair))
                if (activity, pair) not in current:
                    create.append((activity, pair))
        self.c.quarter_links.retire = [link for key, link in current.items() if key not in wanted]
        self.link_changed = {a for a, _pair in create}
        self.link_changed |= {key[0] for key in current if key not in wanted}
        self.needs_quarters(pairs)

    def needs_quarters(self, pairs):
        """Quarters from the first to the last pair must exist (``Quarter.objects.ensure_range``)."""
        if not pairs:
            return
        first, last = min(pairs), max(pairs)
        if self.c.quarter_range:
            first, last = min(first, self.c.quarter_range[0]), max(last, self.c.quarter_range[1])
        ordinals = range(Quarter.ordinal_of(*first), Quarter.ordinal_of(*last) + 1)
        if self.c.quarter_range or any(Quarter.from_ordinal(o) not in self.snap.quarters for o in ordinals):
            self.c.quarter_range = (first, last)

    def actor(self, name, new_by_key):
        """The actor ``name`` is (a pk or ``New``), or ``None`` when the administrator dropped it."""
        if name in self._actor_of:  # a plan names a few organisations many times
            return self._actor_of[name]
        found = self._actor_of[name] = self._find_actor(name, new_by_key)
        return found

    def _find_actor(self, name, new_by_key):
        key = normalize_name(name)
        if not key:
            return None
        if key in self.snap.actor_keys:
            return self.snap.actor_keys[key]
        action, actor_pk = organisation_choice(self.decisions, name)
        if action == DROP:
            return None
        if action == MAP and actor_pk in self.snap.actor_ids:
            return actor_pk
        if key not in new_by_key:
            new_by_key[key] = New()
            self.c.new_actors.append((new_by_key[key], name[:120], key))
        return new_by_key[key]

    def actors(self):
        new_by_key, wanted = {}, {}
        actor_of, activity_of = self._actor_of, self.activity_of
        for pa, _o, _r in self.placed:
            activity = activity_of[id(pa)]
            for order, parsed_actor in enumerate(pa.actors):
                name = parsed_actor.name
                actor = actor_of[name] if name in actor_of else self.actor(name, new_by_key)  # ``actor``'s memo, inline
                if actor is not None:
                    wanted.setdefault((activity, actor, parsed_actor.role), (parsed_actor.note, order))
        existing = {(a, actor, role): (link, note, order) for link, a, actor, role, note, order in self.snap.actor_links}
        links = self.c.actor_links
        for key, (note, order) in wanted.items():
            found = existing.get(key)
            if found is None:
                links.create.append((*key, note, order))
            elif (found[1], found[2]) != (note, order):
                links.update.append((found[0], {"role_note": note, "order": order}))
                self.link_changed.add(key[0])
        links.retire = [link for key, (link, _n, _o) in existing.items() if key not in wanted]
        self.link_changed |= {row[0] for row in links.create}
        self.link_changed |= {key[0] for key in existing if key not in wanted}
        # activities whose links changed count as updated (not those created, updated or archived)
        touched = {pk for pk, _v in self.c.activities.update} | set(self.c.activities.retire)
        self.c.updated["activities"] += sum(1 for a in self.link_changed if not isinstance(a, New) and a not in touched)

    # --- indicators, phased targets ------------------------------------------------------------
    def owned_indicators(self):
        """(parsed indicator, activity, result, objective), in the order they are numbered."""
        owned = []
        for pa, _objective, _result in self.placed:
            owned.extend((pi, self.activity_of[id(pa)], None, None) for pi in pa.indicators)
        for parsed_objective in self.parsed.all_objectives():
            objective = self.objective_of[id(parsed_objective)]
            owned.extend((pi, None, None, objective) for pi in parsed_objective.indicators)
            for parsed_result in parsed_objective.results:
                owned.extend((pi, None, self.result_of[id(parsed_result)], None) for pi in parsed_result.indicators)
        return owned

    def indicators(self):
        by_owner_text = {}
        for i in self.snap.indicators:
            key = self.key(i["text"])
            by_owner_text.setdefault((i["activity_id"], i["result_id"], i["objective_id"], key), []).append(i)
            by_owner_text.setdefault(("any", key), []).append(i)
        rules = IndicatorRules(self.parsed, self.decisions)  # aggregation and breakdowns read from the wording
        used, self.indicator_of = set(), {}
        for order, (pi, activity, result, objective) in enumerate(self.owned_indicators()):
            row = None
            if by_owner_text:
                key = self.key(pi.text)
                candidates = by_owner_text.get((activity, result, objective, key), []) + by_owner_text.get(("any", key), [])
                row = next((i for i in candidates if i["id"] not in used), None)
            values = {"activity_id": activity, "result_id": result, "objective_id": objective, "code": pi.code,
                      "text": pi.text, "kind": pi.kind, "target": pi.target, "baseline": pi.baseline, "unit": pi.unit,
                      "means_of_verification": pi.means_of_verification, "order": order, "archived_at": None}
            self.indicator_of[id(pi)] = self.indicator(row, values, pi, rules, used)
        for i in self.snap.indicators:
            if i["id"] not in used and i["archived_at"] is None:
                self.c.indicators.retire.append(i["id"])
                self.c.archived_indicators.append(i["text"])

    def indicator(self, row, values, pi, rules, used):
        corrected = rules.corrected(pi)
        if row is None or corrected:  # a saved indicator keeps its rules unless the administrator corrected them
            values.update(corrected or rules.inferred(pi))
        if row is None:
            new = New()
            values["source_ref"] = pi.ref[:100]  # ``values`` is this row's own dict
            self.c.indicators.create.append((new, values))
            self.c.created["indicators"] += 1
            return new
        used.add(row["id"])
        if row["target"] is not None and pi.target is not None and row["target"] == pi.target:
            values["target"] = row["target"]  # 10 and 10.00 are the same target
        if self.compare(row, values, f"{row['code']} {row['text']}"[:120]):
            rules_kept = {name: row[name] for name in RULE_FIELDS}
            self.c.indicators.update.append((row["id"], {**rules_kept, **values, "source_ref": pi.ref[:100]}))
            self.c.updated["indicators"] += 1
        return row["id"]

    def targets(self):
        pair_of = {pk: pair for pair, pk in self.snap.quarters.items()}
        existing = {}
        for pk, indicator, quarter, value in self.snap.targets:
            existing.setdefault(indicator, {})[pair_of[quarter]] = (pk, value)
        updated = {pk for pk, _v in self.c.indicators.update}
        pairs = set()
        for pi in self.parsed.all_indicators():
            if not pi.targets:
                continue  # no phased target in the file: those entered by hand stay
            indicator, wanted = self.indicator_of[id(pi)], {tuple(pair): value for pair, value in pi.targets}
            pairs |= set(wanted)
            if self.target_rows(indicator, wanted, existing.get(indicator, {}), pi) and indicator not in updated:
                if not isinstance(indicator, New):
                    updated.add(indicator)
                    self.c.updated["indicators"] += 1
        self.needs_quarters(pairs)

    def target_rows(self, indicator, wanted, current, pi):
        """Phased targets of one indicator to create, update, delete; ``True`` when one changes."""
        label, changed = f"{pi.code} {pi.text}"[:120], False
        for pair, value in sorted(wanted.items()):
            found = current.get(pair)
            if found is not None and found[1] == value:
                continue
            changed = True
            if found is None:
                self.c.targets.create.append((indicator, pair, value))
            else:
                self.c.targets.update.append((found[0], value))
            if not isinstance(indicator, New) and len(self.c.shown) < MAX_CHANGES_SHOWN:
                old = "" if found is None else str(found[1])
                self.c.shown.append((label, "target {}-Q{}".format(*pair), old, str(value)))
        for pair, (pk, _value) in current.items():
            if pair not in wanted:
                self.c.targets.retire.append(pk)
                changed = True
        return changed
