"""Writes that touch several models: the workplan import."""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from indicators.models import Indicator
from workplans.models import (
    Activity,
    ActivityActor,
    Actor,
    ActorAlias,
    Cluster,
    ExpectedResult,
    Objective,
    Quarter,
    SubClusterAlias,
    Workplan,
)
from workplans.text import fold, normalize_name


@dataclass
class ImportSummary:
    workplan: object = None
    created: dict = field(default_factory=lambda: {"objectives": 0, "results": 0, "activities": 0, "indicators": 0})
    updated: dict = field(default_factory=lambda: {"objectives": 0, "results": 0, "activities": 0, "indicators": 0})
    archived_activities: list = field(default_factory=list)  # titles
    archived_indicators: list = field(default_factory=list)
    new_actors: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self):
        return bool(
            any(self.created.values()) or any(self.updated.values()) or self.archived_activities
            or self.archived_indicators or self.new_actors
        )


def _key(text):
    return " ".join(fold(text).split())


class _ActorResolver:
    """Names → Actors through codes and aliases (actors', then sub-clusters'), loaded once."""

    def __init__(self):
        self.by_key = {a.normalized_code: a for a in Actor.objects.all()}
        for alias in ActorAlias.objects.select_related("actor"):
            self.by_key.setdefault(alias.normalized, alias.actor)
        actor_of_subcluster = {a.subcluster_id: a for a in self.by_key.values() if a.subcluster_id}
        for alias in SubClusterAlias.objects.all():
            if alias.subcluster_id in actor_of_subcluster:
                self.by_key.setdefault(alias.normalized, actor_of_subcluster[alias.subcluster_id])
        self.new = {}

    def resolve(self, name):
        key = normalize_name(name)
        if not key:
            return None
        if key in self.by_key:
            return self.by_key[key]
        if key not in self.new:
            self.new[key] = Actor(acronym=name[:120], normalized_code=key)
        return self.new[key]

    def save_new(self):
        if self.new:
            Actor.objects.bulk_create(list(self.new.values()))
            created = {a.normalized_code: a for a in Actor.objects.filter(normalized_code__in=list(self.new))}
            for key, actor in self.new.items():
                actor.pk = created[key].pk
        return sorted(a.acronym for a in self.new.values())


