"""Issue 13: the quarter grid uses the report form's rules and the report service row by row (parts
that add up, the organisation's responsibility, the kind's value checks); a row in error is shown
with its message and nothing is saved; the grid submits (members) and validates (coordinators)
the selected rows."""

import pytest
from django.urls import reverse

from indicators import services
from indicators.models import Indicator, ProgressReport

State = ProgressReport.State


def grid(plan, code="2020-Q2", organisation=None):
    url = reverse("indicators:quarter_grid", args=[plan.workplan.slug, code])
    return url + (f"?organisation={organisation.pk}" if organisation else "")


def as_shown(client, url, **extra):
    """The grid's POST as a browser sends it: every editable row with its current value."""
    data = {}
    for row in client.get(url).context["rows"]:
        report, pk = row["report"], row["indicator"].pk
        if row["editable"] and report is not None:
            data[f"value_{pk}"] = "" if report.value is None else f"{report.value.normalize():f}"
            data[f"narrative_{pk}"] = report.narrative
            data[f"version_{pk}"] = report.version
    data.update(extra)
    return data


@pytest.fixture
def by_sex(plan):
    return Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], code="S", text="# par sexe",
                                    disaggregate_sex=True)


@pytest.fixture
def percent(plan):
    return Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], code="P", text="% référés",
                                    kind="percent")


def test_a_total_without_the_parts_asked_is_refused_and_nothing_saved(client_for, users, plan, indicator, by_sex):
    response = client_for(users.coordinator).post(grid(plan), {f"value_{indicator.pk}": "5", f"value_{by_sex.pk}": "96"})
    assert response.status_code == 400
    rows = {r["indicator"].pk: r for r in response.context["rows"]}
    assert "Par sexe" in rows[by_sex.pk]["error"]
    assert "error" not in rows[indicator.pk]
    assert 'class="row-error"' in response.content.decode()
    assert not ProgressReport.objects.exists()  # the good row is not saved either


def test_parts_that_add_up_are_saved_with_the_total(client_for, users, plan, by_sex):
    client = client_for(users.coordinator)
    response = client.post(grid(plan), {f"value_{by_sex.pk}": "96", f"sex_F_{by_sex.pk}": "50", f"sex_M_{by_sex.pk}": "40"})
    assert response.status_code == 400 and "90" in response.context["rows"][0]["error"]
    response = client.post(grid(plan), {f"value_{by_sex.pk}": "96", f"sex_F_{by_sex.pk}": "56", f"sex_M_{by_sex.pk}": "40"})
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.value == 96
    assert {(b.category, b.value) for b in report.breakdowns.all()} == {("F", 56), ("M", 40)}


def test_a_non_responsible_organisation_is_refused(client_for, users, plan, indicator, nrc):
    client = client_for(users.coordinator)
    response = client.get(grid(plan, organisation=nrc))
    row = next(r for r in response.context["rows"] if r["indicator"].pk == indicator.pk)
    assert not row["editable"] and "NRC" in row["refusal"]
    assert f'name="value_{indicator.pk}"' not in response.content.decode()
    client.post(grid(plan, organisation=nrc), {f"value_{indicator.pk}": "9"})
    assert not ProgressReport.objects.exists()
    # The service refuses it too (defence in depth), with the row's message.
    with pytest.raises(services.ProgressError) as refused:
        services.quarter_grid_save(users.coordinator, plan.workplan, plan.quarters[1],
                                   [{"indicator": indicator, "organisation": nrc, "value": 9}])
    assert "NRC" in refused.value.row_errors[indicator.pk]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("raw, message", [("150", "0 et 100"), ("-3", "entre 0 et 100"), ("NaN", "pas un nombre"),
                                          ("Infinity", "pas un nombre")])
def test_the_kind_value_checks_show_on_the_row(client_for, users, plan, percent, raw, message):
    response = client_for(users.coordinator).post(grid(plan), {f"value_{percent.pk}": raw})
    assert response.status_code == 400
    row = next(r for r in response.context["rows"] if r["indicator"].pk == percent.pk)
    assert message in row["error"]
    assert not ProgressReport.objects.exists()


def test_a_member_sees_and_submits_only_their_organisation_rows(client_for, users, plan, indicator, hcr, nrc):
    other = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[1], text="# sans HCR")
    client = client_for(users.member)
    response = client.get(grid(plan))
    assert response.status_code == 200
    assert [r["indicator"].pk for r in response.context["rows"]] == [indicator.pk]
    assert "quarter_close" not in response.content.decode() and "Clôturer" not in response.content.decode()
    response = client.post(grid(plan), {f"value_{indicator.pk}": "12", "select": [indicator.pk, other.pk],
                                        "action": "submit"})
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.value, report.state, report.organisation) == (12, State.SUBMITTED, hcr)
    # ?organisation= is the coordinator's: a member always reports for their own organisation.
    response = client.get(grid(plan, organisation=nrc))
    assert response.context["organisation"] == hcr


def test_a_member_cannot_validate(client_for, users, plan, indicator, hcr):
    report = services.report_submit(users.member, services.report_save(users.member, indicator, plan.quarters[1], hcr, value=3))
    response = client_for(users.member).post(grid(plan), {"select": [indicator.pk], "action": "validate"})
    assert response.status_code == 403
    assert ProgressReport.objects.get(pk=report.pk).state == State.SUBMITTED


def test_a_coordinator_validates_the_selected_rows_with_four_eyes(client_for, users, plan, indicator, percent, hcr):
    from_member = services.report_submit(users.member, services.report_save(users.member, indicator, plan.quarters[1],
                                                                           hcr, value=3))
    own = services.report_submit(users.coordinator, services.report_save(users.coordinator, percent, plan.quarters[1],
                                                                        hcr, value=30))
    client = client_for(users.coordinator)
    response = client.post(grid(plan), as_shown(client, grid(plan), select=[indicator.pk, percent.pk], action="validate"))
    assert response.status_code == 400  # four eyes: the coordinator entered the second row
    row = next(r for r in response.context["rows"] if r["indicator"].pk == percent.pk)
    assert "Quatre yeux" in row["error"]
    assert ProgressReport.objects.get(pk=from_member.pk).state == State.SUBMITTED  # all or nothing
    response = client.post(grid(plan), as_shown(client, grid(plan), select=[indicator.pk], action="validate"))
    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=from_member.pk).state == State.VALIDATED
    assert ProgressReport.objects.get(pk=own.pk).state == State.SUBMITTED


def test_submit_or_validate_needs_a_selection(client_for, users, plan, indicator):
    response = client_for(users.coordinator).post(grid(plan), {"action": "submit"})
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()
