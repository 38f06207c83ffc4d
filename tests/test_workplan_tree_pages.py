"""A large plan's tree comes a page of activities at a time, under their objectives and results;
a small plan's in one page, as before."""

import pytest

from indicators.models import Indicator
from reports import views
from workplans.models import Activity, Objective


@pytest.fixture
def big_plan(plan, monkeypatch):
    """Five top-level objectives (one with a sub-objective) of 3 activities each; 5 activities a page."""
    monkeypatch.setattr(views, "TREE_PAGE_ACTIVITIES", 5)
    Activity.objects.filter(workplan=plan.workplan).delete()
    Objective.objects.filter(workplan=plan.workplan).delete()
    objectives = []
    for i in range(1, 6):
        objective = Objective.objects.create(workplan=plan.workplan, code=str(i), title=f"Objectif {i}", order=i)
        objectives.append(objective)
        holder = objective
        if i == 2:
            holder = Objective.objects.create(workplan=plan.workplan, parent=objective, code="2.a", title="Sous-objectif 2.a", order=20)
        for j in range(3):
            activity = Activity.objects.create(workplan=plan.workplan, objective=holder, code=f"{i}.{j}", title=f"Activité {i}.{j}", order=j)
            activity.quarters.set(plan.quarters)
            Indicator.objects.create(workplan=plan.workplan, activity=activity, text=f"# {i}.{j}", target=10)
    return plan.workplan


def test_a_large_plan_is_paginated_in_the_trees_order(client_for, users, big_plan):
    client = client_for(users.member)
    first = client.get(big_plan.get_absolute_url()).content.decode()
    # 15 activities, 5 a page: objective 1's three, then the first two of objective 2 (in 2.a).
    assert "Page 1 sur 3" in first and 'rel="next"' in first
    assert all(f"Activité 1.{j}" in first for j in range(3))
    assert "Objectif 2" in first and "Sous-objectif 2.a" in first and "Activité 2.1" in first
    assert "Activité 2.2" not in first and "Objectif 3" not in first
    second = client.get(big_plan.get_absolute_url() + "?page=2").content.decode()
    assert "Activité 2.2" in second and "Activité 3.0" in second and "Activité 4.0" in second
    assert "Activité 1.0" not in second and "Activité 2.1" not in second and "Objectif 5" not in second
    last = client.get(big_plan.get_absolute_url() + "?page=99").content.decode()  # out of range: the last page
    assert "Activité 5.2" in last and "Objectif 1" not in last


def test_filters_are_kept_across_pages(client_for, users, big_plan):
    body = client_for(users.member).get(big_plan.get_absolute_url() + "?q=activite").content.decode()
    assert "q=activite&amp;page=2" in body


def test_a_small_plan_has_one_page(client_for, users, plan):
    body = client_for(users.member).get(plan.workplan.get_absolute_url()).content.decode()
    assert "Monitoring de protection" in body and "Sensibilisation" in body
    assert 'class="pager"' not in body


@pytest.mark.parametrize("per_objective", [3, 12])
def test_queries_do_not_grow_with_the_plan(client_for, users, plan, monkeypatch, per_objective, django_assert_max_num_queries):
    monkeypatch.setattr(views, "TREE_PAGE_ACTIVITIES", 5)
    for i in range(1, 4):
        objective = Objective.objects.create(workplan=plan.workplan, code=f"9{i}", title=f"Objectif 9{i}", order=90 + i)
        for j in range(per_objective):
            activity = Activity.objects.create(workplan=plan.workplan, objective=objective, title=f"A {i}.{j}")
            Indicator.objects.create(workplan=plan.workplan, activity=activity, text=f"# {i}.{j}", target=5)
    client = client_for(users.member)
    with django_assert_max_num_queries(39):  # tree + page order + filter options + plan statuses (cold cache); page cache miss (issue 16): +generations, cache read, fragment write
        assert client.get(plan.workplan.get_absolute_url() + "?page=2").status_code == 200
