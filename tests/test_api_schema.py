"""The OpenAPI schema: it validates; schemathesis calls every operation with each role's token
(no 5xx, status codes, content types and bodies as the schema says); the Swagger UI page is
served from the app's own files within the Content-Security-Policy."""

import re

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = ["administrator", "coordinator", "member", "outsider"]

APP = get_wsgi_application()


def test_the_schema_validates(client, db):
    from drf_spectacular.validation import validate_schema

    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = response.json()
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    paths = set(schema["paths"])
    for path in ("/api/v1/workplans/", "/api/v1/workplans/{slug}/", "/api/v1/activities/", "/api/v1/indicators/{id}/",
                 "/api/v1/reports/", "/api/v1/reports/{id}/submit/", "/api/v1/reports/{id}/validate/",
                 "/api/v1/reports/{id}/return/", "/api/v1/action-points/{id}/", "/api/v1/meetings/",
                 "/api/v1/organisations/", "/api/v1/subclusters/", "/api/v1/places/", "/api/v1/quarters/",
                 "/api/v1/objectives/", "/api/v1/results/", "/api/v1/kobo/{secret}/"):
        assert path in paths, path
    activity_params = {p["name"] for p in schema["paths"]["/api/v1/activities/"]["get"]["parameters"]}
    assert {"subcluster", "actor", "workplan", "quarter", "status", "level", "q", "late", "page"} <= activity_params
    assert client.get("/api/v1/schema/").content.startswith(b"openapi:")  # YAML without format


def _schema():
    """The schema the app serves at /api/v1/schema/, generated without a request (no database needed
    at collection time), then called through the WSGI application."""
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = APP
    # Bounded for CI: the fuzzing phase only (max_examples below); the coverage phase's boundary
    # cases are not bounded by max_examples and take minutes on the shared CI machine.
    loaded.config.phases.coverage.enabled = False
    return loaded


schema = _schema()


@pytest.fixture
def keep_test_connection():
    """schemathesis calls the WSGI application itself: as Django's test client does, keep the end of
    a request from closing the test's database connection (inside its transaction on PostgreSQL)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def role_tokens(keep_test_connection, users, report_plan, meetings):
    """The demo-size data (a plan with reports in every state, two meetings) and a token per role."""
    return {role: Token.objects.get_or_create(user=getattr(users, role))[0].key for role in ROLES}


@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_schemathesis_for_each_role(case, role_tokens):
    """Each generated request is sent with each role's token (the Kobo hook has none)."""
    for token in role_tokens.values():
        headers = {} if case.path.startswith("/api/v1/kobo/") else {"Authorization": f"Token {token}"}
        # The WSGI client does not decode gzip (GZipMiddleware answers compressed when asked):
        # ask for plain bytes, as schemathesis reads the body as text.
        headers["Accept-Encoding"] = "identity"
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)


# --- Swagger UI inside the CSP ---------------------------------------------------------------------


def test_docs_page_scripts_and_styles_are_same_origin_files(client, db):
    from django.contrib.staticfiles import finders

    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<style" not in html and " style=" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert len(scripts) == 3
    for attrs, body in scripts:
        assert body.strip() == ""  # no inline script
        src = re.search(r'src="([^"]+)"', attrs).group(1)
        assert src.startswith("/"), src  # same origin
        if src.startswith("/static/"):
            assert finders.find(src.removeprefix("/static/")), src
        else:  # the initializer, served as a separate file by SpectacularSwaggerSplitView
            script = client.get(src.replace("&amp;", "&"))
            assert script.status_code == 200
            assert script["Content-Type"].startswith("application/javascript")
            assert "SwaggerUIBundle" in script.content.decode()
    for href in re.findall(r'<link[^>]+href="([^"]+)"', html):
        assert href.startswith("/static/"), href
        assert finders.find(href.removeprefix("/static/")), href
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
