"""Writes that touch several models: the workplan import.

snapshot (``workplan_snapshot``: the plan's rows as plain values) → diff (``imports.diff``: pure
Python) → apply (``workplan_import_commit``: one transaction, under the plan's lock). The preview
(``workplan_import_preview``) stops after the diff: it reads and writes nothing.
"""

import gc
import json
from contextlib import contextmanager
from itertools import chain
from operator import itemgetter

from django.db import connection, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone
from django.utils.text import slugify

from indicators.models import Indicator, IndicatorTarget
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

from .diff import ACTIVITY_FIELDS, INDICATOR_FIELDS, RULE_FIELDS, ImportSummary, New, Snapshot, diff, pk_of

__all__ = [
    "ImportSummary", "SessionAlreadySaved", "SessionSuperseded", "import_session_confirm", "lock_workplan_slug",
    "workplan_import_commit", "workplan_import_preview", "workplan_snapshot",
]


def lock_workplan_slug(slug):
    """Serialise every import of one plan until the transaction ends: an advisory lock on the slug
    on PostgreSQL (it also covers a plan not created yet); SQLite allows one writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"clusterplan-import:{slug}"])


class SessionAlreadySaved(Exception):
    """The import session was confirmed before (a double click, or an old tab)."""


class SessionSuperseded(Exception):
    """A newer import of the same plan was saved after this session was uploaded."""


@transaction.atomic
def import_session_confirm(session, user, parse):
    """Confirm ``session`` once: the session row is claimed by a conditional UPDATE (a second
    confirm, even at the same moment, finds it claimed and changes nothing), then the plan is
    saved under the plan's lock. ``parse``: ``session`` → ``ParsedPlan``."""
    from .models import ImportSession

    now = timezone.now()
    claimed = ImportSession.objects.filter(pk=session.pk, committed_at__isnull=True).update(committed_at=now)
    if not claimed:
        raise SessionAlreadySaved()
    lock_workplan_slug(session.slug)
    newer = ImportSession.objects.filter(slug=session.slug, committed_at__isnull=False, created_at__gt=session.created_at)
    if newer.exclude(pk=session.pk).exists():
        raise SessionSuperseded()
    parsed = parse(session)
    summary = workplan_import_commit(parsed, slug=session.slug, user=user, title=session.title or None,
                                     decisions=session.decisions)
    ImportSession.objects.filter(pk=session.pk).update(workplan=summary.workplan)
    session.committed_at, session.workplan = now, summary.workplan
    return summary


def default_slug(parsed):
    return slugify(parsed.title or parsed.source_name.rsplit(".", 1)[0])[:100] or "workplan"


def import_cluster_id(slug):
    """The cluster an import into ``slug`` belongs to: the plan's, or the one a new plan gets."""
    found = Workplan.objects.filter(slug=slug).values_list("cluster_id", flat=True).first()
    return found or Cluster.objects.order_by("id").values_list("pk", flat=True).first()


# --- snapshot: the plan's rows as plain values -------------------------------------------------

def actor_keys():
    """``({normalised name: actor id}, {actor ids})`` over acronyms, actors' and sub-clusters' aliases
    (``imports.decisions.known_keys`` as plain ids)."""
    by_key, subcluster_of = {}, {}
    for pk, code, subcluster_id in Actor.objects.values_list("pk", "normalized_code", "subcluster_id"):
        by_key[code] = pk
        subcluster_of[pk] = subcluster_id
    for normalized, actor_id in ActorAlias.objects.values_list("normalized", "actor_id"):
        by_key.setdefault(normalized, actor_id)
    actor_of_subcluster = {subcluster_of[pk]: pk for pk in by_key.values() if subcluster_of.get(pk)}
    for normalized, subcluster_id in SubClusterAlias.objects.values_list("normalized", "subcluster_id"):
        if subcluster_id in actor_of_subcluster:
            by_key.setdefault(normalized, actor_of_subcluster[subcluster_id])
    return by_key, set(subcluster_of)


