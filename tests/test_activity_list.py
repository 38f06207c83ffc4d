"""/activities/: every filter alone and combined, counts, pagination, exports, query counts."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Indicator, ProgressReport
from workplans.models import Activity, ActivityActor, Objective, Quarter, SubCluster, SubClusterAlias, Workplan

URL = "/activities/"


@pytest.fixture
def data(plan, cluster, hcr, nrc, users):
    """Two plans; activities with sub-clusters, actors, quarters, levels, statuses; one late."""
    sub = SubCluster.objects.get(code="GT-LAMH") if SubCluster.objects.filter(code="GT-LAMH").exists() else SubCluster.objects.first()
    SubClusterAlias.objects.get_or_create(subcluster=sub, name="LHAM-TEST")
    nrc.subcluster = sub
    nrc.save()
    other = Workplan.objects.create(title="Autre plan", slug="autre-plan", cluster=cluster,
                                    start_date=datetime.date(2021, 1, 1), end_date=datetime.date(2021, 12, 31))
    objective = Objective.objects.create(workplan=other, title="O2")
    q2021 = Quarter.objects.ensure_range((2021, 1), (2021, 4))
    mines = Activity.objects.create(workplan=other, objective=objective, code="2.1", title="Éducation aux risques des mines",
                                    level=Activity.Level.REGIONAL, status=Activity.Status.ONGOING)
    mines.quarters.set(q2021[1:2])
    ActivityActor.objects.create(activity=mines, actor=nrc)
    # Late: scheduled 2021-Q1..Q4 (over), 10 of 100 validated.
    late = Activity.objects.create(workplan=other, objective=objective, code="2.2", title="Formation des acteurs",
                                   level=Activity.Level.NATIONAL, status=Activity.Status.ONGOING)
    late.quarters.set(q2021)
    ActivityActor.objects.create(activity=late, actor=hcr)
    indicator = Indicator.objects.create(workplan=other, activity=late, text="# de personnes formées", target=100)
    ProgressReport.objects.create(indicator=indicator, quarter=q2021[0], organisation=hcr, value=10,
                                  state=ProgressReport.State.VALIDATED)
    Indicator.objects.create(workplan=other, activity=mines, text="Nombre de séances de sensibilisation")
    return {"sub": sub, "other": other, "mines": mines, "late": late, "plan": plan}


def codes(client, query):
    response = client.get(URL + "?" + query)
    assert response.status_code == 200
    return sorted(a.code for a in response.context["activities"])


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["1.1.1", "1.2", "2.1", "2.2"]),
        ("subcluster=GT-LAMH", ["2.1"]),
        ("subcluster=lham-test", ["2.1"]),
        ("actor=HCR", ["1.1.1", "2.2"]),
        ("actor=nrc", ["2.1"]),
        ("workplan=autre-plan", ["2.1", "2.2"]),
        ("workplan=plan-test", ["1.1.1", "1.2"]),
        ("quarter=2021-Q2", ["2.1", "2.2"]),
        ("quarter=2020-Q1", ["1.1.1"]),
        ("status=ongoing", ["2.1", "2.2"]),
        ("level=national", ["2.2"]),
        ("q=education", ["2.1"]),
        ("q=seances", ["2.1"]),
        ("q=FORMÉES", ["2.2"]),
        ("late=on", ["2.2"]),
    ],
)
def test_each_filter_alone(client_for, users, data, query, expected):
    assert codes(client_for(users.member), query) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("workplan=autre-plan&actor=HCR", ["2.2"]),
        ("workplan=autre-plan&quarter=2021-Q2&status=ongoing", ["2.1", "2.2"]),
        ("quarter=2021-Q2&level=regional&subcluster=GT-LAMH", ["2.1"]),
        ("late=on&actor=NRC", []),
        ("late=on&workplan=autre-plan&q=formation", ["2.2"]),
        ("q=mines&actor=HCR", []),
    ],
)
def test_filters_combine(client_for, users, data, query, expected):
    assert codes(client_for(users.member), query) == expected


@pytest.mark.parametrize("query", ["subcluster=nope", "actor=nope", "workplan=nope", "quarter=2021-Q9"])
def test_unknown_values_give_nothing_and_say_so(client_for, users, data, query):
    response = client_for(users.member).get(URL + "?" + query)
    assert response.status_code == 200 and response.context["total"] == 0
    assert "inconnu" in response.content.decode()


def test_counts_and_pagination(client_for, users, data, settings):
    from reports import views

    client = client_for(users.member)
    response = client.get(URL)
    assert response.context["total"] == 4
    assert "4 activités" in response.content.decode()
    original = views.PAGE_SIZE
    views.PAGE_SIZE = 3
    try:
        first = client.get(URL + "?workplan=&page=1")
        second = client.get(URL + "?page=2")
    finally:
        views.PAGE_SIZE = original
    assert len(first.context["activities"]) == 3 and len(second.context["activities"]) == 1
    assert 'page=2' in first.content.decode()


def test_late_is_computed_not_stored(client_for, users, data, hcr):
    """Validating enough progress takes the activity out of the late list."""
    client = client_for(users.member)
    assert codes(client, "late=on") == ["2.2"]
    report = ProgressReport.objects.get()
    report.value = 100
    report.save()
    assert codes(client, "late=on") == []


@pytest.mark.parametrize("n", [2, 30])
def test_query_count_is_constant(client_for, users, data, n, hcr, django_assert_max_num_queries):
    for i in range(n):
        activity = Activity.objects.create(workplan=data["other"], objective=data["late"].objective, title=f"X{i}")
        activity.quarters.set(data["late"].quarters.all())
        ActivityActor.objects.create(activity=activity, actor=hcr)
        Indicator.objects.create(workplan=data["other"], activity=activity, text=f"# {i}", target=5)
    client = client_for(users.member)
    # "late" reads the plans' statuses from the cache (indicators.progress.plan_statuses): on a
    # cold cache, 5 more queries per plan to store them (2 plans here); then constant.
    with django_assert_max_num_queries(42):  # +1: the unread notifications in the navigation bar; page cache miss (issue 16): +generations, cache read, fragment write
        assert client.get(URL + "?late=on&actor=HCR").status_code == 200
    with django_assert_max_num_queries(27):  # +1: the unread notifications in the navigation bar
        assert client.get(URL + "?late=on&actor=HCR").status_code == 200
    with django_assert_max_num_queries(23):  # +1: the unread notifications in the navigation bar
        assert client.get(URL).status_code == 200


def test_csv_export_follows_the_filters_and_neutralises_formulas(client_for, users, data):
    Activity.objects.filter(pk=data["late"].pk).update(title="=HYPERLINK(\"http://evil\")")
    response = client_for(users.member).get(reverse("reports:activity_export", args=["csv"]) + "?workplan=autre-plan")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.streaming  # issue 16: a large plan's rows are sent as they are read
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))  # French Excel by default
    assert len(rows) == 3
    titles = [row[2] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\")" in titles


def test_xlsx_export(client_for, users, data):
    response = client_for(users.member).get(reverse("reports:activity_export", args=["xlsx"]) + "?late=on")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "2.2" and rows[1][5] in ("En retard", "Late")


def test_unknown_export_format_is_404(client_for, users, data):
    assert client_for(users.member).get(reverse("reports:activity_export", args=["pdf"])).status_code == 404


def test_search_text_kept_up_to_date(client_for, users, data):
    client = client_for(users.member)
    assert codes(client, "q=vaccination") == []
    indicator = Indicator.objects.filter(activity=data["mines"]).first()
    indicator.text = "Campagnes de vaccination"
    indicator.save()
    assert codes(client, "q=vaccination") == ["2.1"]


def test_post_is_405(client_for, users, data):
    assert client_for(users.member).post(URL).status_code == 405


def test_csv_stream_sends_the_rows_in_chunks():
    from reports.views import _csv_stream

    pieces = list(_csv_stream(["a", "b"], ([str(i), "x"] for i in range(450)), "data", chunk=200))
    assert len(pieces) == 4  # the headers, then 200 + 200 + 50 rows
    assert pieces[0].startswith("\ufeffa,b")
    assert "".join(pieces).count("\r\n") == 451


def test_csv_export_queries_grow_with_chunks_not_rows(client_for, users, data, monkeypatch):
    """Issue 16: the export reads plain values, a chunk of activities at a time (4 queries a chunk)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import views

    real = views._export_rows
    monkeypatch.setattr(views, "_export_rows", lambda activities: real(activities, chunk=2))
    client = client_for(users.member)
    url = reverse("reports:activity_export", args=["csv"]) + "?workplan=autre-plan"

    def export():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            body = b"".join(response.streaming_content).decode("utf-8-sig")
        return len(captured), body

    queries, body = export()
    assert body.count("\r\n") == 3  # headers + 2 activities: one chunk
    late = data["late"]
    for n in range(2):  # one more chunk
        extra = Activity.objects.create(workplan=late.workplan, objective=late.objective, code=f"2.{n + 3}", title="x")
        extra.quarters.set(late.quarters.all())
    more_queries, body = export()
    assert body.count("\r\n") == 5
    assert more_queries == queries + 4
    assert "2021-Q1 2021-Q2 2021-Q3 2021-Q4" in body
