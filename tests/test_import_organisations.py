"""Issue 12: what the three seed workbooks put in — organisations, sub-clusters, indicator rules."""

import pytest
from django.urls import reverse

from imports.actors import split_organisations
from imports.demo import demo_workplans_load
from indicators.models import Indicator
from workplans.models import Activity, Actor

pytestmark = pytest.mark.django_db

FRAGMENTS = [
    "Q3", "membres lead pour la", "l'analyse de données de protection", "son/ses partenaires du monitoring de protection",
    "Acteurs impliqués dans la collecte", "coordinateur du cluster", "Membres du cluster", "coordonnateur",
    "Coordonnateurs lead pour élaborer les messages", "acteurs étatiques", "autorités étatiques locales",
    "clusters régionaux", "Comité de rédaction", "Tout EHP", "PoC MINUSMA", "DH", "ONG", "Sous Clusters Protection",
]
GLUED = [
    "UNCT MINUSMA", "COOR OIFAM", "ICC Bailleurs", "Cluster Protection ICC CALP Bailleurs",
    "Coordination Cluster Protection JIPS", "Coordination Cluster Protection UNDP",
    "UNCT Bureaux Régionaux des Agences OCHA ROWCA", "ONG membres du sous cluster VSG",
    "Agences Chefs de file des Clusters FONGIM",
]
# bodies written in running text: never actors of their own, always the sub-cluster's actor
SPELLINGS = ["GT documentation civile", "CT cohésion sociale", "GT cohésion sociale", "LHAM", "GT-LHAM", "GTLHAM", "SGBV"]


@pytest.fixture
def seeds(db):
    return demo_workplans_load()


def linked_actors():
    return {a.acronym: a for a in Actor.objects.filter(activity_links__isnull=False).distinct()}


def test_the_organisation_list_holds_no_fragment_and_no_glued_names(seeds):
    names = set(linked_actors())
    for bad in FRAGMENTS + GLUED + SPELLINGS:
        assert bad not in names, bad
    assert not Actor.objects.filter(acronym__in=FRAGMENTS + GLUED + SPELLINGS).exists()
    # what the plans name that the reference list does not know: acronyms only, proposed as new
    new = {a.acronym for a in linked_actors().values() if not a.name}
    assert new == {"AFSEJIA", "Brexit protection", "CRT", "CT-Outils", "HSL", "OIFAM", "ONAR"}
    assert len(names) == 36


def test_known_organisations_have_their_kind_and_full_names(seeds):
    actors = linked_actors()
    kinds = {
        "OCHA": "un_agency", "UNICEF": "un_agency", "UNFPA": "un_agency", "UNDP": "un_agency", "OIM": "un_agency",
        "MINUSMA": "un_agency", "HCR": "un_agency", "UNCT": "un_agency", "HCDH": "un_agency", "CRS": "ngo",
        "IR": "ngo", "FONGIM": "ngo", "IDMC": "ngo", "PTF": "donor", "Gouvernement": "government", "EHP": "cluster_body",
        "ICC": "cluster_body", "CP": "cluster_body", "SCVBG": "cluster_body",
    }
    for acronym, kind in kinds.items():
        assert actors[acronym].kind == kind, acronym
    assert actors["OIM"].name == "Organisation internationale pour les migrations"
    assert actors["OIM"].name_en == "International Organization for Migration"
    assert Actor.objects.match("IOM") == actors["OIM"] and Actor.objects.match("UNHCR") == actors["HCR"]
    assert Actor.objects.match("ACNUR") == actors["HCR"] and Actor.objects.match("WFP").acronym == "PAM"
    assert Actor.objects.get(acronym="CICR").kind == "red_cross"


def test_role_notes_keep_the_rest_of_a_phrase(seeds):
    links = {(link.actor.acronym, link.role_note) for a in Activity.objects.all() for link in a.actor_links.select_related("actor")}
    assert ("SCVBG", "ONG membres") in links
    assert ("HCR", "son/ses partenaires du monitoring de protection") in links
    assert ("MINUSMA", "PoC") in links and ("MINUSMA", "DH") in links
    assert ("UNCT", "Bureaux Régionaux des Agences") in links


