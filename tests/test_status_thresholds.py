"""Issue 13: the status thresholds (15 / 30 points by default) are settings of the cluster,
editable by an administrator, used by the maths and shown on the report pages."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from indicators.models import Indicator, ProgressReport, Status
from indicators.progress import activity_statuses
from workplans.models import Activity

TODAY = datetime.date(2020, 7, 1)  # two of the four scheduled quarters (2020) have ended: 50 % of the time


@pytest.fixture
def at_35(plan, indicator, hcr):
    """35 of 100 achieved at mid-year: 15 points behind the time elapsed."""
    ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[0], organisation=hcr, value=35,
                                  state=ProgressReport.State.VALIDATED)
    return indicator


def status(indicator, today=TODAY):
    indicator = Indicator.objects.select_related("workplan__cluster").get(pk=indicator.pk)
    return indicator.progress(today=today).status


def test_defaults_are_15_and_30(cluster, at_35):
    assert (cluster.on_track_tolerance, cluster.at_risk_tolerance) == (15, 30)
    assert status(at_35) == Status.ON_TRACK  # 15 points behind: on track at 15


@pytest.mark.parametrize("on_track, at_risk, expected", [(10, 30, Status.AT_RISK), (10, 12, Status.LATE),
                                                          (20, 40, Status.ON_TRACK)])
def test_each_cluster_sets_its_own(cluster, at_35, on_track, at_risk, expected):
    cluster.on_track_tolerance, cluster.at_risk_tolerance = on_track, at_risk
    cluster.save()
    assert status(at_35) == expected
    # The bulk paths (dashboard, filters, performance table) read the same thresholds.
    plan_activities = Activity.objects.filter(pk=at_35.activity_id)
    assert activity_statuses(plan_activities, today=TODAY)[at_35.activity_id] == expected
    table_row = _performance_row(at_35)
    assert table_row.status == expected


def _performance_row(indicator):
    from reports.performance import ReportFilters, performance_table
    from workplans.models import Workplan

    table = performance_table(Workplan.objects.filter(pk=indicator.workplan_id), ReportFilters(), today=TODAY)
    return next(row for row in table.rows if row.indicator.pk == indicator.pk)


def test_on_track_cannot_exceed_at_risk(cluster):
    cluster.on_track_tolerance, cluster.at_risk_tolerance = 40, 20
    with pytest.raises(IntegrityError), transaction.atomic():
        cluster.save()


def test_an_indicator_outside_any_plan_uses_the_defaults():
    assert Indicator(text="x", target=D(10)).thresholds == (D("0.15"), D("0.30"))


def test_administrator_edits_them_in_the_admin(client_for, users, cluster):
    client = client_for(users.administrator)
    url = reverse("admin:workplans_cluster_change", args=[cluster.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name, field.initial) for name, field in form.fields.items()}
    data = {k: v for k, v in data.items() if v is not None}
    data.update({"on_track_tolerance": 10, "at_risk_tolerance": 25, "four_eyes_validation": "on",
                 "subclusters-TOTAL_FORMS": 0, "subclusters-INITIAL_FORMS": 0})
    response = client.post(url, data)
    if response.status_code != 302:  # the inline's prefix differs: read it from the page
        formset = response.context["inline_admin_formsets"][0].formset
        data.update({f"{formset.prefix}-TOTAL_FORMS": 0, f"{formset.prefix}-INITIAL_FORMS": 0})
        response = client.post(url, data)
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert (cluster.on_track_tolerance, cluster.at_risk_tolerance) == (10, 25)
    assert client_for(users.coordinator).get(url).status_code in (302, 403)  # not for coordinators


def test_shown_on_the_report_pages(client_for, users, plan, indicator, cluster):
    cluster.on_track_tolerance, cluster.at_risk_tolerance = 12, 27
    cluster.save()
    for url in (reverse("indicators:report", args=[indicator.pk, plan.quarters[0].code]), indicator.get_absolute_url()):
        body = client_for(users.member).get(url).content.decode()
        assert "Seuils de statut" in body and "12 points" in body and "jusqu'à 27" in body
