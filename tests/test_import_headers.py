"""Header detection (imports/headers.py): which rows are the header, what each column holds.

Plain functions over rows of cells: no file, no database."""

import itertools
import random

import pytest
from django.utils import translation

from imports.errors import WorkplanImportError
from imports.headers import (
    Namer,
    build_layout,
    candidate_columns,
    choose_sheets,
    header_at,
    is_header_row,
    is_subheader_row,
    resolve_code_columns,
    title_years,
)
from imports.mapping import ReadOptions
from imports.readers import Cell, Sheet
from imports.vocabulary import header_field, is_main

MONTHS = ["Jan", "Fev", "Mars", "Avr", "Mai", "Juin", "Juil", "Aout", "Sept", "Oct", "Nov", "Déc"]


def row(*values, shaded=()):
    return [Cell(v, k in shaded) for k, v in enumerate(values)]


def sheet(*rows, title="Plan"):
    return Sheet(title=title, rows=[row(*r) for r in rows], row_numbers=list(range(1, len(rows) + 1)))


# --- is_header_row ---------------------------------------------------------------------------------------------

def test_a_french_header_is_a_header_and_a_data_row_is_not():
    assert is_header_row(row("Objectif", "Activités", "Indicateurs", "Responsables", "Période"))
    assert not is_header_row(row("Former les acteurs", "12 sessions tenues", "HCR", "T1 2021"))


def test_month_columns_do_not_outvote_the_known_fields():
    # French Excel's CSV: one header row, twelve month columns beside Activités and Indicateurs
    header = row("Activités", "National", "Regional", *MONTHS, "Acteurs/Responsables", "Indicateurs", "Ressources")
    assert is_header_row(header)


def test_unknown_columns_are_tolerated_but_cannot_outvote():
    assert is_header_row(row("Activités", "Indicateurs", "Column 12", "Commentaires"))
    assert not is_header_row(row("Activités", "Commentaires", "Remarques", "Column 12", "Observations", "Notes"))


def test_one_known_field_or_no_activity_nor_indicator_is_no_header():
    assert not is_header_row(row("Activités", "Commentaires"))
    assert not is_header_row(row("Responsables", "Période", "Budget"))
    assert not is_header_row(row("Activités"))
    assert not is_header_row(row("Activités " * 20, "Indicateurs"))  # one short text only


def test_strict_refuses_a_data_row_whose_cells_start_like_headers():
    # "Activité 1.1 : …" is read as the activity field; under a header it stays a data row
    data = row("Activité 1.1 : former les moniteurs", "Rapport de formation", "Indicateur de suivi", "HCR", "UNICEF")
    assert is_header_row(row("Activités", "Indicateurs", "Remarques"), strict=True)
    assert not is_header_row(data, strict=True)


def _reference(cells, strict, namer):
    """The header test as first written: every text named, then counted."""
    texts = [c.value for c in cells if c.value]
    if sum(1 for t in texts if len(t) <= 90) < 2:
        return False
    names = [namer(t) for t in texts]
    main = {n for n in names if is_main(n)}
    unknown = sum(1 for n in names if n is None)
    if strict:
        return len(main) >= 2 and bool(main & {"activity", "indicator"}) and unknown * 2 <= len(main)
    return len(main) >= 2 and bool(main & {"activity", "indicator"}) and len(main) * 2 >= unknown


WORDS = ["Activités", "Indicateurs", "Responsables", "Période", "Commentaires", "Jan", "2020", "T1", "Cible",
         "Activité 1.1 : former", "12 rapports", "HCR", "Niveau", "Column 12", "Budget", "-", None, "Notes", "x"]


def test_the_early_stop_gives_the_same_answer_as_naming_every_cell():
    """The test stops as soon as the known fields cannot win, counting cached names first: whatever the
    cells and whatever is already cached, the answer is the one of naming every cell."""
    rng = random.Random(11)
    namer = Namer()  # one namer for all rows: its cache fills as rows go, as in a real walk
    for _ in range(3000):
        cells = row(*rng.choices(WORDS, k=rng.randint(0, 9)))
        for strict in (False, True):
            assert is_header_row(cells, strict=strict, namer=namer) == _reference(cells, strict, header_field), \
                [c.value for c in cells]


def test_subheader_rows_hold_only_sub_fields():
    assert is_subheader_row(row(None, None, "2020", None, "2021"))
    assert is_subheader_row(row(None, "T1", "T2", "T3", "T4"))
    assert not is_subheader_row(row(None, "Former", "T2"))
    assert not is_subheader_row(row("Activités", "Indicateurs"))  # main fields only: a header of its own


# --- Namer -----------------------------------------------------------------------------------------------------

