"""Writes through the API: the permission matrix of the pages repeated (member, coordinator,
administrator, outsider), 403 / 404 / 409 / 400, messages in the request's language, CSRF for the
browser, and every write through ``indicators.services`` / ``meetings.services``."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from indicators import services
from indicators.models import ProgressReport, QuarterClosure

State = ProgressReport.State


@pytest.fixture
def api():
    def for_user(user, language="en"):
        token, _ = Token.objects.get_or_create(user=user)
        return Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE=language)

    return for_user


def post(client, url, data, method="post"):
    return getattr(client, method)(url, data, content_type="application/json")


def new_report(client, indicator, quarter="2020-Q3", **values):
    return post(client, "/api/v1/reports/", {"indicator": indicator.pk, "quarter": quarter, **values})


# --- create --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role, code", [("member", 201), ("coordinator", 201), ("administrator", 201), ("outsider", 403)])
def test_create_a_draft_by_role(api, users, report_plan, role, code):
    e = report_plan.indicators.e  # activity 1, HCR responsible
    response = new_report(api(getattr(users, role)), e, value=7, narrative="ok")
    assert response.status_code == code, response.content
    if code == 201:
        body = response.json()
        assert body["state"] == "draft" and body["version"] == 1 and body["organisation"] == "HCR"
    else:
        assert not ProgressReport.objects.filter(indicator=e, quarter__number=3).exists()
        assert "organisation is responsible" in response.json()["detail"]


def test_a_member_reports_only_as_their_organisation(api, users, report_plan, nrc):
    response = new_report(api(users.member), report_plan.indicators.e, value=7, organisation=nrc.pk)
    assert response.status_code == 403
    assert response.json()["detail"] == "You cannot report for this organisation."


def test_create_and_submit_at_once(api, users, report_plan):
    response = new_report(api(users.member), report_plan.indicators.e, value=7, submit=True)
    assert response.status_code == 201
    assert response.json()["state"] == "submitted"


def test_create_over_an_existing_report_is_a_conflict(api, users, report_plan):
    # A, Q3: HCR's draft already exists.
    response = new_report(api(users.member), report_plan.indicators.a, value=5)
    assert response.status_code == 409
    current = response.json()["current"]
    assert current["state"] == "draft" and current["version"] == 1


@pytest.mark.parametrize("language, message", [
    ("en", "Ensure this value is greater than or equal to 0."),
    ("fr", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
])
def test_bad_values_are_400_with_field_messages_in_the_users_language(api, users, report_plan, language, message):
    response = new_report(api(users.member, language), report_plan.indicators.e, value=-3)
    assert response.status_code == 400
    assert response.json() == {"value": [message]}


def test_the_rules_of_each_kind(api, users, report_plan, hcr):
    ind = report_plan.indicators
    coordinator = api(users.coordinator)
    # C's activity has no responsible actor: a coordinator names the organisation.
    assert new_report(coordinator, ind.c, quarter="2020-Q2", value=50).json() == {
        "organisation": ["This field is required."]}
    percent = new_report(coordinator, ind.c, quarter="2020-Q2", value=150, organisation=hcr.pk)
    assert percent.status_code == 400
    assert percent.json() == {"value": ["Ensure this value is less than or equal to 100."]}
    yes_no = new_report(coordinator, ind.d, quarter="2020-Q4", value=2, organisation=hcr.pk)
    assert yes_no.status_code == 400 and "value" in yes_no.json()
    assert new_report(coordinator, ind.d, quarter="2020-Q4", value=1, organisation=hcr.pk).status_code == 201


def test_parts_that_do_not_add_up(api, users, report_plan):
    from indicators.models import Indicator

    e = report_plan.indicators.e
    Indicator.objects.filter(pk=e.pk).update(disaggregate_sex=True)
    response = new_report(api(users.member, "fr"), e, value=10, parts={"F": 3, "M": 4})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "La somme des parties ne correspond pas au total."
    assert "Par sexe" in body["errors"][0]
    assert not ProgressReport.objects.filter(indicator=e, quarter__number=3).exists()
    ok = new_report(api(users.member), e, value=10, parts={"F": 6, "M": 4})
    assert ok.status_code == 201 and ok.json()["parts"] == {"F": 6.0, "M": 4.0}


def test_unknown_indicator_or_quarter(api, users, report_plan):
    client = api(users.member)
    assert post(client, "/api/v1/reports/", {"indicator": 999999, "quarter": "2020-Q3", "value": 1}).status_code == 400
    response = new_report(client, report_plan.indicators.e, quarter="2031-Q9", value=1)
    assert response.status_code == 400 and "quarter" in response.json()


def test_a_closed_quarter_is_locked(api, users, report_plan):
    QuarterClosure.objects.create(workplan=report_plan.plan.workplan, quarter=report_plan.quarters[2])
    response = new_report(api(users.member), report_plan.indicators.e, value=3)
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]


# --- update ----------------------------------------------------------------------------------------


def _draft():
    return ProgressReport.objects.get(state=State.DRAFT)


def test_update_a_draft_with_its_version(api, users, report_plan):
    draft = _draft()
    response = post(api(users.member), f"/api/v1/reports/{draft.pk}/", {"version": 1, "value": 26}, method="patch")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response.json()["value"] == 26
    assert response.json()["parts"] == {}  # A asks for no sex parts: the form drops them, as the page does
    draft.refresh_from_db()
    assert draft.value == 26


def test_a_stale_version_is_409_with_the_current_report(api, users, report_plan):
    draft = _draft()
    post(api(users.coordinator), f"/api/v1/reports/{draft.pk}/", {"version": 1, "value": 25, "narrative": "coord"},
         method="patch")
    response = post(api(users.member), f"/api/v1/reports/{draft.pk}/", {"version": 1, "value": 99}, method="patch")
    assert response.status_code == 409
    assert response.json()["current"]["narrative"] == "coord"
    assert response.json()["current"]["version"] == 2
    draft.refresh_from_db()
    assert draft.value == 25


def test_update_needs_a_version(api, users, report_plan):
    response = post(api(users.member), f"/api/v1/reports/{_draft().pk}/", {"value": 3}, method="put")
    assert response.status_code == 400 and "version" in response.json()


def test_a_hidden_draft_is_404_for_writes_too(api, users, report_plan):
    draft = _draft()
    response = post(api(users.outsider), f"/api/v1/reports/{draft.pk}/", {"version": 1, "value": 3}, method="patch")
    assert response.status_code == 404
    assert post(api(users.outsider), f"/api/v1/reports/{draft.pk}/submit/", {}).status_code == 404
    assert post(api(users.member), "/api/v1/reports/999999/submit/", {}).status_code == 404


def test_a_validated_report_is_locked_and_an_outsider_is_forbidden(api, users, report_plan):
    validated = ProgressReport.objects.filter(state=State.VALIDATED, organisation__acronym="HCR",
                                              indicator=report_plan.indicators.e).first()
    url = f"/api/v1/reports/{validated.pk}/"
    assert post(api(users.member), url, {"version": validated.version, "value": 1}, method="patch").status_code == 409
    assert post(api(users.outsider), url, {"version": validated.version, "value": 1}, method="patch").status_code == 403


# --- workflow --------------------------------------------------------------------------------------


def test_submit_validate_return_by_role(api, users, report_plan):
    draft = _draft()
    url = f"/api/v1/reports/{draft.pk}"
    assert post(api(users.member), f"{url}/validate/", {}).status_code == 403  # not yet submitted, and not a coordinator
    submitted = post(api(users.member), f"{url}/submit/", {"version": 1})
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert post(api(users.member), f"{url}/validate/", {"version": 2}).status_code == 403
    assert post(api(users.outsider), f"{url}/validate/", {"version": 2}).status_code == 404  # not validated: hidden
    assert post(api(users.coordinator), f"{url}/validate/", {"version": 1}).status_code == 409
    validated = post(api(users.coordinator), f"{url}/validate/", {"version": 2})
    assert validated.status_code == 200 and validated.json()["state"] == "validated"
    no_comment = post(api(users.administrator, "fr"), f"{url}/return/", {"version": 3, "comment": " "})
    assert no_comment.status_code == 400
    assert no_comment.json()["detail"].startswith("Dites pourquoi")
    returned = post(api(users.administrator), f"{url}/return/", {"version": 3, "comment": "Fix the figure"})
    assert returned.status_code == 200
    assert returned.json()["state"] == "returned" and returned.json()["review_comment"] == "Fix the figure"


def test_validating_a_draft_is_refused_with_a_message(api, users, report_plan):
    response = post(api(users.coordinator), f"/api/v1/reports/{_draft().pk}/validate/", {})
    assert response.status_code == 400
    assert response.json()["detail"] == "Only a submitted report can be validated."


def test_wrong_methods(api, users, report_plan):
    client = api(users.administrator)
    draft = _draft()
    assert client.delete(f"/api/v1/reports/{draft.pk}/").status_code == 405
    assert client.get(f"/api/v1/reports/{draft.pk}/submit/").status_code == 405
    assert post(client, "/api/v1/indicators/", {}).status_code == 405


def test_every_write_goes_through_the_services(api, users, report_plan, monkeypatch):
    calls = []
    for name in ("report_save", "report_submit", "report_validate", "report_return"):
        original = getattr(services, name)
        monkeypatch.setattr(services, name, lambda *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k))
    draft = _draft()
    post(api(users.member), f"/api/v1/reports/{draft.pk}/", {"version": 1, "value": 25}, method="patch")
    post(api(users.member), f"/api/v1/reports/{draft.pk}/submit/", {})
    post(api(users.coordinator), f"/api/v1/reports/{draft.pk}/validate/", {})
    post(api(users.coordinator), f"/api/v1/reports/{draft.pk}/return/", {"comment": "x"})
    assert calls == ["report_save", "report_submit", "report_validate", "report_return"]


# --- the browser's session: CSRF enforced -----------------------------------------------------------


def test_session_writes_need_the_csrf_token(users, report_plan):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users.member)
    response = browser.post("/api/v1/reports/", {"indicator": report_plan.indicators.e.pk, "quarter": "2020-Q3",
                                                 "value": 1}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    browser.get("/api/v1/tokens/")  # any page sets the cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post("/api/v1/reports/", {"indicator": report_plan.indicators.e.pk, "quarter": "2020-Q3",
                                                 "value": 1}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


# --- action points ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role, code", [("coordinator", 200), ("administrator", 200), ("member", 403), ("outsider", 403)])
def test_action_point_update_by_role(api, users, meetings, role, code):
    response = post(api(getattr(users, role)), f"/api/v1/action-points/{meetings.share.pk}/",
                    {"status": "done", "follow_up": "Partagé le 3 juin"}, method="patch")
    assert response.status_code == code, response.content
    meetings.share.refresh_from_db()
    assert (meetings.share.status == "done") == (code == 200)


def test_action_point_update_errors(api, users, meetings):
    client = api(users.coordinator)
    url = f"/api/v1/action-points/{meetings.share.pk}/"
    assert post(client, "/api/v1/action-points/999999/", {"status": "done"}, method="patch").status_code == 404
    assert post(client, url, {"status": "finished"}, method="patch").status_code == 400
    stale = post(client, url, {"status": "done", "seen": "2001-01-01T00:00:00+00:00"}, method="patch")
    assert stale.status_code == 409 and stale.json()["current"]["status"] == "open"
    seen = client.get(url).json()["updated_at"]
    from meetings.models import ActionPoint

    point = ActionPoint.objects.get(pk=meetings.share.pk)
    ok = post(client, url, {"status": "done", "seen": point.updated_at.isoformat()}, method="patch")
    assert ok.status_code == 200, (seen, ok.content)
    assert client.put(url, {"status": "done"}, content_type="application/json").status_code == 405
    assert post(client, url, ["done"], method="patch").status_code == 400  # not an object: 400, never a 500
    assert post(client, "/api/v1/reports/", ["x"]).status_code == 400
