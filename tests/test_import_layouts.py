"""Layout variants on small files the tests build: they must all give the same tree."""

import io

import docx
import openpyxl
from openpyxl.styles import PatternFill

from imports.parsing import parse_file

TITLE = "Plan de travail 2021"
HEADER_FR = ["Résultats attendus", "Activités", "Indicateurs", "Moyen de vérification", "Responsables", "Période d'exécution"]
HEADER_EN = ["Expected results", "Activities", "Indicators", "Means of verification", "Lead", "Timeframe"]
ROWS = [
    ["Objectif 1 : Améliorer l'analyse", None, None, None, None, None],
    ["1.1 Les données sont collectées", "Former les moniteurs", "36 rapports mensuels", "Rapports", "HCR (Chef de File) / NRC", "Janvier 2021 à juin 2021"],
    [None, "Partager les rapports", "# de réunions tenues", "Comptes rendus", "SCPE, GT-LHAM", "T3"],
    ["1.2 Les acteurs sont coordonnés", "Tenir les réunions\nPublier le 5W", "Réunions tenues (O/N)\n80% des partenaires rapportent", "-", "CP", "En continu"],
    ["Objectif 2 : Protéger les enfants", None, None, None, None, None],
    ["2.1 Les enfants sont pris en charge", "Identifier les enfants", "Un système de référencement", "Liste", "UNICEF", "Q3-Q4 2021"],
    ["-", "-", "-", "-", "-", "-"],
    ["¹ Les indicateurs sont désagrégés par sexe.", None, None, None, None, None],
]


def tree(plan):
    """The parsed tree as plain tuples, to compare layouts."""
    def activity(a):
        return (a.title, tuple(a.quarters), tuple((x.name, x.role, x.note) for x in a.actors),
                tuple((i.text, i.kind, i.target, i.means_of_verification) for i in a.indicators))

    def objective(o):
        return (o.level, o.code, o.title, tuple(objective(c) for c in o.objectives),
                tuple((r.code, r.title, tuple(activity(a) for a in r.activities),
                       tuple(i.text for i in r.indicators)) for r in o.results),
                tuple(activity(a) for a in o.activities))

    return tuple(objective(o) for o in plan.objectives), tuple(plan.notes), plan.counts()


def xlsx_bytes(sheets):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def reference_plan():
    return parse_file(xlsx_bytes([("Plan", [[TITLE], [], HEADER_FR, *ROWS])]), "plan.xlsx")


def test_reference_layout():
    plan = reference_plan()
    assert plan.counts()["objectives"] == 2 and plan.counts()["results"] == 3
    assert plan.counts()["activities"] == 5 and plan.counts()["indicators"] == 5
    first = plan.objectives[0].results[0].activities[0]
    assert first.quarters == [(2021, 1), (2021, 2)]
    assert [(a.name, a.role, a.note) for a in first.actors] == [("HCR", "lead", "Chef de File"), ("NRC", "lead", "")]
    second = plan.objectives[0].results[0].activities[1]
    assert second.quarters == [(2021, 3)]  # "T3" in a one-year plan
    paired = plan.objectives[0].results[1].activities
    assert [a.indicators[0].kind for a in paired] == ["yes_no", "percent"]  # two activities, two indicators: paired
    assert paired[0].quarters == [(2021, 1), (2021, 2), (2021, 3), (2021, 4)]  # "En continu": the whole plan
    assert plan.notes == ["¹ Les indicateurs sont désagrégés par sexe."]


def test_csv_semicolon_windows_1252_gives_the_same_tree():
    lines = [TITLE, ""] + [";".join(HEADER_FR)]
    for row in ROWS:
        lines.append(";".join('"{}"'.format((c or "").replace('"', '""')) if c else "" for c in row))
    data = "\r\n".join(lines).encode("cp1252")
    assert b"\xe9" in data  # é in Windows-1252
    assert tree(parse_file(data, "plan.csv")) == tree(reference_plan())


def test_csv_comma_utf8_gives_the_same_tree():
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([TITLE])
    writer.writerow(HEADER_FR)
    writer.writerows([[c or "" for c in row] for row in ROWS])
    assert tree(parse_file(out.getvalue().encode("utf-8-sig"), "plan.csv")) == tree(reference_plan())


def test_english_headers_in_another_order_with_an_extra_column():
    order = [1, 0, 5, 2, 4, 3]
    header = [HEADER_EN[k] for k in order] + ["Comments"]
    rows = []
    for row in ROWS:
        if row[1] is None and row[0]:  # an objective or a note: first column only
            rows.append([row[0]])
        else:
            rows.append([row[k] for k in order] + ["à revoir"])
    plan = parse_file(xlsx_bytes([("Plan", [[TITLE], header, *rows])]), "plan.xlsx")
    assert plan.unknown_columns == ["Comments"]
    reference = tree(reference_plan())
    assert tree(plan)[2] == reference[2]
    assert tree(plan)[0][0][4][0][2] == reference[0][0][4][0][2]  # the first result's activities are the same


