"""The main pages' cached content and ETag (issue 16, ``clusterplan.lib.pagecache``).

- a second request is served from the cache (exact query counts, the same content);
- every kind of write a page shows changes the page (table-driven: a missing bump fails here);
- every writer outside a plan bumps the site version, every writer of a plan's content its
  generation (the admin's bulk delete included);
- a reload with the page's ETag is a 304 without body; another user or a write gives a 200.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from clusterplan.lib.pagecache import site_version
from indicators.models import Evidence, IndicatorTarget, Location, ProgressReport, QuarterClosure, ReportBreakdown
from meetings.models import ActionPoint
from reports.models import SavedView
from workplans.models import ActivityActor, Objective, Profile, SubCluster, Workplan

TODAY = datetime.date(2020, 8, 14)  # the plan (2020) is running: statuses move with the data


@pytest.fixture(autouse=True)
def _frozen():
    # Every module a request may import is imported first: one imported under the frozen clock
    # would keep its fake ``time.time`` (DRF's throttles take ``timer = time.time`` at import).
    import rest_framework.throttling  # noqa: F401
    from django.urls import get_resolver

    assert get_resolver().url_patterns
    with freeze_time("2020-08-14 22:00:00"):  # Bamako is on UTC
        yield


def _pages(report_plan):
    plan = report_plan.plan.workplan
    return {
        "home": reverse("reports:home"),
        "activities": reverse("reports:activity_list"),
        "activities-filtered": reverse("reports:activity_list") + "?actor=HCR&quarter=2020-Q2",
        "indicator": reverse("indicators:detail", args=[report_plan.indicators.a.pk]),
        "plan-tree": reverse("reports:workplan", args=[plan.slug]),
        "performance": reverse("reports:performance", args=[plan.slug]),
    }


def _content(response):
    """The page without what changes on every request (the masked CSRF tokens)."""
    assert response.status_code == 200, response.status_code
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


# --- a second request comes from the cache ----------------------------------------------------

# Queries of the second request: session, user, role groups, the plans' generations (or the
# plan / indicator the page is about, with its permission's loads), the cache read (fragment and
# site version together), the unread notifications of the top bar.
SECOND = {
    "home": 6,
    "activities": 6,
    "activities-filtered": 6,
    "indicator": 6,
    "plan-tree": 6,
    "performance": 6,
}


@pytest.mark.parametrize("name", list(SECOND))
def test_second_request_is_served_from_the_cache(name, report_plan, users, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users.coordinator)
    url = _pages(report_plan)[name]
    with CaptureQueriesContext(connection) as first:
        cold = _content(client.get(url))
    with django_assert_num_queries(SECOND[name]):
        warm = _content(client.get(url))
    assert warm == cold
    assert len(first) > SECOND[name] + 3


# --- every write a page shows changes it ------------------------------------------------------


def _retitle_objective(rp, users):
    rp.plan.objective.title = "Objectif renommé"
    rp.plan.objective.save()


def _edit_activity(rp, users):
    activity = rp.plan.activities[0]
    activity.title = "Monitoring renommé"
    activity.save()


def _rename_actor(rp, users):
    from workplans.models import Actor

    hcr = Actor.objects.get(acronym="HCR")
    hcr.acronym = "UNHCR-X"
    hcr.save()


def _add_actor_link(rp, users):
    from workplans.models import Actor

    ActivityActor.objects.create(activity=rp.plan.activities[1], actor=Actor.objects.get(acronym="NRC"))


def _remove_actor_link(rp, users):
    ActivityActor.objects.filter(activity=rp.plan.activities[0]).delete()  # a queryset delete: the rows' own delete
    # is not called, so this is what a bulk writer must bump by hand:
    Workplan.bump_generation(rp.plan.workplan.pk)


def _remove_actor_link_one(rp, users):
    ActivityActor.objects.get(activity=rp.plan.activities[0]).delete()


def _save_report(rp, users):
    report = ProgressReport.objects.get(indicator=rp.indicators.a, quarter=rp.quarters[1])
    report.value = Decimal(77)
    report.save()


def _validate_report(rp, users):
    report = ProgressReport.objects.get(indicator=rp.indicators.a, quarter=rp.quarters[3])
    report.state = ProgressReport.State.VALIDATED
    report.save()


def _thresholds(rp, users):
    cluster = rp.plan.workplan.cluster
    cluster.on_track_tolerance, cluster.at_risk_tolerance = 0, 0
    cluster.save()


def _phased_target(rp, users):
    IndicatorTarget.objects.filter(indicator=rp.indicators.a, quarter=rp.quarters[0]).get().delete()


def _breakdown(rp, users):
    report = ProgressReport.objects.get(indicator=rp.indicators.a, quarter=rp.quarters[1], state="validated")
    ReportBreakdown.objects.create(report=report, dimension="sex", category="M", value=8)


def _evidence(rp, users):
    report = ProgressReport.objects.get(indicator=rp.indicators.a, quarter=rp.quarters[1])
    Evidence.objects.create(report=report, file="evidence/x.pdf", original_name="preuve-unique.pdf",
                            content_type="application/pdf", size=10)


def _saved_view(rp, users):
    SavedView.objects.create(user=users.coordinator, name="Ma vue unique", path="/reports/performance/")


def _action_point(rp, users):
    from meetings.models import Meeting

    meeting = Meeting.objects.create(cluster=rp.plan.workplan.cluster, date=datetime.date(2020, 6, 1))
    ActionPoint.objects.create(meeting=meeting, order=0, what="Point en retard unique", deadline=datetime.date(2020, 7, 1))


def _plan_renamed(rp, users):
    workplan = Workplan.objects.get(pk=rp.plan.workplan.pk)
    workplan.title = "Plan renommé"
    workplan.save()


def _subcluster(rp, users):
    SubCluster.objects.create(cluster=rp.plan.workplan.cluster, code="SC-UNIQUE", name="Sous-cluster unique")


# (write, pages that show it, a text the page shows afterwards or None)
WRITES = [
    (_retitle_objective, ["plan-tree", "performance"], "Objectif renommé"),
    (_edit_activity, ["activities", "plan-tree", "indicator"], "Monitoring renommé"),
    (_rename_actor, ["activities", "plan-tree", "indicator", "performance"], "UNHCR-X"),
    (_add_actor_link, ["activities", "plan-tree"], None),
    (_remove_actor_link, ["activities", "activities-filtered", "plan-tree"], None),
    (_remove_actor_link_one, ["activities", "activities-filtered", "plan-tree"], None),
    (_save_report, ["indicator", "performance", "activities"], "77"),
    (_validate_report, ["indicator", "performance", "home"], None),
    (_thresholds, ["home", "performance", "plan-tree"], None),
    (_phased_target, ["performance"], None),
    (_breakdown, ["performance?breakdowns=on"], None),
    (_evidence, ["indicator"], "preuve-unique.pdf"),
    (_saved_view, ["home"], "Ma vue unique"),
    (_action_point, ["home"], "Point en retard unique"),
    (_plan_renamed, ["home", "plan-tree", "activities", "performance", "indicator"], "Plan renommé"),
    (_subcluster, ["activities", "plan-tree"], "SC-UNIQUE"),
]


@pytest.mark.parametrize("write,names,text", WRITES, ids=[w[0].__name__.strip("_") for w in WRITES])
def test_a_write_changes_the_pages_that_show_it(write, names, text, report_plan, users, client_for):
    client = client_for(users.coordinator)
    pages = _pages(report_plan)
    urls = [pages[n.split("?")[0]] + ("?" + n.split("?")[1] if "?" in n else "") for n in names]
    before = {url: _content(client.get(url)) for url in urls}
    for url in urls:
        assert _content(client.get(url)) == before[url]  # stable, and now cached
    write(report_plan, users)
    for url in urls:
        after = _content(client.get(url))
        assert after != before[url], url
        if text:
            assert text in after, url


def test_another_user_gets_their_own_page(report_plan, users, client_for):
    url = _pages(report_plan)["home"]
    coordinator = _content(client_for(users.coordinator).get(url))
    assert "En attente de ma validation" in coordinator
    member = _content(client_for(users.member).get(url))
    assert "En attente de ma validation" not in member


def test_language_switch_changes_the_page(report_plan, users, client_for):
    client = client_for(users.coordinator)
    url = _pages(report_plan)["performance"]
    assert "Objectif un" in _content(client.get(url))
    assert "Whole plan" not in _content(client.get(url))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Whole plan" in _content(client.get(url))


def test_the_next_day_rebuilds_the_page(report_plan, users, client_for):
    client = client_for(users.coordinator)
    url = _pages(report_plan)["performance"]
    assert "14 août 2020" in _content(client.get(url))
    with freeze_time("2020-08-15 00:30:00"):  # the session (8 hours) still runs
        page = _content(client.get(url))
    assert "15 août 2020" in page and "14 août 2020" not in page


def test_a_role_change_rebuilds_the_page(report_plan, users, client_for):
    from django.contrib.auth.models import Group

    client = client_for(users.member)
    url = _pages(report_plan)["home"]
    assert "En attente de ma validation" not in _content(client.get(url))
    users.member.groups.add(Group.objects.get(name="Coordinators"))  # no writer of ours: the key holds the roles
    assert "En attente de ma validation" in _content(client.get(url))


def test_the_csrf_token_is_this_requests(report_plan, users, client_for):
    client = client_for(users.coordinator)
    url = _pages(report_plan)["performance"]
    client.get(url)
    body = client.get(url).content.decode()
    assert "pagecache-csrf" not in body
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', body)
    assert len(tokens) >= 3 and all(len(t) == 64 for t in tokens)  # the language, log-out and save-view forms


# --- writers bump ---------------------------------------------------------------------------------


def _site_writers(rp, users):
    from meetings.models import Meeting
    from workplans.models import Actor

    return [
        ("actor", lambda: Actor.objects.get(acronym="NRC").save()),
        ("actor deleted", lambda: Actor.objects.create(acronym="TMP").delete()),
        ("sub-cluster", lambda: SubCluster.objects.create(cluster=rp.plan.workplan.cluster, code="X", name="X")),
        ("profile", lambda: Profile.objects.get(user=users.member).save()),
        ("location", lambda: Location.objects.create(name="Lieu", kind="region")),
        ("meeting", lambda: Meeting.objects.create(cluster=rp.plan.workplan.cluster, date=TODAY)),
        ("saved view", lambda: SavedView.objects.create(user=users.member, name="v", path="/reports/performance/")),
        ("workplan", lambda: Workplan.objects.get(pk=rp.plan.workplan.pk).save()),
    ]


def test_every_writer_outside_a_plan_bumps_the_site(report_plan, users):
    for name, write in _site_writers(report_plan, users):
        before = site_version()
        write()
        assert site_version() != before, name


def _plan_writers(rp, users):
    from workplans.models import Actor, ExpectedResult
    from workplans.services import actor_merge

    plan = rp.plan
    report = ProgressReport.objects.filter(indicator=rp.indicators.a).first()
    return [
        ("objective", lambda: plan.objective.save()),
        ("objective created", lambda: Objective.objects.create(workplan=plan.workplan, title="O2")),
        ("result", lambda: plan.result.save()),
        ("result deleted", lambda: ExpectedResult.objects.create(objective=plan.objective, title="R").delete()),
        ("activity", lambda: plan.activities[1].save()),
        ("activity link", lambda: ActivityActor.objects.filter(activity=plan.activities[0]).get().save()),
        ("indicator", lambda: rp.indicators.b.save()),
        ("target", lambda: IndicatorTarget.objects.filter(indicator=rp.indicators.a).first().save()),
        ("report", lambda: report.save()),
        ("breakdown", lambda: ReportBreakdown.objects.filter(report__indicator=rp.indicators.a).first().delete()),
        ("evidence", lambda: Evidence.objects.create(report=report, file="e/x.pdf", original_name="x.pdf",
                                                     content_type="application/pdf", size=1)),
        ("closure", lambda: QuarterClosure.objects.create(workplan=plan.workplan, quarter=rp.quarters[0]).delete()),
        ("cluster", lambda: plan.workplan.cluster.save()),
        ("activity deleted", lambda: plan.activities[1].delete()),
        ("objective deleted", lambda: Objective.objects.filter(title="O2").get().delete()),
        ("actor merge", lambda: actor_merge(Actor.objects.get(acronym="HCR"), [Actor.objects.create(acronym="TMP")])),
    ]


def test_every_writer_of_a_plan_bumps_its_generation(report_plan, users):
    pk = report_plan.plan.workplan.pk
    for name, write in _plan_writers(report_plan, users):
        before = Workplan.objects.get(pk=pk).generation
        write()
        assert Workplan.objects.get(pk=pk).generation > before, name


def test_saving_a_stale_plan_never_puts_its_generation_back(report_plan):
    stale = Workplan.objects.get(pk=report_plan.plan.workplan.pk)
    report_plan.plan.activities[0].save()  # another writer raises the generation
    raised = Workplan.objects.get(pk=stale.pk).generation
    stale.title = "Nouveau titre"
    stale.save()
    assert Workplan.objects.get(pk=stale.pk).generation == raised + 1
    assert stale.generation == raised + 1  # read again


def test_the_admin_bulk_delete_bumps(report_plan, users, client_for):
    client = client_for(users.administrator)
    extra = Objective.objects.create(workplan=report_plan.plan.workplan, title="À supprimer")
    before_gen, before_site = Workplan.objects.get(pk=extra.workplan_id).generation, site_version()
    response = client.post(reverse("admin:workplans_objective_changelist"),
                           {"action": "delete_selected", "_selected_action": [extra.pk], "post": "yes"})
    assert response.status_code == 302
    assert not Objective.objects.filter(pk=extra.pk).exists()
    assert Workplan.objects.get(pk=extra.workplan_id).generation > before_gen
    assert site_version() != before_site


def test_the_admin_delete_confirmation_changes_nothing(report_plan, users, client_for):
    client = client_for(users.administrator)
    extra = Objective.objects.create(workplan=report_plan.plan.workplan, title="À supprimer")
    before_site = site_version()
    response = client.post(reverse("admin:workplans_objective_changelist"),
                           {"action": "delete_selected", "_selected_action": [extra.pk]})
    assert response.status_code == 200
    assert Objective.objects.filter(pk=extra.pk).exists()
    assert site_version() == before_site


# --- ETag ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SECOND))
def test_a_reload_with_the_etag_is_a_304(name, report_plan, users, client_for):
    client = client_for(users.coordinator)
    url = _pages(report_plan)[name]
    first = client.get(url)
    etag = first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"] and "private" in first.headers["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_compressed_page_s_weak_etag_still_gives_a_304(report_plan, users, client_for):
    """Browsers ask for gzip: GZipMiddleware weakens the tag (W/"…"); sent back, it still matches."""
    client = client_for(users.coordinator)
    url = _pages(report_plan)["plan-tree"]
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert first.headers.get("Content-Encoding") == "gzip"
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""


def test_another_user_never_gets_a_304_for_my_etag(report_plan, users, client_for, client):
    url = _pages(report_plan)["performance"]
    etag = client_for(users.coordinator).get(url).headers["ETag"]
    client.logout()
    other = client_for(users.member).get(url, HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200


def test_a_write_ends_the_304(report_plan, users, client_for):
    client = client_for(users.coordinator)
    url = _pages(report_plan)["indicator"]
    etag = client.get(url).headers["ETag"]
    _save_report(report_plan, users)
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.headers["ETag"] != etag


def test_no_304_while_a_message_waits(report_plan, users, client_for):
    client = client_for(users.coordinator)
    indicator = report_plan.indicators.a
    url = _pages(report_plan)["indicator"]
    etag = client.get(url).headers["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    refused = client.post(reverse("indicators:rules", args=[indicator.pk]), {"aggregation": "nonsense"})
    assert refused.status_code == 302  # nothing written, a message waits
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "msg-error" in response.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304  # shown once: the same page again


def test_the_admin_user_change_bumps(report_plan, users, client_for):
    client = client_for(users.administrator)
    member = users.member
    before_site = site_version()
    response = client.post(reverse("admin:auth_user_change", args=[member.pk]), {
        "username": "renamed-member", "is_active": "on", "date_joined_0": "2020-08-01", "date_joined_1": "10:00:00",
        "groups": list(member.groups.values_list("pk", flat=True)),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert member.username == "renamed-member"
    assert site_version() != before_site
