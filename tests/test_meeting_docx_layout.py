"""The minutes .docx opens right in Word and LibreOffice: A4, seed 002's columns, header row
repeated on every page, the document's language, its title, author and date."""

import datetime
import io

import docx
from django.urls import reverse
from django.utils import timezone
from docx.oxml.ns import qn
from docx.shared import Cm

from meetings.models import AgendaItem


def download(client, meeting, language):
    response = client.get(reverse("meetings:docx", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return docx.Document(io.BytesIO(response.content))


def language_of(document):
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    return lang.get(qn("w:val"))


def grid_widths(table):
    return [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def test_a4_seed_columns_and_repeated_header(client_for, users, meetings):
    for i in range(40):  # long enough for several pages
        AgendaItem.objects.create(meeting=meetings.june, order=i + 1, title=f"{i + 2}. Point",
                                  discussion="Discussion détaillée du point. " * 20, recommendations="Recommandation")
    document = download(client_for(users.member), meetings.june, "fr")
    section = document.sections[0]
    assert abs(section.page_width - Cm(21.0)) < Cm(0.01) and abs(section.page_height - Cm(29.7)) < Cm(0.01)
    agenda = document.tables[0]
    item, discussion, recommendations = grid_widths(agenda)
    assert item < recommendations < discussion  # seed 002: agenda item narrow, discussion wide, recommendations medium
    assert discussion >= 1.8 * item
    text_width = (section.page_width - section.left_margin - section.right_margin) / 635  # EMU → twips
    assert abs(sum(grid_widths(agenda)) - text_width) < 20
    assert agenda._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    header = agenda.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header is not None and header.get(qn("w:val")) == "true"
    assert all(run.bold for cell in agenda.rows[0].cells for run in cell.paragraphs[0].runs)
    for row in agenda.rows[1:]:
        assert row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None


def test_language_and_properties(client_for, users, meetings):
    meetings.june.minutes_author = "Awa Traoré"
    meetings.june.save()
    client = client_for(users.member)
    french = download(client, meetings.june, "fr")
    assert language_of(french) == "fr-FR" and french.core_properties.language == "fr-FR"
    props = french.core_properties
    assert props.title.startswith("Compte rendu") and "7 juin 2017" in props.title
    assert props.author == "Awa Traoré" and props.last_modified_by == "Awa Traoré"
    assert "python-docx" not in (props.author + props.comments + props.last_modified_by)
    assert abs(props.created - timezone.now()) < datetime.timedelta(minutes=5)
    english = download(client, meetings.june, "en")
    assert language_of(english).startswith("en-") and english.core_properties.title.startswith("Minutes")


def test_action_point_tables_have_the_same_layout(meetings):
    from meetings.docx import minutes_docx

    document = docx.Document(io.BytesIO(minutes_docx(meetings.may)))
    points = document.tables[1]
    widths = grid_widths(points)
    assert widths[0] == max(widths) and len(widths) == 5
    assert points.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_the_introduction_runs_across_the_table(meetings):
    from meetings.docx import minutes_docx

    meetings.june.introduction = "Après les mots de bienvenue du Coordinateur…"
    meetings.june.save()
    agenda = docx.Document(io.BytesIO(minutes_docx(meetings.june))).tables[0]
    first = agenda.rows[1]._tr.tc_lst[0]
    assert first.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "3"
    assert agenda.rows[1].cells[0].text == "Après les mots de bienvenue du Coordinateur…"
