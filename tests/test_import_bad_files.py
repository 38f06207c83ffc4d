"""Bad files: each gets a clear message naming the problem, and nothing is written."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from imports.parsing import WorkplanImportError, parse_file
from workplans.models import Workplan


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English here; one test checks the French."""
    with translation.override("en"):
        yield


GOOD = (Path(settings.BASE_DIR) / "fixtures" / "workplans" / "plan-de-travail-2019.xlsx").read_bytes()


def xlsx(rows_by_sheet):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in rows_by_sheet.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def error_of(data, name="plan.xlsx"):
    with pytest.raises(WorkplanImportError) as info:
        parse_file(data, name)
    return str(info.value)


def test_empty_file():
    assert "empty" in error_of(b"")


def test_not_a_workbook():
    message = error_of(b"%PDF-1.4 this is not a workbook", "plan.xlsx")
    assert "not a valid workbook" in message


def test_a_zip_that_is_not_an_office_file():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.txt", "hello")
    assert "neither an Excel workbook" in error_of(out.getvalue())


def test_truncated_workbook():
    assert "truncated" in error_of(GOOD[: len(GOOD) // 2])


def test_password_protected_workbook():
    # encrypted Office files are OLE compound documents, not zip packages
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000
    assert "password" in error_of(data)


def test_no_recognisable_header():
    data = xlsx({"Feuil1": [["Nom", "Prénom"], ["Diallo", "Awa"], ["Traoré", "Moussa"]]})
    message = error_of(data)
    assert "header" in message and "Activités" in message


def test_blank_sheet():
    data = xlsx({"Plan": []})
    message = error_of(data)
    assert "empty" in message and "Plan" in message


def test_blank_sheet_among_others_is_skipped_with_a_warning():
    data = xlsx({"Vide": [], "Plan": [["Activités", "Indicateurs"], ["Former", "# de personnes"]]})
    plan = parse_file(data, "plan.xlsx")
    assert plan.counts()["activities"] == 1
    assert any(w.sheet == "Vide" for w in plan.warnings)


def test_oversize_file():
    assert "too large" in error_of(b"PK" + b"\x00" * (10 * 1024 * 1024 + 1))


def test_zip_bomb_is_refused_by_its_uncompressed_size():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(101):
                entry.write(chunk)
    assert len(out.getvalue()) < 1024 * 1024
    message = error_of(out.getvalue())
    assert "zip bomb" in message


def million_rows_xlsx(rows=1_000_000):
    """A real .xlsx of a million rows, written as raw XML (openpyxl would take minutes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"))
        archive.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            sheet.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Activit\xc3\xa9s</t></is></c><c r="B1" t="inlineStr"><is><t>Indicateurs</t></is></c></row>')
            batch = []
            for n in range(2, rows + 1):
                batch.append(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>a</t></is></c></row>' % (n, n))
                if len(batch) == 10000:
                    sheet.write(b"".join(batch))
                    batch = []
            sheet.write(b"".join(batch) + b"</sheetData></worksheet>")
    return out.getvalue()


def test_a_million_rows_are_refused():
    data = million_rows_xlsx()
    message = error_of(data)
    assert "more than 20000 rows" in message and "Plan" in message


def test_formulas_are_kept_as_text_never_evaluated():
    data = xlsx({"Plan": [
        ["Activités", "Indicateurs", "Responsables"],
        ["=HYPERLINK(\"http://evil.example\",\"Former\")", "=1+1", "=A1"],
    ]})
    plan = parse_file(data, "plan.xlsx")
    activity = next(plan.all_activities())
    assert activity.title == '=HYPERLINK("http://evil.example","Former")'
    assert activity.indicators[0].text == "=1+1"


def test_csv_in_an_unknown_encoding():
    assert "UTF-16" in error_of("Activités;Indicateurs\n".encode("utf-16"), "plan.csv")
    # 0x81 and 0x8d are neither UTF-8 nor Windows-1252
    assert "neither UTF-8 nor Windows-1252" in error_of(b"Activit\x81s;Indicateurs\x8d\n", "plan.csv")


def test_old_formats_are_named():
    assert "not supported" in error_of(b"{\\rtf1 hello}", "plan.doc")


@pytest.mark.parametrize("data", [b"", GOOD[:4000], b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100])
def test_the_command_writes_nothing_on_a_bad_file(db, tmp_path, data):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_workplan", str(path), "--slug", "bad")
    assert not Workplan.objects.exists()


def test_messages_are_translated_with_sheet_and_row():
    with translation.override("fr"):
        assert "tronqué" in error_of(GOOD[: len(GOOD) // 2])
        assert "feuille Plan" in error_of(million_rows_xlsx(30_000))
    with translation.override("fr"):
        plan = parse_file(GOOD, "plan.xlsx")
        assert str(plan.warnings[0]).startswith("feuille Plan 2019, ligne 8, colonne Indicateurs : ")
