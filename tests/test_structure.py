"""The structure page: sub-clusters and groups, leads, focal points and the activities they are responsible for."""

from django.urls import reverse

from meetings.models import Contact
from workplans.models import Activity, ActivityActor, Actor, SubCluster


def test_structure_lists_every_body_with_leads_focal_points_and_activities(client_for, users, plan, hcr, nrc):
    cp = SubCluster.objects.get(code="CP")
    SubCluster.objects.filter(pk=cp.pk).update(lead=hcr, co_lead=nrc)
    Contact.objects.create(name="Marie-Emilie Dozin", role="Coordinatrice", organisation=hcr, subcluster=cp, email="dozin@unhcr.org")
    Contact.objects.create(name="Ahmed Nounta", region="Tombouctou", organisation=hcr)
    ActivityActor.objects.create(activity=plan.activities[1], actor=Actor.objects.get(acronym="SCVBG"))
    response = client_for(users.member).get(reverse("meetings:structure"))
    assert response.status_code == 200
    body = response.content.decode()
    for code in ["SCVBG", "SCPE", "GT-LAMH", "GT-LTPRN", "CMP", "GT-CS", "GT-DOC"]:
        assert f'id="body-{code}"' in body
    assert "Marie-Emilie Dozin" in body and "Tombouctou" in body
    assert 'href="/activities/?subcluster=SCVBG"' in body  # the URL is reversed from reports:activity_list
    assert "Sensibilisation" in body
    scvbg = next(b for b in response.context["bodies"] if b.code == "SCVBG")
    assert scvbg.activity_count == 1


def test_structure_query_count_is_constant(client_for, users, plan, hcr, django_assert_num_queries):
    client = client_for(users.member)
    with django_assert_num_queries(9) as captured:  # +1: the unread notifications in the navigation bar
        client.get(reverse("meetings:structure"))
    before = len(captured)
    scpe = Actor.objects.get(acronym="SCPE")
    for i in range(20):
        activity = Activity.objects.create(workplan=plan.workplan, objective=plan.objective, title=f"A{i}", order=10 + i)
        ActivityActor.objects.create(activity=activity, actor=scpe)
        Contact.objects.create(name=f"Point focal {i}", subcluster=SubCluster.objects.get(code="GT-DOC"), organisation=hcr)
    with django_assert_num_queries(before):
        assert client.get(reverse("meetings:structure")).status_code == 200


def test_structure_is_read_only(client_for, users):
    assert client_for(users.coordinator).post(reverse("meetings:structure")).status_code == 405
