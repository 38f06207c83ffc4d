"""load_demo: idempotent, demo users with their roles, refuses when DEBUG is off."""

import pytest
from django.contrib.auth import get_user_model
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


def test_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not get_user_model().objects.filter(username="admin").exists()
    call_command("load_demo", "--force")
    assert get_user_model().objects.filter(username="admin").exists()
