"""The 500s the crawler (tests/test_crawler.py) found, one focused test each."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from imports.models import ImportSession
from indicators.models import ProgressReport
from meetings.models import Meeting
from workplans.models import Quarter


@pytest.mark.parametrize("next_url", ["abc", "a b", "-Infinity", "²", "2020-Q9", "reports:index"])
def test_action_point_update_with_a_next_that_is_not_a_path(client_for, users, meetings, next_url):
    """``redirect("abc")`` took the text for a view name: NoReverseMatch (500)."""
    url = reverse("meetings:action_point_update", args=[meetings.share.pk])
    response = client_for(users.coordinator).post(url, {"status": "done", "next": next_url})
    assert response.status_code == 302 and response["Location"] == meetings.may.get_absolute_url()
    meetings.share.refresh_from_db()
    assert meetings.share.status == "done"


def test_action_point_update_still_follows_a_local_next(client_for, users, meetings):
    url = reverse("meetings:action_point_update", args=[meetings.share.pk])
    response = client_for(users.coordinator).post(url, {"status": "done", "next": "/meetings/action-points/"})
    assert response["Location"] == "/meetings/action-points/"


@pytest.mark.parametrize("organisation", ["²", "١", "1.5", "-1", str(10**30)])
def test_report_entry_with_an_organisation_that_is_not_an_id(client_for, users, indicator, organisation):
    """``"²".isdigit()`` is True in Python, then the id lookup raised ValueError (500)."""
    url = reverse("indicators:report", args=[indicator.pk, "2020-Q1"]) + f"?organisation={organisation}"
    client = client_for(users.member)
    assert client.get(url).status_code in (200, 403)
    assert client.post(url, {"value": "3", "organisation": organisation}).status_code in (302, 400, 403)
    assert not ProgressReport.objects.exclude(organisation=users.member.profile.organisation).exists()


@pytest.mark.parametrize("organisation", ["²", "1.5", str(10**30)])
def test_quarter_grid_with_an_organisation_that_is_not_an_id(client_for, users, plan, indicator, organisation):
    url = reverse("indicators:quarter_grid", args=[plan.workplan.slug, "2020-Q1"])
    assert client_for(users.coordinator).get(url, {"organisation": organisation}).status_code in (200, 404)


@pytest.mark.parametrize("code", ["²⁰²⁰-Q1", "٢٠٢٠-Q1", "0000-Q1"])
def test_quarter_codes_with_other_digits_are_not_quarters(client_for, users, plan, indicator, code):
    """``int("²⁰²⁰")`` raised ValueError; year 0 has no date."""
    assert Quarter.parse_code(code) is None
    client = client_for(users.coordinator)
    assert client.get(reverse("indicators:quarter_grid", args=[plan.workplan.slug, code])).status_code == 404
    assert client.get(reverse("indicators:report", args=[indicator.pk, code])).status_code == 404


@pytest.fixture
def lost_upload(users):
    """An import session whose stored file is gone (storage cleaned, restored backup…)."""
    return ImportSession.objects.create(file="workplan-imports/missing.xlsx", original_name="missing.xlsx",
                                        slug="manquant", created_by=users.administrator)


def test_import_pages_of_a_lost_file_say_so(client_for, users, lost_upload):
    client = client_for(users.administrator)
    response = client.get(reverse("imports:import_preview", args=[lost_upload.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "no longer stored" in response.content.decode()
    response = client.get(reverse("imports:import_annotated", args=[lost_upload.pk]))
    assert response.status_code == 302
    response = client.post(reverse("imports:import_confirm", args=[lost_upload.pk]))
    assert response.status_code == 302
    lost_upload.refresh_from_db()
    assert lost_upload.committed_at is None


def test_import_preview_of_a_broken_file_is_400(client_for, users):
    session = ImportSession.objects.create(file=ContentFile(b"not a workbook", name="plan.xlsx"),
                                           original_name="plan.xlsx", slug="x", created_by=users.administrator)
    assert client_for(users.administrator).get(reverse("imports:import_preview", args=[session.pk])).status_code == 400


def test_a_forged_formset_count_builds_a_bounded_number_of_forms(client_for, users, cluster):
    """TOTAL_FORMS=10**30 made Django build max_num + 1000 forms and render them all."""
    data = {"cluster": str(cluster.pk), "date": "2017-06-07", "title": "x",
            "agenda-TOTAL_FORMS": str(10**30), "agenda-INITIAL_FORMS": "0",
            "actions-TOTAL_FORMS": "100000", "actions-INITIAL_FORMS": "0"}
    response = client_for(users.coordinator).post(reverse("meetings:create"), data)
    assert response.status_code == 400
    assert len(response.context["agenda_formset"].forms) <= 60
    assert len(response.context["action_formset"].forms) <= 100
    assert not Meeting.objects.exists()
