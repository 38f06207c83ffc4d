"""load_demo leaves reports in every state (draft, submitted, returned, validated), idempotently."""

import pytest
from django.core.management import call_command
from django.db.models import F

from indicators.demo import demo_reports_create
from indicators.models import Indicator, ProgressReport, QuarterClosure


@pytest.fixture(autouse=True)
def debug_on(settings):
    settings.DEBUG = True


def test_demo_has_reports_in_every_state_and_is_idempotent(db):
    call_command("load_demo")
    states = set(ProgressReport.objects.values_list("state", flat=True))
    assert states == {"draft", "submitted", "returned", "validated"}
    count = ProgressReport.objects.count()
    call_command("load_demo")
    assert ProgressReport.objects.count() == count
    assert QuarterClosure.objects.exists()
    assert ProgressReport.history.filter(history_user__username="coordinator").exists()
    # A newcomer sees a living plan: statuses on the dashboard.
    from django.test import Client

    client = Client()
    assert client.login(username="coordinator", password="demo")
    response = client.get("/")
    assert response.status_code == 200
    # Issue 13: the demo plans have ended: « Terminé » with their final result, validated by another person.
    assert all(w.summary.status for w in response.context["workplans"])
    assert not ProgressReport.objects.filter(state="validated", reviewed_by_id=F("created_by_id")).exists()


def test_works_on_a_small_plan_too(users, plan, indicator, hcr, django_user_model):
    django_user_model.objects.create_superuser("admin", password="x")
    Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[1], text="sans acteur")
    created = demo_reports_create([plan.workplan])
    assert sum(created.values()) == 4  # the HCR activity's four 2020 quarters
    assert ProgressReport.objects.filter(indicator=indicator).count() == 4
