"""The Content-Security-Policy (no inline script, no inline style) on every page, the admin
included, and pages that respect it; the secure headers; CSRF on every form."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse

from indicators.models import Indicator, ProgressReport
from tests.conftest import PASSWORD

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def assert_csp_compatible(response, url):
    """The page carries the policy and nothing in it that the policy would block."""
    assert "Content-Security-Policy" in response, url
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), f"inline <script> in {url}: {INLINE_SCRIPT.search(html).group(0)}"
    assert not INLINE_HANDLER.search(html), f"inline event handler in {url}: {INLINE_HANDLER.search(html).group(0)}"
    assert not INLINE_STYLE.search(html), f"inline style attribute in {url}: {INLINE_STYLE.search(html).group(0)}"
    assert not JS_URL.search(html), f"javascript: URL in {url}"
    assert "<style" not in html.lower(), f"inline <style> in {url}"


def test_policy_forbids_inline_script_and_style(client):
    response = client.get(reverse("login"))
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.fixture
def report(plan, hcr):
    indicator = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="# de rapports")
    return ProgressReport.objects.create(indicator=indicator, quarter=plan.quarters[0], organisation=hcr, value=3)


def test_app_pages_are_csp_compatible(client_for, users, plan, report):
    client = client_for(users.member)
    urls = [
        reverse("reports:home"),
        reverse("reports:workplan", args=[plan.workplan.slug]),
        reverse("indicators:detail", args=[report.indicator.pk]),
    ]
    for name in ("reports:activity_list", "reports:index", "meetings:list"):
        urls.append(reverse(name))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_csp_compatible(response, url)


def test_login_logout_and_lockout_pages_are_csp_compatible(client, users, axes_on):
    assert_csp_compatible(client.get(reverse("login")), "login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "hcr-member", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "hcr-member", "password": "wrong"})
    assert locked.status_code == 429
    assert_csp_compatible(locked, "lockout")


def admin_urls(user):
    """Every admin changelist and add page, the change and history pages of existing objects."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{prefix}_add"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls += [reverse(f"{prefix}_change", args=[obj.pk]), reverse(f"{prefix}_history", args=[obj.pk])]
        for extra in ("import", "export"):
            try:
                urls.append(reverse(f"{prefix}_{extra}"))
            except NoReverseMatch:
                pass
    return urls


def test_admin_pages_render_under_the_policy(client_for, users, plan, report):
    client = client_for(users.administrator)
    urls = admin_urls(users.administrator)
    assert len(urls) > 20
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response["Content-Security-Policy"], url
        assert_csp_compatible(response, url)


def test_admin_login_page_is_csp_compatible(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert_csp_compatible(response, "admin login")


def test_secure_headers_on_every_response(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = False
    response = Client().get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_plain_http_is_redirected_to_https_in_production(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get(reverse("login"))
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_https_from_the_proxy_header_only_when_opted_in(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None
    assert Client().get(reverse("login"), headers={"x-forwarded-proto": "https"}).status_code == 301
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert Client().get(reverse("login"), headers={"x-forwarded-proto": "https"}).status_code == 200


# --- CSRF -----------------------------------------------------------------------------------

def test_login_post_without_csrf_token_is_refused(users):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "hcr-member", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_post_with_csrf_token_is_accepted(users):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(reverse("login"), {"username": "hcr-member", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_logged_in_posts_without_csrf_token_are_refused(users, plan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.administrator)
    for url, data in [
        (reverse("logout"), {}),
        (reverse("set_language"), {"language": "en"}),
        (reverse("admin:workplans_actor_add"), {"acronym": "XYZ", "kind": "ngo"}),
    ]:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("reports:home")).status_code == 200  # still logged in


def test_every_post_form_in_the_templates_has_a_csrf_token():
    """Any template with a POST form carries {% csrf_token %} in that form."""
    form = re.compile(r"<form\b[^>]*method=[\"']post[\"'][^>]*>(.*?)</form>", re.I | re.S)
    checked = 0
    for template in sorted(Path(settings.BASE_DIR).glob("**/templates/**/*.html")):
        if ".venv" in template.parts:
            continue
        for match in form.finditer(template.read_text(encoding="utf-8")):
            checked += 1
            assert "{% csrf_token %}" in match.group(1), f"POST form without {{% csrf_token %}} in {template}"
    assert checked >= 3
