"""Journey 5: the API documentation (Swagger UI) renders in real Chromium under the site's strict
Content-Security-Policy, with no violation reported, and calls the API with the browser's session."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_within_the_csp(page, login, users, plan):
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    login(users.member.username, PASSWORD)
    response = page.goto("/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .info .title")
    assert "clusterplan API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/v1/activities/")
    page.shot("swagger-ui")
    # Try an operation from the page: the browser's session authenticates it.
    page.click("#operations-quarters-quarters_list .opblock-summary")
    page.click("#operations-quarters-quarters_list button.try-out__btn")
    page.click("#operations-quarters-quarters_list button.execute")
    page.wait_for_selector("#operations-quarters-quarters_list .live-responses-table tbody .response-col_status")
    assert "200" in page.inner_text("#operations-quarters-quarters_list .live-responses-table tbody .response-col_status")
    page.shot("try-it-out")
    violations = [text for text in problems if "Content Security Policy" in text or "Refused to" in text]
    assert violations == [], violations
