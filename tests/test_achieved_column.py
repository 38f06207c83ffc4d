"""Issue 13: every table that shows a % shows the achieved figure it is computed from (achieved to
date by the indicator's own aggregation rule), with the latest quarter's value beside it."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.models import Indicator, ProgressReport

State = ProgressReport.State

# (aggregation, kind, quarterly values, target) → (achieved to date, latest value, % achieved), worked out by hand.
CASES = {
    "sum": (Indicator.Aggregation.SUM, Indicator.Kind.NUMBER, [10, 20, 5], 100, (D(35), D(5), D("35.0"))),
    "cumulative": (Indicator.Aggregation.CUMULATIVE, Indicator.Kind.NUMBER, [20, 30, 45], 50, (D(45), D(45), D("90.0"))),
    "latest": (Indicator.Aggregation.LATEST, Indicator.Kind.NUMBER, [8, 3, 6], 12, (D(6), D(6), D("50.0"))),
    # "1 document méthodologique": target 1, reported 1 in three quarters, summed → 3 (300 %), shown as such.
    "one_document": (Indicator.Aggregation.SUM, Indicator.Kind.NUMBER, [1, 1, 1], 1, (D(3), D(1), D("300.0"))),
    "percent": (Indicator.Aggregation.SUM, Indicator.Kind.PERCENT, [40, 60, 70], 80, (D(70), D(70), D("87.5"))),
}


@pytest.fixture
def indicators(plan, hcr):
    made = {}
    for order, (name, (aggregation, kind, values, target, _expected)) in enumerate(CASES.items()):
        indicator = Indicator.objects.create(
            workplan=plan.workplan, activity=plan.activities[0], code=f"C-{name}", text=f"Indicateur {name}",
            target=target, aggregation=aggregation, kind=kind, order=order,
        )
        for quarter, value in zip(plan.quarters, values):
            ProgressReport.objects.create(indicator=indicator, quarter=quarter, organisation=hcr, value=value,
                                          state=State.VALIDATED)
        made[name] = indicator
    return made


def _cells(body, indicator, css):
    """The text of the ``<td class="num {css}">`` cells in the rows that link to ``indicator``."""
    url = re.escape(indicator.get_absolute_url())
    rows = re.findall(r'<tr>\s*<td><a href="%s">.*?</tr>' % url, body, flags=re.S)
    return [re.sub(r"<[^>]+>", "", cell).split()[0] for row in rows
            for cell in re.findall(r'<td class="num %s">(.*?)</td>' % css, row, flags=re.S)]


def _plain(text):
    return D(text.replace("\u202f", "").replace("\xa0", "").replace(",", "."))


@pytest.mark.parametrize("name", list(CASES))
def test_the_model_maths(indicators, name):
    expected = CASES[name][-1]
    progress = indicators[name].progress()
    assert (progress.achieved, progress.latest_value, progress.percent) == expected


@pytest.mark.parametrize("name", list(CASES))
def test_the_plan_tree_shows_the_achieved_figure_its_percent_comes_from(client_for, users, indicators, name):
    achieved, latest, percent = CASES[name][-1]
    with translation.override("en"):
        body = client_for(users.member).get(reverse("reports:workplan", args=["plan-test"]),
                                            HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert [_plain(v) for v in _cells(body, indicators[name], "achieved")] == [achieved]
    assert [_plain(v) for v in _cells(body, indicators[name], "latest")] == [latest]
    pct = re.findall(r'<tr>\s*<td><a href="%s">.*?</tr>' % re.escape(indicators[name].get_absolute_url()), body, re.S)[0]
    assert f"{percent.quantize(D(1))}\xa0%" in pct.replace(" %", "\xa0%") or f"{percent.quantize(D(1))} %" in pct


@pytest.mark.parametrize("name", list(CASES))
def test_the_activity_list_shows_the_achieved_figure(client_for, users, indicators, name):
    achieved = CASES[name][-1][0]
    body = client_for(users.member).get(reverse("reports:activity_list")).content.decode()
    link = re.escape(indicators[name].get_absolute_url())
    found = re.findall(r'<a href="%s">[^<]*</a> — <span class="achieved">([^<]*)</span>' % link, body)
    assert [_plain(v) for v in found] == [achieved]


@pytest.mark.parametrize("name", list(CASES))
def test_the_indicator_page_shows_achieved_and_latest(client_for, users, indicators, name):
    achieved, latest, _percent = CASES[name][-1]
    response = client_for(users.member).get(indicators[name].get_absolute_url())
    assert response.context["progress"].achieved == achieved
    found = re.findall(r'<dd class="achieved">([^<( ]*)', response.content.decode())
    assert [_plain(v) for v in found] == [achieved]
    rows = response.context["quarter_rows"]
    assert [r["running"] for r in rows if r["running"] is not None][-1] == achieved


@pytest.mark.parametrize("name", list(CASES))
def test_the_performance_table_shows_the_achieved_figure_beside_its_percent(client_for, users, indicators, name):
    achieved, _latest, percent = CASES[name][-1]
    client = client_for(users.member)
    table = client.get(reverse("reports:performance", args=["plan-test"])).context["table"]
    row = next(r for r in table.rows if r.indicator.pk == indicators[name].pk)
    assert (row.achieved, row.percent) == (achieved, percent)
