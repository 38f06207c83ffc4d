"""Every page needs login: an anonymous visitor is sent to the login page."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Pages open to everyone: the login page itself, the language switch, password reset.
PUBLIC = {"login", "set_language", "password_reset", "password_reset_done", "password_reset_confirm",
          "password_reset_complete", "logout"}


def app_url_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            ns = pattern.namespace or namespace
            yield from app_url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def sample_kwargs(pattern):
    kwargs = {}
    for name, converter in pattern.pattern.converters.items():
        kwargs[name] = {"IntConverter": 1, "SlugConverter": "x", "StrConverter": "x"}.get(type(converter).__name__, "x")
    return kwargs


def test_there_are_pages_to_check():
    assert len(list(app_url_names())) >= 3


def is_api_endpoint(name, pattern):
    """The REST API's views answer an anonymous call with 401 (JSON), not a redirect: tests/test_api_access.py."""
    return name.startswith("api:") and getattr(pattern.callback, "login_required", True) is False


PRIVATE_PAGES = [(name, pattern) for name, pattern in app_url_names()
                 if name not in PUBLIC and not is_api_endpoint(name, pattern)]


@pytest.mark.parametrize("name,pattern", PRIVATE_PAGES, ids=[name for name, _ in PRIVATE_PAGES])
def test_anonymous_is_redirected_to_login(client, db, name, pattern):
    url = reverse(name, kwargs=sample_kwargs(pattern))
    response = client.get(url)
    assert response.status_code == 302, url
    assert response["Location"].startswith(reverse("login")), url


def test_login_page_is_public(client, db):
    assert client.get(reverse("login")).status_code == 200