def test_namer_takes_the_persons_mapping_first():
    options = ReadOptions(columns={"outcome": "objective", "column 12": "ignore", "activites": "indicator"})
    namer = Namer(options)
    assert namer("Outcome") == "objective"
    assert namer("Column 12") is None
    assert namer("Activités") == "indicator"  # the person's choice wins over the vocabulary
    assert namer("Indicateurs") == "indicator"  # not mapped: the vocabulary
    assert namer.cache["Outcome"] == "objective"
    assert Namer()("Activités") == "activity"


# --- header_at, build_layout -----------------------------------------------------------------------------------

def test_a_header_with_year_and_quarter_rows_below():
    plan = sheet(
        ["Plan 2020-2021"],
        ["Activités", "Indicateurs", "Période", None, None, None, "Commentaires"],
        [None, None, "2020", None, "2021", None],
        [None, None, "T1", "T2", "T1", "T2"],
        ["Former", "10 sessions", "x", None, None, "x"],
    )
    namer = Namer()
    assert header_at(plan, 0, namer) is None
    header = header_at(plan, 1, namer)
    assert len(header) == 3
    layout = build_layout(header, namer)
    assert layout.columns == {0: "activity", 1: "indicator", 2: "quarter:1", 3: "quarter:2", 4: "quarter:1",
                              5: "quarter:2"}
    assert layout.month_years == {2: 2020, 3: 2020, 4: 2021, 5: 2021}
    assert layout.unknown == ["Commentaires"]
    assert layout.first("activity") == 0 and layout.indexes("quarter:") == [2, 3, 4, 5]
    assert layout.at.activity == 0 and layout.at.ticks == [2, 3, 4, 5] and layout.at.lead is None


def test_a_quarter_header_gives_its_own_year():
    layout = build_layout([row("Activités", "Indicateurs", "T1 2019", "2020-T2", "Q3 2021")])
    assert [layout.columns[k] for k in (2, 3, 4)] == ["quarter:1", "quarter:2", "quarter:3"]
    assert layout.month_years == {2: 2019, 3: 2020, 4: 2021}


def test_the_header_row_a_person_gives_is_taken_without_a_test():
    plan = sheet(["Outcome", "Things to do"], ["Objectif 1", "Former"])
    namer = Namer()
    assert header_at(plan, 0, namer) is None
    assert header_at(plan, 0, namer, forced_row=1) == [plan.rows[0]]
    assert header_at(plan, 1, namer, forced_row=1) is None


def test_a_code_column_beside_the_title_column_of_the_same_level():
    header = [row("N°", "Activité", "Activités", "Indicateurs")]
    layout = build_layout(header)
    assert layout.columns == {0: "code", 1: "activity", 2: "activity", 3: "indicator"}
    data = [row("A1.1", "1.1.1", "Former les moniteurs", "10"), row("A1.2", "1.1.2", "Suivre", "3")]
    assert layout.at.activity == 1
    resolve_code_columns(layout, data)
    assert layout.columns == {0: "code", 1: "code", 2: "activity", 3: "indicator"}
    assert layout.at.activity == 2  # the look-ups were refreshed


# --- sheets, title, candidates ---------------------------------------------------------------------------------

def test_choose_sheets():
    sheets = [sheet(["a"], title="Couverture"), sheet(["b"], title="Plan")]
    assert choose_sheets(sheets, ReadOptions()) == sheets
    assert choose_sheets(sheets, ReadOptions(sheet="Plan")) == [sheets[1]]
    with translation.override("en"), pytest.raises(WorkplanImportError) as error:
        choose_sheets(sheets, ReadOptions(sheet="Budget"))
    assert "Budget" in str(error.value) and "Couverture, Plan" in str(error.value)


def test_title_years_from_the_first_text_above_the_header():
    assert title_years([sheet(["Plan de travail 2020-2022"], ["Activités", "Indicateurs"])]) == [2020, 2022]
    assert title_years([sheet(["Activités 2020", "Indicateurs"], ["Plan 2021"])]) == [2021]  # a header is no title
    assert title_years([sheet(["Couverture"]), sheet([None, "Plan 2019"])]) == [2019]
    assert title_years([sheet(["Plan"])]) == []


def test_candidate_columns_when_no_header_is_recognised():
    plan = sheet(["Plan"], ["Outcome", "Things to do", "Who", "When"], ["Protéger", "Former", "HCR", "2021"])
    columns = candidate_columns([plan])
    assert [c["label"] for c in columns] == ["Outcome", "Things to do", "Who", "When"]
    assert columns[0]["header_row"] == 2 and columns[0]["samples"] == ["Protéger"]
    assert [c["field"] for c in columns] == ["objective", None, None, None]


@pytest.mark.parametrize("texts", list(itertools.permutations(["Activités", "Indicateurs", "Commentaires"])))
def test_the_order_of_the_cells_does_not_matter(texts):
    assert is_header_row(row(*texts)) and is_header_row(row(*texts), strict=True, namer=Namer())
    assert not is_header_row(row(*texts, "Remarques"), strict=True, namer=Namer())  # 2 unknown for 2 known
