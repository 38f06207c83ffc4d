"""What the demo gives a newcomer: users with their roles, three plans on the dashboard.

The demo is loaded once for this module (``demo`` in conftest) and every test only reads it.
"""

from django.contrib.auth import authenticate


def test_demo_users_and_roles(demo, db):
    coordinator = authenticate(username="coordinator", password="demo")
    member = authenticate(username="member", password="demo")
    admin = authenticate(username="admin", password="demo")
    assert coordinator.groups.filter(name="Coordinators").exists()
    assert coordinator.profile.cluster.code == "CP-MLI"
    assert member.groups.filter(name="Members").exists()
    assert member.profile.organisation.acronym == "HCR"
    assert admin.is_superuser and admin.groups.filter(name="Administrators").exists()


def test_coordinator_sees_the_three_demo_workplans(demo, client, db):
    assert client.login(username="coordinator", password="demo")
    body = client.get("/").content.decode()
    for slug in ["plan-de-travail-2019", "plan-mise-en-oeuvre-cp-2020-2022", "strategie-protection-ehp-2020-2022"]:
        assert f"/workplans/{slug}/" in body


def test_the_demo_is_rolled_back_between_modules_but_not_between_tests(demo, db):
    from workplans.models import Workplan

    assert Workplan.objects.count() == 3
