"""Reading values: indicator kinds and targets, periods → quarters, actors and role notes, headers."""

from decimal import Decimal

import pytest

from imports.layout import classify, header_field
from imports.values import indicator_kind, parse_period, split_actors


@pytest.mark.parametrize("text, kind, target", [
    ("# de moniteurs et de points focaux mis en place", "number", None),
    ("36 rapports mensuels de monitoring de protection partagés", "number", Decimal("36")),
    ("1 note méthodologique", "number", Decimal("1")),
    ("3 cartographies des services de protection", "number", Decimal("3")),
    ("80% de survivantes de VSG", "percent", Decimal("80")),
    ("Protection est financée à X%", "percent", None),
    ("% des documents renvoyés pour révision", "percent", None),
    ("Un forum est organisé annuellement (O/N)", "yes_no", None),
    ("Cartographie des acteurs (5W) au niveau national", "text", None),
    ("Nombre de réseaux communautaires mis en place", "number", None),
    ("1-3 réunions de travail", "number", Decimal("3")),
])
def test_indicator_kind(text, kind, target):
    assert indicator_kind(text)[:2] == (kind, target)


@pytest.mark.parametrize("text, year, quarters, continuous", [
    ("Janvier 2020", None, [(2020, 1)], False),
    ("Août 2019 à janvier 2020", None, [(2019, 3), (2019, 4), (2020, 1)], False),
    ("En continu", None, [], True),
    ("Q3-Q4", 2020, [(2020, 3), (2020, 4)], False),
    ("Q3Q4", 2020, [(2020, 3), (2020, 4)], False),
    ("T1", 2021, [(2021, 1)], False),
    ("Q2-Q4", 2020, [(2020, 2), (2020, 3), (2020, 4)], False),
    ("2021-Q2", None, [(2021, 2)], False),
    ("-", 2020, [], False),
])
def test_periods(text, year, quarters, continuous):
    parsed, cont, understood = parse_period(text, year)
    assert understood and parsed == quarters and cont == continuous


def test_twelve_quarters_and_unknown_text():
    assert len(parse_period("Janvier 2020 à décembre 2022")[0]) == 12
    assert parse_period("quand ce sera possible")[2] is False
    assert parse_period("Q3")[2] is False  # no year anywhere: not guessed


def test_actors_split_and_notes():
    assert split_actors("HCR/UNICEF/UNFPA (Chefs de file) & OCHA (Coordination)") == [
        ("HCR", ""), ("UNICEF", ""), ("UNFPA", "Chefs de file"), ("OCHA", "Coordination")]
    assert split_actors("ONAR, HCR et OIM") == [("ONAR", ""), ("HCR", ""), ("OIM", "")]
    assert split_actors("HCR et son/ses partenaires") == [("HCR", ""), ("son/ses partenaires", "")]
    assert split_actors("Comité de rédaction (ONAR/ONCHR/HCR)") == [("Comité de rédaction", "ONAR/ONCHR/HCR")]
    assert split_actors("-") == []


@pytest.mark.parametrize("text, field", [
    ("Activités", "activity"), ("ACTIVITES", "activity"), ("Activities", "activity"),
    ("Indicateurs planifiés ¹", "indicator"), ("INDICATEURS DE PROGRES", "indicator"), ("Indicators", "indicator"),
    ("Responsables de mise en œuvre", "lead"), ("MEMBRES DE EHP EN CHARGE (LEAD)", "lead"), ("Lead", "lead"),
    ("AUTRES ACTEURS (+ EXPERTISE EXT.)", "other"), ("Other actors", "other"),
    ("Moyen de vérification", "mov"), ("Means of verification", "mov"),
    ("Période d'exécution", "period"), ("Timeframe", "period"),
    ("Résultats attendus", "result"), ("Expected results", "result"), ("OBJECTIFS", "objective"),
    ("Niveau", "level"), ("National", "level:national"), ("Ressources", "resources"), ("Budget", "resources"),
    ("2020", "year:2020"), ("T3", "quarter:3"), ("Août", "month:8"), ("Déc", "month:12"), ("Commentaires", None),
])
def test_header_names(text, field):
    assert header_field(text) == field


@pytest.mark.parametrize("text, level, code", [
    ("Objectif 1 Fournir une analyse", "objective", "1"),
    ("2. Renforcer et promouvoir", "objective", "2"),
    ("AXE PRIORITAIRE 1: PRÉVENIR", "axis", "AXE 1"),
    ("Objectif général: Contribuer", "general", "OG"),
    ("1.1 Un système inter-agences", "result", "1.1"),
    ("¹ Les indicateurs doivent être collectés", "note", ""),
    ("En rouge, les éléments", "note", ""),
])
def test_rows_spanning_the_table(text, level, code):
    assert classify(text)[:2] == (level, code)
