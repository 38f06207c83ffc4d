"""Real-browser journeys: Playwright for Python driving Debian's Chromium.

Nothing downloads a browser: Chromium comes from Debian (`apt-get install chromium`) and is
launched from /usr/bin/chromium (override with CHROMIUM_PATH). When it is missing, every
browser test is skipped with a message saying so; `.ci/run` installs it, so CI runs them.
Screenshots of every journey are saved in `screenshots/` (override with SCREENSHOT_DIR).
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# tests themselves (setting up data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SKIP_REASON = None
if not Path(CHROMIUM).exists():
    SKIP_REASON = f"Chromium not found at {CHROMIUM}: browser journeys skipped (apt-get install chromium)."
else:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        SKIP_REASON = "playwright is not installed: browser journeys skipped (pip install -r requirements-dev.txt)."


def pytest_collection_modifyitems(config, items):
    if not SKIP_REASON:
        return
    marker = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(marker)


def pytest_terminal_summary(terminalreporter):
    if SKIP_REASON:
        terminalreporter.write_line(f"NOTE: {SKIP_REASON}", yellow=True)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshot_dir():
    path = Path(os.environ.get("SCREENSHOT_DIR", Path(settings.BASE_DIR) / "screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def page(chromium, live_server, screenshot_dir, request):
    """A fresh browser page (its own cookies) pointed at the live server; French by default."""
    context = chromium.new_context(locale="fr-FR", base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    shots = []

    def shot(name):
        target = screenshot_dir / f"{request.node.name}-{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(target), full_page=True)
        shots.append(target)
        return target

    page.shot = shot
    yield page
    context.close()


@pytest.fixture
def login(page):
    """``login(username, password)`` through the real login form."""

    def do_login(username, password):
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"login failed for {username}: {page.inner_text('main')[:300]}"

    return do_login
