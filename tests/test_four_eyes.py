"""Issue 13: four eyes on every validation. Whoever created a report or last saved its values
cannot validate it, unless an administrator switches the rule off for the cluster."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from indicators import services
from indicators.models import ProgressReport
from indicators.permissions import can_validate
from workplans.models import Profile
from workplans.permissions import COORDINATORS

State = ProgressReport.State


@pytest.fixture
def second_coordinator(users, cluster, django_user_model):
    user = django_user_model.objects.create_user("coord2", password="x-long-password-2")
    user.groups.add(Group.objects.get(name=COORDINATORS))
    Profile.objects.create(user=user, cluster=cluster)
    return user


def submitted_by(user, indicator, quarter, hcr, value=10):
    return services.report_submit(user, services.report_save(user, indicator, quarter, hcr, value=value))


def test_the_person_who_entered_cannot_validate(users, plan, indicator, hcr, second_coordinator):
    report = submitted_by(users.coordinator, indicator, plan.quarters[0], hcr)
    with pytest.raises(services.ProgressError) as refused:
        services.report_validate(users.coordinator, report)
    assert "Four eyes" in refused.value.message or "Quatre yeux" in refused.value.message
    assert ProgressReport.objects.get(pk=report.pk).state == State.SUBMITTED
    validated = services.report_validate(second_coordinator, report)
    assert (validated.state, validated.reviewed_by, validated.created_by) == (State.VALIDATED, second_coordinator,
                                                                              users.coordinator)


def test_the_person_who_last_saved_cannot_validate_either(users, plan, indicator, hcr, second_coordinator):
    report = services.report_save(users.member, indicator, plan.quarters[0], hcr, value=10)
    report = services.report_submit(users.member, report)
    # The coordinator corrects the submitted value: they last saved it, so they cannot validate it.
    report = services.report_save(users.coordinator, indicator, plan.quarters[0], hcr, value=12, version=report.version)
    assert report.last_saved_by == users.coordinator
    with pytest.raises(services.ProgressError):
        services.report_validate(users.coordinator, report)
    assert services.report_validate(second_coordinator, report).state == State.VALIDATED


def test_a_member_entry_is_validated_by_a_coordinator(users, plan, indicator, hcr):
    report = submitted_by(users.member, indicator, plan.quarters[0], hcr)
    assert services.report_validate(users.coordinator, report).state == State.VALIDATED


def test_the_switch_turns_the_rule_off_for_the_cluster(users, plan, indicator, hcr, cluster):
    cluster.four_eyes_validation = False
    cluster.save()
    report = submitted_by(users.coordinator, indicator, plan.quarters[0], hcr)
    assert services.report_validate(users.coordinator, report).state == State.VALIDATED


def test_the_switch_is_on_by_default_and_editable_in_the_admin(users, cluster, client_for):
    assert cluster.four_eyes_validation is True
    client = client_for(users.administrator)
    page = client.get(reverse("admin:workplans_cluster_change", args=[cluster.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="four_eyes_validation"' in body
    assert 'name="on_track_tolerance"' in body and 'name="at_risk_tolerance"' in body


def test_the_predicate_and_the_page(users, plan, indicator, hcr, client_for, second_coordinator):
    report = submitted_by(users.coordinator, indicator, plan.quarters[0], hcr)
    report.indicator = indicator
    assert not can_validate(users.coordinator, report)
    assert can_validate(second_coordinator, report)
    url = reverse("indicators:report", args=[indicator.pk, plan.quarters[0].code]) + f"?organisation={hcr.pk}"
    validate_url = reverse("indicators:report_validate", args=[report.pk])
    mine = client_for(users.coordinator).get(url)
    body = mine.content.decode()
    assert validate_url not in body  # the button is hidden, with the reason
    assert mine.context["four_eyes_refusal"]
    assert "coord" in body  # who entered
    # Posting anyway is refused with the message, nothing changes.
    response = client_for(users.coordinator).post(validate_url, {"version": report.version})
    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=report.pk).state == State.SUBMITTED
    other = client_for(second_coordinator).get(url)
    assert validate_url in other.content.decode()
    client_for(second_coordinator).post(validate_url, {"version": report.version})
    report.refresh_from_db()
    assert report.state == State.VALIDATED and report.reviewed_by == second_coordinator
    page = client_for(users.coordinator).get(url)
    text = page.content.decode()
    assert "coord2" in text and "coord" in text  # entered by, validated by


def test_the_report_page_shows_the_cluster_thresholds(users, plan, indicator, hcr, client_for, cluster):
    cluster.on_track_tolerance, cluster.at_risk_tolerance = 12, 27
    cluster.save()
    url = reverse("indicators:report", args=[indicator.pk, plan.quarters[0].code])
    body = client_for(users.member).get(url).content.decode()
    assert "12 points" in body and "27" in body
    body = client_for(users.member).get(indicator.get_absolute_url()).content.decode()
    assert "12 points" in body and "27" in body
