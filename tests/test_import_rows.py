"""Row classification (imports/rows.py): blank, total, heading or data rows; hierarchy cells; fill-down.

Plain functions over rows of cells and a layout: no file, no database."""

import pytest

from imports import rows as r
from imports.headers import build_layout
from imports.readers import Cell
from workplans.text import fold


def row(*values, shaded=()):
    return [Cell(v, k in shaded) for k, v in enumerate(values)]


LAYOUT = build_layout([row("Objectif", "Résultat", "Activités", "Indicateurs", "Responsables", "Jan", "Fév")])


def kind(*values, shaded=()):
    return r.read_row(row(*values, shaded=shaded), LAYOUT).kind


# --- read_row --------------------------------------------------------------------------------------------------

def test_blank_separators_and_dash_only_rows():
    assert kind() == r.BLANK
    assert kind(None, None, None) == r.BLANK
    assert kind("-", "–", None, "—") == r.BLANK


@pytest.mark.parametrize("text", ["TOTAL", "Total général", "Sous-total", "SOUS TOTAL objectif 1", "Sous-totaux",
                                  "Sub-total", "Subtotals", "Grand total", "  total", "Ŝous-total"])
def test_total_rows(text):
    reading = r.read_row(row(None, None, text, "12", "HCR"), LAYOUT)
    assert reading.kind == r.TOTAL
    assert reading.meaningful[0] == (2, text)


@pytest.mark.parametrize("text", ["Totalement financé", "Toutes les régions", "Suivi des totaux", "Garantir l'accès"])
def test_words_that_only_start_like_total_are_data(text):
    assert kind(None, None, text, "12 sessions") == r.DATA


def test_the_total_shortcut_agrees_with_the_folded_test():
    """``read_row`` skips folding when the first letter cannot start a total: same answer as always folding."""
    samples = ["Total", "total", "TOTAL général", "Sous-total", "sub total", "Grand Total", "Gestion", "Sécurité",
               "Éducation", "ţotal", "Ｔotal", "Subvention", "", " ", "1 Total", "-total", "Tôtal", "ŝub-total"]
    for text in samples:
        expected = bool(r.TOTAL_ROW.match(fold(text).strip()))
        assert (r._may_be_total(text) and bool(r.TOTAL_ROW.match(r.folded(text).strip()))) == expected, text


def test_total_note_keeps_the_texts_not_the_figures():
    assert r.total_note([(2, "Total"), (3, "12"), (4, "80 %")]) == ""
    assert r.total_note([(2, "Total"), (3, "12"), (4, "dont 3 en attente")]) == "Total ; dont 3 en attente"


def test_a_lone_text_at_the_start_of_the_table_is_a_heading():
    reading = r.read_row(row("Objectif 2 : protéger"), LAYOUT)
    assert reading.kind == r.HEADING and reading.heading == (0, "Objectif 2 : protéger", "objective")
    assert r.read_row(row(None, "1.2 Les victimes sont prises en charge"), LAYOUT).heading[2] == "result"
    assert kind(None, None, None, None, None, None, None, None, "Note : en rouge") == r.HEADING  # beyond the columns


def test_a_lone_text_in_the_activity_or_indicator_column():
    first = build_layout([row("Activités", "Indicateurs", "Responsables")])  # the activities open the table
    assert r.read_row(row("AXE 2 : prévenir"), first).kind == r.HEADING  # a heading in the activity column
    assert r.read_row(row("Former les moniteurs"), first).kind == r.DATA  # an activity alone on its row
    assert kind(None, None, "AXE 2 : prévenir") == r.DATA  # not at the start of the table: an activity
    assert kind(None, None, None, "Objectif 3") == r.DATA  # the indicator column is never a heading


def test_shaded_months_make_a_data_row():
    assert kind(None, None, None, None, None, None, None, shaded=(5, 6)) == r.DATA
    assert kind("Objectif 1", None, None, None, None, None, shaded=(5,)) == r.DATA
    assert kind(None, None, None, None, None, None, None, shaded=(4,)) == r.BLANK  # not a month column


