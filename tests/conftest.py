"""Shared fixtures: the four roles every view is tested against, and small plans."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from workplans.models import Activity, ActivityActor, Actor, Cluster, ExpectedResult, Objective, Profile, Quarter, Workplan
from workplans.permissions import ADMINISTRATORS, COORDINATORS, MEMBERS

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder; a fast password hasher for tests."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cluster(db):
    return Cluster.objects.get(code="CP-MLI")


@pytest.fixture
def hcr(db):
    return Actor.objects.get_or_create(acronym="HCR", defaults={"kind": Actor.Kind.UN_AGENCY})[0]


@pytest.fixture
def nrc(db):
    return Actor.objects.get_or_create(acronym="NRC", defaults={"kind": Actor.Kind.NGO})[0]


def _user(username, group=None, superuser=False, **profile):
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_superuser=superuser, is_staff=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    Profile.objects.create(user=user, **profile)
    return user


@pytest.fixture
def users(db, cluster, hcr, nrc):
    """An administrator, a coordinator (of the cluster), a member (of HCR) and an outsider (NRC member)."""
    return SimpleNamespace(
        administrator=_user("administrator", ADMINISTRATORS, superuser=True),
        coordinator=_user("coord", COORDINATORS, cluster=cluster),
        member=_user("hcr-member", MEMBERS, organisation=hcr),
        outsider=_user("nrc-member", MEMBERS, organisation=nrc),
    )


@pytest.fixture
def client_for(client):
    """``client_for(user)``: a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def plan(db, cluster, hcr):
    """A small workplan: one objective, one result, two activities (HCR leads the first) over 2020."""
    workplan = Workplan.objects.create(
        title="Plan test", slug="plan-test", cluster=cluster,
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2020, 12, 31),
    )
    objective = Objective.objects.create(workplan=workplan, code="1", title="Objectif un", order=1)
    result = ExpectedResult.objects.create(objective=objective, code="1.1", title="Résultat un", order=1)
    quarters = Quarter.objects.ensure_range((2020, 1), (2020, 4))
    first = Activity.objects.create(workplan=workplan, objective=objective, result=result, code="1.1.1",
                                    title="Monitoring de protection", order=1)
    first.quarters.set(quarters)
    ActivityActor.objects.create(activity=first, actor=hcr, role=ActivityActor.Role.LEAD)
    second = Activity.objects.create(workplan=workplan, objective=objective, code="1.2", title="Sensibilisation", order=2)
    second.quarters.set(quarters[2:])
    return SimpleNamespace(workplan=workplan, objective=objective, result=result, activities=[first, second],
                           quarters=quarters)


# --- importer ----------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    """Uploaded workplan files go to a temporary private folder."""
    settings.IMPORT_ROOT = tmp_path / "imports"
