"""The EHP quarterly protection-risk summary: figures as at the end of the quarter, page and xlsx."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Indicator, ProgressReport, Status
from reports.quarterly import default_quarter, quarter_summary


def summary_for(report_plan, index):
    return quarter_summary(report_plan.plan.workplan, report_plan.quarters[index], report_plan.quarters)


def test_figures_as_at_the_end_of_q2(report_plan):
    ProgressReport.objects.filter(indicator=report_plan.indicators.a, quarter=report_plan.quarters[1]).update(
        narrative="Déplacements à Ménaka"
    )
    summary = summary_for(report_plan, 1)
    rows = {item.row.indicator.code: item for _group, items in summary.groups for item in items}
    # A: Q2 figure 20, to date 15 + 20
    assert (rows["A"].quarter_value, rows["A"].row.achieved) == (20, 35)
    # B: cumulative, Q3 (45) not counted yet
    assert (rows["B"].quarter_value, rows["B"].row.achieved) == (30, 30)
    # C scheduled Q3–Q4: nothing yet; D: "no" in Q2
    assert rows["C"].row.achieved is None and rows["D"].quarter_value == 0
    assert summary.table.as_of.isoformat() == "2020-07-01"
    assert (summary.scheduled, summary.reported, summary.validated_reports, summary.awaiting) == (1, 1, 4, 0)
    assert [r.narrative for r in summary.narratives] == ["Déplacements à Ménaka"]


def test_figures_for_q4(report_plan):
    summary = summary_for(report_plan, 3)
    assert (summary.scheduled, summary.reported, summary.validated_reports, summary.awaiting) == (2, 1, 1, 1)
    assert {row.indicator.code for row in summary.late} == {"A", "E"}
    assert summary.status_counts[Status.DONE] == 1


def test_default_quarter_is_the_last_completed(report_plan):
    import datetime

    assert default_quarter(report_plan.quarters, today=datetime.date(2020, 8, 1)).code == "2020-Q2"
    assert default_quarter(report_plan.quarters, today=datetime.date(2019, 8, 1)).code == "2020-Q1"


def test_page(report_plan, users, client_for):
    url = reverse("reports:quarter_summary", args=[report_plan.plan.workplan.slug])
    response = client_for(users.outsider).get(url, {"quarter": "2020-Q3"})
    assert response.status_code == 200
    assert response.context["summary"].quarter.code == "2020-Q3"
    html = response.content.decode()
    assert "Personnes touchées" in html and "<script" not in html


def test_page_defaults_and_bad_quarter(report_plan, users, client_for):
    url = reverse("reports:quarter_summary", args=[report_plan.plan.workplan.slug])
    client = client_for(users.member)
    assert client.get(url).context["summary"].quarter.code == "2020-Q4"
    response = client.get(url, {"quarter": "2031-Q9"})
    assert response.status_code == 200 and response.context["summary"].quarter.code == "2020-Q4"
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_xlsx(report_plan, users, client_for):
    indicator = report_plan.indicators.e
    indicator.text = "=cmd|' /C calc'!A0"
    indicator.save()
    response = client_for(users.member).get(
        reverse("reports:quarter_summary_xlsx", args=[report_plan.plan.workplan.slug]), {"quarter": "2020-Q2"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0] in {"A", "B", "E"}}
    assert rows["A"][3:7] == (20, 35, 100, 0.35)
    assert rows["B"][3:5] == (30, 30)
    assert rows["E"][1] == "=cmd|' /C calc'!A0"  # text as typed: an xlsx text cell is never evaluated
    assert sheet.cell(row=2, column=2).value == "Q2 2020"
    assert book.worksheets[1].title == "Narratives"


def test_unknown_workplan_and_wrong_method(report_plan, users, client_for):
    client = client_for(users.member)
    for name in ("reports:quarter_summary", "reports:quarter_summary_xlsx"):
        assert client.get(reverse(name, args=["nope"])).status_code == 404
        assert client.post(reverse(name, args=[report_plan.plan.workplan.slug])).status_code == 405


@pytest.mark.parametrize("extra", [0, 20])
def test_query_count_is_constant(report_plan, users, client_for, django_assert_max_num_queries, django_assert_num_queries, extra):
    plan = report_plan.plan
    for i in range(extra):
        Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[i % 2], code=f"X{i}", text="x", target=3)
    client = client_for(users.member)
    with django_assert_num_queries(20):  # +1: the unread notifications in the navigation bar
        assert client.get(reverse("reports:quarter_summary", args=[plan.workplan.slug])).status_code == 200