# --- classify and the hierarchy cells --------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("AXE PRIORITAIRE 1: PRÉVENIR", ("axis", "AXE 1", "PRÉVENIR")),
    ("Pilier 2 - Réponse", ("axis", "AXE 2", "Réponse")),
    ("Objectif général : Contribuer", ("general", "OG", "Contribuer")),
    ("Objectif spécifique 3 : Renforcer", ("objective", "3", "Renforcer")),
    ("OS 1.2 Former", ("objective", "1.2", "Former")),
    ("1.1 Un système inter-agences", ("result", "1.1", "Un système inter-agences")),
    ("Résultat attendu 2.3 : Les survivantes", ("result", "2.3", "Les survivantes")),
    ("2. Renforcer et promouvoir", ("objective", "2", "Renforcer et promouvoir")),
    ("¹ Les indicateurs sont collectés", ("note", "", "¹ Les indicateurs sont collectés")),
    ("NB : en rouge les activités reportées", ("note", "", "NB : en rouge les activités reportées")),
    ("Former les moniteurs", (None, "", "Former les moniteurs")),
])
def test_classify(text, expected):
    assert r.classify(text) == expected


def test_objective_cell():
    assert r.objective_cell("Objectif 1 : Protéger") == ("objective", "1", "Protéger")
    assert r.objective_cell("Protéger les civils") == ("objective", "", "Protéger les civils")
    assert r.objective_cell("Protéger les civils", "OS1") == ("objective", "OS1", "Protéger les civils")
    assert r.objective_cell("Objectif 1 : Protéger", "OS1") == ("objective", "OS1", "Protéger")
    assert r.objective_cell("Axe 2 : Réponse", "OS1") == ("axis", "AXE 2", "Réponse")  # an axis keeps its code
    assert r.objective_cell("Objectif général : Contribuer")[0] == "general"


def test_result_cell():
    assert r.result_cell("1.1 Les acteurs sont formés") == ("result", "1.1", "Les acteurs sont formés")
    assert r.result_cell("Les acteurs sont formés") == ("result", "", "Les acteurs sont formés")
    assert r.result_cell("Les acteurs sont formés", "R1") == ("result", "R1", "Les acteurs sont formés")
    assert r.result_cell("2 Protéger les civils") == ("objective", "2", "Protéger les civils")  # a level mixed in
    assert r.result_cell("2 Protéger les civils", "R2")[0] == "result"


def test_same_title_ignores_accents_and_case():
    assert r.same_title("Protéger les civils", "PROTEGER LES CIVILS")
    assert not r.same_title("Protéger les civils", "Protéger les enfants")


# --- fill-down and lines ---------------------------------------------------------------------------------------

def test_fill_down_carries_a_value_over_blank_cells_until_cleared():
    fill = r.FillDown()
    assert fill.take("lead", None) is None
    assert fill.take("lead", "HCR") == "HCR"
    assert fill.take("lead", None) == "HCR"  # a merged cell: blank below its first row
    assert fill.take("period", None) is None  # each field its own
    assert fill.take("lead", "") == ""  # an empty text is a value, not a blank cell
    fill.take("lead", "NRC")
    fill.clear()  # a new objective, result or header
    assert fill.take("lead", None) is None


def test_lines_drop_bullets_numbering_and_lone_dashes():
    assert r.lines("- Former\n• Suivre\n-\n2. Évaluer\n2020 rapports\n  ") == ["Former", "Suivre", "Évaluer", "2020 rapports"]
    assert r.lines("1) Former les moniteurs") == ["Former les moniteurs"]
    assert r.lines("12 sessions") == ["12 sessions"]
    assert r.lines("-") == [] and r.lines(None) == [] and r.lines("x") == ["x"]


def test_raw_lines_keep_dashes_in_their_place():
    assert r.raw_lines("HCR\n-\n NRC ") == ["HCR", "-", "NRC"]
    assert r.raw_lines(" HCR ") == ["HCR"] and r.raw_lines("") == [] and r.raw_lines(None) == []


def test_fold_remembers_short_non_ascii_texts_only_and_stays_bounded(monkeypatch):
    from workplans import text

    monkeypatch.setattr(text, "_FOLDED", {})
    monkeypatch.setattr(text, "_FOLDED_MAX", 3)
    assert text.fold("Élèves formés") == text.fold("Élèves formés") == "eleves formes"
    assert list(text._FOLDED) == ["Élèves formés"]
    assert text.fold("plain ASCII") == "plain ascii" and "plain ASCII" not in text._FOLDED
    long = "é" * (text._FOLDED_CHARS + 1)
    assert text.fold(long) == "e" * len(long) and long not in text._FOLDED
    for word in ("à", "ç", "ô", "ü"):
        assert text.fold(word) in "acou"
    assert len(text._FOLDED) <= 3  # emptied when full
    assert text.fold("Ünïcode") == "unicode"
