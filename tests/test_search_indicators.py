"""Issue 13: the activity search (``q``) finds an activity by its own words or by its active
indicators' texts, accents and case ignored, and follows every way an indicator changes:
create, edit its text, move to another activity, delete, archive (and the import)."""

import datetime

import pytest
from django.urls import reverse

from indicators.models import Indicator
from workplans.models import Activity


def found(words):
    return set(Activity.objects.search(words).values_list("pk", flat=True))


@pytest.fixture
def acts(plan):
    return plan.activities[0], plan.activities[1]


def test_own_words_accents_and_case(acts):
    first, _second = acts
    first.title = "Évaluation des écoles"
    first.save()
    assert found("evaluation ECOLES") == {first.pk}
    assert found("évaluation") == {first.pk}


def test_create(plan, acts):
    first, _second = acts
    assert found("scolarisés") == set()
    Indicator.objects.create(workplan=plan.workplan, activity=first, text="Nombre d'enfants Scolarisés")
    assert found("scolarises") == {first.pk}
    assert found("ENFANTS scolarisés") == {first.pk}


def test_edit_the_text(plan, acts):
    first, _second = acts
    indicator = Indicator.objects.create(workplan=plan.workplan, activity=first, text="# de comités")
    assert found("comites") == {first.pk}
    indicator.text = "# de réunions"
    indicator.save()
    assert found("comites") == set() and found("reunions") == {first.pk}
    Indicator.objects.filter(pk=indicator.pk).update(text="# de visites")  # even a bulk write (the import's)
    assert found("reunions") == set() and found("visites") == {first.pk}


def test_move_to_another_activity(plan, acts):
    first, second = acts
    indicator = Indicator.objects.create(workplan=plan.workplan, activity=first, text="# de kits distribués")
    assert found("kits") == {first.pk}
    indicator.activity = second
    indicator.save()
    assert found("kits") == {second.pk}


def test_delete(plan, acts):
    first, _second = acts
    indicator = Indicator.objects.create(workplan=plan.workplan, activity=first, text="# de formations")
    assert found("formations") == {first.pk}
    indicator.delete()
    assert found("formations") == set()


def test_archive_and_restore(plan, acts):
    first, _second = acts
    indicator = Indicator.objects.create(workplan=plan.workplan, activity=first, text="# de plaidoyers")
    indicator.archived_at = datetime.datetime(2021, 1, 1, tzinfo=datetime.timezone.utc)
    indicator.save()
    assert found("plaidoyers") == set()
    Indicator.objects.filter(pk=indicator.pk).update(archived_at=None)
    assert found("plaidoyers") == {first.pk}


def test_every_word_must_match_somewhere(plan, acts):
    first, second = acts
    Indicator.objects.create(workplan=plan.workplan, activity=first, text="# de kits")
    Indicator.objects.create(workplan=plan.workplan, activity=second, text="# de bâches")
    assert found("monitoring kits") == {first.pk}  # one word in the title, one in an indicator
    assert found("kits baches") == set()
    assert found("100%") == set()  # LIKE wildcards are plain characters


def test_the_activity_list_filter_uses_it(client_for, users, plan, acts):
    first, _second = acts
    Indicator.objects.create(workplan=plan.workplan, activity=first, text="Taux de référencement")
    response = client_for(users.member).get(reverse("reports:activity_list"), {"q": "referencement"})
    assert [a.pk for a in response.context["activities"]] == [first.pk]
