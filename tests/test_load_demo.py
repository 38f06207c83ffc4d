"""load_demo: idempotent, demo users with their roles, refuses when DEBUG is off."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from workplans.models import Workplan


@pytest.fixture(autouse=True)
def debug_on(settings):
    """load_demo refuses to run with DEBUG off, which is how tests run."""
    settings.DEBUG = True


def test_load_demo_twice_gives_the_same_data(db):
    call_command("load_demo")
    counts = (get_user_model().objects.count(), Workplan.objects.count())
    call_command("load_demo")
    assert (get_user_model().objects.count(), Workplan.objects.count()) == counts
    assert counts[1] == 3


def test_demo_users_and_roles(db):
    call_command("load_demo")
    coordinator = authenticate(username="coordinator", password="demo")
    member = authenticate(username="member", password="demo")
    admin = authenticate(username="admin", password="demo")
    assert coordinator.groups.filter(name="Coordinators").exists()
    assert coordinator.profile.cluster.code == "CP-MLI"
    assert member.groups.filter(name="Members").exists()
    assert member.profile.organisation.acronym == "HCR"
    assert admin.is_superuser and admin.groups.filter(name="Administrators").exists()


def test_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not get_user_model().objects.filter(username="admin").exists()
    call_command("load_demo", "--force")
    assert get_user_model().objects.filter(username="admin").exists()


def test_coordinator_sees_the_three_demo_workplans(client, db):
    call_command("load_demo")
    assert client.login(username="coordinator", password="demo")
    body = client.get("/").content.decode()
    for slug in ["plan-de-travail-2019", "plan-mise-en-oeuvre-cp-2020-2022", "strategie-protection-ehp-2020-2022"]:
        assert f"/workplans/{slug}/" in body