def workplan_snapshot(slug, lock=False):
    """``(Snapshot, Workplan or None)``: the plan ``slug`` and its rows, loaded with ``values()``.
    ``lock``: the plan's row is locked (``select_for_update``) until the transaction ends."""
    plans = Workplan.objects.filter(slug=slug)
    workplan = (plans.select_for_update() if lock else plans).first()
    snapshot = Snapshot(quarters={(y, n): pk for y, n, pk in Quarter.objects.values_list("year", "number", "pk")})
    snapshot.actor_keys, snapshot.actor_ids = actor_keys()
    if workplan is None:
        snapshot.default_cluster_id = Cluster.objects.order_by("id").values_list("pk", flat=True).first()
        return snapshot, None
    snapshot.workplan = {"id": workplan.pk, **{name: getattr(workplan, name) for name in (
        "title", "cluster_id", "start_date", "end_date", "notes")}}
    snapshot.objectives = list(Objective.objects.filter(workplan=workplan).values(
        "id", "code", "title", "order", "parent_id"))
    snapshot.results = list(ExpectedResult.objects.filter(objective__workplan=workplan).values(
        "id", "objective_id", "code", "title", "order"))
    snapshot.activities = list(Activity.objects.filter(workplan=workplan).values("id", "search_text", *ACTIVITY_FIELDS))
    snapshot.indicators = list(Indicator.objects.filter(workplan=workplan).values(
        "id", *INDICATOR_FIELDS, *RULE_FIELDS))
    snapshot.quarter_links = list(Activity.quarters.through.objects.filter(activity__workplan=workplan).values_list(
        "id", "activity_id", "quarter_id"))
    snapshot.actor_links = list(ActivityActor.objects.filter(activity__workplan=workplan).values_list(
        "id", "activity_id", "actor_id", "role", "role_note", "order"))
    snapshot.targets = list(IndicatorTarget.objects.filter(
        indicator__workplan=workplan, quarter__isnull=False, location__isnull=True).values_list(
        "id", "indicator_id", "quarter_id", "value"))
    return snapshot, workplan


# --- rows in and out, without model instances ---------------------------------------------------

def _adapter(field):
    """A function: Python value → what the database driver takes for ``field``."""
    ops, internal = connection.ops, field.get_internal_type()
    if internal == "JSONField":
        return _json
    if internal == "DecimalField":
        if type(ops).adapt_decimalfield_value is BaseDatabaseOperations.adapt_decimalfield_value:
            return None  # the backend takes a Decimal as it is (SQLite, PostgreSQL)
        return lambda value: None if value is None else ops.adapt_decimalfield_value(value, field.max_digits,
                                                                                   field.decimal_places)
    if internal == "DateTimeField":
        return ops.adapt_datetimefield_value
    if field.is_relation:
        return pk_of
    return None


def _json(value):
    if value is None:
        return None
    if value.__class__ is list and not value:
        return "[]"  # json.dumps([]): most activities have no months
    return json.dumps(value)


def _adapted(adapt, values):
    """``values`` (one column) through ``adapt``."""
    if adapt is pk_of:
        return [value.pk if value.__class__ is New else value for value in values]
    return list(map(adapt, values))


def _columns(model, names):
    """``[(field, adapter)]`` of ``names`` (attnames) of ``model``."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return [(fields[name], _adapter(fields[name])) for name in names]


def _row(columns, values):
    return [value if adapt is None else adapt(value) for value, adapt in
            ((values[f.attname], adapt) for f, adapt in columns)]


ROWS_PER_STATEMENT = 500  # SQLite: rows of one multi-row INSERT (its executemany runs it as often as needed)


def _sqlite_max_params():
    try:
        import sqlite3

        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except (AttributeError, ImportError):  # an older Python: SQLite's historical limit
        return 999


def _insert_rows(model, columns, rows):
    """Insert many plain rows. SQLite: multi-row ``VALUES`` statements, in one ``executemany`` of
    statements of up to 500 rows and one for the rest (about half the time of one row a statement);
    PostgreSQL: one ``COPY``."""
    if not rows:
        return
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(quote(model._meta.db_table), ", ".join(quote(c) for c in columns))
    one = "({})".format(", ".join(["%s"] * len(columns)))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            size = max(1, min(ROWS_PER_STATEMENT, _sqlite_max_params() // len(columns)))
            full = len(rows) // size * size
            if full:
                cursor.executemany(head + ", ".join([one] * size),
                                   [list(chain.from_iterable(rows[start:start + size]))
                                    for start in range(0, full, size)])
            if full < len(rows):  # executemany too: with DEBUG, Django would quote every parameter of an execute
                cursor.executemany(head + ", ".join([one] * (len(rows) - full)),
                                   [list(chain.from_iterable(rows[full:]))])
            return
        _copy_rows(cursor, "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(c) for c in columns)), rows)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value):
    """One value in ``COPY``'s text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)


