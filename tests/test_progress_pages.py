"""Dashboard, workplan tree with filters, indicator page: content and constant query counts."""

import pytest
from django.urls import reverse

from indicators import services
from indicators.models import Indicator, IndicatorTarget, Location, ProgressReport
from workplans.models import Activity, ActivityActor

State = ProgressReport.State


def validated(user, indicator, quarter, org, value, parts=None):
    """Entered by ``user``, validated by another person (issue 13: four eyes)."""
    from django.contrib.auth import get_user_model

    report = services.report_save(user, indicator, quarter, org, value=value, parts=parts)
    reviewer = get_user_model().objects.filter(is_superuser=True).exclude(pk=user.pk).first()
    return services.report_validate(reviewer, services.report_submit(user, report))


class TestDashboard:
    def test_shows_progress_late_and_awaiting(self, client_for, users, plan, indicator, hcr):
        validated(users.coordinator, indicator, plan.quarters[0], hcr, 10)  # 2020 is over: 10 % → late
        submitted = services.report_submit(users.member, services.report_save(users.member, indicator, plan.quarters[1], hcr, value=5))
        response = client_for(users.coordinator).get("/")
        body = response.content.decode()
        row = next(w for w in response.context["workplans"] if w.pk == plan.workplan.pk)
        # Issue 13: the plan (2020) has ended: « Terminé » with its final result, not "late", no mean %.
        assert row.summary.ended and row.summary.status == "ended"
        assert row.summary.outcomes == {"partly": 1}
        assert "Terminé" in body
        assert "En attente de ma validation" in body
        assert response.context["to_review"] == [submitted]
        assert response.context["late_activities"] == []  # an ended plan's activities are not "late"

    def test_member_sees_returned_reports_not_the_review_list(self, client_for, users, plan, indicator, hcr):
        report = services.report_submit(users.member, services.report_save(users.member, indicator, plan.quarters[0], hcr, value=5))
        services.report_return(users.coordinator, report, "Précisez la source")
        response = client_for(users.member).get("/")
        assert response.context["to_review"] == [] and len(response.context["returned"]) == 1
        assert "Précisez la source" in response.content.decode()

    def test_only_validated_values_count(self, client_for, users, plan, indicator, hcr):
        services.report_submit(users.member, services.report_save(users.member, indicator, plan.quarters[0], hcr, value=100))
        row = next(w for w in client_for(users.member).get("/").context["workplans"] if w.pk == plan.workplan.pk)
        assert row.summary.outcomes == {"not_reported": 1}  # issue 13: counts, no mean %

    @pytest.mark.parametrize("n", [1, 25])
    def test_queries_constant(self, client_for, users, plan, hcr, n, django_assert_max_num_queries):
        for i in range(n):
            activity = Activity.objects.create(workplan=plan.workplan, objective=plan.objective, title=f"A{i}")
            activity.quarters.set(plan.quarters)
            ActivityActor.objects.create(activity=activity, actor=hcr)
            indicator = Indicator.objects.create(workplan=plan.workplan, activity=activity, text=f"# {i}", target=10)
            ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[0], organisation=hcr, value=3,
                                          state=State.SUBMITTED)
        client = client_for(users.coordinator)
        # + overdue action points (2), saved views (1), plan statuses (4 from the cache, +5 to store them when cold)
        with django_assert_max_num_queries(30):  # page cache miss (issue 16): +generations, cache read, fragment write
            assert client.get("/").status_code == 200
        with django_assert_max_num_queries(19):  # warm cache: the statuses are not computed again
            assert client.get("/").status_code == 200


class TestWorkplanTree:
    def test_filters_apply_to_the_tree(self, client_for, users, plan):
        client = client_for(users.member)
        body = client.get(plan.workplan.get_absolute_url() + "?actor=HCR").content.decode()
        assert "Monitoring de protection" in body and "Sensibilisation" not in body
        body = client.get(plan.workplan.get_absolute_url() + "?q=sensibilisation").content.decode()
        assert "Monitoring de protection" not in body and "Sensibilisation" in body

    def test_coordinator_sees_quarter_grid_links(self, client_for, users, plan):
        url = reverse("indicators:quarter_grid", args=[plan.workplan.slug, "2020-Q1"])
        assert url in client_for(users.coordinator).get(plan.workplan.get_absolute_url()).content.decode()
        assert url not in client_for(users.member).get(plan.workplan.get_absolute_url()).content.decode()


class TestIndicatorPage:
    def test_values_states_history_and_places(self, client_for, users, plan, indicator, hcr):
        indicator.disaggregate_cercle = True
        indicator.save()
        gao = Location.objects.get(name="Gao", kind="cercle")
        kidal_region = Location.objects.get(name="Kidal", kind="region")
        IndicatorTarget.objects.create(indicator=indicator, location=kidal_region, value=50)
        report = validated(users.coordinator, indicator, plan.quarters[0], hcr, 30, parts={"cercle": {gao: 30}})
        services.report_save(users.member, indicator, plan.quarters[1], hcr, value=7)
        response = client_for(users.member).get(indicator.get_absolute_url())
        assert response.status_code == 200
        body = response.content.decode()
        rows = {r["quarter"].code: r for r in response.context["quarter_rows"]}
        assert rows["2020-Q1"]["value"] == 30 and rows["2020-Q1"]["label"] == "validated"
        assert rows["2020-Q2"]["value"] is None and rows["2020-Q2"]["pending"][0].value == 7
        assert "Brouillon" in body and "Validé" in body
        history = response.context["history"]
        # issue 13: the coordinator's report is validated by another person (the administrator)
        assert {row["record"].history_user for row in history} == {users.coordinator, users.member, users.administrator}
        assert any(c["field"] == "state" for row in history for c in row["changes"])
        places = {(r["place"].name, r["level"]): r for r in response.context["places"]}
        assert places[("Gao", "region")]["achieved"] == 30 and places[("Gao", "cercle")]["achieved"] == 30
        assert places[("Kidal", "region")]["achieved"] is None and places[("Kidal", "region")]["target"] == 50
        assert "<svg" in body
        assert report.pk

    def test_reporting_labels_due_and_overdue(self, client_for, users, plan, indicator):
        rows = client_for(users.member).get(indicator.get_absolute_url()).context["quarter_rows"]
        assert {r["label"] for r in rows} == {"overdue"}  # 2020 ended long ago, nothing reported

    @pytest.mark.parametrize("n", [1, 12])
    def test_queries_constant(self, client_for, users, plan, indicator, hcr, n, django_assert_max_num_queries):
        from workplans.models import Actor, Quarter

        quarters = Quarter.objects.ensure_range((2020, 1), (2022, 4))
        for i in range(n):
            org = Actor.objects.create(acronym=f"ORG{i}")
            ActivityActor.objects.create(activity=plan.activities[0], actor=org)
            report = services.report_save(users.coordinator, indicator, quarters[i], org, value=i)
            services.report_save(users.coordinator, indicator, quarters[i], org, value=i + 1, version=report.version)
        client = client_for(users.member)
        with django_assert_max_num_queries(20):  # page cache miss (issue 16): +generations, cache read, fragment write
            assert client.get(indicator.get_absolute_url()).status_code == 200

    def test_unknown_indicator_is_404_and_post_is_405(self, client_for, users, indicator):
        assert client_for(users.member).get("/indicators/9999/").status_code == 404
        assert client_for(users.member).post(indicator.get_absolute_url()).status_code == 405
