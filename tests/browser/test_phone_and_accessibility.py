"""Issue 16: every main page at 390 px (a phone) is no wider than the screen, and axe-core finds
no accessibility violation on it. Screenshots of each page in screenshots/.

axe-core is a vendored test asset (tests/browser/assets/axe.min.js), never a CDN; the
browser context bypasses the CSP only to inject it.
"""

from pathlib import Path

import pytest

from tests.main_pages import demo_load, main_pages

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "assets" / "axe.min.js").read_text()
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium, live_server, screenshot_dir):
    context = chromium.new_context(locale="fr-FR", base_url=live_server.url, viewport=PHONE,
                                   device_scale_factor=1, has_touch=True, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def sign_in(page, username="coordinator"):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def axe_violations(page):
    page.evaluate(AXE)
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"]
    ]


def test_main_pages_fit_a_phone_and_pass_axe(phone, settings, screenshot_dir):
    plan, indicator = demo_load(settings)
    sign_in(phone)
    problems = []
    for name, url in main_pages(plan, indicator):
        response = phone.goto(url)
        assert response.status == 200, url
        phone.wait_for_load_state()
        phone.screenshot(path=str(screenshot_dir / f"phone-390-{name}.png"), full_page=True)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{url}: {width} px wide at {PHONE['width']} px")
        problems += [f"{url}: {v}" for v in axe_violations(phone)]
    assert not problems, "\n".join(problems)


DESKTOP = {"width": 1280, "height": 900}


def test_main_pages_at_full_width_pass_axe(chromium, live_server, settings, screenshot_dir):
    """The same pages on a desktop screen (the cached content included): axe-core finds nothing."""
    context = chromium.new_context(locale="fr-FR", base_url=live_server.url, viewport=DESKTOP,
                                   device_scale_factor=1, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        plan, indicator = demo_load(settings)
        sign_in(page)
        problems = []
        for name, url in main_pages(plan, indicator):
            for visit in ("built", "cached"):  # the second visit is served from the page cache
                response = page.goto(url)
                assert response.status == 200, url
                page.wait_for_load_state()
                problems += [f"{url} ({visit}): {v}" for v in axe_violations(page)]
            page.screenshot(path=str(screenshot_dir / f"desktop-{name}.png"), full_page=True)
        assert not problems, "\n".join(problems)
    finally:
        context.close()
