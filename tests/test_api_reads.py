"""The API's reads: every list, the workplan tree, indicators' figures by the page's maths, the
activity filters of /activities/ (same parameters, same rows), visibility of drafts, CSV."""

import csv
import io
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token

from imports.export import workplan_tree_data
from indicators.models import ProgressReport


@pytest.fixture
def api(client):
    """``api(user)``: a test client sending ``user``'s token (no session)."""

    def for_user(user):
        token, _ = Token.objects.get_or_create(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
        return client

    return for_user


LISTS = ["workplans", "objectives", "results", "activities", "indicators", "reports", "organisations",
         "subclusters", "places", "quarters", "meetings", "action-points"]


@pytest.mark.parametrize("name", LISTS)
def test_every_list_is_paginated_with_a_count(api, users, report_plan, meetings, name):
    response = api(users.member).get(f"/api/v1/{name}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(body["results"]) or body["next"]


def test_anonymous_is_refused_without_a_login_redirect(client, report_plan):
    response = client.get("/api/v1/workplans/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_wrong_token_is_refused(client, report_plan):
    response = client.get("/api/v1/workplans/", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401


def test_session_authentication_works_for_the_browser(client_for, users, report_plan):
    response = client_for(users.member).get("/api/v1/workplans/")
    assert response.status_code == 200
    assert response.json()["results"][0]["slug"] == "plan-test"


def test_workplan_detail_is_the_export_json_shape(api, users, report_plan):
    response = api(users.member).get("/api/v1/workplans/plan-test/")
    assert response.status_code == 200
    assert response.json() == __import__("json").loads(__import__("json").dumps(workplan_tree_data(report_plan.plan.workplan)))
    assert api(users.member).get("/api/v1/workplans/nope/").status_code == 404


def test_indicator_figures_are_the_pages_maths(api, users, report_plan):
    ind = report_plan.indicators
    body = api(users.member).get(f"/api/v1/indicators/{ind.a.pk}/").json()
    progress = ind.a.progress()
    # A summed, target 100: validated Q1 HCR 10 + NRC 5, Q2 HCR 20 (draft and submitted do not count).
    assert Decimal(str(body["achieved"])) == progress.achieved == Decimal(35)
    assert Decimal(str(body["percent"])) == progress.percent == Decimal("35.0")
    assert body["status"] == progress.status
    assert [(v["quarter"], Decimal(str(v["value"])), Decimal(str(v["achieved_to_date"]))) for v in body["values_by_quarter"]] == [
        ("2020-Q1", Decimal(15), Decimal(15)), ("2020-Q2", Decimal(20), Decimal(35))]
    assert [(t["quarter"], Decimal(str(t["value"]))) for t in body["targets"]] == [("2020-Q1", 25), ("2020-Q2", 25)]
    cumulative = api(users.member).get(f"/api/v1/indicators/{ind.b.pk}/").json()
    assert Decimal(str(cumulative["achieved"])) == Decimal(45)  # the last value, never a sum
    no_target = api(users.member).get(f"/api/v1/indicators/{ind.e.pk}/").json()
    assert no_target["percent"] is None and Decimal(str(no_target["achieved"])) == 10


def test_indicator_list_in_constant_queries(api, users, report_plan, django_assert_max_num_queries):
    client = api(users.member)
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/indicators/?workplan=plan-test").json()
    assert body["count"] == 5


# --- activities: the filters of /activities/ --------------------------------------------------

FILTERS = [
    "", "subcluster=SCVBG", "actor=HCR", "actor=hcr", "workplan=plan-test", "quarter=2020-Q1", "quarter=2020-Q3",
    "status=planned", "level=national", "q=monitoring", "q=Sensibilisation", "late=on", "actor=HCR&quarter=2020-Q1",
]


@pytest.mark.parametrize("query", FILTERS)
def test_activity_filters_give_the_rows_of_the_page(api, client_for, users, report_plan, query):
    page = client_for(users.member).get(f"/activities/?{query}")
    assert page.status_code == 200
    page_ids = [a.pk for a in page.context["activities"]]
    body = api(users.member).get(f"/api/v1/activities/?{query}").json()
    assert body["count"] == page.context["total"]
    assert [a["id"] for a in body["results"]] == page_ids


def test_an_unknown_filter_value_says_so(api, users, report_plan):
    response = api(users.member).get("/api/v1/activities/?subcluster=NOPE", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Unknown sub-cluster: NOPE" in response.json()["detail"][0]
    response = api(users.member).get("/api/v1/activities/?quarter=2020-Q9", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json()["detail"][0].startswith("Trimestre inconnu")
    response = api(users.member).get("/api/v1/activities/?status=nope", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "status" in response.json()


def test_activity_rows_carry_progress_and_actors(api, users, report_plan):
    body = api(users.member).get("/api/v1/activities/?actor=HCR").json()
    row = body["results"][0]
    assert row["actors"] == [{"organisation": "HCR", "role": "lead", "note": ""}]
    assert row["quarters"] == ["2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4"]
    assert row["progress"] in {"not_started", "on_track", "at_risk", "late", "done", "no_data"}


def test_activity_pages_agree_with_the_page_at_scale(api, client_for, users, plan):
    """60 activities: two API pages of 50 and 10, in the page's order."""
    from workplans.models import Activity

    for i in range(58):
        Activity.objects.create(workplan=plan.workplan, objective=plan.objective, code=f"9.{i}", title=f"A{i}", order=10 + i)
    page_ids = [a.pk for a in client_for(users.member).get("/activities/").context["activities"]]
    first = api(users.member).get("/api/v1/activities/").json()
    assert first["count"] == 60 and [a["id"] for a in first["results"]] == page_ids
    second = api(users.member).get(first["next"]).json()
    assert len(second["results"]) == 10


# --- reports: drafts visible as on the pages ----------------------------------------------------


def test_reports_list_shows_drafts_only_to_those_who_may_see_them(api, users, report_plan):
    from indicators.permissions import can_see_report_details

    for user in (users.administrator, users.coordinator, users.member, users.outsider):
        body = api(user).get("/api/v1/reports/?page_size=500").json()
        ids = {r["id"] for r in body["results"]}
        expected = set()
        for report in ProgressReport.objects.select_related("indicator__activity"):
            if can_see_report_details(user, report):
                expected.add(report.pk)
        assert ids == expected, user
    # The outsider (NRC) sees no draft; the member (HCR, responsible for activity 1) sees them.
    states = {r["state"] for r in api(users.outsider).get("/api/v1/reports/?page_size=500").json()["results"]}
    assert states == {"validated"}


def test_a_hidden_draft_is_a_404(api, users, report_plan):
    draft = ProgressReport.objects.get(state=ProgressReport.State.DRAFT)
    assert api(users.outsider).get(f"/api/v1/reports/{draft.pk}/").status_code == 404
    assert api(users.member).get(f"/api/v1/reports/{draft.pk}/").status_code == 200


def test_report_filters(api, users, report_plan, nrc):
    client = api(users.administrator)
    assert client.get("/api/v1/reports/?quarter=2020-Q1").json()["count"] == 4  # A HCR, A NRC, B, E
    assert client.get(f"/api/v1/reports/?organisation={nrc.pk}").json()["count"] == 1
    assert client.get("/api/v1/reports/?organisation=NRC").json()["count"] == 1
    assert client.get("/api/v1/reports/?state=draft").json()["count"] == 1
    assert client.get("/api/v1/reports/?workplan=plan-test&state=submitted").json()["count"] == 1
    assert client.get("/api/v1/reports/?quarter=nope").status_code == 400


def test_report_parts(api, users, report_plan):
    from indicators.models import ReportBreakdown

    a1 = ReportBreakdown.objects.filter(category="M").get().report
    body = api(users.member).get(f"/api/v1/reports/{a1.pk}/").json()
    assert body["parts"] == {"F": 6, "M": 4} or body["parts"] == {"F": "6.00", "M": "4.00"}


# --- meetings and action points -----------------------------------------------------------------


def test_action_points_filters_as_the_page(api, users, meetings):
    client = api(users.member)
    assert client.get("/api/v1/action-points/").json()["count"] == 2  # open by default
    assert client.get("/api/v1/action-points/?status=").json()["count"] == 3
    assert client.get("/api/v1/action-points/?status=done").json()["count"] == 1
    assert client.get("/api/v1/action-points/?overdue=on").json()["count"] == 2


def test_meetings_are_read_by_everyone_signed_in(api, meetings, db):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("nobody", password="x-long-password")  # no role, as on the pages
    body = api(nobody).get("/api/v1/meetings/").json()
    assert [m["date"] for m in body["results"]] == ["2017-06-07", "2017-05-03"]
    assert body["results"][0]["agenda_items"][0]["title"] == "1. Validation du plan d'action"


# --- CSV -------------------------------------------------------------------------------------------


def test_csv_of_a_list_for_excel(api, users, report_plan):
    response = api(users.member).get("/api/v1/activities/?format=csv", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["id", "workplan", "objective"]
    assert len(rows) == 1 + 2  # every row, not a page
    english = api(users.member).get("/api/v1/quarters/?format=csv", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert english.lstrip("\ufeff").startswith("id,code,year")


def test_csv_neutralises_formulas(api, users, plan):
    plan.activities[0].title = "=HYPERLINK(\"http://x\")"
    plan.activities[0].save()
    content = api(users.member).get("/api/v1/activities/?format=csv").content.decode()
    assert "'=HYPERLINK" in content


# --- constant queries ---------------------------------------------------------------------------


def _more_data(plan, hcr, n):
    from indicators.models import Indicator
    from workplans.models import Activity, ActivityActor

    for i in range(n):
        activity = Activity.objects.create(workplan=plan.workplan, objective=plan.objective, code=f"8.{i}",
                                           title=f"Extra {i}", order=100 + i)
        activity.quarters.set(plan.quarters)
        ActivityActor.objects.create(activity=activity, actor=hcr)
        indicator = Indicator.objects.create(workplan=plan.workplan, activity=activity, code=f"X{i}", text=f"X {i}",
                                             target=10)
        ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[0], organisation=hcr, value=i,
                                      state=ProgressReport.State.VALIDATED)


@pytest.mark.parametrize("url", ["/api/v1/activities/", "/api/v1/indicators/", "/api/v1/reports/",
                                 "/api/v1/action-points/?status=", "/api/v1/meetings/"])
def test_lists_run_a_constant_number_of_queries(api, users, report_plan, meetings, hcr, url,
                                                django_assert_num_queries, django_assert_max_num_queries):
    client = api(users.member)
    client.get(url)  # warm the per-plan status cache
    with django_assert_max_num_queries(1000) as small:  # counts them
        assert client.get(url).status_code == 200
    count = len(small.captured_queries)  # now: the next request empties the log
    _more_data(report_plan.plan, hcr, 12)
    client.get(url)
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200
    assert 0 < count <= 14
