"""The home page lists the workplans with their counts; a French smoke test."""

import pytest
from django.urls import reverse

from indicators.models import Indicator
from workplans.models import Activity


def test_home_lists_workplans_with_counts(client_for, users, plan):
    Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="# de rapports")
    response = client_for(users.member).get(reverse("reports:home"))
    assert response.status_code == 200
    row = next(w for w in response.context["workplans"] if w.pk == plan.workplan.pk)
    assert (row.objective_count, row.activity_count, row.indicator_count) == (1, 2, 1)
    assert "Plan test" in response.content.decode()


def test_archived_activities_are_not_counted(client_for, users, plan):
    from django.utils import timezone

    Activity.objects.filter(pk=plan.activities[1].pk).update(archived_at=timezone.now())
    response = client_for(users.member).get(reverse("reports:home"))
    row = next(w for w in response.context["workplans"] if w.pk == plan.workplan.pk)
    assert row.activity_count == 1


def test_home_query_count_is_constant(client_for, users, plan, cluster, django_assert_max_num_queries):
    from workplans.models import Workplan

    client = client_for(users.member)
    for i in range(10):
        Workplan.objects.create(title=f"P{i}", slug=f"p{i}", cluster=cluster)
    with django_assert_max_num_queries(28):  # progress (cold cache), late, awaiting lists, action points, saved views; page cache miss (issue 16): +generations, cache read, fragment write
        assert client.get(reverse("reports:home")).status_code == 200


def test_home_renders_in_french_by_default(client_for, users, plan):
    response = client_for(users.member).get(reverse("reports:home"))
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "Plans de travail" in body
    assert "Activités" in body
    assert "Se déconnecter" in body


def test_home_renders_in_english_when_chosen(client_for, users, plan):
    client = client_for(users.member)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get(reverse("reports:home")).content.decode()
    assert '<html lang="en">' in body
    assert "Workplans" in body
    assert "Log out" in body


def test_workplan_detail_shows_the_tree(client_for, users, plan, django_assert_max_num_queries):
    Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="36 rapports", target=36)
    client = client_for(users.member)
    with django_assert_max_num_queries(24):  # tree + its page order + filter options + quarter links; page cache miss (issue 16): +generations, cache read, fragment write
        response = client.get(plan.workplan.get_absolute_url())
    body = response.content.decode()
    assert "Objectif un" in body and "Résultat un" in body and "Monitoring de protection" in body
    assert "36 rapports" in body


@pytest.mark.parametrize("n", [1, 20])
def test_workplan_detail_queries_do_not_grow(client_for, users, plan, hcr, n, django_assert_max_num_queries):
    for i in range(n):
        activity = Activity.objects.create(workplan=plan.workplan, objective=plan.objective, title=f"A{i}", order=10 + i)
        activity.quarters.set(plan.quarters)
        activity.actor_links.create(actor=hcr)
        Indicator.objects.create(workplan=plan.workplan, activity=activity, text=f"# {i}")
    client = client_for(users.member)
    with django_assert_max_num_queries(24):  # tree + its page order + filter options + quarter links; page cache miss (issue 16): +generations, cache read, fragment write
        assert client.get(plan.workplan.get_absolute_url()).status_code == 200


def test_unknown_workplan_is_404(client_for, users, db):
    assert client_for(users.member).get(reverse("reports:workplan", args=["nope"])).status_code == 404
