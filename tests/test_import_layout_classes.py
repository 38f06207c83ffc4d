"""Layout classes read by meaning (issue 11): each test builds a small file and asserts the tree and the warnings."""

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation

from imports import parsing

FILES = Path(__file__).parent / "files"


def parse_file(data, name):
    with translation.override("en"):
        plan = parsing.parse_file(data, name)
        plan.warnings = [str(w) for w in plan.warnings]
    return plan


def xlsx(rows, title="Plan", extra=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if extra:
        extra(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def activities(plan):
    return list(plan.all_activities())


def messages(plan):
    return plan.warnings


def test_french_excel_csv_with_month_columns():
    header = "Activités;National;Regional;Jan;Fev;Mar;Avr;Mai;Juin;Juil;Aout;Sept;Oct;Nov;Déc;Acteurs/Responsables;Indicateurs;Ressources"
    rows = [
        "Plan de travail 2019;;;;;;;;;;;;;;;;;",
        header,
        "Objectif 1 : Coordonner;;;;;;;;;;;;;;;;;",
        "Tenir les réunions mensuelles;x;;x;x;x;;;;;;;;;;HCR (appui) / NRC;# de réunions tenues;Budget HCR",
        "Publier le 5W;;x;;;;x;;;;;;;;x;OCHA;5W publié (O/N);",
    ]
    data = "\r\n".join(rows).encode("cp1252")
    plan = parse_file(data, "plan.csv")
    first, second = activities(plan)
    assert first.title == "Tenir les réunions mensuelles" and first.level == "national"
    assert first.quarters == [(2019, 1)] and first.months == ["2019-01", "2019-02", "2019-03"]
    assert [(a.name, a.role) for a in first.actors] == [("HCR", "support"), ("NRC", "lead")]
    assert [i.text for i in first.indicators] == ["# de réunions tenues"]
    assert second.quarters == [(2019, 2), (2019, 4)] and second.level == "regional"
    assert plan.counts()["indicators"] == 2


def test_progress_indicators_header_and_unknown_columns_listed():
    data = xlsx([
        ["Objectif", "Activités / Activities", "Progress indicators", "Column 12", "Commentaires", "T1 2019", "Cible 2020"],
        ["Objectif 1 : Protéger", "Former les moniteurs", "# de moniteurs formés", "zz", "RAS", "x", 40],
    ])
    plan = parse_file(data, "plan.xlsx")
    (activity,) = activities(plan)
    assert activity.indicators[0].text == "# de moniteurs formés"
    assert activity.quarters == [(2019, 1)]
    assert activity.indicators[0].targets == [((2020, 4), Decimal("40"))]
    assert plan.unknown_columns == ["Column 12", "Commentaires"]


def test_a_column_read_as_indicators_that_gives_none_warns():
    data = xlsx([
        ["Activités", "Indicateurs", "Responsables"],
        ["Former", None, "HCR"],
        ["Informer", None, "NRC"],
    ])
    plan = parse_file(data, "plan.xlsx")
    assert plan.counts()["indicators"] == 0
    assert any("no indicator was found" in m and "Indicateurs" in m for m in messages(plan))


@pytest.mark.parametrize("objective, result", [
    ("Outcome", "Output"), ("Effet", "Produit(s)"), ("Effets", "Extrant"), ("Objectifs / Objectives", "Produits attendus / Outputs"),
])
def test_outcome_output_vocabulary(objective, result):
    data = xlsx([
        [objective, result, "Activité", "Indicateur(s) de performance", "Partners", "Chronogramme"],
        ["Les civils sont protégés", "Les moniteurs sont formés", "Former", "# formés", "NRC, DRC", "T3 2020 – T4 2022"],
    ])
    plan = parse_file(data, "plan.xlsx")
    (objective_,) = plan.objectives
    assert objective_.title == "Les civils sont protégés"
    assert objective_.results[0].title == "Les moniteurs sont formés"
    (activity,) = objective_.results[0].activities
    assert [(a.name, a.role) for a in activity.actors] == [("NRC", "support"), ("DRC", "support")]
    assert activity.quarters[0] == (2020, 3) and activity.quarters[-1] == (2022, 4) and len(activity.quarters) == 10


def test_code_and_title_columns_are_both_kept():
    data = xlsx([
        ["Objectif", "Objectif", "Résultat", "Résultat", "Activité", "Activité", "Indicateur"],
        ["OS1", "Protéger les civils", "R1.1", "Les moniteurs sont formés", "A1.1.1", "Former", "# formés"],
        ["OS1", "Protéger les civils", "R1.1", "Les moniteurs sont formés", "A1.1.2", "Informer", "# informés"],
    ])
    plan = parse_file(data, "plan.xlsx")
    (objective,) = plan.objectives
    assert (objective.code, objective.title) == ("OS1", "Protéger les civils")
    (result,) = objective.results
    assert (result.code, result.title) == ("R1.1", "Les moniteurs sont formés")
    assert [(a.code, a.title) for a in result.activities] == [("A1.1.1", "Former"), ("A1.1.2", "Informer")]


def test_repeated_hierarchy_cells_collapse():
    # as a Google Sheets or database export writes them: every cell filled on every row
    data = xlsx([
        ["Axe", "Objectif", "Résultat attendu", "Activité", "Indicateur", "Lead", "Période"],
        ["Axe 1 : Prévenir", "Objectif 1 : Protéger", "1.1 Les moniteurs", "Former", "# formés", "HCR", "T1 2021"],
        ["Axe 1 : Prévenir", "Objectif 1 : Protéger", "1.1 Les moniteurs", "Former", "% satisfaits", "HCR", "T2 2021"],
        ["Axe 1 : Prévenir", "Objectif 1 : Protéger", "1.1 Les moniteurs", "Informer", "# informés", "NRC", "T2 2021"],
        ["Axe 1 : Prévenir", "Objectif 1 : Protéger", "1.2 Les données", "Collecter", "# rapports", "DRC", "T3 2021"],
    ])
    plan = parse_file(data, "plan.xlsx")
    counts = plan.counts()
    assert (counts["axes"], counts["objectives"], counts["results"], counts["activities"], counts["indicators"]) == (1, 1, 2, 3, 4)
    former = activities(plan)[0]
    assert [i.text for i in former.indicators] == ["# formés", "% satisfaits"]
    assert former.quarters == [(2021, 1), (2021, 2)] and [a.name for a in former.actors] == ["HCR"]


def test_quarter_spellings_with_years_and_total_rows():
    data = xlsx([
        ["Activités", "Indicateurs", "T1 2019", "2020-T1", "Q1 2021", "Cible"],
        ["Former", "# formés", "x", None, "x", 10],
        ["Informer", "# informés", None, "x", None, 5],
        ["TOTAL", None, None, None, None, 15],
        ["Sous-total axe 1", "note du total", None, None, None, None],
    ])
    plan = parse_file(data, "plan.xlsx")
    assert [a.title for a in activities(plan)] == ["Former", "Informer"]
    assert activities(plan)[0].quarters == [(2019, 1), (2021, 1)] and activities(plan)[1].quarters == [(2020, 1)]
    assert sum(1 for m in messages(plan) if "total row" in m) == 2
    assert "Sous-total axe 1 ; note du total" in plan.notes


def test_baseline_start_end_dates_and_percent_format():
    import datetime

    def formats(sheet):
        sheet["D2"].number_format = "0%"

    data = xlsx([
        ["Activités", "Indicateurs", "Valeur de référence", "Cible", "Date de début", "Date de fin"],
        ["Former", "Taux de satisfaction", 0.5, 0.8, datetime.date(2020, 2, 10), "30/09/2020"],
        ["Informer", "# informés", 3, 100, "15/05/2020", "n'importe quand"],
    ], extra=formats)
    plan = parse_file(data, "plan.xlsx")
    former, informer = activities(plan)
    indicator = former.indicators[0]
    assert indicator.target == Decimal("80") and indicator.kind == "percent" and indicator.baseline == Decimal("0.5")
    assert former.quarters == [(2020, 1), (2020, 2), (2020, 3)]
    assert informer.quarters == [(2020, 2)]
    assert any("n'importe quand" in m and "not understood" in m for m in messages(plan))


def test_per_quarter_targets_and_unparsed_target_warned():
    data = xlsx([
        ["Activités", "Indicateurs", "Cible T1 2021", "Target Q2 2021", "Target 2022"],
        ["Former", "# formés", 10, 20, "beaucoup"],
    ])
    plan = parse_file(data, "plan.xlsx")
    indicator = activities(plan)[0].indicators[0]
    assert indicator.targets == [((2021, 1), Decimal("10")), ((2021, 2), Decimal("20"))]
    assert any("beaucoup" in m and "not understood" in m for m in messages(plan))


def test_header_after_a_title_block_on_the_second_sheet_cover_skipped():
    workbook = openpyxl.Workbook()
    cover = workbook.active
    cover.title = "Couverture"
    cover.append(["Cluster Protection Mali"])
    cover.append(["Légende : x = prévu"])
    sheet = workbook.create_sheet("Plan 2021")
    for _ in range(12):
        sheet.append([None])
    sheet.append(["Plan de travail 2021"])
    sheet.append(["Activités", "Indicateurs", "Partenaires de mise en œuvre"])
    sheet.append(["Former", "# formés", "NRC (support)"])
    out = io.BytesIO()
    workbook.save(out)
    plan = parse_file(out.getvalue(), "plan.xlsx")
    (activity,) = activities(plan)
    assert plan.title == "Plan de travail 2021"
    assert [(a.name, a.role) for a in activity.actors] == [("NRC", "support")]
    assert any("Couverture" in m and "skipped" in m for m in messages(plan))


@pytest.mark.parametrize("name", ["layout.xls", "layout.ods"])
def test_xls_and_ods(name):
    # generated from layout.xlsx with `soffice --headless --convert-to xls/ods` (committed)
    plan = parse_file((FILES / name).read_bytes(), name)
    assert plan.file_kind == name.rsplit(".", 1)[1]
    assert [a.title for a in activities(plan)] == ["Former les moniteurs", "Publier le 5W"]
    assert activities(plan)[0].quarters == [(2021, 1), (2021, 2)]
    assert [i.text for i in activities(plan)[1].indicators] == ["5W publié (O/N)"]
    assert activities(plan)[0].indicators[0].target == Decimal("36")


def test_a_plan_longer_than_15_years_or_out_of_range_quarters_are_not_created():
    data = xlsx([
        ["Activités", "Indicateurs", "Période"],
        ["Former", "# formés", "2021-Q1 à 9999-Q4"],
        ["Informer", "# informés", "T1 0000"],
        ["Suivre", "# suivis", "Q3 2020 - Q2 2021"],
    ])
    plan = parse_file(data, "plan.xlsx")
    former, informer, suivre = activities(plan)
    assert former.quarters == [] and informer.quarters == []
    assert len(suivre.quarters) == 4
    assert sum(1 for m in messages(plan) if "not understood" in m) == 2
