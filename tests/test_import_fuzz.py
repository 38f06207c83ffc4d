"""Property test: whatever the cells hold, the parser answers a tree or a WorkplanImportError."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.layout import parse_sheets
from imports.parsing import WorkplanImportError, parse_file
from imports.readers import Cell, Sheet

WORDS = [
    "Activités", "Indicateurs", "Responsables", "Autres acteurs", "Période", "2020", "2021", "T1", "Q3-Q4", "Q3Q4",
    "Jan", "Déc", "X", "x", "-", "Objectif 1 :", "AXE PRIORITAIRE 2:", "1.1", "Objectif général:", "# de", "36 rapports",
    "80%", "(O/N)", "HCR (Chef de File) & OCHA", "son/ses", "En continu", "Janvier 2020 à décembre 2022", "¹ Note",
    "Résultats attendus", "Moyen de vérification", "Cible", "Type d'indicateur", "number", "Trimestres", "2020-Q3",
    "Mois", "2019-13", "=1+1", "'=A1", "((", ")", "/", ",", "\n", " ", "1-3", "99999999999999999999", "0", "Niveau",
    "National", "Regional", "Lead", "Activities", "Indicators", "Timeframe", "Q9", "T0", "1e400", "NaN", "inf",
]
text = st.one_of(
    st.none(),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join),
    st.text(max_size=30),
)
row = st.lists(st.builds(Cell, text, st.booleans()), max_size=10)
sheet = st.builds(lambda title, rows: Sheet(title=title, rows=rows, row_numbers=list(range(1, len(rows) + 1))),
                  st.text(max_size=12), st.lists(row, max_size=14))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sheet, min_size=1, max_size=3))
def test_random_cells_never_crash_the_parser(sheets):
    for s in sheets:
        for r in s.rows:
            for c in r:
                c.value = c.value.strip() or None if c.value is not None else None
    try:
        plan = parse_sheets(sheets, "fuzz.xlsx")
    except WorkplanImportError as error:
        assert str(error)
        return
    counts = plan.counts()
    assert all(value >= 0 for value in counts.values())
    for activity in plan.all_activities():
        assert all(1 <= q <= 4 for _y, q in activity.quarters)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash_the_readers(data):
    for name in ("plan.csv", "plan.xlsx", "plan.docx"):
        try:
            parse_file(data, name)
        except WorkplanImportError as error:
            assert str(error)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS + [""]), max_size=8), max_size=12), st.sampled_from([";", ","]))
def test_random_csv_never_crashes(rows, delimiter):
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    try:
        parse_file(out.getvalue().encode("cp1252", "replace"), "plan.csv")
    except WorkplanImportError as error:
        assert str(error)
