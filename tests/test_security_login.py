"""Login throttling (django-axes): 5 failures for one username from one address lock that pair
for 15 minutes with a translated 429 page; the client's address is read correctly behind the
reverse proxies we trust (TRUSTED_PROXY_COUNT), and never from a header the client forged."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from clusterplan.lib.security import client_ip
from tests.conftest import PASSWORD


def attempt(client, password, username="hcr-member", **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, headers=headers)


def test_settings_lock_after_five_failures_for_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_fifth_failure_locks_even_the_right_password_out(client, users, axes_on):
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200  # the login form again, with its error
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    again = attempt(client, PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="hcr-member").failures_since_start >= 5


def test_lockout_page_is_translated(client, users, axes_on):
    for _ in range(5):
        attempt(client, "wrong")
    french = attempt(client, "wrong", accept_language="fr")
    assert french.status_code == 429
    assert "Trop d’échecs de connexion" in french.content.decode() or "Trop d'échecs de connexion" in french.content.decode()
    assert "15 minutes" in french.content.decode()
    english = attempt(client, "wrong", accept_language="en")
    assert english.status_code == 429
    assert "Too many failed logins" in english.content.decode()


def test_lock_expires_after_the_cool_off(client, users, axes_on):
    for _ in range(5):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))
    assert attempt(client, PASSWORD).status_code == 302


def test_success_resets_the_count(client, users, axes_on):
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200
    assert attempt(client, PASSWORD).status_code == 302


def test_other_users_are_not_locked_by_someone_elses_failures(client, users, axes_on):
    for _ in range(5):
        attempt(client, "wrong")
    assert attempt(Client(), PASSWORD, username="coord").status_code == 302


def test_throttling_is_off_in_tests_unless_asked(client, users):
    """The conftest fixture turns axes off by default: ten failures, still the login form."""
    for _ in range(10):
        assert attempt(client, "wrong").status_code == 200
    assert attempt(client, PASSWORD).status_code == 302


# --- Behind a reverse proxy -----------------------------------------------------------------

def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_client_ip_without_proxy_ignores_the_forwarded_header(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_client_ip_behind_one_proxy_takes_the_address_the_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", "198.51.100.1")) == "198.51.100.1"
    # A client that forges the header only adds entries on the left: they are ignored.
    assert client_ip(request_from("10.0.0.2", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"
    # Not through the proxy (no header) or garbage: the peer's address.
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"
    assert client_ip(request_from("10.0.0.2", "not-an-address")) == "10.0.0.2"


def test_client_ip_behind_two_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from("10.0.0.3", "6.6.6.6, 198.51.100.1, 10.0.0.2")) == "198.51.100.1"
    assert client_ip(request_from("10.0.0.3", "10.0.0.2")) == "10.0.0.3"


def test_behind_a_proxy_one_locked_client_does_not_lock_the_others(users, axes_on):
    """With TRUSTED_PROXY_COUNT=1, two people behind the same proxy are told apart."""
    axes_on.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker, colleague = Client(**proxy), Client(**proxy)
    for _ in range(5):
        attempt(attacker, "wrong", x_forwarded_for="198.51.100.66")
    assert attempt(attacker, PASSWORD, x_forwarded_for="198.51.100.66").status_code == 429
    # Forging another address on the left does not escape the lock.
    assert attempt(attacker, PASSWORD, x_forwarded_for="1.1.1.1, 198.51.100.66").status_code == 429
    assert attempt(colleague, PASSWORD, x_forwarded_for="198.51.100.10").status_code == 302


def test_without_the_proxy_setting_everybody_behind_the_proxy_shares_one_lock(users, axes_on):
    """The failure the setting prevents: REMOTE_ADDR is the proxy's for everyone."""
    axes_on.TRUSTED_PROXY_COUNT = 0
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        attempt(Client(**proxy), "wrong", x_forwarded_for="198.51.100.66")
    assert attempt(Client(**proxy), PASSWORD, x_forwarded_for="198.51.100.10").status_code == 429
