"""Model behaviour: ordering, quarter maths, alias matching."""

import datetime

import pytest

from workplans.models import Activity, Actor, ActorAlias, Objective, Quarter, SubCluster, Workplan
from workplans.text import normalize_name


class TestQuarter:
    def test_dates_of_each_quarter(self, db):
        q1 = Quarter.objects.create(year=2020, number=1)
        q4 = Quarter.objects.create(year=2020, number=4)
        assert (q1.start_date, q1.end_date) == (datetime.date(2020, 1, 1), datetime.date(2020, 3, 31))
        assert (q4.start_date, q4.end_date) == (datetime.date(2020, 10, 1), datetime.date(2020, 12, 31))
        q3 = Quarter.objects.create(year=2021, number=3)
        assert q3.end_date == datetime.date(2021, 9, 30)
        assert q3.months == [7, 8, 9]

    def test_code_and_french_label(self, db):
        quarter = Quarter.objects.create(year=2020, number=3)
        assert str(quarter) == quarter.code == "2020-Q3"
        from django.utils import translation

        with translation.override("fr"):
            assert str(quarter.label) == "T3 2020"
        with translation.override("en"):
            assert str(quarter.label) == "Q3 2020"

    def test_ensure_range_crosses_years_and_is_idempotent(self, db):
        quarters = Quarter.objects.ensure_range((2019, 3), (2020, 1))
        assert [q.code for q in quarters] == ["2019-Q3", "2019-Q4", "2020-Q1"]
        again = Quarter.objects.ensure_range((2019, 4), (2020, 2))
        assert [q.code for q in again] == ["2019-Q4", "2020-Q1", "2020-Q2"]
        assert Quarter.objects.count() == 4

    def test_ordering_is_chronological(self, db):
        Quarter.objects.ensure_range((2021, 1), (2021, 2))
        Quarter.objects.ensure_range((2020, 3), (2020, 4))
        assert [q.code for q in Quarter.objects.all()] == ["2020-Q3", "2020-Q4", "2021-Q1", "2021-Q2"]

    @pytest.mark.parametrize(
        "text,expected",
        [("2021-Q2", (2021, 2)), ("2021q2", (2021, 2)), ("2020-T4", (2020, 4)), ("2021-Q5", None), ("", None), ("Q2", None)],
    )
    def test_parse_code(self, text, expected):
        assert Quarter.parse_code(text) == expected

    def test_pair_for_date(self):
        assert Quarter.pair_for_date(datetime.date(2020, 8, 15)) == (2020, 3)
        assert Quarter.pair_for_date(datetime.date(2020, 12, 31)) == (2020, 4)

    def test_has_ended(self, db):
        quarter = Quarter.objects.create(year=2020, number=1)
        assert quarter.has_ended(datetime.date(2020, 4, 1))
        assert not quarter.has_ended(datetime.date(2020, 3, 31))


class TestAliases:
    def test_normalize_ignores_case_accents_spaces_and_hyphens(self):
        assert normalize_name("GT-LAMH") == normalize_name("gt lamh") == normalize_name("Gt–Lamh ") == "gtlamh"
        assert normalize_name("GT cohésion sociale") == normalize_name("gt COHESION-sociale")

    @pytest.mark.parametrize(
        "spelling,code",
        [
            ("GT-LHAM", "GT-LAMH"), ("GTLHAM", "GT-LAMH"), ("LHAM", "GT-LAMH"), ("gt-lamh", "GT-LAMH"),
            ("SGBV", "SCVBG"), ("sous cluster VSG", "SCVBG"), ("Sous-Cluster VSG", "SCVBG"),
            ("GT cohésion sociale", "GT-CS"), ("CT cohesion sociale", "GT-CS"),
            ("GT documentation civile", "GT-DOC"), ("scpe", "SCPE"),
        ],
    )
    def test_seed_spellings_find_their_subcluster(self, db, spelling, code):
        assert SubCluster.objects.match(spelling).code == code

    def test_unknown_name_matches_nothing(self, db):
        assert SubCluster.objects.match("Cluster Santé") is None
        assert SubCluster.objects.match("") is None

    def test_actor_alias_is_data(self, db):
        actor = Actor.objects.create(acronym="TDA", name="Tassaght Développement")
        ActorAlias.objects.create(actor=actor, name="Tassaght")
        assert Actor.objects.match("tassaght") == actor
        assert Actor.objects.match("T.D.A.") == actor
        # issue 12: the reference list ships HCR with its aliases
        assert Actor.objects.match("unhcr") == Actor.objects.match("H.C.R.") == Actor.objects.get(acronym="HCR")
        # The seeded sub-clusters are actors too.
        assert Actor.objects.match("sous cluster VSG").subcluster.code == "SCVBG"


class TestOrdering:
    def test_objectives_and_activities_follow_order_not_insertion(self, db, cluster):
        workplan = Workplan.objects.create(title="P", slug="p", cluster=cluster)
        second = Objective.objects.create(workplan=workplan, code="2", title="Deux", order=2)
        first = Objective.objects.create(workplan=workplan, code="1", title="Un", order=1)
        assert list(workplan.objectives.all()) == [first, second]
        b = Activity.objects.create(workplan=workplan, objective=first, title="B", order=2)
        a = Activity.objects.create(workplan=workplan, objective=first, title="A", order=1)
        assert list(first.activities.all()) == [a, b]

    def test_workplans_newest_first(self, db, cluster):
        old = Workplan.objects.create(title="Old", slug="old", cluster=cluster, start_date=datetime.date(2019, 1, 1))
        new = Workplan.objects.create(title="New", slug="new", cluster=cluster, start_date=datetime.date(2020, 1, 1))
        assert list(Workplan.objects.filter(pk__in=[old.pk, new.pk])) == [new, old]

    def test_workplan_quarters_span_its_dates(self, db, cluster):
        workplan = Workplan.objects.create(
            title="P", slug="p", cluster=cluster, start_date=datetime.date(2019, 8, 1), end_date=datetime.date(2020, 1, 31)
        )
        assert [q.code for q in workplan.quarters()] == ["2019-Q3", "2019-Q4", "2020-Q1"]


class TestActivityQueries:
    def test_for_subcluster_through_its_actor(self, plan):
        scvbg = SubCluster.objects.get(code="SCVBG")
        first, second = plan.activities
        second.actor_links.create(actor=Actor.objects.get(acronym="SCVBG"))
        assert list(Activity.objects.for_subcluster(scvbg)) == [second]

    def test_in_quarter(self, plan):
        q1 = plan.quarters[0]
        assert list(Activity.objects.in_quarter(q1)) == [plan.activities[0]]
