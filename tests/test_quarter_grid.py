"""The quarter grid and quarter close/reopen views: happy path, 405, 403, out-of-scope ids."""

import pytest
from django.urls import reverse

from indicators import services
from indicators.models import Indicator, ProgressReport, QuarterClosure
from workplans.models import Activity, ActivityActor, Cluster, Objective, Workplan


def grid(plan, code="2020-Q2"):
    return reverse("indicators:quarter_grid", args=[plan.workplan.slug, code])


@pytest.fixture
def second(plan, hcr):
    return Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="% de cas référés", kind="percent")


@pytest.fixture
def foreign_plan(db):
    other = Cluster.objects.create(code="CP-X", name="Autre")
    return Workplan.objects.create(title="Autre", slug="autre", cluster=other)


def test_grid_shows_previous_quarter_and_saves_all(client_for, users, plan, indicator, second, hcr):
    report = services.report_save(users.member, indicator, plan.quarters[0], hcr, value=17)
    client = client_for(users.coordinator)
    response = client.get(grid(plan))
    assert response.status_code == 200
    rows = {r["indicator"].pk: r for r in response.context["rows"]}
    assert rows[indicator.pk]["previous"] == report and rows[indicator.pk]["organisation"] == hcr
    response = client.post(grid(plan), {f"value_{indicator.pk}": "20", f"narrative_{indicator.pk}": "T2",
                                        f"value_{second.pk}": "45,5"})
    assert response.status_code == 302
    saved = {r.indicator_id: r for r in ProgressReport.objects.filter(quarter=plan.quarters[1])}
    assert saved[indicator.pk].value == 20 and saved[second.pk].value == 45.5


def test_grid_all_or_nothing_with_row_errors(client_for, users, plan, indicator, second):
    response = client_for(users.coordinator).post(grid(plan), {f"value_{indicator.pk}": "20", f"value_{second.pk}": "150"})
    assert response.status_code == 400
    assert "0 et 100" in response.content.decode()
    assert 'value="20"' in response.content.decode()  # what was typed is kept
    assert not ProgressReport.objects.exists()
    response = client_for(users.coordinator).post(grid(plan), {f"value_{indicator.pk}": "abc"})
    assert response.status_code == 400 and "pas un nombre" in response.content.decode()


def test_grid_conflict_is_reported(client_for, users, plan, indicator, hcr):
    report = services.report_save(users.member, indicator, plan.quarters[1], hcr, value=1)
    services.report_save(users.member, indicator, plan.quarters[1], hcr, value=2, version=report.version)
    response = client_for(users.coordinator).post(grid(plan), {f"value_{indicator.pk}": "3", f"version_{indicator.pk}": "1"})
    assert response.status_code == 400
    assert ProgressReport.objects.get().value == 2


def test_grid_forbidden_for_members_and_other_clusters(client_for, users, plan, indicator, foreign_plan):
    # Issue 13: members use the grid for their own organisation's rows (tests/test_grid_rules.py);
    # a member without an organisation, and other clusters' coordinators, are refused.
    users.outsider.profile.organisation = None
    users.outsider.profile.save()
    assert client_for(users.outsider).get(grid(plan)).status_code == 403
    assert client_for(users.outsider).post(grid(plan), {f"value_{indicator.pk}": "1"}).status_code == 403
    assert client_for(users.coordinator).get(reverse("indicators:quarter_grid", args=["autre", "2020-Q1"])).status_code == 403
    assert not ProgressReport.objects.exists()


def test_grid_ignores_indicators_of_other_plans(client_for, users, plan, indicator, foreign_plan, nrc):
    obj = Objective.objects.create(workplan=foreign_plan, title="O")
    act = Activity.objects.create(workplan=foreign_plan, objective=obj, title="A")
    ActivityActor.objects.create(activity=act, actor=nrc)
    foreign = Indicator.objects.create(workplan=foreign_plan, activity=act, text="étranger")
    client_for(users.coordinator).post(grid(plan), {f"value_{foreign.pk}": "9"})
    assert not ProgressReport.objects.filter(indicator=foreign).exists()


def test_grid_wrong_method_and_bad_quarter(client_for, users, plan):
    assert client_for(users.coordinator).put(grid(plan)).status_code == 405
    assert client_for(users.coordinator).get(grid(plan, "2020-Q7")).status_code == 404


@pytest.mark.parametrize("n", [1, 20])
def test_grid_queries_constant(client_for, users, plan, hcr, n, django_assert_max_num_queries):
    for i in range(n):
        Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text=f"# {i}")
    client = client_for(users.coordinator)
    with django_assert_max_num_queries(14):
        assert client.get(grid(plan)).status_code == 200


class TestCloseReopen:
    def close(self, plan, code="2020-Q2"):
        return reverse("indicators:quarter_close", args=[plan.workplan.slug, code])

    def reopen(self, plan, code="2020-Q2"):
        return reverse("indicators:quarter_reopen", args=[plan.workplan.slug, code])

    def test_close_locks_then_reopen_with_reason(self, client_for, users, plan, indicator, hcr):
        client = client_for(users.coordinator)
        # issue 13: closing asks to confirm first (tests/test_quarter_closing.py)
        assert client.post(self.close(plan), {"reason": "Fin du trimestre", "confirm": "yes"}).status_code == 302
        closure = QuarterClosure.objects.get()
        assert closure.reason == "Fin du trimestre" and closure.closed_by == users.coordinator
        body = client.get(grid(plan)).content.decode()
        assert "clôturé" in body and f'name="value_{indicator.pk}"' not in body
        client.post(self.reopen(plan), {"reason": ""})
        assert QuarterClosure.objects.get().reopened_at is None
        client.post(self.reopen(plan), {"reason": "Correction"})
        closure.refresh_from_db()
        assert closure.reopened_by == users.coordinator and closure.reopen_reason == "Correction"

    def test_wrong_method(self, client_for, users, plan):
        assert client_for(users.coordinator).get(self.close(plan)).status_code == 405
        assert client_for(users.coordinator).get(self.reopen(plan)).status_code == 405

    def test_forbidden_roles_and_out_of_scope(self, client_for, users, plan, foreign_plan):
        assert client_for(users.member).post(self.close(plan)).status_code == 403
        assert client_for(users.outsider).post(self.close(plan)).status_code == 403
        url = reverse("indicators:quarter_close", args=["autre", "2020-Q2"])
        assert client_for(users.coordinator).post(url).status_code == 403
        assert not QuarterClosure.objects.exists()
        services.quarter_close(users.administrator, plan.workplan, plan.quarters[1])
        assert client_for(users.member).post(self.reopen(plan), {"reason": "x"}).status_code == 403
        assert QuarterClosure.objects.get().reopened_at is None
