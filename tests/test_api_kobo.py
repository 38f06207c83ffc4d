"""The KoboToolbox bridge: recorded submissions (shaped as Kobo's REST Services post them) turned
into reports once each, kept with their reason when they cannot be, processed again after the
mapping is fixed; the coordinator's pages."""

import copy
import json
from pathlib import Path

import pytest
from django.test import Client

from api.models import KoboForm, KoboSubmission
from indicators.models import ProgressReport

SAMPLES = json.loads((Path(__file__).parent / "data" / "kobo_submissions.json").read_text(encoding="utf-8"))


@pytest.fixture
def kobo_form(users, report_plan):
    """Coordinator's form: the indicator code, the date, the organisation, value, sex parts, narrative."""
    return KoboForm.objects.create(
        name="Suivi mensuel", workplan=report_plan.plan.workplan, created_by=users.coordinator,
        indicator_field="group_rapport/indicateur", quarter_field="date_activite",  # a bare name finds its group path
        organisation_field="group_rapport/organisation", value_field="group_rapport/valeur",
        female_field="group_desagregation/femmes", male_field="group_desagregation/hommes",
        narrative_field="group_rapport/commentaire",
    )


def hook(kobo_form, payload, client=None):
    return (client or Client()).post(kobo_form.hook_path(), json.dumps(payload), content_type="application/json")


