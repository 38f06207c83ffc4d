"""The three shared workbooks, end to end: the coordinator's counts and spot checks."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from imports.parsing import parse_file
from imports.services import workplan_import_commit
from indicators.models import Indicator
from workplans.models import Activity, Objective, Workplan

WORKBOOKS = Path(settings.BASE_DIR) / "fixtures" / "workplans"


def parse(stem):
    path = WORKBOOKS / f"{stem}.xlsx"
    return parse_file(path.read_bytes(), path.name)


@pytest.mark.parametrize(
    "stem, objectives, above, results, activities, indicators",
    [
        ("plan-de-travail-2019", 5, 0, 0, 23, 23),
        ("plan-mise-en-oeuvre-cp-2020-2022", 4, 1, 15, 34, 34),
        ("strategie-protection-ehp-2020-2022", 7, 3, 0, 25, 54),
    ],
)
def test_counts_match_the_coordinators(stem, objectives, above, results, activities, indicators):
    counts = parse(stem).counts()
    assert counts["objectives"] == objectives
    assert counts["axes"] + counts["general"] == above
    assert (counts["results"], counts["activities"], counts["indicators"]) == (results, activities, indicators)


def find(plan, start):
    return next(a for a in plan.all_activities() if a.title.startswith(start))


def test_2019_months_ticks_levels_and_actors():
    plan = parse("plan-de-travail-2019")
    assert (plan.start, plan.end) == ((2019, 1), (2019, 4))
    first = find(plan, "La collecte, la vérification")
    assert first.quarters == [(2019, 1), (2019, 2), (2019, 3), (2019, 4)]
    assert first.months[0] == "2019-01" and len(first.months) == 12
    assert first.level == "local"
    assert [a.name for a in first.actors][:4] == ["COORD", "OIFAM", "COOR", "HCR"]
    abuja = find(plan, "Préparation et participation")
    assert abuja.quarters == [(2019, 1)] and abuja.months == ["2019-03"]
    kampala = find(plan, "Transposition de la Convention")
    assert kampala.actors[0].name == "Comité de rédaction" and kampala.actors[0].note == "ONAR/ONCHR/HCR"
    survivors = find(plan, "Prise en charge multisecteurielle")
    assert (survivors.indicators[0].kind, survivors.indicators[0].target) == ("percent", Decimal("80"))
    sessions = find(plan, "Sensibilisation pour la prévention")
    assert (sessions.indicators[0].kind, sessions.indicators[0].target) == ("number", Decimal("24"))
    assert [o.code for o in plan.objectives] == ["1", "2", "3", "4", "5"]


def test_2020_plan_results_periods_and_pairing():
    plan = parse("plan-mise-en-oeuvre-cp-2020-2022")
    general = plan.objectives[0]
    assert general.level == "general" and general.code == "OG"
    assert [o.code for o in general.objectives] == ["1", "2", "3", "4"]
    assert [r.code for r in general.objectives[0].results] == ["1.1", "1.2", "1.3", "1.4"]
    harmonisation = find(plan, "Harmonisation de la méthodologie")
    assert harmonisation.quarters == [(2019, 3), (2019, 4), (2020, 1)]
    assert harmonisation.period_text == "Août 2019 à janvier 2020"
    assert [(i.kind, i.target) for i in harmonisation.indicators] == [
        ("number", Decimal("1")), ("number", Decimal("1")), ("number", Decimal("3"))]
    flash = find(plan, "Production de rapport flash")
    assert len(flash.quarters) == 12 and flash.indicators[0].kind == "number" and flash.indicators[0].target is None
    continuous = find(plan, "Harmonisation entre les données")
    assert continuous.quarters[0] == (2020, 1) and len(continuous.quarters) == 12
    # three activities paired with three lines of responsibles and periods
    imo = find(plan, "Recrutement d'un IMO")
    assert [a.name for a in imo.actors] == ["CP"] and imo.indicators[0].target == Decimal("1")
    # two activities and one indicator: kept at the result, flagged with sheet and row
    assert any(w.row == 7 and "Indicateurs" in w.column for w in plan.warnings)
    assert len(general.objectives[0].results[0].indicators) == 1
    funded = find(plan, "Présentation régulière")
    assert funded.indicators[0].kind == "percent"
    assert plan.notes and plan.notes[0].startswith("¹")


def test_ehp_axes_year_columns_and_roles():
    plan = parse("strategie-protection-ehp-2020-2022")
    assert [o.code for o in plan.objectives] == ["AXE 1", "AXE 2", "AXE 3"]
    assert [len(o.objectives) for o in plan.objectives] == [3, 2, 2]
    first = find(plan, "L'EHP inscrit la protection")
    assert first.quarters[:2] == [(2020, 3), (2020, 4)] and first.quarters[-1] == (2022, 4) and len(first.quarters) == 10
    assert first.period_text.startswith("2020 : Q3-Q4")
    roles = {(a.name, a.role, a.note) for a in first.actors}
    assert ("OCHA", "lead", "Secrétariat") in roles and ("HCR", "lead", "") in roles
    assert any(a.role == "support" for a in first.actors)
    second = find(plan, "L'EHP reçoit régulièrement")
    assert ("HCR", "lead", "Chef de File") in {(a.name, a.role, a.note) for a in second.actors}
    forum = find(plan, "Formalisation d'un dialogue")
    assert forum.quarters[:2] == [(2020, 3), (2020, 4)] and forum.indicators[0].kind == "yes_no"
    red_thread = find(plan, "Un \"fil rouge\"")
    assert red_thread.quarters[0] == (2021, 1)  # nothing in 2020: a blank year is not filled down
    assert plan.notes == [n for n in plan.notes if n.startswith("En rouge")]


def test_saving_the_three_workbooks_and_again_changes_nothing(db, cluster, django_assert_max_num_queries):
    for stem in ["plan-de-travail-2019", "plan-mise-en-oeuvre-cp-2020-2022", "strategie-protection-ehp-2020-2022"]:
        workplan_import_commit(parse(stem), slug=stem)
    assert Activity.objects.count() == 23 + 34 + 25
    assert Indicator.objects.count() == 23 + 34 + 54
    ehp = Workplan.objects.get(slug="strategie-protection-ehp-2020-2022")
    assert Objective.objects.filter(workplan=ehp, parent__isnull=True).count() == 3
    before = sorted(Activity.objects.values_list("id", "updated_at"))
    summary = workplan_import_commit(parse("strategie-protection-ehp-2020-2022"), slug="strategie-protection-ehp-2020-2022")
    assert not summary.changed
    assert sorted(Activity.objects.values_list("id", "updated_at")) == before
