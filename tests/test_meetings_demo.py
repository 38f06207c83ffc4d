"""The meetings demo data: seed 004's structure and contacts, seed 002's meeting; idempotent."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from meetings.demo import demo_meetings_load
from meetings.models import ActionPoint, AgendaItem, Contact, Meeting
from workplans.models import Actor, SubCluster


def _counts():
    return (Meeting.objects.count(), AgendaItem.objects.count(), ActionPoint.objects.count(), Contact.objects.count(),
            Actor.objects.count())


def test_demo_loads_seed_002_meeting_and_seed_004_contacts(db):
    meeting = demo_meetings_load()
    assert (meeting.date, meeting.participants_count, meeting.co_facilitator.acronym) == (datetime.date(2017, 6, 7), 31, "NRC")
    assert [item.title[:2] for item in meeting.agenda_items.all()] == ["1.", "2.", "3.", "4.", "5.", "6."]
    assert meeting.organisations.filter(acronym__in=["HCR", "MINUSMA", "DDC"]).count() == 3  # issue 12: DDC = Coopération Suisse
    points = list(meeting.action_points.all())
    assert len(points) == 7
    monitoring = points[2]
    assert [a.acronym for a in monitoring.owners.all()] == ["HCR"] and monitoring.owner_people == "CCP"
    assert [a.acronym for a in points[0].owners.all()] == ["CP"]
    assert Contact.objects.count() == 11
    assert set(Contact.objects.exclude(region="").values_list("region", flat=True)) == {"Gao", "Mopti", "Tombouctou"}
    dozin = Contact.objects.get(name="Marie-Emilie Dozin")
    assert (dozin.organisation.acronym, dozin.subcluster.code) == ("HCR", "CP")
    cp = SubCluster.objects.get(code="CP")
    assert (cp.lead.acronym, cp.co_lead.acronym) == ("HCR", "NRC")


def test_demo_is_idempotent_and_keeps_user_changes(db):
    demo_meetings_load()
    counts = _counts()
    point = ActionPoint.objects.get(order=2)
    point.status, point.follow_up = ActionPoint.Status.DONE, "Fait"
    point.save()
    demo_meetings_load()
    assert _counts() == counts
    point.refresh_from_db()
    assert (point.status, point.follow_up) == ("done", "Fait")


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def test_load_demo_command_loads_meetings_and_the_pages_show_them(client, db, debug_on):
    call_command("load_demo")
    call_command("load_demo")
    assert Meeting.objects.count() == 1 and Contact.objects.count() == 11
    assert client.login(username="member", password="demo")
    meeting = Meeting.objects.get()
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Validation du plan d&#x27;action" in body
    structure = client.get(reverse("meetings:structure")).content.decode()
    assert "Nadia Elise Gateka" in structure and "Tombouctou" in structure
