"""Word documents for people, written with python-docx (any app may use this; it imports no app).

``new_document(title=, author=, language=)`` gives an A4 document with 2 cm margins, its
language (fr-FR or en-GB) on the default styles, and its core properties (title, author,
created today, not python-docx's 2013 template values). ``add_table(document, headers, rows,
proportions)`` adds a table that fills the text width with columns in the given proportions
(in the table grid too, which Word and LibreOffice read), a bold header row repeated on every
page, and rows that do not split across pages for short cells.
Control characters are removed from every text (``clean_text``).
"""

import datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt

from .xlsx import clean_text

A4 = (Cm(21.0), Cm(29.7))
LANGUAGES = {"fr": "fr-FR", "en": "en-GB"}


def text(value):
    return clean_text(value) if value is not None else ""


def _set_language(element, tag):
    rpr = element.get_or_add_rPr() if hasattr(element, "get_or_add_rPr") else element
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), tag)


def set_language(document, language):
    """The language of the document's text (spelling, hyphenation): ``fr`` → fr-FR, ``en`` → en-GB."""
    tag = LANGUAGES.get((language or "fr")[:2], "fr-FR")
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    _set_language(rpr, tag)
    for style in document.styles:
        element = getattr(style, "element", None)
        if element is not None and element.find(qn("w:rPr")) is not None:
            _set_language(element.find(qn("w:rPr")), tag)
    return tag


def new_document(*, title="", author="", language="fr", landscape=False, margin_cm=2.0, font="Calibri", size=10):
    document = Document()
    section = document.sections[0]
    width, height = A4
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    section.left_margin = section.right_margin = Cm(margin_cm)
    section.top_margin = section.bottom_margin = Cm(margin_cm)
    normal = document.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(size)
    set_language(document, language)
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    props = document.core_properties
    props.title = text(title)[:255]
    props.author = text(author)[:255]
    props.last_modified_by = text(author)[:255]
    props.created = now
    props.modified = now
    props.revision = 1
    props.language = LANGUAGES.get((language or "fr")[:2], "fr-FR")
    props.comments = ""
    props.subject = ""
    props.keywords = ""
    props.category = ""
    return document


def text_width(document):
    section = document.sections[-1]
    return Emu(section.page_width - section.left_margin - section.right_margin)


def _repeat_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _fixed_layout(table, widths):
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(sum(int(w.twips) for w in widths)))
    total.set(qn("w:type"), "dxa")
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(total)
    for column, width in zip(table.columns, widths):
        column.width = width  # the grid (w:gridCol), read by Word and LibreOffice


def add_table(document, headers, rows, proportions, style="Table Grid"):
    """A table over the text width, columns in ``proportions`` (any numbers), header row repeated on every page."""
    total = sum(proportions)
    full = text_width(document)
    widths = [Emu(int(full * p / total)) for p in proportions]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = style
    table.autofit = False
    _fixed_layout(table, widths)
    header = table.rows[0]
    _repeat_header(header)
    for cell, label, width in zip(header.cells, headers, widths):
        cell.width = width
        cell.paragraphs[0].add_run(text(label)).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value, width in zip(cells, values, widths):
            cell.width = width
            lines = text(value).splitlines() or [""]
            cell.paragraphs[0].add_run(lines[0])
            for line in lines[1:]:
                cell.add_paragraph(line)
    return table