def test_a_submission_becomes_a_draft_once(kobo_form, report_plan):
    response = hook(kobo_form, SAMPLES["with_indicator_code"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "created"
    report = ProgressReport.objects.get(pk=body["report"])
    assert (report.indicator_id, report.quarter.code, report.organisation.acronym) == (
        report_plan.indicators.e.pk, "2020-Q3", "HCR")
    assert report.value == 12 and report.state == "draft" and report.narrative.startswith("Sessions tenues")
    assert report.created_by == kobo_form.created_by
    count = ProgressReport.objects.count()
    again = hook(kobo_form, SAMPLES["with_indicator_code"])
    assert again.status_code == 200 and again.json() == {"status": "duplicate", "report": report.pk, "reason": ""}
    assert ProgressReport.objects.count() == count
    report.refresh_from_db()
    assert report.version == 1
    assert KoboSubmission.objects.filter(form=kobo_form).count() == 1


def test_sex_parts_are_recorded_when_the_indicator_asks(kobo_form, report_plan):
    from indicators.models import Indicator

    Indicator.objects.filter(pk=report_plan.indicators.e.pk).update(disaggregate_sex=True)
    body = hook(kobo_form, SAMPLES["with_indicator_code"]).json()
    report = ProgressReport.objects.get(pk=body["report"])
    assert {b.category: b.value for b in report.breakdowns.all()} == {"F": 7, "M": 5}


def test_parts_that_do_not_add_up_are_kept_with_the_reason(kobo_form, report_plan):
    from indicators.models import Indicator

    Indicator.objects.filter(pk=report_plan.indicators.e.pk).update(disaggregate_sex=True)
    payload = copy.deepcopy(SAMPLES["with_indicator_code"])
    payload["group_desagregation/femmes"] = "9"
    body = hook(kobo_form, payload).json()
    assert body["status"] == "kept" and "Par sexe" in body["reason"]


def test_submitted_when_the_mapping_says_so(kobo_form):
    kobo_form.submit = True
    kobo_form.save()
    body = hook(kobo_form, SAMPLES["with_indicator_code"]).json()
    assert ProgressReport.objects.get(pk=body["report"]).state == "submitted"


def test_unmappable_is_kept_then_processed_after_fixing_the_mapping(kobo_form, report_plan, client_for, users):
    from indicators.models import Indicator

    response = hook(kobo_form, SAMPLES["unknown_code"])
    assert response.status_code == 200  # not 400: Kobo must not retry, the coordinator fixes the mapping
    body = response.json()
    assert body["status"] == "kept" and body["report"] is None
    assert "E9" in body["reason"]
    kept = KoboSubmission.objects.get(uuid=SAMPLES["unknown_code"]["_uuid"])
    assert kept.status == "kept" and kept.payload["group_rapport/valeur"] == "4"
    page = client_for(users.coordinator).get(f"/api/v1/kobo/forms/{kobo_form.pk}/submissions/")
    assert page.status_code == 200 and b"E9" in page.content
    # Same _uuid again: nothing changes.
    assert hook(kobo_form, SAMPLES["unknown_code"]).json()["status"] == "duplicate"
    # The coordinator fixes the mapping (here: the indicator's code in the plan) and processes again.
    Indicator.objects.filter(pk=report_plan.indicators.e.pk).update(code="E9")
    response = client_for(users.coordinator).post(f"/api/v1/kobo/forms/{kobo_form.pk}/reprocess/")
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.status == "created" and kept.attempts == 2 and kept.reason == ""
    assert kept.report.value == 4 and kept.report.quarter.code == "2020-Q3"


def test_fixed_choices_in_the_mapping(users, report_plan, hcr):
    form = KoboForm.objects.create(
        name="Fixe", workplan=report_plan.plan.workplan, created_by=users.coordinator,
        indicator=report_plan.indicators.e, quarter=report_plan.quarters[3], organisation=hcr, value_field="valeur",
    )
    body = hook(form, {"_uuid": "a1", "_submission_time": "2021-01-04T10:00:00", "grp/valeur": "3"}).json()
    report = ProgressReport.objects.get(pk=body["report"])
    assert report.quarter.code == "2020-Q4" and report.value == 3


def test_quarter_from_the_submission_time(users, report_plan, hcr):
    form = KoboForm.objects.create(
        name="Date", workplan=report_plan.plan.workplan, created_by=users.coordinator,
        indicator=report_plan.indicators.e, quarter_field="_submission_time", organisation=hcr, value_field="valeur",
    )
    body = hook(form, {"_uuid": "b1", "_submission_time": "2020-12-04T10:00:00", "valeur": "2"}).json()
    assert ProgressReport.objects.get(pk=body["report"]).quarter.code == "2020-Q4"


@pytest.mark.parametrize("change, words", [
    ({"group_rapport/valeur": "douze"}, "n’est pas un nombre"),
    ({"group_rapport/organisation": "XYZ"}, "Organisation inconnue"),
    ({"group_rapport/date_activite": "bientôt"}, "ni un trimestre"),
    ({"group_rapport/valeur": "-4"}, "supérieure ou égale à 0"),
])
def test_each_unmappable_reason(kobo_form, change, words):
    payload = {**copy.deepcopy(SAMPLES["with_indicator_code"]), **change, "_uuid": "c-" + words[:5]}
    body = hook(kobo_form, payload).json()
    assert body["status"] == "kept"
    assert words in body["reason"]
    assert not ProgressReport.objects.filter(narrative__startswith="Sessions tenues").exists()


def test_an_existing_submitted_report_is_not_changed(kobo_form, report_plan):
    payload = {**copy.deepcopy(SAMPLES["with_indicator_code"]), "group_rapport/indicateur": "A",
               "group_rapport/date_activite": "2020-11-02", "_uuid": "d1"}
    body = hook(kobo_form, payload).json()  # A, Q4, HCR is submitted
    assert body["status"] == "kept" and "soumis" in body["reason"]


def test_a_later_submission_corrects_a_draft(kobo_form, report_plan):
    payload = {**copy.deepcopy(SAMPLES["with_indicator_code"]), "group_rapport/indicateur": "A", "_uuid": "e1",
               "group_rapport/valeur": "26"}
    body = hook(kobo_form, payload).json()  # A, Q3, HCR is a draft (25)
    assert body["status"] == "created"
    report = ProgressReport.objects.get(pk=body["report"])
    assert report.value == 26 and report.version == 2


def test_the_forms_owner_rights_apply(users, report_plan):
    """A form registered by a member of NRC cannot record for HCR's activity: kept, with the page's 403 message."""
    form = KoboForm.objects.create(
        name="NRC", workplan=report_plan.plan.workplan, created_by=users.outsider,
        indicator=report_plan.indicators.e, quarter=report_plan.quarters[2], value_field="v",
    )
    body = hook(form, {"_uuid": "f1", "v": "1"}).json()
    assert body["status"] == "kept" and "organisation" in body["reason"]


def test_bad_bodies_and_secrets(kobo_form):
    client = Client()
    assert client.post("/api/v1/kobo/not-a-secret/", "{}", content_type="application/json").status_code == 404
    no_uuid = hook(kobo_form, {"group_rapport/valeur": "1"})
    assert no_uuid.status_code == 400  # nothing kept: Kobo logs the failure and can send it again
    assert client.post(kobo_form.hook_path(), "not json", content_type="application/json").status_code == 400
    assert client.post(kobo_form.hook_path(), "[1, 2]", content_type="application/json").status_code == 400
    assert client.get(kobo_form.hook_path()).status_code == 405
    assert not KoboSubmission.objects.exists()


def test_an_inactive_form_keeps_submissions(kobo_form):
    kobo_form.active = False
    kobo_form.save()
    body = hook(kobo_form, SAMPLES["with_indicator_code"]).json()
    assert body["status"] == "kept"


# --- pages -----------------------------------------------------------------------------------------


def test_pages_for_coordinators_only(client_for, users, kobo_form):
    for url in ("/api/v1/kobo/forms/", "/api/v1/kobo/forms/new/", f"/api/v1/kobo/forms/{kobo_form.pk}/",
                f"/api/v1/kobo/forms/{kobo_form.pk}/submissions/"):
        assert client_for(users.member).get(url).status_code == 403, url
        assert client_for(users.coordinator).get(url).status_code == 200, url
        assert client_for(users.administrator).get(url).status_code == 200, url
    assert client_for(users.member).post(f"/api/v1/kobo/forms/{kobo_form.pk}/reprocess/").status_code == 403


def test_another_coordinators_form_is_404(client_for, users, kobo_form, cluster):
    from django.contrib.auth.models import Group

    from tests.conftest import _user
    from workplans.permissions import COORDINATORS

    other = _user("other-coord", COORDINATORS, cluster=cluster)
    assert Group.objects.get(name=COORDINATORS) in other.groups.all()
    assert client_for(other).get(f"/api/v1/kobo/forms/{kobo_form.pk}/").status_code == 404
    assert client_for(other).post(f"/api/v1/kobo/forms/{kobo_form.pk}/reprocess/").status_code == 404


def test_register_a_form_through_the_page(client_for, users, report_plan):
    page = client_for(users.coordinator)
    response = page.post("/api/v1/kobo/forms/new/", {
        "name": "Suivi", "workplan": report_plan.plan.workplan.pk, "active": "on", "indicator_code": "e",
        "quarter_field": "_submission_time", "organisation_field": "org", "value_field": "grp/valeur",
    })
    assert response.status_code == 302, response.content
    form = KoboForm.objects.get(name="Suivi")
    assert form.indicator == report_plan.indicators.e and form.created_by == users.coordinator
    assert len(form.secret) >= 32 and form.hook_path() == f"/api/v1/kobo/{form.secret}/"
    listing = page.get("/api/v1/kobo/forms/")
    assert form.hook_path().encode() in listing.content


def test_the_mapping_form_says_what_is_missing(client_for, users, report_plan):
    response = client_for(users.coordinator).post("/api/v1/kobo/forms/new/", {
        "name": "Suivi", "workplan": report_plan.plan.workplan.pk, "indicator_code": "ZZ"},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "indicator_code" in errors and "quarter_field" in errors and "value_field" in errors
    assert not KoboForm.objects.exists()


def test_reprocess_one_submission(client_for, users, kobo_form, report_plan):
    hook(kobo_form, SAMPLES["unknown_code"])
    other = {**SAMPLES["unknown_code"], "_uuid": "g1"}
    hook(kobo_form, other)
    from indicators.models import Indicator

    Indicator.objects.filter(pk=report_plan.indicators.e.pk).update(code="E9")
    one = KoboSubmission.objects.get(uuid="g1")
    client_for(users.coordinator).post(f"/api/v1/kobo/forms/{kobo_form.pk}/reprocess/", {"submission": one.pk})
    assert set(KoboSubmission.objects.values_list("uuid", "status")) == {
        ("g1", "created"), (SAMPLES["unknown_code"]["_uuid"], "kept")}