def test_docx_with_merged_cells_gives_the_same_tree():
    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=1 + len(ROWS), cols=len(HEADER_FR))
    for k, text in enumerate(HEADER_FR):
        table.cell(0, k).text = text
    for r, row in enumerate(ROWS, start=1):
        if row[1] is None:  # a row spanning the table: merge it
            merged = table.cell(r, 0).merge(table.cell(r, len(HEADER_FR) - 1))
            merged.text = row[0]
            continue
        for k, text in enumerate(row):
            if text:
                table.cell(r, k).text = text
    # the result cell 1.1 spans two rows, as in the Word original
    table.cell(2, 0).merge(table.cell(3, 0))
    table.cell(2, 0).text = ROWS[1][0]
    out = io.BytesIO()
    document.save(out)
    assert tree(parse_file(out.getvalue(), "plan.docx")) == tree(reference_plan())


def test_vertically_merged_result_in_xlsx_fills_down():
    data = xlsx_bytes([("Plan", [[TITLE], HEADER_FR, *ROWS])])
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook.active.merge_cells("A4:A5")
    out = io.BytesIO()
    workbook.save(out)
    assert tree(parse_file(out.getvalue(), "plan.xlsx")) == tree(reference_plan())


def test_fill_down_of_blank_objective_and_actor_cells():
    header = ["Objectifs", "Activités", "Indicateurs", "Lead"]
    rows = [
        ["Renforcer la coordination", "Tenir les réunions", "# de réunions", "HCR"],
        [None, "Publier le 5W", "5W publié (O/N)", None],
        ["Protéger les civils", "Former", "# de personnes formées", "NRC"],
    ]
    plan = parse_file(xlsx_bytes([("Plan", [header, *rows])]), "plan.xlsx")
    assert [o.title for o in plan.objectives] == ["Renforcer la coordination", "Protéger les civils"]
    second = plan.objectives[0].activities[1]
    assert [a.name for a in second.actors] == ["HCR"]


def test_one_sheet_per_axis():
    header = ["OBJECTIFS", "ACTIVITES", "INDICATEURS DE PROGRES", "MEMBRES EN CHARGE (LEAD)", "AUTRES ACTEURS", "2020", "2021"]
    axis_one = [header, ["Renforcer la protection", "Activité A", "# de notes", "HCR", "OCHA", "Q3-Q4", "Q1-Q4"]]
    axis_two = [header, ["Soutenir les PDI", "Activité B", "Une stratégie (O/N)", "UNDP (Chef de file)", "-", "Q4", "Q1"]]
    data = xlsx_bytes([("Axe 1 - Prévenir", axis_one), ("Axe 2 - Soutenir", axis_two)])
    plan = parse_file(data, "plan.xlsx")
    assert [(o.level, o.code) for o in plan.objectives] == [("axis", "AXE 1"), ("axis", "AXE 2")]
    assert [o.objectives[0].title for o in plan.objectives] == ["Renforcer la protection", "Soutenir les PDI"]
    first = plan.objectives[0].objectives[0].activities[0]
    assert first.quarters == [(2020, 3), (2020, 4), (2021, 1), (2021, 2), (2021, 3), (2021, 4)]
    assert [(a.name, a.role) for a in first.actors] == [("HCR", "lead"), ("OCHA", "support")]


def test_shaded_months_instead_of_ticks():
    months = ["Jan", "Fév", "Mar", "Avr", "Mai", "Juin", "Juil", "Août", "Sep", "Oct", "Nov", "Déc"]
    rows = [[TITLE], ["Activités", "Indicateurs", "Période"] + [None] * 11, [None, None] + ["T1", None, None, "T2", None, None, "T3", None, None, "T4", None, None],
            [None, None] + months, ["Former", "# de personnes"] + [None] * 12, ["Sensibiliser", "# de séances"] + [None] * 12]
    # the 4-row header: "Période" above T1..T4 above the months
    rows[1] = ["Activités", "Indicateurs"] + ["Période"] + [None] * 11
    data = xlsx_bytes([("Plan", rows)])
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    grey = PatternFill("solid", fgColor="A6A6A6")
    for column in "CDE":  # Jan-Mar for the first activity
        sheet[f"{column}5"].fill = grey
    sheet["K6"].fill = grey  # Sept for the second
    out = io.BytesIO()
    workbook.save(out)
    plan = parse_file(out.getvalue(), "plan.xlsx")
    first, second = list(plan.all_activities())
    assert first.months == ["2021-01", "2021-02", "2021-03"] and first.quarters == [(2021, 1)]
    assert second.months == ["2021-09"] and second.quarters == [(2021, 3)]


def test_header_repeated_lower_in_the_sheet():
    rows = [[TITLE], HEADER_FR, *ROWS[:4], HEADER_FR, *ROWS[4:]]
    assert tree(parse_file(xlsx_bytes([("Plan", rows)]), "plan.xlsx")) == tree(reference_plan())
