"""Hostile and broken files (issue 11): a clear message in the user's language, nothing written,
bounded work. Each test builds its file."""

import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from imports import parsing
from imports.errors import WorkplanImportError
from imports.readers import MAX_COLUMNS, read_file
from imports.workbooks import annotated_workbook
from workplans.models import Quarter, Workplan


def parse(data, name="plan.xlsx"):
    with translation.override("en"):
        plan = parsing.parse_file(data, name)
        plan.warnings = [str(w) for w in plan.warnings]
        return plan


def error_of(data, name="plan.xlsx", language="en"):
    with translation.override(language):
        with pytest.raises(WorkplanImportError) as info:
            parsing.parse_file(data, name)
        return str(info.value)


def docx_with_span(value):
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Activités", "Indicateurs", "Lead"]):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["Former", "# formés", "HCR"]):
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    # put the span into the XML as a hostile file would carry it
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = content.replace(b"<w:tcPr>", f'<w:tcPr><w:gridSpan w:val="{value}"/>'.encode(), 1)
            target.writestr(info, content)
    return patched.getvalue()


@pytest.mark.parametrize("value", ["2000000000", "abc", "-5", ""])
def test_docx_grid_span_huge_or_junk(value):
    kind, sheets = read_file(docx_with_span(value), "plan.docx")
    assert kind == "docx"
    assert all(len(row) <= MAX_COLUMNS for row in sheets[0].rows)
    plan = parse(docx_with_span(value), "plan.docx")
    assert plan.counts()["activities"] == 1


def zip_understating_sizes(real_size=3 * 1048576):
    """An xlsx whose one big member declares 1,000 bytes but holds ``real_size`` bytes."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["Activités", "Indicateurs"])
    out = io.BytesIO()
    workbook.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    built = io.BytesIO()
    with zipfile.ZipFile(built, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/media/padding.bin", b"\0" * real_size)
    data = bytearray(built.getvalue())
    # rewrite the declared size of padding.bin in its local header and in the central directory
    name = b"xl/media/padding.bin"
    local = data.find(b"PK\x03\x04" + data[data.find(name) - 26:data.find(name) - 26][:0])
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[start + offset:start + offset + 4] = (1000).to_bytes(4, "little")
            start += 4
    assert local >= -1
    return bytes(data)


@override_settings(WORKPLAN_IMPORT_MAX_UNCOMPRESSED_SIZE=1048576)
def test_zip_members_understating_their_size_are_refused():
    message = error_of(zip_understating_sizes())
    assert "zip bomb" in message or "damaged" in message


def test_nul_bytes_in_a_csv_after_4_kb_and_inside_cells():
    rows = ["Activités;Indicateurs;Lead"] + [f"Activité {k};# formés;HCR" for k in range(200)]
    rows.append("Former\x00 les moniteurs;# \x00formés;NRC")
    data = "\n".join(rows).encode("utf-8")
    assert data.index(b"\x00") > 4096
    plan = parse(data, "plan.csv")
    last = list(plan.all_activities())[-1]
    assert last.title == "Former les moniteurs" and last.indicators[0].text == "# formés"
    assert any("NUL" in m for m in plan.warnings)


def test_control_characters_are_stripped_from_every_text():
    data = "Plan\x07 2021\nActivités;Indicateurs;Lead\nFor\x1bmer;# for\x01més;HC\x0bR\n".encode()
    plan = parse(data, "plan.csv")
    activity = next(plan.all_activities())
    assert plan.title == "Plan 2021" and activity.title == "Former"
    assert activity.indicators[0].text == "# formés" and activity.actors[0].name == "HCR"


@pytest.mark.parametrize("period", ["T1 0000", "2021-Q1 à 9999-Q4", "1000-3000", "Q1 1900"])
def test_absurd_periods_create_no_quarter(db, period):
    data = f"Activités;Indicateurs;Période\nFormer;# formés;{period}\n".encode()
    plan = parse(data, "plan.csv")
    assert next(plan.all_activities()).quarters == []
    assert any("not understood" in m for m in plan.warnings)
    from imports.services import workplan_import_commit

    before = Quarter.objects.count()
    workplan_import_commit(plan, slug="absurd")
    assert Quarter.objects.count() == before


def test_quarter_codes_out_of_range_are_warned():
    data = "Activités;Indicateurs;Trimestres\nFormer;# formés;0000-Q1 2021-Q2 9999-Q4\n".encode()
    plan = parse(data, "plan.csv")
    assert next(plan.all_activities()).quarters == [(2021, 2)]
    assert sum(1 for m in plan.warnings if "quarter code" in m) == 2


def test_a_sheet_with_junk_far_to_the_right_is_read():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Activités", "Indicateurs"])
    sheet.append(["Former", "# formés"])
    sheet.cell(1, 16384, "junk")
    out = io.BytesIO()
    workbook.save(out)
    plan = parse(out.getvalue())
    assert plan.counts()["activities"] == 1


def test_a_16384_column_sheet_is_refused_in_words():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Activités", "Indicateurs"])
    for row in range(2, 200):
        sheet.cell(row, 1, f"Activité {row}")
        sheet.cell(row, 16384, "x")
    out = io.BytesIO()
    workbook.save(out)
    message = error_of(out.getvalue(), language="fr")
    assert "XFD" in message and "colonnes" in message


def test_csv_field_larger_than_the_field_limit_in_french():
    data = ("Activités;Indicateurs\n\"" + "x" * 200000 + "\";# formés\n").encode()
    message = error_of(data, "plan.csv", language="fr")
    assert "field limit" not in message and "cellule" in message


def test_annotated_workbook_neutralises_formulas():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Activités", "Indicateurs"])
    workbook.active.append(['=HYPERLINK("http://evil.example","Former")', "=1+1"])
    out = io.BytesIO()
    workbook.save(out)
    annotated = openpyxl.load_workbook(io.BytesIO(annotated_workbook(out.getvalue(), "plan.xlsx", [])))
    cells = [c for row in annotated.active.iter_rows() for c in row if c.value]
    assert all(c.data_type != "f" for c in cells)
    assert annotated.active["B2"].value == "'=1+1"


def test_defusedxml_guards_openpyxl():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def test_a_long_extension_gets_a_french_message_and_nothing_is_written(users, client_for):
    client = client_for(users.administrator)
    file = SimpleUploadedFile("plan." + "x" * 300, b"Activites;Indicateurs\nA;B\n")
    response = client.post(reverse("imports:import"), {"file": file}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "pas pris en charge" in response.content.decode()
    assert not Workplan.objects.exists()