def _copy_line(row):
    """One row in ``COPY``'s text format: joined as it is when no value holds a tab, a line break
    or a backslash (nearly always; a few C-level checks tell), else escaped value by value."""
    line = "\t".join(["\\N" if value is None else str(value) for value in row])
    if (line.count("\t") != len(row) - 1 or "\n" in line or "\r" in line
            or line.count("\\") != row.count(None)):
        line = "\t".join(map(_copy_text, row))
    return line + "\n"


def _copy_rows(cursor, sql, rows):
    """PostgreSQL: ``COPY … FROM STDIN`` (about half the server time of multi-row ``INSERT``s), logged
    as a query like any other (the query-count tests see it)."""
    import io
    import time

    data = io.StringIO("".join(_copy_line(row) for row in rows))
    start = time.monotonic()
    with connection.wrap_database_errors:
        cursor.cursor.copy_expert(sql, data)
    if connection.queries_logged:
        connection.queries_log.append({"sql": f"{sql} -- {len(rows)} rows", "time": f"{time.monotonic() - start:.3f}"})


def _update_rows(model, names, rows):
    """``UPDATE`` many rows: ``rows`` are ``(pk, {attname: value})``; one ``executemany`` (SQLite)
    or few ``UPDATE … FROM (VALUES …)`` (PostgreSQL)."""
    if not rows:
        return
    columns, quote = _columns(model, names), connection.ops.quote_name
    table = quote(model._meta.db_table)
    data = [[*_row(columns, values), pk] for pk, values in rows]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sets = ", ".join(f"{quote(f.column)} = %s" for f, _a in columns)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", data)
            return
        one = "({})".format(", ".join(f"%s::{f.db_type(connection)}" for f, _a in columns) + ", %s::bigint")
        sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f, _a in columns)
        names_sql = ", ".join(quote(f.column) for f, _a in columns)
        size = max(1, 60000 // (len(columns) + 1))
        for start in range(0, len(data), size):
            chunk = data[start:start + size]
            cursor.execute(f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([one] * len(chunk))}) "
                           f"AS v({names_sql}, id) WHERE {table}.id = v.id", [value for row in chunk for value in row])


def _new_rows(model, created, constants):
    """``(columns, rows)`` of ``created`` (``(New, values)``, all with the same keys): the values
    adapted for the driver; ``constants`` (adapted once) and the fields' defaults fill the rest."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = list(created[0][1])
    given = [f for f in fields if f.attname in names]
    fixed = [f for f in fields if f.attname not in names]
    fixed_values = []
    for f in fixed:
        value = constants[f.attname] if f.attname in constants else f.get_default()
        adapt = _adapter(f)
        fixed_values.append(value if adapt is None else adapt(value))
    get = itemgetter(*[f.attname for f in given])
    # column by column: one adapter over a column rather than a test per value of each row
    columns = list(zip(*[get(values) for _ref, values in created])) if len(given) > 1 else [
        [get(values) for _ref, values in created]]
    for k, f in enumerate(given):
        adapt = _adapter(f)
        if adapt is not None:
            columns[k] = _adapted(adapt, columns[k])
    if fixed_values:
        columns.extend([value] * len(created) for value in fixed_values)
    return [f.column for f in given + fixed], list(zip(*columns))


def _insert_new(model, created, workplan, now, known):
    """Insert ``created`` rows (``(New, values)``) of a table with a ``workplan`` and an ``order``
    unique among them; their ``New`` get their ids (one query after the insert, by ``order``)."""
    if not created:
        return
    constants = {"workplan_id": workplan.pk}
    for f in model._meta.concrete_fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constants[f.attname] = now
    _insert_rows(model, *_new_rows(model, created, constants))
    ids = model.objects.filter(workplan=workplan, pk__gt=max(known, default=0)).order_by().values_list("order", "pk")
    by_order = {order: pk for order, pk in ids if pk not in known}
    for ref, values in created:
        ref.pk = by_order[values["order"]]


def _delete(model, pks):
    if pks:
        model.objects.filter(pk__in=pks).delete()


# --- apply: one function a table ---------------------------------------------------------------

def _apply_plan(changes, parsed, workplan, user, now):
    """Create the plan, or lock it as it is; the plan's own fields are written at the end."""
    if workplan is not None:
        return workplan
    values = changes.plan_create
    workplan = Workplan.objects.create(
        slug=values["slug"], title=values["title"], cluster_id=values["cluster_id"], start_date=values["start_date"],
        end_date=values["end_date"], notes=values["notes"], source_file_name=(parsed.source_name or "")[:255],
        imported_at=now, imported_by=user)
    changes.workplan.pk = workplan.pk
    return workplan


