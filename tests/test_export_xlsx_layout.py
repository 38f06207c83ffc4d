"""Every xlsx export opens right in Excel and LibreOffice: read back with openpyxl.

Row heights on wrapped long texts, widths, a bold frozen header with a filter, dates as dates,
print set-up (A4 landscape, fit to width, header rows repeated), French headers, no leading
apostrophe in text cells, and control characters never a failure.
"""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from imports.parsing import parse_file
from imports.services import workplan_import_commit
from workplans.models import Activity, Objective

LONG = ("Renforcer les capacités des acteurs communautaires sur la prévention, l'identification et le "
        "référencement des cas de violences basées sur le genre dans les régions du nord et du centre du Mali")


def get_book(client, name, args=(), params=None, language="fr"):
    response = client.get(reverse(name, args=args), params or {}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(io.BytesIO(response.content))


def text_cells(book):
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def row_of(sheet, first_value):
    return next(i for i, row in enumerate(sheet.iter_rows(values_only=True), 1) if row and row[0] == first_value)


def assert_printed_for_people(sheet, header_row):
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and str(setup.paperSize) == "9"  # A4
    # fit to one page wide (1 is the default width, left out of the file), as many pages high as needed
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
    assert sheet.print_title_rows.replace("$", "") == f"{header_row}:{header_row}"
    assert sheet.freeze_panes is not None and sheet.freeze_panes[-len(str(header_row + 1)):] == str(header_row + 1)
    header = [c for c in sheet[header_row] if c.value]
    assert header and all(c.font.bold for c in header)


@pytest.fixture
def long_plan(report_plan):
    indicator = report_plan.indicators.a
    indicator.text = LONG
    indicator.save()
    Activity.objects.filter(pk=report_plan.plan.activities[0].pk).update(title=LONG + " (activité)")
    return report_plan


def test_performance_table(long_plan, users, client_for):
    book = get_book(client_for(users.member), "reports:performance_xlsx", [long_plan.plan.workplan.slug])
    sheet = book.worksheets[0]
    header_row = row_of(sheet, "Code")
    header = [c.value for c in sheet[header_row]]
    # French headers, none left in English
    assert header[:4] == ["Code", "Indicateur", "Activité", "Responsables"]
    assert "T1 2020 réalisé" in header or any(h and h.endswith("réalisé") for h in header)
    assert not any(h and ("achieved" in h or h in ("Objective", "Quarter end", "target")) for h in header)
    # "Exporté le" is a date cell
    exported = row_of(sheet, "Exporté le")
    assert isinstance(sheet.cell(exported, 2).value, datetime.datetime) and sheet.cell(exported, 2).is_date
    # the long indicator text: wrapped, row tall enough, full text
    a_row = row_of(sheet, "A")
    assert sheet.cell(a_row, 2).value == LONG and sheet.cell(a_row, 2).alignment.wrap_text
    assert sheet.cell(a_row, 3).value == "1.1.1 " + LONG + " (activité)"  # never cut at 80 characters
    width = sheet.column_dimensions["B"].width
    assert width >= 40
    assert sheet.row_dimensions[a_row].height >= 15 * (len(LONG) // width)
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith(f"A{header_row}:")
    assert_printed_for_people(sheet, header_row)
    assert "Exporté le" in sheet.oddHeader.left.text
    # the change log: landscape, fit to width, bold frozen header
    log = book.worksheets[1]
    assert log.title == "Journal des modifications"
    assert_printed_for_people(log, 1)
    assert log.cell(2, 1).is_date
    assert book.properties.title.startswith("Tableau") or book.properties.title
    assert book.properties.creator == users.member.get_username()


def test_no_text_cell_starts_with_an_apostrophe(report_plan, users, client_for):
    plan = report_plan.plan
    Objective.objects.filter(pk=plan.objective.pk).update(title="- objectif à tiret")
    indicator = report_plan.indicators.b
    indicator.text = "+ 5 comités"
    indicator.save()
    client = client_for(users.member)
    books = [
        get_book(client, "reports:performance_xlsx", [plan.workplan.slug]),
        get_book(client, "reports:quarter_summary_xlsx", [plan.workplan.slug], {"quarter": "2020-Q2"}),
        get_book(client, "reports:activity_export", ["xlsx"]),
    ]
    for book in books:
        cells = text_cells(book)
        assert cells and all(c.data_type == "s" for c in cells)
        assert not [c.value for c in cells if c.value.startswith("'")]
    values = [c.value for c in text_cells(books[0])]
    assert "- objectif à tiret" in values and "+ 5 comités" in values


def test_quarter_summary_fits_the_page_and_shows_whole_labels(long_plan, users, client_for):
    book = get_book(client_for(users.member), "reports:quarter_summary_xlsx", [long_plan.plan.workplan.slug],
                    {"quarter": "2020-Q2"})
    sheet = book.worksheets[0]
    labels = [row[0] for row in sheet.iter_rows(values_only=True) if row[0] and str(row[0]).startswith("Indicateurs :")]
    assert len(labels) == 6 and len(set(labels)) == 6
    assert sheet.column_dimensions["A"].width >= max(len(label) for label in labels)
    header_row = row_of(sheet, "Code")
    assert_printed_for_people(sheet, header_row)
    assert isinstance(sheet.cell(row_of(sheet, "Exporté le"), 2).value, datetime.datetime)
    a_row = row_of(sheet, "A")
    assert sheet.row_dimensions[a_row].height >= 30
    assert [c.value for c in sheet[header_row]][4] == "Réalisé à date"


def test_activity_list(long_plan, users, client_for):
    sheet = get_book(client_for(users.member), "reports:activity_export", ["xlsx"]).active
    assert [c.value for c in sheet[1]][:3] == ["Plan de travail", "Code", "Activité"]
    assert sheet.column_dimensions["C"].width >= 40
    assert_printed_for_people(sheet, 1)
    assert sheet.auto_filter.ref.startswith("A1:I")
    row = row_of(sheet, "plan-test")
    long_row = next(r for r in range(2, sheet.max_row + 1) if (sheet.cell(r, 3).value or "").startswith(LONG[:30]))
    assert sheet.cell(long_row, 3).alignment.wrap_text and sheet.row_dimensions[long_row].height >= 45
    assert row


def test_workplan_export_has_no_apostrophes_and_tall_rows(db, cluster, tmp_path):
    source = Path(settings.BASE_DIR) / "fixtures" / "workplans" / "plan-de-travail-2019.xlsx"
    slug = workplan_import_commit(parse_file(source.read_bytes(), source.name), slug="plan-2019").workplan.slug
    path = tmp_path / "plan.xlsx"
    call_command("export_workplan", slug, "--format", "xlsx", "-o", str(path), stderr=io.StringIO())
    book = load_workbook(path)
    sheet = book.active
    cells = text_cells(book)
    assert not [c.value for c in cells if c.value.startswith("'")]
    assert sum(1 for c in cells if c.value == "-") > 0
    assert all(c.data_type == "s" for c in cells)
    tall = [r for r in range(4, sheet.max_row + 1) if (sheet.row_dimensions[r].height or 0) > 15]
    assert len(tall) > 10
    assert sheet.freeze_panes == "A4" and sheet.print_title_rows.replace("$", "") == "3:3"


def test_control_characters_never_break_an_export(report_plan, users, client_for, meetings):
    plan = report_plan.plan
    indicator = report_plan.indicators.a
    # No NUL here: PostgreSQL cannot store one (the importer strips them); other controls can.
    indicator.text = "Personnes\x0e touchées\x07 à\x1f Gao\tet\nMopti"
    indicator.code = "A\x0b"
    indicator.save()
    Activity.objects.filter(pk=plan.activities[0].pk).update(title="Sensibilisation\x01\x02")
    client = client_for(users.administrator)
    book = get_book(client, "reports:performance_xlsx", [plan.workplan.slug])
    values = [c.value for c in text_cells(book)]
    assert "Personnes touchées à Gao\tet\nMopti" in values
    assert get_book(client, "reports:quarter_summary_xlsx", [plan.workplan.slug], {"quarter": "2020-Q2"})
    assert get_book(client, "reports:activity_export", ["xlsx"])
    from imports.export import workplan_workbook

    plan_book = load_workbook(io.BytesIO(workplan_workbook(plan.workplan)))
    assert "Sensibilisation" in [c.value for c in text_cells(plan_book)]
    for flavour in ("excel", "data"):
        assert client.get(reverse("reports:performance_csv", args=[plan.workplan.slug]), {"flavour": flavour}).status_code == 200
    meeting = meetings.june
    meeting.title = "Réunion\x0c mensuelle"
    meeting.save()
    response = client.get(reverse("meetings:docx", args=[meeting.pk]))
    assert response.status_code == 200


def test_the_importers_annotated_csv_has_text_cells_without_apostrophes(db):
    from imports.workbooks import annotated_workbook

    data = "Objectif;Code;Activités\n- un tiret;1.1;=HYPERLINK(\"http://evil\")\n".encode()
    book = load_workbook(io.BytesIO(annotated_workbook(data, "plan.csv", [])))
    cells = text_cells(book)
    values = [c.value for c in cells]
    assert "- un tiret" in values and '=HYPERLINK("http://evil")' in values
    assert all(c.data_type == "s" for c in cells)


def test_titles_stay_on_one_line(report_plan, users, client_for):
    sheet = get_book(client_for(users.member), "reports:quarter_summary_xlsx", [report_plan.plan.workplan.slug],
                     {"quarter": "2020-Q2"}).worksheets[0]
    assert sheet["A1"].font.bold and not sheet["A1"].alignment.wrap_text
    assert sheet.row_dimensions[1].height is None  # the default height: nothing to cut
