"""An indicator has exactly one owner (activity, result or objective): the database says so."""

import pytest
from django.db import IntegrityError, transaction

from indicators.models import Indicator
from workplans.models import Activity, ExpectedResult, Objective, Workplan


@pytest.fixture
def tree(db, cluster):
    workplan = Workplan.objects.create(title="P", slug="p", cluster=cluster)
    objective = Objective.objects.create(workplan=workplan, code="1", title="O")
    result = ExpectedResult.objects.create(objective=objective, code="1.1", title="R")
    activity = Activity.objects.create(workplan=workplan, objective=objective, result=result, code="1.1.1", title="A")
    return workplan, objective, result, activity


@pytest.mark.parametrize("owners", [("activity",), ("result",), ("objective",)])
def test_one_owner_is_accepted(tree, owners):
    workplan, objective, result, activity = tree
    values = {"activity": activity, "result": result, "objective": objective}
    Indicator.objects.create(workplan=workplan, text="I", **{name: values[name] for name in owners})
    assert Indicator.objects.count() == 1


@pytest.mark.parametrize("owners", [(), ("activity", "result"), ("result", "objective"), ("activity", "result", "objective")])
def test_none_or_two_owners_are_refused_by_the_database(tree, owners):
    workplan, objective, result, activity = tree
    values = {"activity": activity, "result": result, "objective": objective}
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(workplan=workplan, text="I", **{name: values[name] for name in owners})
