"""Anonymous calls to /api/v1/: every endpoint answers 401 in JSON (no redirect to the login page);
the schema and its documentation are public; the Kobo hook is authenticated by its secret; the
API's pages (tokens, Kobo forms) redirect to the login page like every page."""

import pytest
from django.urls import reverse

from tests.test_login_required import app_url_names, is_api_endpoint, sample_kwargs

API = [(name, pattern) for name, pattern in app_url_names() if is_api_endpoint(name, pattern)]
PUBLIC_API = {"api:schema", "api:docs"}


def test_there_are_api_endpoints():
    assert len(API) >= 20
    assert {"api:schema", "api:docs", "api:kobo-hook", "api:report-list", "api:activity-list"} <= {n for n, _ in API}


@pytest.mark.parametrize("name,pattern", API, ids=[name for name, _ in API])
def test_anonymous_api_calls(client, db, name, pattern):
    kwargs = sample_kwargs(pattern) or {group: "1" for group in pattern.pattern.regex.groupindex}  # router: regex
    url = reverse(name, kwargs=kwargs)
    if name == "api:kobo-hook":
        response = client.post(url, "{}", content_type="application/json")
        assert response.status_code == 404  # an unknown secret
        return
    response = client.get(url)
    if name in PUBLIC_API:
        assert response.status_code == 200
        return
    assert response.status_code in (401, 405), url  # 405: a POST-only action, refused before authentication
    if response.status_code == 401:
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["detail"]


@pytest.mark.parametrize("name", ["api:tokens", "api:kobo-forms", "api:kobo-form-new"])
def test_api_pages_redirect_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
