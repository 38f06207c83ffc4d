"""The minutes of a meeting as a Word document, in the layout of the cluster's minutes (seed 002).

Header (cluster, "COMPTE RENDU", participants, place and date, organisations present, chair,
co-facilitation), then one table: agenda item | discussions / information | recommendations /
decisions; then the follow-up of the previous meeting's action points, this meeting's action
points, and who wrote the minutes.
"""

import io

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from clusterplan.lib.docx import add_table, new_document

# Seed 002's minutes: agenda item narrow, discussion wide, recommendations medium.
AGENDA_PROPORTIONS = (24, 48, 28)
POINT_PROPORTIONS = (34, 17, 13, 11, 25)

def _text(value):
    # Word does not evaluate text runs as formulas: the text is written as typed (control characters removed).
    from clusterplan.lib.docx import text

    return text(value or "")


def _labelled(document, label, value):
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label} : ").bold = True
    paragraph.add_run(_text(value))
    return paragraph


def _table(document, headers, rows, proportions):
    return add_table(document, headers, rows, proportions)


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
    body = meeting.subcluster.name if meeting.subcluster_id else meeting.cluster.name
    title_text = f"{_('Minutes')} · {body} · {formats.date_format(meeting.date, 'DATE_FORMAT')}"
    document = new_document(title=title_text, author=meeting.minutes_author or body, language=get_language() or "fr",
                            margin_cm=1.5)
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
    agenda = _table(
        document,
        [_("Agenda items"), _("Discussions / information"), _("Recommendations / decisions")],
        rows,
        AGENDA_PROPORTIONS,
    )
    if meeting.introduction:  # as in seed 002: the introduction runs across the three columns
        cells = agenda.rows[1].cells
        merged = cells[0].merge(cells[2])
        for paragraph in merged.paragraphs[1:]:
            if not paragraph.text:  # the empty cells' paragraphs
                paragraph._p.getparent().remove(paragraph._p)

    point_headers = [_("Action"), _("Who"), _("Deadline"), _("Status"), _("Follow-up")]
    widths = POINT_PROPORTIONS
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
