"""Issue 13: a plan past its end date is ended (« Terminé ») with its final result (indicators
reached, partly reached, not reached, reported without target, not reported); the dashboard shows
the plans in progress first and the ended ones apart, with counts by status and no mean %."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator, Outcome, ProgressReport, Status, outcome_of
from workplans.models import Activity, ActivityActor, Objective, Quarter, Workplan

State = ProgressReport.State


def test_the_rule_is_on_the_model(plan):
    workplan = plan.workplan  # 2020
    assert workplan.has_ended(datetime.date(2021, 1, 1))
    assert not workplan.has_ended(datetime.date(2020, 12, 31))
    assert not Workplan(title="x", slug="x").has_ended(datetime.date(2030, 1, 1))  # no end date: never ended


@pytest.mark.parametrize("achieved, percent, outcome", [
    (None, None, Outcome.NOT_REPORTED), (D(5), None, Outcome.NO_TARGET), (D(10), D(100), Outcome.REACHED),
    (D(12), D(120), Outcome.REACHED), (D(3), D("30.0"), Outcome.PARTLY), (D(0), D(0), Outcome.NOT_REACHED),
])
def test_outcome_of(achieved, percent, outcome):
    assert outcome_of(achieved, percent) == outcome


@pytest.fixture
def ended_plan(plan, hcr):
    """2020: reached, partly, not reached, reported without target, not reported (one each)."""
    activity = plan.activities[0]
    made = {}
    for name, target, value in [("reached", 10, 10), ("partly", 10, 4), ("not_reached", 10, 0),
                                ("no_target", None, 3), ("not_reported", 10, None)]:
        indicator = Indicator.objects.create(workplan=plan.workplan, activity=activity, text=f"# {name}", target=target)
        if value is not None:
            ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[0], organisation=hcr, value=value,
                                          state=State.VALIDATED)
        made[name] = indicator
    return made


@pytest.fixture
def current_plan(cluster, hcr):
    today = timezone.localdate()
    workplan = Workplan.objects.create(title="Plan en cours", slug="en-cours", cluster=cluster,
                                       start_date=today - datetime.timedelta(days=200),
                                       end_date=today + datetime.timedelta(days=400))
    objective = Objective.objects.create(workplan=workplan, title="O")
    activity = Activity.objects.create(workplan=workplan, objective=objective, title="A en cours")
    activity.set_schedule(workplan.quarters())
    ActivityActor.objects.create(activity=activity, actor=hcr)
    Indicator.objects.create(workplan=workplan, activity=activity, text="# en cours", target=100)
    return workplan


def test_dashboard_shows_current_first_and_ended_apart(client_for, users, ended_plan, current_plan, plan):
    response = client_for(users.member).get(reverse("reports:home"))
    assert [w.pk for w in response.context["current_workplans"]] == [current_plan.pk]
    assert [w.pk for w in response.context["ended_workplans"]] == [plan.workplan.pk]
    ended = response.context["ended_workplans"][0]
    assert ended.summary.status == "ended"
    assert ended.summary.outcomes == {"reached": 1, "partly": 1, "not_reached": 1, "no_target": 1, "not_reported": 1}
    current = response.context["current_workplans"][0]
    assert current.summary.status in {Status.NO_DATA, Status.ON_TRACK, Status.AT_RISK, Status.LATE, Status.NOT_STARTED}
    assert sum(current.summary.indicator_statuses.values()) == 1
    body = response.content.decode()
    assert "Terminé" in body and "Plans terminés" in body and "Plans en cours" in body
    assert body.index("Plans en cours") < body.index("Plans terminés")
    assert "Cible atteinte 1 (20 %)" in body and "Non rapporté 1 (20 %)" in body
    assert "% réalisé moyen" not in body and not hasattr(ended, "mean_percent")


def test_an_ended_plan_is_not_late_on_the_dashboard(client_for, users, ended_plan, plan):
    response = client_for(users.member).get(reverse("reports:home"))
    assert response.context["late_activities"] == [] and response.context["late_total"] == 0


def test_the_plan_tree_says_ended_with_the_final_result(client_for, users, ended_plan, plan):
    response = client_for(users.member).get(reverse("reports:workplan", args=[plan.workplan.slug]))
    assert response.context["status"] == "ended"
    assert response.context["summary"].outcomes["partly"] == 1
    body = response.content.decode()
    assert "badge-ended" in body and "Résultat final" in body


def test_a_plan_in_progress_keeps_its_status_on_the_tree(client_for, users, current_plan):
    response = client_for(users.member).get(reverse("reports:workplan", args=[current_plan.slug]))
    assert response.context["summary"] is None and response.context["status"] != "ended"


def test_english_label(client_for, users, ended_plan, plan):
    client = client_for(users.member)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("reports:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ended plans" in body and "Target reached 1 (20 %)" in body
