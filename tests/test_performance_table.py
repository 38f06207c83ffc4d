"""The performance table (reports/performance.py) and its page: figures checked against hand-computed values."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.models import Indicator, ProgressReport, Status
from reports.performance import ReportFilters, performance_table
from workplans.models import Activity, ActivityActor, Actor, SubCluster, Workplan

TODAY = datetime.date(2026, 11, 23)


def table_for(report_plan, **filters):
    today = filters.pop("today", TODAY)
    with translation.override("en"):
        return performance_table(
            Workplan.objects.filter(pk=report_plan.plan.workplan.pk), ReportFilters(**filters), today=today
        )


def rows_by_code(table):
    return {row.indicator.code: row for row in table.rows}


def test_whole_plan_figures(report_plan):
    rows = rows_by_code(table_for(report_plan))
    assert set(rows) == {"A", "B", "C", "D", "E"}
    # A: summed; only validated reports: 10 + 5 + 20
    assert (rows["A"].target, rows["A"].achieved, rows["A"].percent) == (D(100), D(35), D("35.0"))
    assert rows["A"].status == Status.LATE
    # B: cumulative: the last running total, never the sum
    assert (rows["B"].achieved, rows["B"].percent, rows["B"].status) == (D(45), D("90.0"), Status.AT_RISK)
    # C: a percentage is never summed: the latest value
    assert (rows["C"].achieved, rows["C"].percent, rows["C"].status) == (D(70), D("87.5"), Status.AT_RISK)
    # D: yes/no: yes once reached
    assert (rows["D"].achieved, rows["D"].percent, rows["D"].status) == (D(1), D(100), Status.DONE)
    # E: no target: a figure, no percentage; Q3 and Q4 were due and not reported
    assert (rows["E"].target, rows["E"].achieved, rows["E"].percent, rows["E"].status) == (None, D(10), None, Status.LATE)


def test_quarter_columns(report_plan):
    table = table_for(report_plan)
    assert [q.code for q in table.quarters] == ["2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4"]
    a = rows_by_code(table)["A"]
    assert [(c.target, c.achieved, c.percent) for c in a.cells] == [
        (D(25), D(15), D("60.0")), (D(25), D(20), D("80.0")), (None, None, None), (None, None, None),
    ]
    b = rows_by_code(table)["B"]
    assert [c.achieved for c in b.cells] == [D(20), D(30), D(45), None]
    assert [c.percent for c in b.cells] == [None, None, None, None]  # no phased target
    d = rows_by_code(table)["D"]
    assert [c.percent for c in d.cells] == [None, D(0), D(100), None]


def test_grouping_under_objective_and_result(report_plan):
    table = table_for(report_plan)
    assert len(table.groups) == 1
    group = table.groups[0]
    assert group.objective == report_plan.plan.objective
    assert [(rg.result, [r.indicator.code for r in rg.rows]) for rg in group.results] == [
        (None, ["C", "D"]), (report_plan.plan.result, ["A", "B", "E"]),
    ]
    assert group.status == Status.LATE


def test_breakdown_sub_rows_count_only_validated_reports(report_plan):
    assert rows_by_code(table_for(report_plan))["A"].breakdowns == []
    subs = {s.label: s for s in rows_by_code(table_for(report_plan, breakdowns=True))["A"].breakdowns}
    assert set(subs) == {"Sex: Female", "Sex: Male"}
    assert subs["Sex: Female"].values == [D(11), D(12), None, None]
    assert subs["Sex: Female"].total == D(23)
    assert subs["Sex: Male"].total == D(4)


def test_filter_by_actor(report_plan, hcr):
    assert set(rows_by_code(table_for(report_plan, actor=hcr))) == {"A", "B", "E"}


def test_filter_by_subcluster(report_plan):
    subcluster = SubCluster.objects.first()
    group = Actor.objects.create(acronym="GT-TEST", subcluster=subcluster)
    ActivityActor.objects.create(activity=report_plan.plan.activities[1], actor=group)
    assert set(rows_by_code(table_for(report_plan, subcluster=subcluster))) == {"C"}


def test_filter_by_status(report_plan):
    assert set(rows_by_code(table_for(report_plan, status=Status.LATE))) == {"A", "E"}
    assert set(rows_by_code(table_for(report_plan, status=Status.DONE))) == {"D"}


def test_filter_by_year(report_plan):
    table = table_for(report_plan, year=2020)
    assert len(table.quarters) == 4 and rows_by_code(table)["A"].achieved == D(35)
    earlier = table_for(report_plan, year=2019)
    assert earlier.quarters == []
    assert rows_by_code(earlier)["A"].achieved is None
    assert earlier.as_of == datetime.date(2020, 1, 1)


def test_only_completed_quarters(report_plan):
    table = table_for(report_plan, completed_only=True, today=datetime.date(2020, 8, 15))
    assert [q.code for q in table.quarters] == ["2020-Q1", "2020-Q2"]
    rows = rows_by_code(table)
    assert (rows["B"].achieved, rows["B"].percent, rows["B"].status) == (D(30), D("60.0"), Status.ON_TRACK)
    assert rows["D"].achieved == D(0)
    # without the filter, the running quarter (Q3) counts
    assert rows_by_code(table_for(report_plan, today=datetime.date(2020, 8, 15)))["B"].achieved == D(45)


def test_page_shows_the_figures(report_plan, users, client_for):
    url = reverse("reports:performance", args=[report_plan.plan.workplan.slug])
    response = client_for(users.member).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Personnes touchées" in html and "35 %" in html and "88 %" in html
    assert response.context["table"].rows[0].indicator.code == "C"


def test_page_filters_from_the_query_string(report_plan, users, client_for):
    url = reverse("reports:performance", args=[report_plan.plan.workplan.slug])
    response = client_for(users.outsider).get(url, {"actor": "HCR", "status": "late", "breakdowns": "on"},
                                                 HTTP_ACCEPT_LANGUAGE="en")
    assert {r.indicator.code for r in response.context["table"].rows} == {"A", "E"}
    assert "Sex: Female" in response.content.decode()


def test_bad_filter_is_reported_and_ignored(report_plan, users, client_for):
    url = reverse("reports:performance", args=[report_plan.plan.workplan.slug])
    response = client_for(users.member).get(url, {"year": "abc"}, follow=True)
    assert response.status_code == 200
    assert len(response.context["table"].rows) == 5
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_across_workplans(report_plan, users, client_for):
    response = client_for(users.member).get(reverse("reports:performance_all"), {"actor": "HCR"})
    assert {r.indicator.code for r in response.context["table"].rows} == {"A", "B", "E"}
    assert "<small>Plan test</small> · 1 Objectif un" in response.content.decode()


def test_unknown_workplan_is_404(users, client_for, db):
    assert client_for(users.member).get(reverse("reports:performance", args=["nope"])).status_code == 404


def test_post_is_405(report_plan, users, client_for):
    url = reverse("reports:performance", args=[report_plan.plan.workplan.slug])
    assert client_for(users.member).post(url).status_code == 405


def _add_indicators(report_plan, n):
    plan = report_plan.plan
    for i in range(n):
        activity = Activity.objects.create(workplan=plan.workplan, objective=plan.objective, code=f"9.{i}", title=f"x{i}")
        activity.quarters.set(plan.quarters)
        ActivityActor.objects.create(activity=activity, actor=Actor.objects.get(acronym="HCR"))
        indicator = Indicator.objects.create(workplan=plan.workplan, activity=activity, code=f"X{i}", text=f"x{i}", target=10)
        for quarter in plan.quarters:
            ProgressReport.objects.create(indicator=indicator, quarter=quarter, organisation_id=activity.actors.first().pk,
                                          value=2, state=ProgressReport.State.VALIDATED)


@pytest.mark.parametrize("extra", [0, 25])
def test_query_count_is_constant(report_plan, users, client_for, django_assert_max_num_queries, extra):
    _add_indicators(report_plan, extra)
    client = client_for(users.member)
    url = reverse("reports:performance", args=[report_plan.plan.workplan.slug])
    with django_assert_max_num_queries(25):  # +1: the unread notifications in the navigation bar; page cache miss (issue 16): +generations, cache read, fragment write
        response = client.get(url, {"breakdowns": "on"})
    assert len(response.context["table"].rows) == 5 + extra


def test_page_weight(report_plan, users, client_for):
    import gzip

    from django.contrib.staticfiles import finders

    url = reverse("reports:performance", args=[report_plan.plan.workplan.slug])
    html = client_for(users.member).get(url).content
    assets = b"".join(open(finders.find(p), "rb").read() for p in ("css/app.css", "css/reports.css"))
    assert len(gzip.compress(html + assets)) < 200 * 1024


def test_page_is_paginated_keeping_filters_and_groups(report_plan, users, client_for, monkeypatch):
    from reports import views

    monkeypatch.setattr(views, "ROWS_PER_PAGE", 2)
    url = reverse("reports:performance", args=[report_plan.plan.workplan.slug])
    client = client_for(users.member)
    first = client.get(url, {"year": "2020"})
    assert [r.indicator.code for g in first.context["groups"] for r in g.rows] == ["C", "D"]
    assert "?year=2020&amp;page=2" in first.content.decode()
    last = client.get(url, {"year": "2020", "page": "3"})
    assert [r.indicator.code for g in last.context["groups"] for r in g.rows] == ["E"]
    assert last.context["groups"][0].results[0].result == report_plan.plan.result
    assert len(last.context["table"].rows) == 5  # the figures are computed over every row


def test_group_rows_span_the_whole_table(report_plan, users, client_for):
    html = client_for(users.member).get(reverse("reports:performance", args=[report_plan.plan.workplan.slug])).content.decode()
    assert '<th colspan="21" scope="rowgroup">' in html  # objective: 6 + 3 + 4 × 3 columns, then its status
    assert '<th colspan="22" scope="rowgroup">' in html  # result: the whole width