def _apply_objectives(changes, workplan):
    updates = []
    for level in changes.objectives:  # parents before their children
        objects = [Objective(workplan=workplan, code=v["code"], title=v["title"], order=v["order"],
                             parent_id=pk_of(v["parent_id"])) for _ref, v in level.create]
        Objective.objects.bulk_create(objects)
        for (ref, _values), obj in zip(level.create, objects, strict=True):
            ref.pk = obj.pk
        updates.extend(level.update)
    _update_rows(Objective, ["code", "title", "order", "parent_id"], updates)


def _apply_results(changes):
    objects = [ExpectedResult(objective_id=pk_of(v["objective_id"]), code=v["code"], title=v["title"], order=v["order"])
               for _ref, v in changes.results.create]
    ExpectedResult.objects.bulk_create(objects)
    for (ref, _values), obj in zip(changes.results.create, objects, strict=True):
        ref.pk = obj.pk
    _update_rows(ExpectedResult, ["objective_id", "code", "title", "order"], changes.results.update)


def _apply_activities(changes, snapshot, workplan, now):
    table = changes.activities
    _insert_new(Activity, table.create, workplan, now, {a["id"] for a in snapshot.activities})
    names = [*ACTIVITY_FIELDS, "search_text", "source_ref", "updated_at"]
    _update_rows(Activity, names, [(pk, {**values, "updated_at": now}) for pk, values in table.update])
    if table.retire:
        Activity.objects.filter(pk__in=table.retire).update(archived_at=now)


def _quarter_ids(changes, snapshot):
    """``{(year, number): id}`` of every quarter the rows need (missing ones created)."""
    if changes.quarter_range is None:
        return snapshot.quarters
    created = Quarter.objects.ensure_range(*changes.quarter_range)
    return {**snapshot.quarters, **{(q.year, q.number): q.pk for q in created}}


def _apply_links(changes, quarter_ids):
    """Quarter and organisation links of the activities."""
    Through = Activity.quarters.through
    _delete(Through, changes.quarter_links.retire)
    _insert_rows(Through, ["activity_id", "quarter_id"],  # in the activities' order, each one's in the file's
                 [(activity.pk if activity.__class__ is New else activity, quarter_ids[pair])  # pk_of, inline
                  for activity, pair in changes.quarter_links.create])
    new_actors = [Actor(acronym=acronym, normalized_code=key) for _ref, acronym, key in changes.new_actors]
    Actor.objects.bulk_create(new_actors)
    for (ref, _acronym, _key), actor in zip(changes.new_actors, new_actors, strict=True):
        ref.pk = actor.pk
    links = changes.actor_links
    _delete(ActivityActor, links.retire)
    _insert_rows(ActivityActor, ["activity_id", "actor_id", "role", "role_note", "order"],
                 [(a.pk if a.__class__ is New else a, actor.pk if actor.__class__ is New else actor, role, note, order)
                  for a, actor, role, note, order in links.create])
    _update_rows(ActivityActor, ["role_note", "order"], links.update)


