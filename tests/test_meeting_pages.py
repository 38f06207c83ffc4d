"""Meeting pages: list, detail with the follow-up of the previous meeting, create and edit with formsets."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import ActionPoint, AgendaItem, Meeting
from workplans.models import Cluster, Profile, SubCluster


def _management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def _minutes_post(cluster, **extra):
    """Seed 002's minutes, typed in: two agenda items and two action points."""
    data = {
        "cluster": str(cluster.pk), "subcluster": "", "title": "Réunion mensuelle", "date": "2017-06-07",
        "place": "UNHCR – Bamako", "chair": "Matho Nianga DORE, Coordinateur du CP (UNHCR)", "co_facilitator": "",
        "participants_count": "31", "organisations_text": "HCR, OIM, MINUSMA (CAD, OSWPA, PE, POC), NRC, Coopération Suisse",
        "introduction": "Après les mots de bienvenue…", "minutes_author": "Oulematou dite Saran Sall",
        "minutes_author_role": "Associée à la coordination du Cluster Protection",
        **_management("agenda", 2), **_management("actions", 2),
        "agenda-0-title": "1. Validation du plan d'action de la stratégie du cluster protection",
        "agenda-0-discussion": "Le plan d'action a été validé par les membres du cluster",
        "agenda-0-recommendations": "Partager la version finale adoptée au plus tard vendredi 16 juin",
        "agenda-1-title": "2. Validation des termes de référence",
        "agenda-1-discussion": "Le document a été validé.",
        "agenda-1-recommendations": "Partager la version finale au plus tard jeudi 15 juin",
        "actions-0-what": "Partager les rapports de monitoring mensuel", "actions-0-who": "HCR / CCP",
        "actions-0-deadline": "2017-06-30", "actions-0-status": "open", "actions-0-follow_up": "", "actions-0-activity": "",
        "actions-1-what": "Transmettre les 2 indicateurs consolidés à OCHA", "actions-1-who": "Coordination",
        "actions-1-deadline": "2017-06-15", "actions-1-status": "open", "actions-1-follow_up": "", "actions-1-activity": "",
    }
    data.update(extra)
    return data


def test_list_shows_meetings_with_counts(client_for, users, meetings, django_assert_num_queries):
    client = client_for(users.member)
    for day in range(1, 15):
        Meeting.objects.create(cluster=meetings.may.cluster, date=datetime.date(2018, 1, day))
    with django_assert_num_queries(6):  # +1: the unread notifications in the navigation bar
        response = client.get(reverse("meetings:list"))
    assert response.status_code == 200
    rows = {m.pk: m for m in response.context["page"].object_list}
    assert (rows[meetings.may.pk].open_count, rows[meetings.june.pk].agenda_count) == (2, 1)
    assert "UNHCR Bamako" in response.content.decode()


