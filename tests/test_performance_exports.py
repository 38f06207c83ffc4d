"""The performance table exported: xlsx (same figures, filters, change log) and CSV (with the HXL row)."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Indicator, ProgressReport


def xlsx(client, slug, **params):
    response = client.get(reverse("reports:performance_xlsx", args=[slug]), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def rows_by_code(sheet):
    header = None
    rows = {}
    for row in sheet.iter_rows(values_only=True):
        if header is None and row and row[0] == "Code":
            header = row
            continue
        if header and row[0] and len(row) > 10 and row[2]:
            rows[row[0]] = dict(zip(header, row))
    return header, rows


def test_xlsx_holds_the_same_figures(report_plan, users, client_for):
    book = xlsx(client_for(users.member), report_plan.plan.workplan.slug)
    sheet = book.worksheets[0]
    header, rows = rows_by_code(sheet)
    assert header[:11] == ("Code", "Indicator", "Activity", "Responsible", "Unit", "How it adds up", "Direction",
                           "Baseline", "Target", "Achieved", "% met")
    assert header[-1] == "Status"
    a = rows["A"]
    assert (a["Target"], a["Achieved"], a["% met"], a["Status"]) == (100, 35, 0.35, "Late")
    assert (a["Q1 2020 target"], a["Q1 2020 achieved"], a["Q1 2020 % met"]) == (25, 15, 0.6)
    assert (a["Q2 2020 achieved"], a["Q2 2020 % met"]) == (20, 0.8)
    assert a["Q3 2020 achieved"] is None  # draft
    assert a["Responsible"] == "HCR"
    assert (rows["B"]["Achieved"], rows["B"]["% met"], rows["B"]["Status"]) == (45, 0.9, "At risk")
    assert (rows["C"]["Achieved"], rows["C"]["% met"]) == (70, 0.875)
    assert (rows["E"]["Target"], rows["E"]["Achieved"], rows["E"]["% met"]) == (None, 10, None)
    assert sheet.freeze_panes is not None
    assert sheet.cell(row=1, column=1).value.startswith("Indicator performance tracking table")


def test_xlsx_layout_for_people(report_plan, users, client_for):
    book = xlsx(client_for(users.coordinator), report_plan.plan.workplan.slug, actor="HCR", year="2020")
    sheet = book.worksheets[0]
    top = [[c for c in row if c is not None] for row in sheet.iter_rows(min_row=1, max_row=6, values_only=True)]
    assert top[1][0] == "Exported on" and top[1][-1] == "coord"
    assert ["Filter", "Actor", "HCR"] in top and ["Filter", "Year", "2020"] in top
    header_row = next(i for i, row in enumerate(sheet.iter_rows(values_only=True), 1) if row[0] == "Code")
    assert sheet.freeze_panes == f"C{header_row + 1}"
    objective_row = header_row + 1
    assert sheet.cell(row=objective_row, column=2).value == "Objectif un"
    assert sheet.cell(row=objective_row, column=2).font.bold
    a_row = next(i for i, row in enumerate(sheet.iter_rows(values_only=True), 1) if row[0] == "A")
    assert sheet.row_dimensions[a_row].outline_level == 1
    assert sheet.cell(row=a_row, column=11).number_format == "0.0%"
    assert sheet.cell(row=a_row, column=10).number_format == "#,##0"
    status = sheet.cell(row=a_row, column=sheet.max_column)
    assert status.value == "Late" and status.fill.fgColor.rgb.endswith("FFCDD2")
    _header, rows = rows_by_code(sheet)
    assert set(rows) == {"A", "B", "E"}  # filtered by actor


def test_xlsx_change_log_lists_the_changes_of_the_period(report_plan, users, client_for):
    report = ProgressReport.objects.get(indicator=report_plan.indicators.a, quarter=report_plan.quarters[0],
                                        organisation__acronym="HCR")
    report.value = 11
    report.save()
    client = client_for(users.member)
    sheet = xlsx(client, report_plan.plan.workplan.slug).worksheets[1]
    assert sheet.title == "Change log"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 15  # 14 reports created, 1 changed
    changed = [r for r in rows if r[2] == "changed"]
    assert len(changed) == 1 and changed[0][3] == "A" and changed[0][5] == "2020-Q1" and changed[0][7] == 11
    # the period is the quarters shown: 2019 has none
    rows = list(xlsx(client, report_plan.plan.workplan.slug, year="2019").worksheets[1].iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "No change in the period." and len(rows) == 1


def test_formula_like_text_is_text_in_xlsx_and_neutralised_in_csv(report_plan, users, client_for):
    indicator = report_plan.indicators.a
    indicator.text = '=HYPERLINK("http://evil.example","x")'
    indicator.code = "@A"
    indicator.save()
    client = client_for(users.member)
    sheet = xlsx(client, report_plan.plan.workplan.slug).worksheets[0]
    # An xlsx text cell is never evaluated: the text as typed, no apostrophe, and no formula cell at all.
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    values = [c.value for c in cells]
    assert "=HYPERLINK(\"http://evil.example\",\"x\")" in values and "@A" in values
    assert all(c.data_type == "s" for c in cells)
    assert not any(v.startswith("'") for v in values)
    for flavour, delimiter in (("excel", ";"), ("data", ",")):
        data = client.get(reverse("reports:performance_csv", args=[report_plan.plan.workplan.slug]),
                          {"flavour": flavour}).content.decode()
        cells = [c for row in csv.reader(io.StringIO(data.lstrip("\ufeff")), delimiter=delimiter) for c in row]
        assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells
        # the only formulas are the French-Excel flavour's text constants for codes (="1.1"), never a computation
        constants = [c for c in cells if re.fullmatch(r'="[0-9.,/: -]+"', c)]
        assert (flavour == "excel") == bool(constants)
        assert not any(c.startswith(("=", "@", "+", "-")) for c in cells if c not in constants)


def read_csv(client, slug, **params):
    params.setdefault("flavour", "data")
    response = client.get(reverse("reports:performance_csv", args=[slug]), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";" if params["flavour"] == "excel" else ","))


def test_csv_long_form(report_plan, users, client_for):
    rows = read_csv(client_for(users.member), report_plan.plan.workplan.slug)
    header = rows[0]
    assert header[:3] == ["Workplan", "Objective", "Expected result"]
    assert not rows[1][0].startswith("#")
    records = [dict(zip(header, row)) for row in rows[1:]]
    a = [r for r in records if r["Indicator code"] == "A"]
    assert [(r["Quarter"], r["Target"], r["Achieved"], r["% met"]) for r in a] == [
        ("2020-Q1", "25", "15", "60"), ("2020-Q2", "25", "20", "80"),
    ]
    assert a[0]["Responsible organisations"] == "HCR" and a[0]["Quarter end"] == "2020-03-31"
    assert {r["Indicator code"] for r in records} == {"A", "B", "C", "D", "E"}


def test_csv_hxl_row(report_plan, users, client_for):
    rows = read_csv(client_for(users.member), report_plan.plan.workplan.slug, hxl="1")
    tags = rows[1]
    for tag in ("#activity+code", "#indicator+code", "#indicator+name", "#org+impl", "#date+start", "#date+end",
                "#sector+cluster", "#meta+id", "#meta+url"):
        assert tag in tags
    assert tags[rows[0].index("Achieved")] == "#indicator+value+num+actual"
    assert "#date+quarter" not in tags and "#indicator+pct" not in tags


def test_csv_filters(report_plan, users, client_for):
    rows = read_csv(client_for(users.member), report_plan.plan.workplan.slug, status="done")
    assert {row[5] for row in rows[1:]} == {"D"}


def test_exports_across_workplans(report_plan, users, client_for):
    client = client_for(users.member)
    response = client.get(reverse("reports:performance_all_xlsx"), {"actor": "HCR"})
    assert response.status_code == 200
    _header, rows = rows_by_code(load_workbook(io.BytesIO(response.content)).worksheets[0])
    assert set(rows) == {"A", "B", "E"}
    assert client.get(reverse("reports:performance_all_csv")).status_code == 200


@pytest.mark.parametrize("name", ["reports:performance_xlsx", "reports:performance_csv"])
def test_unknown_workplan_and_wrong_method(report_plan, users, client_for, name):
    client = client_for(users.outsider)
    assert client.get(reverse(name, args=["nope"])).status_code == 404
    assert client.post(reverse(name, args=[report_plan.plan.workplan.slug])).status_code == 405


@pytest.mark.parametrize("extra", [0, 20])
def test_export_query_count_is_constant(report_plan, users, client_for, django_assert_max_num_queries, extra):
    plan = report_plan.plan
    for i in range(extra):
        Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], code=f"X{i}", text="x", target=3)
    client = client_for(users.member)
    with django_assert_max_num_queries(18):  # issue 13: +2 for who may see drafts (groups, profile)
        assert client.get(reverse("reports:performance_xlsx", args=[plan.workplan.slug]), {"breakdowns": "on"}).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reports:performance_csv", args=[plan.workplan.slug])).status_code == 200


def test_xlsx_text_is_escaped_and_cleaned(report_plan, users, client_for):
    indicator = report_plan.indicators.b
    indicator.text = 'Comités <actifs> & "formés"\x0b à Gao'
    indicator.save()
    _header, rows = rows_by_code(xlsx(client_for(users.member), report_plan.plan.workplan.slug).worksheets[0])
    assert rows["B"]["Indicator"] == 'Comités <actifs> & "formés" à Gao'
