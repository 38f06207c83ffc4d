"""Issue 12: a coordinator corrects an indicator's disaggregation and aggregation on its page."""

import pytest
from django.urls import reverse

from indicators.models import Indicator

pytestmark = pytest.mark.django_db

RULES = {"aggregation": "once", "disaggregate_sex": "on", "disaggregate_cercle": "on"}


def test_the_coordinator_sees_the_form_and_saves(users, client_for, indicator):
    client = client_for(users.coordinator)
    page = client.get(reverse("indicators:detail", args=[indicator.pk]))
    assert page.status_code == 200 and reverse("indicators:rules", args=[indicator.pk]) in page.content.decode()
    assert 'value="once"' in page.content.decode()
    response = client.post(reverse("indicators:rules", args=[indicator.pk]), RULES)
    assert response.status_code == 302 and response.url == reverse("indicators:detail", args=[indicator.pk])
    indicator.refresh_from_db()
    assert (indicator.aggregation, indicator.disaggregate_sex, indicator.disaggregate_age, indicator.disaggregate_cercle) == (
        "once", True, False, True)


def test_a_member_sees_no_form_and_cannot_post(users, client_for, indicator):
    client = client_for(users.member)
    page = client.get(reverse("indicators:detail", args=[indicator.pk]))
    assert reverse("indicators:rules", args=[indicator.pk]) not in page.content.decode()
    assert client.post(reverse("indicators:rules", args=[indicator.pk]), RULES).status_code == 403
    indicator.refresh_from_db()
    assert indicator.aggregation != "once" and not indicator.disaggregate_sex


def test_rules_need_post(users, client_for, indicator):
    assert client_for(users.coordinator).get(reverse("indicators:rules", args=[indicator.pk])).status_code == 405


def test_a_coordinator_of_another_cluster_and_an_unknown_id(users, client_for, indicator):
    from workplans.models import Cluster, Profile

    other = Cluster.objects.create(code="CP-NER", name="Niger")
    Profile.objects.filter(user=users.coordinator).update(cluster=other)
    client = client_for(users.coordinator)
    assert client.post(reverse("indicators:rules", args=[indicator.pk]), RULES).status_code == 403
    assert client.post(reverse("indicators:rules", args=[indicator.pk + 1000]), RULES).status_code == 404


def test_a_wrong_aggregation_changes_nothing(users, client_for, indicator):
    client = client_for(users.coordinator)
    response = client.post(reverse("indicators:rules", args=[indicator.pk]), {"aggregation": "median", "disaggregate_sex": "on"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.aggregation == Indicator.Aggregation.SUM and not indicator.disaggregate_sex
