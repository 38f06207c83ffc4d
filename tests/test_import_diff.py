"""The import as snapshot → diff → apply (issue 11): the diff is plain Python (no database), the
preview and --dry-run only read, the apply writes once and nothing for an unchanged file, query
counts do not grow with the rows, phased targets, saved column mappings per cluster."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imports.diff import New, Snapshot, activity_search_text, diff
from imports.models import ColumnMapping, ImportSession
from imports.parsing import parse_file
from imports.services import workplan_import_commit, workplan_import_preview, workplan_snapshot
from imports.tree import ParsedActivity, ParsedActor, ParsedIndicator, ParsedObjective, ParsedPlan, ParsedResult
from indicators.models import Indicator, IndicatorTarget
from workplans.models import Activity, ActivityActor, Cluster, Workplan

WRITES = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT", "COPY")


def plan(*activities, targets=()):
    indicator = ParsedIndicator(text="# de sessions tenues", kind="number", target=Decimal(12), targets=list(targets))
    first = ParsedActivity(title="Former les moniteurs", code="1.1.1", quarters=[(2021, 1), (2021, 2)],
                           actors=[ParsedActor("HCR"), ParsedActor("Nouvelle ONG", role="support")],
                           indicators=[indicator])
    result = ParsedResult(title="Les moniteurs sont formés", code="1.1", activities=[first, *activities])
    objective = ParsedObjective(title="Protéger les civils", code="1", results=[result],
                                indicators=[ParsedIndicator(text="% de civils protégés", kind="percent")])
    return ParsedPlan(title="Plan 2021", source_name="plan.csv", objectives=[objective], start=(2021, 1), end=(2021, 4))


def csv_plan(rows):
    return "\n".join(["Plan 2021", "Activités;Indicateurs;Lead;Période"] + rows).encode()


def writes(queries):
    return [q["sql"][:80] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


# --- the diff alone: no database (pytest-django refuses any query in these tests) -------------------

def test_a_new_plan_is_all_creations_with_new_references():
    changes = diff(plan(), Snapshot(default_cluster_id=7, quarters={}), "p")
    assert isinstance(changes.workplan, New) and changes.plan_create["cluster_id"] == 7
    assert changes.created == {"objectives": 1, "results": 1, "activities": 1, "indicators": 2}
    (ref, values), = changes.activities.create
    assert values["objective_id"] is changes.objectives[0].create[0][0] and values["result_id"] is changes.results.create[0][0]
    assert values["search_text"] == "1.1.1 former les moniteurs "
    assert [(a is ref, pair) for a, pair in changes.quarter_links.create] == [(True, (2021, 1)), (True, (2021, 2))]
    assert changes.quarter_range == ((2021, 1), (2021, 2))  # the quarters do not exist yet
    assert sorted(name for _ref, name, _key in changes.new_actors) == ["HCR", "Nouvelle ONG"]
    assert changes.changed and not changes.shown


def test_known_organisations_quarters_and_decisions():
    snapshot = Snapshot(default_cluster_id=1, quarters={(2021, 1): 11, (2021, 2): 12}, actor_keys={"hcr": 5},
                        actor_ids={5, 6})
    decisions = {"organisations": {"Nouvelle ONG": {"action": "map", "actor": 6}}}
    changes = diff(plan(), snapshot, "p", decisions=decisions)
    assert changes.quarter_range is None and changes.new_actors == []
    assert sorted((actor, role) for _a, actor, role, _note, _order in changes.actor_links.create) == [
        (5, "lead"), (6, "support")]
    dropped = diff(plan(), snapshot, "p", decisions={"organisations": {"Nouvelle ONG": {"action": "drop"}}})
    assert [actor for _a, actor, *_rest in dropped.actor_links.create] == [5]


def saved(changes_of_a_new_plan):
    """The snapshot the database would hold after applying ``changes_of_a_new_plan`` (ids 1, 2…)."""
    c, ids = changes_of_a_new_plan, iter(range(1, 1000))
    for ref in [r for level in c.objectives for r, _v in level.create] + [r for r, _v in c.results.create] + [
            r for r, _v in c.activities.create] + [r for r, _v in c.indicators.create] + [r for r, *_x in c.new_actors]:
        ref.pk = next(ids)
    rows = lambda table, extra: [{"id": r.pk, **{k: getattr(v, "pk", v) for k, v in values.items()}, **extra}  # noqa: E731
                                 for r, values in table.create]
    quarters = {(2021, 1): 11, (2021, 2): 12}
    return Snapshot(
        workplan={"id": 99, "title": c.plan_create["title"], "cluster_id": 1, "start_date": c.plan_create["start_date"],
                  "end_date": c.plan_create["end_date"], "notes": ""},
        objectives=rows(c.objectives[0], {}), results=rows(c.results, {}), activities=rows(c.activities, {}),
        indicators=rows(c.indicators, {}), quarters=quarters,
        quarter_links=[(k, a.pk, quarters[pair]) for k, (a, pair) in enumerate(c.quarter_links.create)],
        actor_links=[(k, a.pk, actor.pk, role, note, order) for k, (a, actor, role, note, order)
                     in enumerate(c.actor_links.create)],
        actor_keys={key: ref.pk for ref, _name, key in c.new_actors}, actor_ids={ref.pk for ref, *_x in c.new_actors})


def test_the_same_file_again_changes_nothing():
    snapshot = saved(diff(plan(), Snapshot(default_cluster_id=1), "p"))
    changes = diff(plan(), snapshot, "p")
    assert not changes.changed and not changes.plan_update and changes.quarter_range is None
    for table in (changes.results, changes.activities, changes.indicators, changes.quarter_links, changes.actor_links,
                  changes.targets, *changes.objectives):
        assert (table.create, table.update, table.retire) == ([], [], [])


def test_a_changed_file_lists_each_row_old_to_new_and_archives_what_went():
    gone = ParsedActivity(title="Sensibiliser", quarters=[(2021, 1)])
    snapshot = saved(diff(plan(gone), Snapshot(default_cluster_id=1), "p"))
    changed = plan()
    activity = changed.objectives[0].results[0].activities[0]
    activity.place, activity.quarters = "Gao", [(2021, 2)]
    changed.objectives[0].results[0].activities[0].indicators[0].target = Decimal(15)
    changes = diff(changed, snapshot, "p")
    assert ("1.1.1 Former les moniteurs", "place", "", "Gao") in changes.shown
    assert (" # de sessions tenues", "target", "12", "15") in changes.shown
    assert changes.archived_activities == ["Sensibiliser"] and changes.updated["activities"] == 1
    assert len(changes.quarter_links.retire) == 2  # (2021, 1) of the first activity, and the archived one's
    assert changes.updated["indicators"] == 1 and changes.created == dict.fromkeys(changes.created, 0)


def test_phased_targets_created_updated_removed_and_kept_when_the_file_has_none():
    first = diff(plan(targets=[((2021, 1), Decimal(5)), ((2021, 2), Decimal(7))]), Snapshot(default_cluster_id=1), "p")
    assert [(pair, value) for _i, pair, value in first.targets.create] == [((2021, 1), 5), ((2021, 2), 7)]
    snapshot = saved(first)
    indicator = next(r["id"] for r in snapshot.indicators if r["text"] == "# de sessions tenues")
    snapshot.targets = [(301, indicator, 11, Decimal("5.00")), (302, indicator, 12, Decimal("7.00"))]
    same = diff(plan(targets=[((2021, 1), Decimal(5)), ((2021, 2), Decimal(7))]), snapshot, "p")
    assert not same.changed and same.targets == type(same.targets)()
    moved = diff(plan(targets=[((2021, 2), Decimal(9))]), snapshot, "p")
    assert moved.targets.update == [(302, 9)] and moved.targets.retire == [301] and moved.updated["indicators"] == 1
    assert not diff(plan(), snapshot, "p").changed  # none in the file: those entered by hand stay


def test_the_search_text_is_the_models():
    activity = Activity(code="2.1", title="Évaluer les besoins", place="Mopti")
    assert activity_search_text(activity.code, activity.title, activity.place) == activity.build_search_text()


# --- with the database -------------------------------------------------------------------------------

def test_the_preview_writes_nothing_and_lists_each_changed_row(users, client_for):
    client = client_for(users.administrator)
    rows = [f"Activité {k};# de sessions {k};HCR;T{k % 4 + 1} 2021" for k in range(12)]
    client.post(reverse("imports:import"), {"file": SimpleUploadedFile("plan.csv", csv_plan(rows)), "slug": "plan"})
    client.post(reverse("imports:import_confirm", args=[ImportSession.objects.get().pk]))
    changed = [row.replace("T3 2021", "T4 2021") for row in rows[:11]] + ["Activité nouvelle;# de visites;NRC;T1 2021"]
    client.post(reverse("imports:import"), {"file": SimpleUploadedFile("plan.csv", csv_plan(changed)), "slug": "plan"})
    second = ImportSession.objects.latest("pk")
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("imports:import_preview", args=[second.pk])).content.decode()
    assert writes(queries) == []
    assert len(queries) <= 22, len(queries)  # 20: the snapshot is 12 reads whatever the rows
    assert "<td>period_text</td><td>T3 2021</td><td>T4 2021</td>" in body
    assert "Activité 11" in body  # archived, listed
    assert Activity.objects.count() == 12 and not Activity.objects.filter(title="Activité nouvelle").exists()


def test_dry_run_reads_only(db, cluster):
    parsed = parse_file(csv_plan([f"Activité {k};# {k};HCR;T1 2021" for k in range(5)]), "plan.csv")
    with CaptureQueriesContext(connection) as queries:
        summary = workplan_import_commit(parsed, slug="p", dry_run=True)
    assert writes(queries) == [] and summary.dry_run and summary.created["activities"] == 5
    assert not Workplan.objects.exists()


def import_queries(n, slug):
    rows = [f"Activité {k};# de sessions {k};{['HCR', 'NRC', 'ONG ' + slug][k % 3]};T1 2021 - T3 2021" for k in range(n)]
    parsed = parse_file(csv_plan(rows), "plan.csv")
    with CaptureQueriesContext(connection) as first:
        workplan_import_commit(parsed, slug=slug)
    assert Activity.objects.filter(workplan__slug=slug).count() == n
    with CaptureQueriesContext(connection) as again:
        summary = workplan_import_commit(parse_file(csv_plan(rows), "plan.csv"), slug=slug)
    assert not summary.changed
    return [q["sql"] for q in first], [q["sql"] for q in again]


def test_queries_do_not_grow_with_the_rows_and_an_unchanged_reimport_writes_nothing(db, cluster, monkeypatch):
    # SQLite inserts with an executemany of ROWS_PER_STATEMENT-row statements and one statement for the
    # rest; 7 here so that both sizes need both for every table (30, 60 activities; 90, 180 quarter links)
    monkeypatch.setattr("imports.services.ROWS_PER_STATEMENT", 7)
    import_queries(4, "warm")  # creates the quarters of 2021 (three queries, once)
    small, again_small = import_queries(30, "small")
    large, again_large = import_queries(60, "large")
    assert len(small) == len(large), "\n".join(large)
    assert len(again_small) == len(again_large)
    assert [sql for sql in again_large if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "COPY"))] == []
    # the plan, quarters, organisations (3), 7 tables of rows, the savepoint and its release; the lock on PostgreSQL
    assert len(again_large) == 14 + (connection.vendor == "postgresql"), "\n".join(again_large)
    # savepoint, plan, quarters, organisations (3), default cluster, the plan created and its quarters, objective,
    # activities (2 statements + their ids), quarter links (2), new organisation, organisation links (2),
    # indicators (2 + their ids), the generation, release; on PostgreSQL one COPY a table, and the lock;
    # the new plan's save raises the site version of the page cache (the database cache: its size, a
    # savepoint, the read, the write, the release: 6 statements; none with Redis)
    assert len(large) == (29 if connection.vendor == "sqlite" else 26), "\n".join(large)


def test_phased_targets_are_saved_and_kept(db, cluster):
    parsed = plan(targets=[((2021, 1), Decimal(5)), ((2021, 2), Decimal(7))])
    workplan_import_commit(parsed, slug="p", cluster=cluster)
    indicator = Indicator.objects.get(text="# de sessions tenues")
    assert sorted((t.quarter.code, t.value) for t in IndicatorTarget.objects.filter(indicator=indicator)) == [
        ("2021-Q1", Decimal(5)), ("2021-Q2", Decimal(7))]
    summary = workplan_import_commit(plan(targets=[((2021, 2), Decimal(9))]), slug="p", cluster=cluster)
    assert summary.updated["indicators"] == 1
    assert [(t.quarter.code, t.value) for t in IndicatorTarget.objects.filter(indicator=indicator)] == [
        ("2021-Q2", Decimal(9))]
    assert not workplan_import_commit(plan(), slug="p", cluster=cluster).changed
    assert IndicatorTarget.objects.filter(indicator=indicator).count() == 1


def test_a_reimport_keeps_the_plans_cluster(db, cluster):
    other = Cluster.objects.create(code="CP-BFA", name="Protection Burkina")
    Workplan.objects.create(slug="p", title="Plan 2021", cluster=other)
    workplan_import_commit(plan(), slug="p")
    assert Workplan.objects.get(slug="p").cluster == other


def test_the_preview_summary_of_an_existing_plan(db, cluster):
    workplan_import_commit(plan(), slug="p", cluster=cluster)
    snapshot, workplan = workplan_snapshot("p")
    assert workplan.slug == "p" and len(snapshot.activities) == 1 and len(snapshot.actor_links) == 2
    summary = workplan_import_preview(plan(ParsedActivity(title="Sensibiliser")), slug="p")
    assert summary.dry_run and summary.created["activities"] == 1 and summary.workplan == workplan
    assert ActivityActor.objects.count() == 2 and Activity.objects.count() == 1


# --- saved column mappings, per cluster ------------------------------------------------------------

UNKNOWN = b"Plan pilote 2021\nGoal;Task;KPI;Who\nProtect civilians;Train monitors;# trained;UNHCR\n"
FIELDS = {"goal": "objective", "task": "activity", "kpi": "indicator", "who": "lead"}


@pytest.fixture
def two_clusters(cluster):
    other = Cluster.objects.create(code="CP-BFA", name="Protection Burkina")
    Workplan.objects.create(slug="in-a", title="Plan A", cluster=cluster)
    Workplan.objects.create(slug="in-b", title="Plan B", cluster=other)
    return cluster, other


def upload(client, target):
    client.post(reverse("imports:import"), {"file": SimpleUploadedFile("plan.csv", UNKNOWN), "target": target})
    return ImportSession.objects.latest("pk")


def test_a_mapping_saved_for_one_cluster_is_not_applied_to_another(users, client_for, two_clusters):
    cluster_a, _cluster_b = two_clusters
    ColumnMapping.objects.create(cluster=cluster_a, header=["Goal", "Task", "KPI", "Who"], fields=FIELDS)
    client = client_for(users.administrator)
    assert upload(client, "in-a").options["columns"] == FIELDS
    assert upload(client, "in-b").options["columns"] == {}


def test_a_mapping_saved_for_no_cluster_is_the_fallback(users, client_for, two_clusters):
    cluster_a, _cluster_b = two_clusters
    ColumnMapping.objects.create(cluster=None, header=["Goal", "Task", "KPI", "Who"], fields={**FIELDS, "who": "other"})
    ColumnMapping.objects.create(cluster=cluster_a, header=["Goal", "Task", "KPI", "Who"], fields=FIELDS)
    client = client_for(users.administrator)
    assert upload(client, "in-a").options["columns"] == FIELDS
    assert upload(client, "in-b").options["columns"]["who"] == "other"


def test_a_confirmed_mapping_is_saved_for_the_plans_cluster(users, client_for, two_clusters):
    _cluster_a, cluster_b = two_clusters
    client = client_for(users.administrator)
    session = upload(client, "in-b")
    post = {"header_row": 2}
    for k, label in enumerate(["Goal", "Task", "KPI", "Who"]):
        post[f"label-{k}"], post[f"col-{k}"] = label, FIELDS[label.lower()]
    client.post(reverse("imports:import_preview", args=[session.pk]), post)
    client.post(reverse("imports:import_confirm", args=[session.pk]))
    assert Activity.objects.get(workplan__slug="in-b").title == "Train monitors"
    assert list(ColumnMapping.objects.values_list("cluster", flat=True)) == [cluster_b.pk]


def test_the_commands_dry_run_lists_the_changed_rows_and_writes_nothing(db, cluster, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "plan.csv"
    path.write_bytes(csv_plan(["Former;# formés;HCR;T1 2021", "Visiter;# visites;HCR;T2 2021"]))
    call_command("import_workplan", str(path), "--slug", "p", stdout=StringIO())
    path.write_bytes(csv_plan(["Former;# formés;HCR;T3 2021", "Visiter;# visites;HCR;T2 2021"]))
    out = StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("import_workplan", str(path), "--slug", "p", "--dry-run", stdout=out)
    assert writes(queries) == []
    assert "period_text: T1 2021 → T3 2021" in out.getvalue()
    assert Activity.objects.get(title="Former").period_text == "T1 2021"


def test_a_changed_target_and_targets_in_quarters_not_created_yet(db, cluster):
    workplan_import_commit(plan(), slug="p", cluster=cluster)  # creates 2021's first two quarters
    changed = plan(targets=[((2023, 4), Decimal("2.5"))])
    changed.objectives[0].results[0].activities[0].indicators[0].target = Decimal(15)
    changed.objectives[0].results[0].activities[0].quarters = [(2021, 1), (2021, 3)]  # 2021-Q3 exists (the plan's)
    summary = workplan_import_commit(changed, slug="p", cluster=cluster)
    indicator = Indicator.objects.get(text="# de sessions tenues")
    assert indicator.target == Decimal(15) and summary.updated["indicators"] == 1
    assert [(t.quarter.code, t.value) for t in indicator.targets.all()] == [("2023-Q4", Decimal("2.50"))]
    assert sorted(Activity.objects.get().quarters.values_list("year", "number")) == [(2021, 1), (2021, 3)]


def test_texts_with_tabs_newlines_and_backslashes_are_saved_as_they_are(db, cluster):
    title = "Former\tles moniteurs \\N à Gao\r\nsur deux lignes \\ fin"
    parsed = plan(ParsedActivity(title=title, place="Mopti\\Sévaré", months=["2021-01"]))
    parsed.objectives[0].results[0].activities[0].indicators[0].means_of_verification = "Rapports\n\\N"
    workplan_import_commit(parsed, slug="p", cluster=cluster)
    saved_activity = Activity.objects.get(title=title)
    assert (saved_activity.place, saved_activity.months) == ("Mopti\\Sévaré", ["2021-01"])
    assert Indicator.objects.get(text="# de sessions tenues").means_of_verification == "Rapports\n\\N"
    assert Indicator.objects.get(text="# de sessions tenues").target == Decimal(12)
    assert not workplan_import_commit(parsed, slug="p", cluster=cluster).changed


@pytest.mark.parametrize("row", [
    ("plain", 1, None, Decimal("2.5"), datetime.date(2021, 3, 31)),
    ("tab\there", None), ("line\nbreak", "cr\rhere"), ("back\\slash", None), ("\\N", None), (None, None),
    ("", "a\\tb"), (True, False, "t"),
])
def test_copy_line_matches_value_by_value_escaping(row):
    """The fast COPY line is the escaped one whenever a value holds a tab, a line break or a backslash."""
    from imports.services import _copy_line, _copy_text

    expected = "\t".join(map(_copy_text, row)) + "\n"
    got = _copy_line(row)
    if any(isinstance(v, bool) for v in row):  # "True" / "t": both booleans to PostgreSQL
        assert got.replace("True", "t").replace("False", "f") == expected
    else:
        assert got == expected
