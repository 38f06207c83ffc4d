"""Journey 4: a user switches the interface to English and back, in real Chromium."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_switch_to_english_and_back(page, login, users, plan):
    login(users.member.username, PASSWORD)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Plans de travail").is_visible()
    page.shot("francais")

    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Workplans").is_visible()
    assert page.get_by_role("button", name="Log out").is_visible()
    page.shot("english")

    # The choice follows the user to the next page.
    page.click("text=Plan test")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"

    page.click("button[name=language][value=fr]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
    page.shot("retour-francais")
