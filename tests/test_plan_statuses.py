"""Plan statuses (dashboard, "late" filter) are cached per plan and follow every change the maths read."""

import datetime

import pytest

from indicators.models import Indicator, ProgressReport, Status
from indicators.progress import activity_statuses, plan_statuses
from workplans.models import Activity

TODAY = datetime.date(2021, 1, 15)  # every quarter of the plan (2020) has passed


@pytest.fixture
def indicator(plan):
    return Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="# de missions", target=100)


def status_of(plan, activity):
    return plan_statuses([plan.workplan.pk], today=TODAY)[plan.workplan.pk]["statuses"][activity.pk]


def test_same_figures_as_the_direct_computation(plan, indicator, hcr):
    ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[0], organisation=hcr, value=20,
                                  state=ProgressReport.State.VALIDATED)
    direct = activity_statuses(Activity.objects.active().filter(workplan=plan.workplan), today=TODAY)
    cached = plan_statuses([plan.workplan.pk], today=TODAY)[plan.workplan.pk]["statuses"]
    assert cached == {pk: str(status) for pk, status in direct.items()}


def test_second_call_reads_the_cache(plan, indicator, django_assert_max_num_queries):
    first = plan_statuses([plan.workplan.pk], today=TODAY)
    with django_assert_max_num_queries(4):  # the generations and one cache read: nothing computed
        assert plan_statuses([plan.workplan.pk], today=TODAY) == first


def test_a_validated_report_changes_the_status_at_once(plan, indicator, hcr):
    activity = plan.activities[0]
    before = status_of(plan, activity)
    report = ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[3], organisation=hcr, value=100,
                                           state=ProgressReport.State.SUBMITTED)
    assert status_of(plan, activity) == before  # only validated values count
    report.state = ProgressReport.State.VALIDATED
    report.save()
    assert status_of(plan, activity) == Status.DONE != before


def test_a_new_target_changes_the_status_at_once(plan, indicator, hcr):
    activity = plan.activities[0]
    ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[3], organisation=hcr, value=100,
                                  state=ProgressReport.State.VALIDATED)
    assert status_of(plan, activity) == Status.DONE
    # Issue 13: the cache key is the plan's generation, raised by the writers (here the model's
    # save, as the admin does); a bare queryset .update() is not a writer.
    indicator.target = 1000
    indicator.save()
    assert status_of(plan, activity) != Status.DONE


def test_an_archived_activity_leaves_the_statuses(plan, indicator):
    activity = plan.activities[0]
    assert activity.pk in plan_statuses([plan.workplan.pk], today=TODAY)[plan.workplan.pk]["statuses"]
    activity.archived_at = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
    activity.save()  # issue 13: through a writer (the generation counter), not a bare .update()
    assert activity.pk not in plan_statuses([plan.workplan.pk], today=TODAY)[plan.workplan.pk]["statuses"]
