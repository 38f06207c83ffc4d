"""Issue 13: the plan-status cache is keyed on a per-plan generation counter that every writer
raises, so that each writer's change shows at once (no fingerprint, no waiting for a TTL)."""

import datetime

import pytest
from django.urls import reverse

from indicators import services
from indicators.models import Indicator, ProgressReport, Status
from indicators.progress import plan_statuses
from imports.tree import ParsedActivity, ParsedIndicator, ParsedObjective, ParsedPlan
from workplans.models import Activity, Quarter, Workplan
from imports.services import workplan_import_commit

TODAY = datetime.date(2021, 1, 15)  # every quarter of 2020 has passed


@pytest.fixture
def indicator(plan):
    return Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="# de missions", target=100)


def generation(plan):
    return Workplan.objects.get(pk=plan.workplan.pk).generation


def status_of(plan, activity=None):
    activity = activity or plan.activities[0]
    return plan_statuses([plan.workplan.pk], today=TODAY)[plan.workplan.pk]["statuses"][activity.pk]


def test_the_cache_key_is_the_generation_and_serves_until_it_moves(plan, indicator, hcr):
    before = status_of(plan)
    # A bare queryset write is not a writer: the cache keeps answering (proves the cache is used).
    ProgressReport.objects.bulk_create([ProgressReport(indicator=indicator, quarter=plan.quarters[3], organisation=hcr,
                                                       value=100, state=ProgressReport.State.VALIDATED)])
    assert status_of(plan) == before
    Workplan.bump_generation(plan.workplan.pk)
    assert status_of(plan) == Status.DONE


def test_report_save_submit_validate_return_each_show_at_once(plan, indicator, hcr, users):
    assert status_of(plan) == Status.NO_DATA
    g0 = generation(plan)
    report = services.report_save(users.member, indicator, plan.quarters[3], hcr, value=100)
    g1 = generation(plan)
    assert g1 > g0
    report = services.report_submit(users.member, report)
    g2 = generation(plan)
    assert g2 > g1
    assert status_of(plan) == Status.NO_DATA  # not validated: does not count
    report = services.report_validate(users.coordinator, report)
    assert generation(plan) > g2
    assert status_of(plan) == Status.DONE
    services.report_return(users.coordinator, report, "Chiffres à revoir")
    assert status_of(plan) == Status.NO_DATA


def test_an_indicator_edit_shows_at_once(plan, indicator, hcr):
    ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[3], organisation=hcr, value=100,
                                  state=ProgressReport.State.VALIDATED)
    assert status_of(plan) == Status.DONE
    indicator.target = 1000
    indicator.save()
    assert status_of(plan) == Status.LATE


def test_an_indicator_deleted_shows_at_once(plan, indicator, hcr):
    assert status_of(plan) == Status.NO_DATA
    indicator.delete()
    assert status_of(plan) == Status.NO_DATA  # an activity without indicators
    assert plan_statuses([plan.workplan.pk], today=TODAY)[plan.workplan.pk]["indicator_statuses"] == {}


def test_quarter_close_and_reopen_raise_the_generation(plan, users):
    g0 = generation(plan)
    services.quarter_close(users.coordinator, plan.workplan, plan.quarters[0])
    g1 = generation(plan)
    assert g1 > g0
    services.quarter_reopen(users.coordinator, plan.workplan, plan.quarters[0], "erreur")
    assert generation(plan) > g1


def test_an_activity_schedule_change_shows_at_once(plan, indicator):
    assert status_of(plan) == Status.NO_DATA
    later = Quarter.objects.ensure_range((2021, 2), (2021, 4))
    plan.activities[0].set_schedule(later)
    assert status_of(plan) == Status.NOT_STARTED


def test_an_activity_schedule_change_in_the_admin_shows_at_once(plan, indicator, users, client_for):
    assert status_of(plan) == Status.NO_DATA
    activity = plan.activities[0]
    later = Quarter.objects.ensure_range((2021, 2), (2021, 4))
    client = client_for(users.administrator)
    url = reverse("admin:workplans_activity_change", args=[activity.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = value
    data["quarters"] = [q.pk for q in later]
    data["months"] = "[]"
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
        for number, inline_form in enumerate(formset.formset.forms):
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                if value is None:
                    continue
                if hasattr(value, "pk"):
                    value = value.pk
                data[f"{inline_form.prefix}-{name}"] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(Activity.objects.get(pk=activity.pk).quarters.values_list("pk", flat=True)) == {q.pk for q in later}
    assert status_of(plan) == Status.NOT_STARTED


def test_the_cluster_thresholds_show_at_once(plan, indicator, hcr, cluster):
    # 2020 over, 80 of 100 achieved: 20 points behind → at risk with 15/30, on track with 25/40.
    ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[3], organisation=hcr, value=80,
                                  state=ProgressReport.State.VALIDATED)
    assert status_of(plan) == Status.AT_RISK
    cluster.on_track_tolerance, cluster.at_risk_tolerance = 25, 40
    cluster.save()
    assert status_of(plan) == Status.AT_RISK  # the whole period is over: on track needs the full target
    cluster.on_track_tolerance, cluster.at_risk_tolerance = 5, 10
    cluster.save()
    assert status_of(plan) == Status.LATE


def _parsed(quarters):
    indicator = ParsedIndicator(text="# de missions de monitoring", kind="number", target=10)
    activity = ParsedActivity(title="Missions de monitoring", code="1.1", quarters=quarters, indicators=[indicator])
    return ParsedPlan(title="Plan importé", source_name="plan.xlsx", start=(2020, 1), end=(2021, 4),
                      objectives=[ParsedObjective(title="Objectif", code="1", activities=[activity])])


def test_a_reimport_that_only_moves_the_schedule_shows_at_once(db, cluster):
    workplan = workplan_import_commit(_parsed([(2020, 1), (2020, 2)]), slug="imp", cluster=cluster).workplan
    activity = Activity.objects.get(workplan=workplan)
    assert plan_statuses([workplan.pk], today=TODAY)[workplan.pk]["statuses"][activity.pk] == Status.NO_DATA
    before = Workplan.objects.get(pk=workplan.pk).generation
    workplan_import_commit(_parsed([(2021, 3), (2021, 4)]), slug="imp", cluster=cluster)
    assert Workplan.objects.get(pk=workplan.pk).generation > before
    assert plan_statuses([workplan.pk], today=TODAY)[workplan.pk]["statuses"][activity.pk] == Status.NOT_STARTED
