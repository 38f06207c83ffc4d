"""Issue 12: merging two organisations in the admin moves everything that points at them."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.urls import reverse

from api.models import KoboForm
from indicators.models import ProgressReport
from meetings.models import Contact
from workplans.models import ActivityActor, Actor, ActorAlias, Profile, SubCluster
from workplans.services import ActorMergeError, actor_merge, actor_relations

pytestmark = pytest.mark.django_db


@pytest.fixture
def unhcr(db):
    """A duplicate of HCR, as an import would have created it, pointed at by every kind of row."""
    return Actor.objects.create(acronym="UNHCR-DUP", name_en="UN Refugee Agency (duplicate)")


@pytest.fixture
def everything(report_plan, meetings, users, hcr, nrc, unhcr):
    """One row of every model that points at an organisation, on the duplicate."""
    first, second = report_plan.plan.activities
    q1 = report_plan.quarters[0]
    rows = {
        "activity link": ActivityActor.objects.create(activity=second, actor=unhcr, role="support", role_note="monitoring"),
        "same activity, same role": ActivityActor.objects.create(activity=first, actor=unhcr, role="lead", role_note="PoC"),
        "report": ProgressReport.objects.create(indicator=report_plan.indicators.c, quarter=q1, organisation=unhcr, value=3),
        "contact": Contact.objects.create(name="Awa", organisation=unhcr),
        "alias": ActorAlias.objects.create(actor=unhcr, name="Agence des réfugiés"),
    }
    rows["kobo form"] = KoboForm.objects.create(name="Kobo", workplan=report_plan.plan.workplan,
                                                created_by=users.administrator, organisation=unhcr)
    profile = Profile.objects.get(user=users.outsider)
    profile.organisation = unhcr
    profile.save()
    rows["profile"] = profile
    meetings.june.co_facilitator = unhcr
    meetings.june.save()
    meetings.june.organisations.add(unhcr, hcr)
    meetings.tdr.owners.add(unhcr)
    meetings.share.owners.add(unhcr)  # HCR already owns it: a duplicate link
    scvbg = SubCluster.objects.get(code="SCVBG")
    scvbg.lead, scvbg.co_lead = unhcr, unhcr
    scvbg.save()
    return rows


def test_every_relation_to_an_organisation_is_covered_by_this_test():
    names = {(rel.related_model._meta.label, rel.field.name) for rel in actor_relations()}
    assert names == {
        ("workplans.SubCluster", "lead"), ("workplans.SubCluster", "co_lead"), ("workplans.ActorAlias", "actor"),
        ("workplans.Profile", "organisation"), ("workplans.ActivityActor", "actor"),
        ("indicators.HistoricalProgressReport", "organisation"), ("indicators.ProgressReport", "organisation"),
        ("meetings.Meeting_organisations", "actor"), ("meetings.Meeting", "co_facilitator"),
        ("meetings.ActionPoint_owners", "actor"), ("meetings.Contact", "organisation"), ("api.KoboForm", "organisation"),
    }


def test_merge_moves_every_row_and_keeps_the_name_as_an_alias(everything, report_plan, meetings, users, hcr, unhcr):
    first = report_plan.plan.activities[0]
    links_before = ActivityActor.objects.filter(actor__in=[hcr, unhcr]).count()
    unhcr_pk = unhcr.pk
    moved = actor_merge(hcr, [unhcr], user=users.administrator)
    assert not Actor.objects.filter(pk=unhcr_pk).exists()
    assert Actor.objects.match("UNHCR-DUP") == hcr and Actor.objects.match("Agence des réfugiés") == hcr
    everything["report"].refresh_from_db()
    assert everything["report"].organisation == hcr
    assert ProgressReport.history.filter(id=everything["report"].pk).exclude(organisation=hcr).count() == 0
    assert Contact.objects.get(name="Awa").organisation == hcr
    assert KoboForm.objects.get(name="Kobo").organisation == hcr
    assert Profile.objects.get(user=users.outsider).organisation == hcr
    meetings.june.refresh_from_db()
    assert meetings.june.co_facilitator == hcr and list(meetings.june.organisations.all()) == [hcr]
    assert list(meetings.tdr.owners.all()) == [hcr] and list(meetings.share.owners.all()) == [hcr]
    scvbg = SubCluster.objects.get(code="SCVBG")
    assert scvbg.lead == hcr and scvbg.co_lead == hcr
    # the duplicate lead link of the first activity is folded into HCR's, its note kept
    lead = ActivityActor.objects.get(activity=first, actor=hcr, role="lead")
    assert "PoC" in lead.role_note
    assert ActivityActor.objects.filter(actor=hcr).count() == links_before - 1
    hcr.refresh_from_db()
    assert hcr.name_en == "Office of the United Nations High Commissioner for Refugees"  # the kept one's names stay
    assert moved[ProgressReport] == 1 and moved[Contact] == 1 and moved[Profile] == 1
    flags = set(LogEntry.objects.filter(object_id__in=[str(hcr.pk), str(unhcr_pk)]).values_list("action_flag", flat=True))
    assert flags == {CHANGE, DELETION}


def test_merge_refuses_to_lose_a_report_and_changes_nothing(report_plan, users, hcr, unhcr):
    q1 = report_plan.quarters[0]
    ProgressReport.objects.create(indicator=report_plan.indicators.a, quarter=q1, organisation=unhcr, value=7)
    contact = Contact.objects.create(name="Awa", organisation=unhcr)
    with pytest.raises(ActorMergeError):
        actor_merge(hcr, [unhcr], user=users.administrator)
    assert Actor.objects.filter(pk=unhcr.pk).exists()
    contact.refresh_from_db()
    assert contact.organisation == unhcr


def test_the_admin_action_asks_which_to_keep_then_merges(client_for, users, everything, hcr, unhcr):
    client = client_for(users.administrator)
    url = reverse("admin:workplans_actor_changelist")
    page = client.post(url, {"action": "merge_organisations", ACTION_CHECKBOX_NAME: [hcr.pk, unhcr.pk]})
    assert page.status_code == 200 and b'name="keep"' in page.content
    done = client.post(url, {"action": "merge_organisations", ACTION_CHECKBOX_NAME: [hcr.pk, unhcr.pk],
                             "apply": "1", "keep": hcr.pk})
    assert done.status_code == 302
    assert not Actor.objects.filter(pk=unhcr.pk).exists()


def test_the_admin_action_needs_two_organisations(client_for, users, hcr):
    client = client_for(users.administrator)
    url = reverse("admin:workplans_actor_changelist")
    response = client.post(url, {"action": "merge_organisations", ACTION_CHECKBOX_NAME: [hcr.pk]}, follow=True)
    assert Actor.objects.filter(pk=hcr.pk).exists()
    assert any("two" in str(m) or "deux" in str(m) for m in response.context["messages"])


def test_a_coordinator_cannot_merge(client_for, users, hcr, unhcr):
    response = client_for(users.coordinator).post(
        reverse("admin:workplans_actor_changelist"),
        {"action": "merge_organisations", ACTION_CHECKBOX_NAME: [hcr.pk, unhcr.pk], "apply": "1", "keep": hcr.pk})
    assert response.status_code in (302, 403)
    assert Actor.objects.filter(pk=unhcr.pk).exists()
