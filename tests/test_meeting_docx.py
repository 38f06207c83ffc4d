"""The minutes as .docx: python-docx opens it and finds seed 002's layout."""

import io

import docx
from django.urls import reverse

from meetings.docx import minutes_docx
from meetings.models import AgendaItem


def _open(content):
    return docx.Document(io.BytesIO(content))


def test_docx_download_holds_the_agenda_table(client_for, users, meetings):
    AgendaItem.objects.create(meeting=meetings.june, order=1, title="2. Divers",
                              discussion="- la faisabilité du CPIMS\n- le référencement", recommendations="=SUM(A1)")
    response = client_for(users.member).get(reverse("meetings:docx", args=[meetings.june.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert 'filename="compte-rendu-CP-MLI-2017-06-07.docx"' in response["Content-Disposition"]
    document = _open(response.content)
    agenda = document.tables[0]
    header = [cell.text for cell in agenda.rows[0].cells]
    assert header == ["Points à l'ordre du jour", "Discussions / informations", "Recommandations / décisions"]
    rows = [[cell.text for cell in row.cells] for row in agenda.rows[1:]]
    assert rows[0] == ["1. Validation du plan d'action", "Le plan d'action a été validé.", "Partager la version finale"]
    assert rows[1][1] == "- la faisabilité du CPIMS\n- le référencement"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "COMPTE RENDU" in text
    assert "Nombre de participants : 31" in text
    assert "Présidence : Matho Nianga DORE" in text and "Co-facilitation : NRC" in text


def test_docx_has_the_follow_up_and_the_action_points(meetings):
    document = _open(minutes_docx(meetings.may))
    assert len(document.tables) == 2  # agenda (empty), the meeting's action points
    points = document.tables[1]
    assert [c.text for c in points.rows[0].cells][:3] == ["Action", "Qui", "Échéance"]
    assert points.rows[1].cells[1].text == "HCR"
    june = _open(minutes_docx(meetings.june))
    text = "\n".join(p.text for p in june.paragraphs)
    assert "Suivi des points d'action de la réunion précédente" in text
    follow_up = june.tables[1]
    assert [row.cells[0].text for row in follow_up.rows[1:]] == ["Partager les rapports de monitoring", "Relire les TDR"]


def test_docx_query_count_is_constant(client_for, users, meetings, hcr, django_assert_num_queries):
    from meetings.models import ActionPoint

    client = client_for(users.member)
    ActionPoint.objects.create(meeting=meetings.june, what="Premier").owners.add(hcr)
    with django_assert_num_queries(8) as captured:
        client.get(reverse("meetings:docx", args=[meetings.june.pk]))
    before = len(captured)
    for i in range(10):
        ActionPoint.objects.create(meeting=meetings.june, what=f"P{i}").owners.add(hcr)
        AgendaItem.objects.create(meeting=meetings.june, title=f"Point {i}")
    with django_assert_num_queries(before):
        client.get(reverse("meetings:docx", args=[meetings.june.pk]))


def test_signed_in_user_without_role_downloads_and_anonymous_does_not(client, meetings, django_user_model):
    """One read rule for every page: signed in."""
    url = reverse("meetings:docx", args=[meetings.june.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("nobody", password="x-long-password"))
    assert client.get(url).status_code == 200
