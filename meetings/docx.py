"""The minutes of a meeting as a Word document, in the layout of the cluster's minutes (seed 002).

Header (cluster, "COMPTE RENDU", participants, place and date, organisations present, chair,
co-facilitation), then one table: agenda item | discussions / information | recommendations /
decisions; then the follow-up of the previous meeting's action points, this meeting's action
points, and who wrote the minutes.
"""

import io

from django.utils import formats
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt


def _text(value):
    # Word does not evaluate text runs as formulas: the text is written as typed.
    return str(value or "")


def _labelled(document, label, value):
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label} : ").bold = True
    paragraph.add_run(_text(value))
    return paragraph


def _table(document, headers, rows, widths):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers):
        cell.text = ""
        cell.paragraphs[0].add_run(header).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            lines = _text(value).splitlines() or [""]
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)
    return table


def _point_rows(points):
    return [
        [
            point.what,
            point.owners_display(),
            formats.date_format(point.deadline, "SHORT_DATE_FORMAT") if point.deadline else "",
            point.get_status_display(),
            point.follow_up,
        ]
        for point in points
    ]


def minutes_docx(meeting):
    """The .docx bytes of ``meeting``'s minutes."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(1.5)

    body = meeting.subcluster.name if meeting.subcluster_id else meeting.cluster.name
    heading = document.add_paragraph()
    heading.add_run(_text(body)).bold = True
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_("MINUTES"))
    run.bold = True
    run.font.size = Pt(14)
    if meeting.title:
        document.add_paragraph(_text(meeting.title)).alignment = WD_ALIGN_PARAGRAPH.CENTER

    if meeting.participants_count is not None:
        _labelled(document, _("Number of participants"), meeting.participants_count)
    place_date = ", ".join(part for part in [meeting.place, formats.date_format(meeting.date, "DATE_FORMAT")] if part)
    _labelled(document, _("Place and date"), place_date)
    if meeting.organisations_text:
        _labelled(document, _("Member and partner organisations present"), meeting.organisations_text)
    if meeting.chair:
        _labelled(document, _("Chair"), meeting.chair)
    if meeting.co_facilitator_id:
        _labelled(document, _("Co-facilitation"), meeting.co_facilitator.acronym)

    items = list(meeting.agenda_items.all())
    rows = []
    if meeting.introduction:
        rows.append([meeting.introduction, "", ""])
    rows += [[item.title, item.discussion, item.recommendations] for item in items]
    _table(
        document,
        [_("Agenda items"), _("Discussions / information"), _("Recommendations / decisions")],
        rows,
        widths=[4.5, 8.5, 5],
    )

    point_headers = [_("Action"), _("Who"), _("Deadline"), _("Status"), _("Follow-up")]
    widths = [6, 3, 2.5, 2, 4.5]
    follow_up = list(meeting.follow_up_points())
    if follow_up:
        document.add_heading(_("Follow-up of the previous meeting's action points"), level=2)
        _table(document, point_headers, _point_rows(follow_up), widths)
    points = list(meeting.action_points.for_list())
    if points:
        document.add_heading(_("Action points"), level=2)
        _table(document, point_headers, _point_rows(points), widths)

    if meeting.minutes_author:
        signature = document.add_paragraph()
        signature.add_run(f"{_('Reported by')} : {_text(meeting.minutes_author)}").italic = True
        if meeting.minutes_author_role:
            signature.add_run("\n" + _text(meeting.minutes_author_role)).italic = True

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
