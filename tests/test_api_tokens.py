"""Tokens: the page where a user creates, replaces and revokes theirs; ``manage.py api_token``."""

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token


def test_token_page_create_replace_revoke(client_for, users, client):
    page = client_for(users.member)
    response = page.get("/api/v1/tokens/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"You have no API token." in response.content
    assert page.post("/api/v1/tokens/new/").status_code == 302
    first = Token.objects.get(user=users.member).key
    assert first.encode() in page.get("/api/v1/tokens/").content
    page.post("/api/v1/tokens/new/")
    second = Token.objects.get(user=users.member).key
    assert second != first
    page.logout()
    assert client.get("/api/v1/quarters/", HTTP_AUTHORIZATION=f"Token {first}").status_code == 401
    assert client.get("/api/v1/quarters/", HTTP_AUTHORIZATION=f"Token {second}").status_code == 200
    page.force_login(users.member)
    page.post("/api/v1/tokens/revoke/")
    assert not Token.objects.filter(user=users.member).exists()
    page.logout()
    assert client.get("/api/v1/quarters/", HTTP_AUTHORIZATION=f"Token {second}").status_code == 401


def test_token_page_in_french_by_default(client_for, users):
    response = client_for(users.member).get("/api/v1/tokens/")
    assert "Accès à l’API".encode() in response.content or "Accès à l'API".encode() in response.content


def test_token_pages_need_a_login_and_post(client, client_for, users):
    assert client.get("/api/v1/tokens/").status_code == 302
    assert client.post("/api/v1/tokens/new/").status_code == 302
    assert not Token.objects.exists()
    assert client_for(users.member).get("/api/v1/tokens/new/").status_code == 405
    assert client_for(users.member).get("/api/v1/tokens/revoke/").status_code == 405


def test_one_user_cannot_touch_anothers_token(client_for, users):
    other = Token.objects.create(user=users.coordinator)
    client_for(users.member).post("/api/v1/tokens/revoke/")
    assert Token.objects.filter(pk=other.pk).exists()


def test_api_token_command_creates_then_shows(users):
    out = io.StringIO()
    call_command("api_token", "hcr-member", stdout=out)
    key = out.getvalue().splitlines()[-1]
    assert key == Token.objects.get(user=users.member).key
    again = io.StringIO()
    call_command("api_token", "hcr-member", stdout=again)
    assert again.getvalue().splitlines()[-1] == key
    assert "Existing" in again.getvalue()


def test_api_token_command_unknown_user(db):
    with pytest.raises(CommandError, match="Unknown user: ghost"):
        call_command("api_token", "ghost")


def test_throttling_per_user(client, users, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_USER_RATE = "3/minute"
    member = Token.objects.create(user=users.member).key
    coordinator = Token.objects.create(user=users.coordinator).key
    codes = [client.get("/api/v1/quarters/", HTTP_AUTHORIZATION=f"Token {member}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/api/v1/quarters/", HTTP_AUTHORIZATION=f"Token {coordinator}").status_code == 200
    cache.clear()