def _apply_indicators(changes, snapshot, workplan, now):
    table = changes.indicators
    _insert_new(Indicator, table.create, workplan, now, {i["id"] for i in snapshot.indicators})
    _update_rows(Indicator, [*INDICATOR_FIELDS, *RULE_FIELDS, "source_ref"], table.update)
    if table.retire:
        Indicator.objects.filter(pk__in=table.retire).update(archived_at=now)


def _apply_targets(changes, quarter_ids):
    table = changes.targets
    _delete(IndicatorTarget, table.retire)
    _insert_rows(IndicatorTarget, ["indicator_id", "quarter_id", "location_id", "value"],
                 [(pk_of(i), quarter_ids[pair], None, value) for i, pair, value in table.create])
    _update_rows(IndicatorTarget, ["value"], [(pk, {"value": value}) for pk, value in table.update])


def _finish_plan(changes, parsed, workplan, user, now, created):
    """The plan's own fields, and its generation raised when anything changed (nothing written when
    nothing did)."""
    if not created and (changes.plan_update or changes.changed):
        for name, value in changes.plan_update.items():
            setattr(workplan, name, value)
        workplan.source_file_name = (parsed.source_name or "")[:255]
        workplan.imported_at, workplan.imported_by = now, user
        workplan.save()
    if created or changes.plan_update or changes.changed:
        Workplan.bump_generation(workplan.pk)  # the plan-status cache reads the new plan at once


# --- the services ------------------------------------------------------------------------------

@contextmanager
def gc_paused():
    """The diff and the apply make tens of thousands of small tuples and dicts at once: Python's
    cyclic collector, started again and again over the whole parsed tree, took longer than the
    work. Reference counting still frees everything acyclic; the collector is back at the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()



def workplan_import_preview(parsed, slug=None, title=None, cluster=None, decisions=None):
    """What ``workplan_import_commit`` would change, as an ``ImportSummary`` (``dry_run``): a few
    reads, no transaction, nothing written."""
    slug = slug or default_slug(parsed)
    snapshot, workplan = workplan_snapshot(slug)
    with gc_paused():
        changes = diff(parsed, snapshot, slug, title=title, cluster_id=cluster.pk if cluster else None,
                       decisions=decisions)
    return changes.summary(workplan, dry_run=True)


def workplan_import_commit(parsed, slug=None, user=None, dry_run=False, title=None, cluster=None, decisions=None):
    """Save a ``ParsedPlan`` as the workplan ``slug`` (created or updated in place), atomically.

    Matching objectives, results, activities and indicators keep their ids (and so the
    progress reported against them); new ones are added; activities and indicators no
    longer in the file are archived, never deleted (``imports.diff``). Importing the same file
    twice writes nothing the second time. With ``dry_run`` nothing is written at all
    (``workplan_import_preview``). ``decisions``: the administrator's choices in the preview.
    """
    if dry_run:
        return workplan_import_preview(parsed, slug=slug, title=title, cluster=cluster, decisions=decisions)
    with gc_paused():
        return _import_apply(parsed, slug or default_slug(parsed), user, title, cluster, decisions)


@transaction.atomic
def _import_apply(parsed, slug, user, title, cluster, decisions):
    """Lock, reload the snapshot under the lock, diff, apply: one transaction."""
    lock_workplan_slug(slug)
    snapshot, workplan = workplan_snapshot(slug, lock=True)
    changes = diff(parsed, snapshot, slug, title=title, cluster_id=cluster.pk if cluster else None, decisions=decisions)
    now, created = timezone.now(), workplan is None
    workplan = _apply_plan(changes, parsed, workplan, user, now)
    _apply_objectives(changes, workplan)
    _apply_results(changes)
    _apply_activities(changes, snapshot, workplan, now)
    quarter_ids = _quarter_ids(changes, snapshot)
    _apply_links(changes, quarter_ids)
    _apply_indicators(changes, snapshot, workplan, now)
    _apply_targets(changes, quarter_ids)
    _finish_plan(changes, parsed, workplan, user, now, created)
    return changes.summary(workplan)
