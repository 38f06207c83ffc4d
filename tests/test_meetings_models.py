"""Meetings' domain: previous meeting, follow-up of open points, overdue points, owners and organisations."""

import datetime

import pytest

from meetings.models import ActionPoint, Meeting, match_actors, split_names
from meetings.services import action_point_update
from workplans.models import ActorAlias, SubCluster


def test_split_names_keeps_parentheses_together():
    assert split_names("UNHCR, OIM, MINUSMA (CAD, OSWPA, PE, POC), HCDH,") == [
        "UNHCR", "OIM", "MINUSMA (CAD, OSWPA, PE, POC)", "HCDH",
    ]
    assert split_names("UNHCR /CCP", separators=(",", "/")) == ["UNHCR", "CCP"]
    assert split_names("") == []


def test_match_actors_by_alias_and_by_head_of_parenthesis(hcr, nrc):
    from workplans.models import Actor

    ActorAlias.objects.get_or_create(name="UNHCR", defaults={"actor": hcr})  # issue 12: shipped by the reference list
    minusma = Actor.objects.get(acronym="MINUSMA")
    actors, unmatched = match_actors(["unhcr", "N.R.C", "MINUSMA (CAD, PE)", "Coopération Suisse", "HCR", "Inconnue"])
    # issue 12: the reference list knows the Swiss cooperation (DDC, alias "Coopération Suisse")
    assert actors == [hcr, nrc, minusma, Actor.objects.get(acronym="DDC")]
    assert unmatched == ["Inconnue"]


def test_previous_meeting_is_the_one_just_before_of_the_same_body(meetings, cluster):
    assert meetings.june.previous() == meetings.may
    assert meetings.may.previous() is None
    scvbg = SubCluster.objects.get(code="SCVBG")
    other = Meeting.objects.create(cluster=cluster, subcluster=scvbg, date=datetime.date(2017, 6, 1))
    assert other.previous() is None  # a sub-cluster's meetings are a series of their own
    assert meetings.june.previous() == meetings.may


def test_follow_up_lists_the_previous_meetings_open_points(meetings):
    assert list(meetings.june.follow_up_points()) == [meetings.share, meetings.tdr]
    assert list(meetings.may.follow_up_points()) == []


def test_a_point_closed_at_the_next_meeting_stays_on_its_follow_up(meetings):
    action_point_update(meetings.share, status=ActionPoint.Status.DONE, follow_up="Partagé le 5 juin", reviewed_in=meetings.june)
    meetings.share.refresh_from_db()
    assert (meetings.share.status, meetings.share.follow_up, meetings.share.reviewed_in) == (
        "done", "Partagé le 5 juin", meetings.june,
    )
    assert list(meetings.june.follow_up_points()) == [meetings.share, meetings.tdr]
    # At the next meeting, the point closed in June is gone; the one still open is carried over.
    later = Meeting.objects.create(cluster=meetings.june.cluster, date=datetime.date(2017, 7, 5))
    assert list(later.follow_up_points()) == [meetings.tdr]


def test_points_still_open_from_older_meetings_are_carried_over(meetings, hcr):
    july = Meeting.objects.create(cluster=meetings.june.cluster, date=datetime.date(2017, 7, 5))
    june_point = ActionPoint.objects.create(meeting=meetings.june, what="Transmettre à OCHA")
    ActionPoint.objects.create(meeting=july, what="Point de juillet")  # this meeting's own: not a follow-up
    assert list(july.follow_up_points()) == [meetings.share, meetings.tdr, june_point]
    assert july.previous() == meetings.june


def test_follow_up_is_empty_for_the_first_meeting_and_ignores_other_bodies(meetings, cluster):
    scvbg = SubCluster.objects.get(code="SCVBG")
    first = Meeting.objects.create(cluster=cluster, subcluster=scvbg, date=datetime.date(2017, 8, 1))
    assert list(first.follow_up_points()) == []


def test_overdue_points_are_open_with_a_past_deadline(meetings):
    today = datetime.date(2017, 6, 7)
    assert list(ActionPoint.objects.overdue(today)) == [meetings.share]
    assert list(ActionPoint.objects.overdue(datetime.date(2017, 7, 1))) == [meetings.share, meetings.tdr]
    assert meetings.share.is_overdue(today) and not meetings.done.is_overdue(today)
    assert not meetings.tdr.is_overdue(today)


def test_for_owner_filters_by_actor_and_by_person(meetings, hcr, nrc):
    assert list(ActionPoint.objects.for_owner(hcr)) == [meetings.share]
    assert list(ActionPoint.objects.for_owner(nrc)) == []
    assert list(ActionPoint.objects.for_owner(person="coord")) == [meetings.tdr]


def test_set_owners_from_text_splits_actors_and_people(meetings, hcr, nrc):
    point = meetings.tdr
    point.set_owners_from_text("HCR / NRC, Jean Diarra")
    point.refresh_from_db()
    assert set(point.owners.all()) == {hcr, nrc}
    assert point.owner_people == "Jean Diarra"
    assert point.owners_display() == "HCR, NRC, Jean Diarra"


def test_set_organisations_from_text_keeps_the_text_as_written(meetings, hcr, nrc):
    meeting = meetings.june
    meeting.organisations_text = "HCR, NRC, Coopération Suisse"
    meeting.save()
    meeting.set_organisations_from_text()
    assert {a.acronym for a in meeting.organisations.all()} == {"HCR", "NRC", "DDC"}  # issue 12: DDC is known
    assert meeting.organisations_text == "HCR, NRC, Coopération Suisse"


def test_for_list_loads_points_in_constant_queries(meetings, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = [(p.meeting.body_code, p.owners_display()) for p in ActionPoint.objects.for_list()]
    assert len(rows) == 3


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_closed_points_are_never_overdue(meetings, status):
    ActionPoint.objects.filter(pk=meetings.share.pk).update(status=status)
    assert not ActionPoint.objects.overdue(datetime.date(2030, 1, 1)).filter(pk=meetings.share.pk).exists()
