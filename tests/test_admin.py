"""Every admin changelist and add page answers 200 for an administrator."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from indicators.models import Indicator, ProgressReport


def registered_models():
    return sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_changelist_and_add_page(client_for, users, plan, model):
    client = client_for(users.administrator)
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    # Read-only admins (django-axes' login attempts) have no add page: 403 is what they must answer.
    request = RequestFactory().get("/admin/")
    request.user = users.administrator
    expected = 200 if admin.site._registry[model].has_add_permission(request) else 403
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == expected


def test_changelist_search_and_filter(client_for, users, plan):
    client = client_for(users.administrator)
    url = reverse("admin:workplans_activity_changelist")
    response = client.get(url, {"q": "Monitoring", "status": "planned"})
    assert response.status_code == 200
    assert "Monitoring de protection" in response.content.decode()
    assert "Sensibilisation" not in response.content.decode()


def test_change_pages_with_inlines(client_for, users, plan, hcr):
    client = client_for(users.administrator)
    indicator = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="# de rapports")
    ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[0], organisation=hcr, value=3)
    for name, obj in [
        ("workplans_workplan", plan.workplan),
        ("workplans_objective", plan.objective),
        ("workplans_expectedresult", plan.result),
        ("workplans_activity", plan.activities[0]),
        ("workplans_actor", hcr),
        ("indicators_indicator", indicator),
        ("indicators_progressreport", indicator.reports.get()),
    ]:
        response = client.get(reverse(f"admin:{name}_change", args=[obj.pk]))
        assert response.status_code == 200, name


def test_admin_refused_to_a_coordinator(client_for, users):
    response = client_for(users.coordinator).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