def test_member_reads_the_detail_without_forms(client_for, users, meetings):
    response = client_for(users.member).get(reverse("meetings:detail", args=[meetings.june.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Suivi des points d&#x27;action de la réunion précédente" in body or "Suivi des points d'action de la réunion précédente" in body
    assert "Partager les rapports de monitoring" in body and "Relire les TDR" in body
    assert "Envoyer la liste" not in body  # done before: not followed up
    assert 'name="follow_up"' not in body
    assert reverse("meetings:edit", args=[meetings.june.pk]) not in body


def test_the_follow_up_opens_the_page_and_is_updatable_there(client_for, users, meetings):
    body = client_for(users.coordinator).get(reverse("meetings:detail", args=[meetings.june.pk])).content.decode()
    follow_up = body.index('id="follow-up-title"')
    assert follow_up < body.index('id="agenda-title"')
    assert f'action="{reverse("meetings:action_point_update", args=[meetings.share.pk])}"' in body
    assert f'name="reviewed_in" value="{meetings.june.pk}"' in body


def test_detail_query_count_is_constant(client_for, users, meetings, hcr, django_assert_num_queries):
    client = client_for(users.coordinator)
    ActionPoint.objects.create(meeting=meetings.june, what="Premier").owners.add(hcr)
    with django_assert_num_queries(12) as captured:  # +1: the unread notifications in the navigation bar
        client.get(reverse("meetings:detail", args=[meetings.june.pk]))
    before = len(captured)
    for i in range(10):
        point = ActionPoint.objects.create(meeting=meetings.may, what=f"Point {i}", deadline=datetime.date(2017, 5, 1))
        point.owners.add(hcr)
        ActionPoint.objects.create(meeting=meetings.june, what=f"Nouveau {i}").owners.add(hcr)
        AgendaItem.objects.create(meeting=meetings.june, title=f"Point {i}")
    with django_assert_num_queries(before):
        assert client.get(reverse("meetings:detail", args=[meetings.june.pk])).status_code == 200


def test_create_form_renders_for_a_coordinator(client_for, users, cluster):
    response = client_for(users.coordinator).get(reverse("meetings:create"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="agenda-TOTAL_FORMS"' in body and 'name="actions-TOTAL_FORMS"' in body
    assert "js/meetings.js" in body and "<script>" not in body


def test_coordinator_records_seed_002_minutes(client_for, users, cluster, hcr, nrc):
    response = client_for(users.coordinator).post(reverse("meetings:create"), _minutes_post(cluster))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert (meeting.participants_count, meeting.created_by) == (31, users.coordinator)
    assert [i.title[:2] for i in meeting.agenda_items.all()] == ["1.", "2."]
    points = list(meeting.action_points.all())
    assert [p.order for p in points] == [0, 1]
    assert list(points[0].owners.all()) == [hcr] and points[0].owner_people == "CCP"
    assert points[1].owner_people == "Coordination" and points[1].deadline == datetime.date(2017, 6, 15)
    assert set(meeting.organisations.all()) == {hcr, nrc}
    assert "Coopération Suisse" in meeting.organisations_text


def test_invalid_action_point_saves_nothing(client_for, users, cluster):
    data = _minutes_post(cluster, **{"actions-1-deadline": "15 juin"})
    response = client_for(users.coordinator).post(reverse("meetings:create"), data)
    assert response.status_code == 400
    assert not Meeting.objects.exists() and not AgendaItem.objects.exists() and not ActionPoint.objects.exists()
    assert response.context["action_formset"].errors[1]["deadline"]
    assert "Rien n&#x27;a été enregistré" in response.content.decode() or "Nothing was saved" in response.content.decode()


def test_invalid_agenda_item_on_edit_changes_nothing(client_for, users, meetings):
    item = meetings.june.agenda_items.get()
    data = _minutes_post(meetings.june.cluster, **_management("agenda", 1, 1), **_management("actions", 0))
    for key in [k for k in data if k.startswith(("agenda-1", "actions-"))]:
        del data[key]
    data.update({"agenda-0-id": str(item.pk), "agenda-0-meeting": str(meetings.june.pk), "agenda-0-title": "",
                 "place": "Ailleurs"})
    response = client_for(users.coordinator).post(reverse("meetings:edit", args=[meetings.june.pk]), data)
    assert response.status_code == 400
    meetings.june.refresh_from_db()
    item.refresh_from_db()
    assert meetings.june.place == "UNHCR – Bamako" and item.title.startswith("1. Validation")


def test_edit_updates_and_deletes_rows(client_for, users, meetings):
    item = meetings.june.agenda_items.get()
    data = _minutes_post(meetings.june.cluster, **_management("agenda", 2, 1), **_management("actions", 0))
    for key in [k for k in data if k.startswith("actions-")]:
        del data[key]
    data.update(_management("actions", 0))
    data.update({"agenda-0-id": str(item.pk), "agenda-0-meeting": str(meetings.june.pk), "agenda-0-DELETE": "on"})
    response = client_for(users.coordinator).post(reverse("meetings:edit", args=[meetings.june.pk]), data)
    assert response.status_code == 302
    titles = list(meetings.june.agenda_items.values_list("title", flat=True))
    assert titles == ["2. Validation des termes de référence"]


def test_subcluster_of_another_cluster_is_refused(client_for, users, cluster):
    other = Cluster.objects.create(code="CP-NER", name="Cluster Niger")
    foreign = SubCluster.objects.create(cluster=other, code="NER-PE", name="PE Niger")
    response = client_for(users.administrator).post(reverse("meetings:create"), _minutes_post(cluster, subcluster=str(foreign.pk)))
    assert response.status_code == 400 and not Meeting.objects.exists()


@pytest.mark.parametrize("name", ["create", "edit"])
def test_member_gets_403_on_writes(client_for, users, meetings, cluster, name):
    args = [meetings.june.pk] if name == "edit" else []
    client = client_for(users.member)
    assert client.get(reverse(f"meetings:{name}", args=args)).status_code == 403
    assert client.post(reverse(f"meetings:{name}", args=args), _minutes_post(cluster)).status_code == 403
    assert Meeting.objects.count() == 2


@pytest.mark.parametrize("name", ["create", "edit"])
def test_wrong_method_is_405(client_for, users, meetings, name):
    args = [meetings.june.pk] if name == "edit" else []
    assert client_for(users.coordinator).put(reverse(f"meetings:{name}", args=args)).status_code == 405


@pytest.mark.parametrize("name", ["list", "detail", "docx"])
def test_read_pages_refuse_writes(client_for, users, meetings, name):
    args = [] if name == "list" else [meetings.june.pk]
    assert client_for(users.coordinator).post(reverse(f"meetings:{name}", args=args)).status_code == 405


@pytest.mark.parametrize("name", ["detail", "edit", "docx"])
def test_unknown_meeting_is_404(client_for, users, name):
    assert client_for(users.administrator).get(reverse(f"meetings:{name}", args=[999999])).status_code == 404


def test_coordinator_of_another_cluster_cannot_edit(client_for, users, meetings, cluster):
    other = Cluster.objects.create(code="CP-NER", name="Cluster Niger")
    Profile.objects.filter(user=users.coordinator).update(cluster=other)
    client = client_for(users.coordinator)
    assert client.get(reverse("meetings:detail", args=[meetings.june.pk])).status_code == 200
    assert client.get(reverse("meetings:edit", args=[meetings.june.pk])).status_code == 403
    response = client.post(reverse("meetings:create"), _minutes_post(cluster))
    assert response.status_code == 400 and not Meeting.objects.filter(title="Réunion mensuelle").exists()


def test_subcluster_coordinator_writes_only_its_meetings(client_for, users, meetings, cluster):
    scpe = SubCluster.objects.get(code="SCPE")
    Profile.objects.filter(user=users.coordinator).update(cluster=None, subcluster=scpe)
    client = client_for(users.coordinator)
    assert client.get(reverse("meetings:edit", args=[meetings.june.pk])).status_code == 403
    response = client.post(reverse("meetings:create"), _minutes_post(cluster, subcluster=str(scpe.pk)))
    assert response.status_code == 302
    assert Meeting.objects.get(title="Réunion mensuelle").subcluster == scpe


def test_user_without_role_reads_but_does_not_write(client, users, meetings, django_user_model):
    """One read rule for every page (signed in); writing needs a coordinator in scope."""
    nobody = django_user_model.objects.create_user("nobody", password="x-long-password")
    client.force_login(nobody)
    assert client.get(reverse("meetings:list")).status_code == 200
    assert client.get(reverse("meetings:detail", args=[meetings.june.pk])).status_code == 200
    assert client.get(reverse("meetings:create")).status_code == 403
    assert client.get(reverse("meetings:edit", args=[meetings.june.pk])).status_code == 403


def test_nav_and_list_link_to_every_meetings_page(client_for, users, meetings):
    body = client_for(users.member).get(reverse("meetings:list")).content.decode()
    for name in ["list", "action_points", "structure", "contacts"]:
        assert f'href="{reverse("meetings:" + name)}"' in body
    assert reverse("meetings:create") not in body  # members do not record meetings
    assert reverse("meetings:create") in client_for(users.coordinator).get(reverse("meetings:list")).content.decode()


def test_edit_cannot_touch_another_meetings_rows(client_for, users, meetings):
    other_item = meetings.june.agenda_items.get()
    data = _minutes_post(meetings.may.cluster, date="2017-05-03", **_management("agenda", 1, 1), **_management("actions", 0))
    for key in [k for k in data if k.startswith(("agenda-1", "actions-"))]:
        del data[key]
    data.update({"agenda-0-id": str(other_item.pk), "agenda-0-meeting": str(meetings.may.pk), "agenda-0-title": "Piraté"})
    response = client_for(users.coordinator).post(reverse("meetings:edit", args=[meetings.may.pk]), data)
    assert response.status_code == 400
    other_item.refresh_from_db()
    assert other_item.title.startswith("1. Validation") and other_item.meeting == meetings.june


def test_action_point_linked_to_a_workplan_activity(client_for, users, cluster, plan):
    activity = plan.activities[0]
    data = _minutes_post(cluster, **{"actions-0-activity": str(activity.pk)})
    assert client_for(users.coordinator).post(reverse("meetings:create"), data).status_code == 302
    point = ActionPoint.objects.get(order=0)
    assert point.activity == activity
    body = client_for(users.member).get(reverse("meetings:detail", args=[point.meeting_id])).content.decode()
    assert activity.get_absolute_url() in body


def test_unknown_activity_is_refused(client_for, users, cluster):
    data = _minutes_post(cluster, **{"actions-0-activity": "999999"})
    response = client_for(users.coordinator).post(reverse("meetings:create"), data)
    assert response.status_code == 400 and not Meeting.objects.exists()