def _insert_rows(model, columns, rows):
    """Insert many plain rows of a link table in one ``executemany`` (no model instances)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(quote(model._meta.db_table), ", ".join(quote(c) for c in columns))
    one = "({})".format(", ".join(["%s"] * len(columns)))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # in-process: executemany is fast
            cursor.executemany(head + one, [tuple(row) for row in rows])
            return
        # a network round trip per row would be slow: multi-row VALUES, under 65,535 parameters
        size = max(1, 60000 // len(columns))
        for start in range(0, len(rows), size):
            chunk = rows[start:start + size]
            cursor.execute(head + ", ".join([one] * len(chunk)), [value for row in chunk for value in row])


def _insert_objects(model, objects, workplan, known_ids):
    """Insert many new rows in one ``executemany`` and give the objects their ids back.

    Faster than ``bulk_create`` for thousands of rows (no per-field compiler work) and one
    query whatever the number of rows. Ids are found again by ``order``, unique among the
    rows of one import; ``known_ids`` are the workplan's rows that existed before.
    """
    if not objects:
        return
    import json

    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = []
    for obj in objects:
        row = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                row.append(now)
                continue
            value = getattr(obj, f.attname)
            internal = f.get_internal_type()
            if value is None:
                row.append(None)
            elif internal == "JSONField":
                row.append(json.dumps(value))
            elif internal == "DecimalField":
                row.append(ops.adapt_decimalfield_value(value, f.max_digits, f.decimal_places))
            elif internal == "DateTimeField":
                row.append(ops.adapt_datetimefield_value(value))
            else:
                row.append(value)
        rows.append(row)
    _insert_rows(model, [f.column for f in fields], rows)
    ids = {order: pk for pk, order in model.objects.filter(workplan=workplan).values_list("pk", "order") if pk not in known_ids}
    for obj in objects:
        obj.pk = ids[obj.order]
        obj._state.adding = False


def _set_if_changed(obj, values):
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


@transaction.atomic
def workplan_import_commit(parsed, slug=None, user=None, dry_run=False, title=None, cluster=None):
    """Save a ``ParsedPlan`` as the workplan ``slug`` (created or updated in place).

    Matching objectives, results, activities and indicators keep their ids (and so the
    progress reported against them); new ones are added; activities and indicators no
    longer in the file are archived, never deleted. Importing the same file twice changes
    nothing. With ``dry_run`` everything is rolled back and only the summary is returned.
    """
    summary = ImportSummary(dry_run=dry_run)
    now = timezone.now()
    slug = slug or slugify(parsed.title or parsed.source_name.rsplit(".", 1)[0])[:100] or "workplan"
    cluster = cluster or Cluster.objects.order_by("id").first()
    title = (title or parsed.title or slug)[:300]
    start = Quarter.dates_of(*parsed.start)[0] if parsed.start else None
    end = Quarter.dates_of(*parsed.end)[1] if parsed.end else None
    workplan = Workplan.objects.filter(slug=slug).first()
    if workplan is None:
        workplan = Workplan.objects.create(
            slug=slug, title=title, cluster=cluster, start_date=start, end_date=end, notes="\n".join(parsed.notes),
            source_file_name=(parsed.source_name or "")[:255], imported_at=now, imported_by=user,
        )
    summary.workplan = workplan

    # --- objectives (several levels), results -------------------------------------------
    existing_objectives = list(Objective.objects.filter(workplan=workplan))
    by_code = {o.code: o for o in existing_objectives if o.code}
    by_title = {}
    for o in existing_objectives:
        by_title.setdefault(_key(o.title), o)
    used = set()
    objective_of = {}  # id(parsed) → Objective
    level_items = []
    stack = [(p, None, k) for k, p in enumerate(parsed.objectives)]
    while stack:
        level_items.append(stack)
        nxt = []
        for parsed_objective, _parent, _order in stack:
            nxt.extend((child, parsed_objective, k) for k, child in enumerate(parsed_objective.objectives))
        stack = nxt
    to_update = []
    for items in level_items:
        to_create = []
        for parsed_objective, parent, order in items:
            parent_obj = objective_of[id(parent)] if parent is not None else None
            obj = by_code.get(parsed_objective.code)
            if obj is None or obj.pk in used:
                obj = by_title.get(_key(parsed_objective.title))
            if obj is not None and obj.pk in used:
                obj = None
            values = {"code": parsed_objective.code, "title": parsed_objective.title, "order": order,
                      "parent_id": parent_obj.pk if parent_obj else None}
            if obj is None:
                obj = Objective(workplan=workplan, **values)
                to_create.append(obj)
                summary.created["objectives"] += 1
            else:
                used.add(obj.pk)
                if _set_if_changed(obj, values):
                    to_update.append(obj)
                    summary.updated["objectives"] += 1
            objective_of[id(parsed_objective)] = obj
        Objective.objects.bulk_create(to_create)
    if to_update:
        Objective.objects.bulk_update(to_update, ["code", "title", "order", "parent"])

    existing_results = list(ExpectedResult.objects.filter(objective__workplan=workplan))
    results_by_code = {(r.objective_id, r.code): r for r in existing_results}
    results_by_title = {}
    for r in existing_results:
        results_by_title.setdefault(_key(r.title), r)
    result_of, to_create, to_update, used = {}, [], [], set()
    for parsed_objective in parsed.all_objectives():
        objective = objective_of[id(parsed_objective)]
        for order, parsed_result in enumerate(parsed_objective.results):
            result = results_by_code.get((objective.pk, parsed_result.code))
            if result is None or result.pk in used:
                result = results_by_title.get(_key(parsed_result.title))
            if result is not None and result.pk in used:
                result = None
            values = {"objective_id": objective.pk, "code": parsed_result.code, "title": parsed_result.title, "order": order}
            if result is None:
                result = ExpectedResult(**values)
                to_create.append(result)
                summary.created["results"] += 1
            else:
                used.add(result.pk)
                if _set_if_changed(result, values):
                    to_update.append(result)
                    summary.updated["results"] += 1
            result_of[id(parsed_result)] = result
    ExpectedResult.objects.bulk_create(to_create)
    if to_update:
        ExpectedResult.objects.bulk_update(to_update, ["objective", "code", "title", "order"])

    # --- activities -----------------------------------------------------------------------
    existing = list(Activity.objects.filter(workplan=workplan))
    act_by_title, act_by_code = {}, {}
    for a in existing:
        act_by_title.setdefault(_key(a.title), []).append(a)
        act_by_code.setdefault(a.code, []).append(a)
    placed = []  # (parsed activity, objective, result)
    for parsed_objective in parsed.all_objectives():
        objective = objective_of[id(parsed_objective)]
        placed.extend((a, objective, None) for a in parsed_objective.activities)
        for parsed_result in parsed_objective.results:
            placed.extend((a, objective, result_of[id(parsed_result)]) for a in parsed_result.activities)
    used, to_create, to_update, activity_of = set(), [], [], {}
    fields = ["objective", "result", "code", "title", "level", "place", "resources", "status", "period_text",
              "months", "order", "search_text", "source_ref", "archived_at"]
    for order, (pa, objective, result) in enumerate(placed):
        # stable keys: an explicit code (a Code column, as in our own export), else the wording
        candidates = (act_by_code.get(pa.code, []) if pa.explicit_code else []) + act_by_title.get(_key(pa.title), [])
        activity = next((a for a in candidates if a.pk not in used), None)
        values = {
            "objective_id": objective.pk, "result_id": result.pk if result else None, "code": pa.code, "title": pa.title,
            "level": pa.level, "place": pa.place, "resources": pa.resources, "status": pa.status,
            "period_text": pa.period_text[:300], "months": pa.months, "order": order, "archived_at": None,
        }
        if activity is None:
            activity = Activity(workplan=workplan, source_ref=pa.ref[:100], **values)
            activity.search_text = activity.build_search_text()
            to_create.append(activity)
            summary.created["activities"] += 1
        else:
            used.add(activity.pk)
            changed = _set_if_changed(activity, values)
            search = activity.build_search_text()
            if activity.search_text != search:
                activity.search_text, changed = search, True
            if changed:  # where the row was read is recorded with a real change, not alone
                activity.source_ref = pa.ref[:100]
                activity.updated_at = timezone.now()
                to_update.append(activity)
                summary.updated["activities"] += 1
        activity_of[id(pa)] = activity
    _insert_objects(Activity, to_create, workplan, {a.pk for a in existing})
    if to_update:
        Activity.objects.bulk_update(to_update, fields + ["updated_at"], batch_size=500)
    gone = [a for a in existing if a.pk not in used and a.archived_at is None]
    if gone:
        Activity.objects.filter(pk__in=[a.pk for a in gone]).update(archived_at=now)
        summary.archived_activities = [a.title for a in gone]

    # --- quarters --------------------------------------------------------------------------
    wanted = {(activity_of[id(pa)].pk, pair) for pa, _o, _r in placed for pair in pa.quarters}
    pairs = sorted({pair for _pk, pair in wanted})
    quarter_ids = {}
    if pairs:
        quarter_ids = {(q.year, q.number): q.pk for q in Quarter.objects.ensure_range(pairs[0], pairs[-1])}
    Through = Activity.quarters.through
    current = set(Through.objects.filter(activity__workplan=workplan).values_list("activity_id", "quarter_id"))
    wanted_ids = {(pk, quarter_ids[pair]) for pk, pair in wanted}
    stale = current - wanted_ids
    if stale:
        stale_ids = Through.objects.filter(activity__workplan=workplan).values_list("id", "activity_id", "quarter_id")
        Through.objects.filter(pk__in=[i for i, a, q in stale_ids if (a, q) in stale]).delete()
    _insert_rows(Through, ["activity_id", "quarter_id"], sorted(wanted_ids - current))
    changed_quarters = {a for a, _q in (wanted_ids ^ current)}

    # --- actors ---------------------------------------------------------------------------
    resolver = _ActorResolver()
    wanted_links = {}
    for pa, _o, _r in placed:
        activity = activity_of[id(pa)]
        for order, pactor in enumerate(pa.actors):
            actor = resolver.resolve(pactor.name)
            if actor is None:
                continue
            wanted_links.setdefault((activity.pk, id(actor), pactor.role), (actor, pactor.note, order))
    summary.new_actors = resolver.save_new()
    existing_links = {(link.activity_id, link.actor_id, link.role): link for link in ActivityActor.objects.filter(activity__workplan=workplan)}
    wanted_by_pk = {(a_pk, actor.pk, role): (actor, note, order) for (a_pk, _x, role), (actor, note, order) in wanted_links.items()}
    link_create, link_update = [], []
    for key, (actor, note, order) in wanted_by_pk.items():
        link = existing_links.get(key)
        if link is None:
            link_create.append((key[0], actor.pk, key[2], note, order))
        elif _set_if_changed(link, {"role_note": note, "order": order}):
            link_update.append(link)
    stale_links = [link.pk for key, link in existing_links.items() if key not in wanted_by_pk]
    if stale_links:
        ActivityActor.objects.filter(pk__in=stale_links).delete()
    _insert_rows(ActivityActor, ["activity_id", "actor_id", "role", "role_note", "order"], link_create)
    if link_update:
        ActivityActor.objects.bulk_update(link_update, ["role_note", "order"], batch_size=500)
    changed_actors = {row[0] for row in link_create} | {link.activity_id for link in link_update} | {k[0] for k in existing_links if k not in wanted_by_pk}

    # activities whose links changed count as updated
    touched = {a.pk for a in to_update} | {a.pk for a in to_create}
    summary.updated["activities"] += len((changed_quarters | changed_actors) - touched)

    # --- indicators -----------------------------------------------------------------------
    existing_indicators = list(Indicator.objects.filter(workplan=workplan))
    ind_by_owner_text, ind_by_code = {}, {}
    for i in existing_indicators:
        ind_by_owner_text.setdefault((i.activity_id, i.result_id, i.objective_id, _key(i.text)), []).append(i)
        ind_by_owner_text.setdefault(("any", _key(i.text)), []).append(i)
        ind_by_code.setdefault(i.code, []).append(i)
    owned = []  # (parsed indicator, activity, result, objective)
    for pa, _objective, _result in placed:
        owned.extend((pi, activity_of[id(pa)], None, None) for pi in pa.indicators)
    for parsed_objective in parsed.all_objectives():
        objective = objective_of[id(parsed_objective)]
        owned.extend((pi, None, None, objective) for pi in parsed_objective.indicators)
        for parsed_result in parsed_objective.results:
            owned.extend((pi, None, result_of[id(parsed_result)], None) for pi in parsed_result.indicators)
    used, to_create, to_update = set(), [], []
    for order, (pi, activity, result, objective) in enumerate(owned):
        owner_key = (activity.pk if activity else None, result.pk if result else None, objective.pk if objective else None)
        candidates = ind_by_owner_text.get((*owner_key, _key(pi.text)), []) + ind_by_owner_text.get(("any", _key(pi.text)), [])
        indicator = next((i for i in candidates if i.pk not in used), None)
        values = {
            "activity_id": owner_key[0], "result_id": owner_key[1], "objective_id": owner_key[2], "code": pi.code,
            "text": pi.text, "kind": pi.kind, "target": pi.target, "baseline": pi.baseline, "unit": pi.unit,
            "means_of_verification": pi.means_of_verification, "order": order, "archived_at": None,
        }
        if indicator is None:
            indicator = Indicator(workplan=workplan, source_ref=pi.ref[:100], **values)
            to_create.append(indicator)
            summary.created["indicators"] += 1
        else:
            used.add(indicator.pk)
            if indicator.target is not None and pi.target is not None:
                values["target"] = indicator.target if indicator.target == pi.target else pi.target
            if _set_if_changed(indicator, values):
                indicator.source_ref = pi.ref[:100]
                to_update.append(indicator)
                summary.updated["indicators"] += 1
    _insert_objects(Indicator, to_create, workplan, {i.pk for i in existing_indicators})
    if to_update:
        Indicator.objects.bulk_update(
            to_update, ["activity", "result", "objective", "code", "text", "kind", "target", "baseline", "unit",
                        "means_of_verification", "order", "source_ref", "archived_at"], batch_size=500)
    gone = [i for i in existing_indicators if i.pk not in used and i.archived_at is None]
    if gone:
        Indicator.objects.filter(pk__in=[i.pk for i in gone]).update(archived_at=now)
        summary.archived_indicators = [i.text for i in gone]

    # --- the workplan itself --------------------------------------------------------------
    plan_values = {"title": title, "cluster_id": cluster.pk if cluster else workplan.cluster_id, "start_date": start,
                   "end_date": end, "notes": "\n".join(parsed.notes)}
    if _set_if_changed(workplan, plan_values) or summary.changed:
        workplan.source_file_name = (parsed.source_name or "")[:255]
        workplan.imported_at, workplan.imported_by = now, user
        workplan.save()
    Workplan.bump_generation(workplan.pk)  # the plan-status cache reads the new plan at once
    if dry_run:
        transaction.set_rollback(True)
    return summary
