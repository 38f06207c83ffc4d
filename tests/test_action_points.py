"""Action points across meetings: filters, overdue list, updates at the next meeting, permissions."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from meetings.models import ActionPoint
from workplans.models import Cluster, Profile

TODAY = datetime.date(2017, 6, 7)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("meetings.views._today", lambda: TODAY)


def _listed(response):
    return [p.what for p in response.context["page"].object_list]


def test_default_lists_open_points_by_deadline(client_for, users, meetings):
    response = client_for(users.member).get(reverse("meetings:action_points"))
    assert response.status_code == 200
    assert _listed(response) == ["Partager les rapports de monitoring", "Relire les TDR"]


def test_filter_overdue(client_for, users, meetings):
    response = client_for(users.member).get(reverse("meetings:action_points"), {"overdue": "on", "status": "open"})
    assert _listed(response) == ["Partager les rapports de monitoring"]
    assert "badge-late" in response.content.decode()


def test_filter_status_and_all(client_for, users, meetings):
    client = client_for(users.member)
    assert _listed(client.get(reverse("meetings:action_points"), {"status": "done"})) == ["Envoyer la liste"]
    assert len(_listed(client.get(reverse("meetings:action_points"), {"status": ""}))) == 3


def test_filter_by_owner_actor_and_person(client_for, users, meetings, hcr):
    client = client_for(users.member)
    assert _listed(client.get(reverse("meetings:action_points"), {"owner": hcr.pk, "status": ""})) == [
        "Partager les rapports de monitoring"
    ]
    assert _listed(client.get(reverse("meetings:action_points"), {"person": "coordin", "status": ""})) == ["Relire les TDR"]


def test_bad_filter_value_is_reported_not_a_crash(client_for, users, meetings):
    response = client_for(users.member).get(reverse("meetings:action_points"), {"status": "nonsense", "owner": "abc"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_list_query_count_is_constant(client_for, users, meetings, hcr, nrc, django_assert_num_queries):
    client = client_for(users.coordinator)
    with django_assert_num_queries(9) as captured:  # +1: the unread notifications in the navigation bar
        client.get(reverse("meetings:action_points"))
    before = len(captured)
    for i in range(30):
        point = ActionPoint.objects.create(meeting=meetings.june, what=f"Point {i}", deadline=datetime.date(2017, 6, 1))
        point.owners.add(hcr, nrc)
    with django_assert_num_queries(before):
        assert client.get(reverse("meetings:action_points")).status_code == 200


def test_coordinator_updates_a_point_at_the_next_meeting(client_for, users, meetings):
    url = reverse("meetings:action_point_update", args=[meetings.share.pk])
    detail = reverse("meetings:detail", args=[meetings.june.pk])
    response = client_for(users.coordinator).post(
        url, {"status": "done", "follow_up": "Partagé le 5 juin", "reviewed_in": meetings.june.pk, "next": detail}
    )
    assert response.status_code == 302 and response["Location"] == detail
    meetings.share.refresh_from_db()
    assert (meetings.share.status, meetings.share.follow_up, meetings.share.reviewed_in_id) == (
        "done", "Partagé le 5 juin", meetings.june.pk,
    )
    body = client_for(users.coordinator).get(detail).content.decode()
    assert "Partagé le 5 juin" in body


def test_update_refuses_an_earlier_meeting_as_review(client_for, users, meetings):
    url = reverse("meetings:action_point_update", args=[meetings.share.pk])
    response = client_for(users.coordinator).post(url, {"status": "done", "reviewed_in": meetings.may.pk})
    assert response.status_code == 302
    meetings.share.refresh_from_db()
    assert meetings.share.status == "open" and meetings.share.reviewed_in is None


def test_update_with_a_bad_status_changes_nothing(client_for, users, meetings):
    url = reverse("meetings:action_point_update", args=[meetings.share.pk])
    client_for(users.coordinator).post(url, {"status": "finished", "follow_up": "x"})
    meetings.share.refresh_from_db()
    assert (meetings.share.status, meetings.share.follow_up) == ("open", "")


def test_update_ignores_an_outside_next_url(client_for, users, meetings):
    url = reverse("meetings:action_point_update", args=[meetings.share.pk])
    response = client_for(users.coordinator).post(url, {"status": "done", "next": "https://evil.example/"})
    assert response["Location"] == meetings.may.get_absolute_url()


def test_member_cannot_update_a_point(client_for, users, meetings):
    url = reverse("meetings:action_point_update", args=[meetings.share.pk])
    assert client_for(users.member).post(url, {"status": "done"}).status_code == 403
    meetings.share.refresh_from_db()
    assert meetings.share.status == "open"


def test_update_wrong_method_and_unknown_point(client_for, users, meetings):
    client = client_for(users.coordinator)
    assert client.get(reverse("meetings:action_point_update", args=[meetings.share.pk])).status_code == 405
    assert client.post(reverse("meetings:action_point_update", args=[999999]), {"status": "done"}).status_code == 404


def test_coordinator_of_another_cluster_cannot_update(client_for, users, meetings):
    other = Cluster.objects.create(code="CP-NER", name="Cluster Niger")
    Profile.objects.filter(user=users.coordinator).update(cluster=other)
    url = reverse("meetings:action_point_update", args=[meetings.share.pk])
    assert client_for(users.coordinator).post(url, {"status": "done"}).status_code == 403


def test_overdue_include_for_the_dashboard(meetings, rf):
    html = render_to_string(
        "meetings/_overdue_action_points.html",
        {"overdue_action_points": ActionPoint.objects.overdue(TODAY).for_list(), "today": TODAY},
    )
    assert "Partager les rapports de monitoring" in html
    assert "Relire les TDR" not in html and "Envoyer la liste" not in html
    assert reverse("meetings:detail", args=[meetings.may.pk]) in html
    empty = render_to_string("meetings/_overdue_action_points.html", {"overdue_action_points": [], "today": TODAY})
    assert "Partager" not in empty


def test_overdue_include_query_count_is_constant(meetings, hcr, django_assert_num_queries):
    for i in range(20):
        ActionPoint.objects.create(meeting=meetings.may, what=f"Retard {i}", deadline=datetime.date(2017, 1, 1)).owners.add(hcr)
    with django_assert_num_queries(2):
        render_to_string(
            "meetings/_overdue_action_points.html",
            {"overdue_action_points": ActionPoint.objects.overdue(TODAY).for_list(), "today": TODAY},
        )


def test_update_refuses_to_overwrite_a_change_made_meanwhile(client_for, users, meetings):
    url = reverse("meetings:action_point_update", args=[meetings.share.pk])
    seen = meetings.share.updated_at.isoformat()
    client = client_for(users.coordinator)
    assert client.post(url, {"status": "open", "follow_up": "Premier", "seen": seen}).status_code == 302
    response = client.post(url, {"status": "dropped", "follow_up": "Second", "seen": seen}, follow=True)
    meetings.share.refresh_from_db()
    assert (meetings.share.status, meetings.share.follow_up) == ("open", "Premier")
    assert "recharg" in response.content.decode()  # the French message asks to reload the page
