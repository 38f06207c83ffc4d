"""Issue 13: the coordinator's dashboard shows how many reports await validation and links to all
of them (``/reports/awaiting-validation/``), not only the 20 oldest."""

import pytest
from django.urls import reverse

from indicators.models import Indicator, ProgressReport
from workplans.models import Cluster, Objective, Workplan, Activity, ActivityActor

State = ProgressReport.State


@pytest.fixture
def many_submitted(plan, hcr, users):
    reports = []
    for i in range(23):
        indicator = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], code=f"N{i}", text=f"# {i}")
        reports.append(ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[0], organisation=hcr,
                                                     value=i, state=State.SUBMITTED, created_by=users.member))
    return reports


@pytest.fixture
def foreign_submitted(db, hcr):
    other = Cluster.objects.create(code="CP-X", name="Autre")
    workplan = Workplan.objects.create(title="Autre plan", slug="autre", cluster=other)
    objective = Objective.objects.create(workplan=workplan, title="O")
    activity = Activity.objects.create(workplan=workplan, objective=objective, title="A")
    ActivityActor.objects.create(activity=activity, actor=hcr)
    indicator = Indicator.objects.create(workplan=workplan, activity=activity, code="F", text="# étranger")
    from workplans.models import Quarter

    quarter = Quarter.objects.ensure_range((2020, 1), (2020, 1))[0]
    return ProgressReport.objects.create(indicator=indicator, quarter=quarter, organisation=hcr, value=1,
                                         state=State.SUBMITTED)


def test_dashboard_shows_the_count_and_the_link(client_for, users, many_submitted, foreign_submitted):
    response = client_for(users.coordinator).get(reverse("reports:home"))
    assert len(response.context["to_review"]) == 20
    assert response.context["to_review_total"] == 23  # the other cluster's report is not in scope
    body = response.content.decode()
    assert reverse("indicators:awaiting") in body and "23" in body


def test_the_list_shows_all_in_scope_paginated(client_for, users, many_submitted, foreign_submitted):
    response = client_for(users.coordinator).get(reverse("indicators:awaiting"))
    assert response.status_code == 200
    assert response.context["total"] == 23
    pks = {r.pk for r in response.context["reports"]}
    assert pks == {r.pk for r in many_submitted} and foreign_submitted.pk not in pks
    admin = client_for(users.administrator).get(reverse("indicators:awaiting"))
    assert admin.context["total"] == 24
    filtered = client_for(users.administrator).get(reverse("indicators:awaiting"), {"workplan": "autre"})
    assert [r.pk for r in filtered.context["reports"]] == [foreign_submitted.pk]


def test_members_are_refused_and_wrong_method(client_for, users, many_submitted):
    assert client_for(users.member).get(reverse("indicators:awaiting")).status_code == 403
    assert client_for(users.outsider).get(reverse("indicators:awaiting")).status_code == 403
    assert client_for(users.coordinator).post(reverse("indicators:awaiting")).status_code == 405


def test_the_list_queries_are_constant(client_for, users, many_submitted, django_assert_max_num_queries):
    client = client_for(users.coordinator)
    client.get(reverse("indicators:awaiting"))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("indicators:awaiting")).status_code == 200
