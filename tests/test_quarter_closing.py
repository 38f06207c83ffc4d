"""Issue 13: closing a quarter lists the drafts and returned reports (and those awaiting
validation) still open in it and asks to confirm, then closes."""

import pytest
from django.urls import reverse

from indicators import services
from indicators.models import Indicator, ProgressReport, QuarterClosure


def close_url(plan, code="2020-Q2"):
    return reverse("indicators:quarter_close", args=[plan.workplan.slug, code])


@pytest.fixture
def open_reports(plan, indicator, hcr, users):
    second = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], code="I2", text="# réunions")
    third = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], code="I3", text="# visites")
    q2 = plan.quarters[1]
    draft = services.report_save(users.member, indicator, q2, hcr, value=4, narrative="brouillon")
    returned = services.report_submit(users.member, services.report_save(users.member, second, q2, hcr, value=5))
    returned = services.report_return(users.coordinator, returned, "Source ?")
    validated = services.report_submit(users.member, services.report_save(users.member, third, q2, hcr, value=6))
    validated = services.report_validate(users.coordinator, validated)
    return {"draft": draft, "returned": returned, "validated": validated}


def test_first_step_lists_what_is_open_and_does_not_close(client_for, users, plan, open_reports):
    response = client_for(users.coordinator).post(close_url(plan), {"reason": "Revue T2"})
    assert response.status_code == 200
    assert not QuarterClosure.objects.exists()
    listed = {r.pk for r in response.context["open_reports"]}
    assert listed == {open_reports["draft"].pk, open_reports["returned"].pk}
    assert [r.pk for r in response.context["drafts"]] == [open_reports["draft"].pk]
    assert [r.pk for r in response.context["returned"]] == [open_reports["returned"].pk]
    body = response.content.decode()
    assert 'name="confirm" value="yes"' in body and "Revue T2" in body  # the reason is carried to the confirm step
    assert "Source ?" in body  # the return comment is shown beside the returned report


def test_confirming_closes(client_for, users, plan, open_reports):
    response = client_for(users.coordinator).post(close_url(plan), {"reason": "Revue T2", "confirm": "yes"})
    assert response.status_code == 302
    closure = QuarterClosure.objects.get()
    assert (closure.quarter, closure.reason, closure.closed_by) == (plan.quarters[1], "Revue T2", users.coordinator)
    # The open reports are locked as they are.
    with pytest.raises(services.ReportLocked):
        services.report_submit(users.member, ProgressReport.objects.get(pk=open_reports["draft"].pk))


def test_an_empty_quarter_still_asks_and_says_nothing_is_open(client_for, users, plan):
    response = client_for(users.coordinator).post(close_url(plan, "2020-Q3"))
    assert response.status_code == 200 and response.context["open_reports"] == []
    assert not QuarterClosure.objects.exists()


def test_the_service_refuses_an_unconfirmed_close_with_open_reports(users, plan, open_reports):
    with pytest.raises(services.QuarterHasOpenReports) as refused:
        services.quarter_close(users.coordinator, plan.workplan, plan.quarters[1], "x", confirmed=False)
    assert {r.pk for r in refused.value.reports} == {open_reports["draft"].pk, open_reports["returned"].pk}
    assert not QuarterClosure.objects.exists()
    services.quarter_close(users.coordinator, plan.workplan, plan.quarters[2], "x", confirmed=False)  # nothing open
    assert QuarterClosure.objects.count() == 1


def test_wrong_method_forbidden_roles_and_other_plans(client_for, users, plan, open_reports):
    assert client_for(users.coordinator).get(close_url(plan)).status_code == 405
    for role in ("member", "outsider"):
        assert client_for(getattr(users, role)).post(close_url(plan), {"confirm": "yes"}).status_code == 403
    assert client_for(users.coordinator).post(reverse("indicators:quarter_close", args=["nope", "2020-Q2"]),
                                              {"confirm": "yes"}).status_code == 404
    assert not QuarterClosure.objects.exists()
