"""The workplan dashboard: statuses by objective and sub-cluster, activities, timeline, late and awaiting lists."""

import gzip

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from indicators.models import Indicator, Status
from reports.dashboard import workplan_dashboard
from workplans.models import ActivityActor, Actor, SubCluster


def counts(chart):
    return {bar.label: {k: v for k, v in bar.counts.items() if v} for bar in chart.bars}


def test_figures(report_plan):
    subcluster = SubCluster.objects.first()
    ActivityActor.objects.create(activity=report_plan.plan.activities[1],
                                 actor=Actor.objects.create(acronym="GT-X", subcluster=subcluster))
    dash = workplan_dashboard(report_plan.plan.workplan)
    assert counts(dash.by_objective) == {"1": {Status.DONE: 1, Status.AT_RISK: 2, Status.LATE: 2}}
    by_sc = counts(dash.by_subcluster)
    assert by_sc[subcluster.code] == {Status.AT_RISK: 1}
    assert sum(sum(c.values()) for label, c in by_sc.items() if label != subcluster.code) == 4
    assert {k: v for k, v in dash.activity_counts.items() if v} == {Status.LATE: 1, Status.AT_RISK: 1}
    assert [(c.label, c.scheduled, c.reported) for c in dash.timeline.columns] == [
        ("T1 2020", 1, 1), ("T2 2020", 1, 1), ("T3 2020", 2, 2), ("T4 2020", 2, 1),
    ]
    assert [row.indicator.code for row in dash.late] == ["A", "E"] and dash.late_count == 2
    assert [(r.indicator.code, r.quarter.code) for r in dash.awaiting] == [("A", "2020-Q4")]
    assert dash.awaiting_count == 1


def test_bar_geometry_adds_up(report_plan):
    bar = workplan_dashboard(report_plan.plan.workplan).by_objective.bars[0]
    assert sum(s.width for s in bar.segments) == pytest.approx(420, abs=0.05)
    assert [s.percent for s in bar.segments] == [20.0, 40.0, 40.0]


def test_page(report_plan, users, client_for):
    response = client_for(users.outsider).get(reverse("reports:dashboard", args=[report_plan.plan.workplan.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 4
    assert "<script" not in html
    assert "Personnes touchées" in html  # the late list
    # every chart has its table
    assert html.count('<table class="table compact">') >= 4


def test_unknown_workplan_is_404_and_post_405(report_plan, users, client_for):
    client = client_for(users.member)
    assert client.get(reverse("reports:dashboard", args=["nope"])).status_code == 404
    assert client.post(reverse("reports:dashboard", args=[report_plan.plan.workplan.slug])).status_code == 405


@pytest.mark.parametrize("extra", [0, 20])
def test_query_count_is_constant(report_plan, users, client_for, django_assert_max_num_queries, django_assert_num_queries, extra):
    plan = report_plan.plan
    for i in range(extra):
        Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[i % 2], code=f"X{i}", text="x", target=3)
    client = client_for(users.member)
    with django_assert_num_queries(20):  # +1 who may see drafts (issue 13), +1 unread notifications (issue 17)
        assert client.get(reverse("reports:dashboard", args=[plan.workplan.slug])).status_code == 200


def test_page_weight_under_200_kb(report_plan, users, client_for):
    html = client_for(users.member).get(reverse("reports:dashboard", args=[report_plan.plan.workplan.slug])).content
    assets = b"".join(open(finders.find(p), "rb").read() for p in ("css/app.css", "css/reports.css"))
    assert len(gzip.compress(html + assets)) < 200 * 1024


def test_tables_give_counts_and_percentages(report_plan):
    bar = workplan_dashboard(report_plan.plan.workplan).by_objective.bars[0]
    # done 1, on track 0, at risk 2, late 2 of 5
    assert bar.cells[:4] == [(1, 20), (0, 0), (2, 40), (2, 40)]


def test_percentage_indicator_shows_how_it_really_adds_up(report_plan, users, client_for):
    response = client_for(users.member).get(reverse("reports:performance", args=[report_plan.plan.workplan.slug]),
                                            HTTP_ACCEPT_LANGUAGE="en")
    row_c = next(r for r in response.context["table"].rows if r.indicator.code == "C")
    assert row_c.aggregation_label == "Latest value"  # a percentage is never summed