@pytest.mark.parametrize("code, count", [("SCVBG", 15), ("GT-LAMH", 9), ("GT-CS", 7), ("GT-DOC", 4)])
def test_each_subcluster_finds_all_the_activities_the_plans_give_it(seeds, users, client_for, code, count):
    # counted by reading the workbooks' cells (one line per activity where a cell has one per activity):
    # SCVBG 4 (2019, "ONG membres du sous cluster VSG") + 11 (2020-2022); GT-LAMH 9, GT-CS 7, GT-DOC 4 (2020-2022)
    assert Activity.objects.filter(actor_links__actor__subcluster__code=code).distinct().count() == count
    response = client_for(users.administrator).get(reverse("reports:activity_list"), {"subcluster": code})
    assert response.status_code == 200
    assert response.context["total"] == count
    for alias in {"SCVBG": ["SGBV", "sous cluster VSG"], "GT-LAMH": ["GT-LHAM", "LHAM"], "GT-CS": ["CT cohésion sociale"],
                  "GT-DOC": ["GT documentation civile"]}[code]:
        response = client_for(users.administrator).get(reverse("reports:activity_list"), {"subcluster": alias})
        assert response.context["total"] == count


def test_every_indicator_has_an_activity_with_organisations(seeds):
    for indicator in Indicator.objects.all():
        assert indicator.activity_id, indicator.text
        assert indicator.activity.actor_links.exists(), indicator.text


def _indicator(start):
    return Indicator.objects.get(text__startswith=start)


def test_disaggregation_read_from_the_wording_and_the_plan_note(seeds):
    monitors = _indicator("# de moniteurs et de points focaux mis en place, désagrégés par genre et par cercle")
    assert (monitors.disaggregate_sex, monitors.disaggregate_cercle) == (True, True)
    sessions = _indicator("# de personnes ayant participé aux séances de sensibilisation (désagrégé par sexe")
    assert (sessions.disaggregate_sex, sessions.disaggregate_cercle) == (True, True)
    # the 2020-2022 plan's footnote: by sex, age and cercle for the indicators counting people
    assert sessions.disaggregate_age and monitors.disaggregate_age
    by_place = _indicator("# de séances de sensibilisation (par thématique et par cercle)")
    assert (by_place.disaggregate_sex, by_place.disaggregate_cercle) == (False, True)  # not people: sex only proposed
    report = _indicator("# de rapport d'évaluation rapide de protection")
    assert not (report.disaggregate_sex or report.disaggregate_age or report.disaggregate_cercle)
    # the 2019 plan has no such note: people counted, nothing asked
    touched = _indicator("Nombre de personnes touchées par la sensibilisation")
    assert not (touched.disaggregate_sex or touched.disaggregate_age or touched.disaggregate_cercle)


@pytest.mark.parametrize("start, aggregation", [
    ("36 rapports mensuels de monitoring de protection partagés", "sum"),
    ("# de réunions EHP ad hoc protection", "sum"),
    ("Nombre de personnes touchées", "sum"),
    ("# de comité de protection mis en place et opérationnels", "latest"),
    ("Mécanismes de coordination de protection opérationnels", "latest"),
    ("# de points focaux sur la protection transversale actifs", "latest"),
    ("% de notes de protection thématiques", "latest"),
    ("80% de survivantes de VSG", "latest"),
    ("1 note méthodologique expliquant", "once"),
    ("1 IMO recruté", "once"),
    ("Un guide opérationnel contextualisé Mali est disponible", "once"),
    ("Une stratégie commune est élaborée", "once"),
])
def test_aggregation_inferred_for_each_kind(seeds, start, aggregation):
    assert _indicator(start).aggregation == aggregation


def test_a_single_deliverable_counts_once():
    indicator = Indicator(kind=Indicator.Kind.NUMBER, aggregation=Indicator.Aggregation.ONCE, target=1)
    achieved = indicator.achieved({1: 1, 2: 1, 3: 1})
    assert achieved == 1 and indicator.percent_achieved(achieved) == 100


@pytest.mark.parametrize("text, expected", [
    ("UNCT MINUSMA", [("UNCT", ""), ("MINUSMA", "")]),
    ("les ONG membres du sous cluster VSG", [("SCVBG", "ONG membres")]),
    ("HCR et ses partenaires du monitoring", [("HCR", "partenaires du monitoring")]),
    ("Q3", []),
    ("de la, et", []),
    ("IOM / WFP", [("OIM", ""), ("PAM", "")]),
    ("GT-CS et acteurs étatiques", [("GT-CS", ""), ("Gouvernement", "")]),
    ("MSF", [("MSF", "")]),
])
def test_split_organisations(text, expected):
    assert split_organisations(text) == expected
