"""Production settings from the environment: `check --deploy` clean, HTTPS-only cookies, HSTS,
the proxy header opt-in; sessions stored in the database and expiring; the shared cache;
files through the storage API (local disk by default, an S3-compatible bucket on demand)."""

import datetime
import json
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clusterplan.lib.envconfig import CACHE_TABLE, cache_config, storage_config
from tests.conftest import PASSWORD

ROOT = Path(settings.BASE_DIR)


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "REDIS_URL", "STORAGE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="clusterplan.example.org",
               DJANGO_SETTINGS_MODULE="clusterplan.settings")
    env.update(extra)
    return env


def run_manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def production_settings(**extra):
    """The values settings.py computes in a fresh process with the given environment."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "names = ['DEBUG','SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SECURE_SSL_REDIRECT','SECURE_HSTS_SECONDS',"
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_CONTENT_TYPE_NOSNIFF','X_FRAME_OPTIONS','SESSION_COOKIE_AGE',"
        "'SESSION_ENGINE','SECURE_PROXY_SSL_HEADER','TRUSTED_PROXY_COUNT','SESSION_COOKIE_HTTPONLY']; "
        "print(json.dumps({n: getattr(s, n, None) for n in names} | {'CACHE': s.CACHES['default']['BACKEND'], "
        "'STORAGE': s.STORAGES['default']['BACKEND']}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=production_env(**extra), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_a_development_configuration():
    """The same check does fail when the hardening is missing (so the test above means something)."""
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(DEBUG="1"))
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_are_hardened():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["X_FRAME_OPTIONS"] == "DENY"
    # No state on the app server: sessions in the database, cache in the database, files via storage.
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert values["CACHE"] == "django.core.cache.backends.db.DatabaseCache"
    assert values["STORAGE"] == "django.core.files.storage.FileSystemStorage"


def test_proxy_ssl_header_is_opt_in():
    assert production_settings()["SECURE_PROXY_SSL_HEADER"] is None
    assert production_settings(SECURE_PROXY_SSL_HEADER="1")["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_environment_sets_session_age_proxy_count_redis_and_bucket():
    values = production_settings(SESSION_COOKIE_AGE="1800", TRUSTED_PROXY_COUNT="2",
                                 REDIS_URL="redis://127.0.0.1:6379/3", STORAGE_URL="s3://cp-files/prod")
    assert values["SESSION_COOKIE_AGE"] == 1800
    assert values["TRUSTED_PROXY_COUNT"] == 2
    assert values["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert values["STORAGE"] == "storages.backends.s3.S3Storage"


def test_development_defaults_keep_plain_http_working():
    values = production_settings(DEBUG="1")
    assert values["SESSION_COOKIE_SECURE"] is False and values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_AGE"] == 8 * 3600


# --- Sessions -------------------------------------------------------------------------------

def test_sessions_are_stored_in_the_database_and_expire(client, users):
    assert client.post(reverse("login"), {"username": "hcr-member", "password": PASSWORD}).status_code == 302
    session = Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
    expected = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((session.expire_date - expected).total_seconds()) < 60
    assert client.get(reverse("reports:home")).status_code == 200

    # Once the session's age has passed, the same cookie no longer logs anybody in.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_session_cookie_dies_with_the_browser(client, users):
    client.post(reverse("login"), {"username": "hcr-member", "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]
    assert cookie["httponly"]


# --- Cache ----------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_default_cache_lives_in_the_database_table():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    cache.set("hardening-probe", {"n": 42}, 60)
    assert cache.get("hardening-probe") == {"n": 42}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(CACHE_TABLE)}")
        assert cursor.fetchone()[0] >= 1
    cache.delete("hardening-probe")


def test_cache_config_switches_to_redis():
    assert cache_config("")["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    redis = cache_config("redis://127.0.0.1:6379/1")["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/1"
    with pytest.raises(ImproperlyConfigured):
        cache_config("127.0.0.1:6379")


def _redis_reachable(host="127.0.0.1", port=6379):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
def test_redis_cache_is_shared_between_two_cache_clients():
    """Two cache objects (two app servers) built from REDIS_URL see each other's writes."""
    from django.core.cache.backends.redis import RedisCache

    config = cache_config("redis://127.0.0.1:6379/15")["default"]
    params = {key: value for key, value in config.items() if key not in {"BACKEND", "LOCATION"}}
    first, second = RedisCache(config["LOCATION"], params), RedisCache(config["LOCATION"], params)
    key = f"hardening-{secrets.token_hex(4)}"
    first.set(key, "shared", 30)
    assert second.get(key) == "shared"
    second.delete(key)
    assert first.get(key) is None


# --- Files ----------------------------------------------------------------------------------

def test_files_go_through_the_storage_api_to_media_root_by_default(settings):
    name = default_storage.save("evidence/probe.txt", ContentFile(b"proof"))
    assert (Path(settings.MEDIA_ROOT) / name).read_bytes() == b"proof"
    with default_storage.open(name) as handle:
        assert handle.read() == b"proof"


def test_storage_url_file_and_s3():
    assert storage_config("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert storage_config("file:///srv/cp/media")["OPTIONS"] == {"location": "/srv/cp/media"}
    s3 = storage_config("s3://cp-files/prod/media?endpoint_url=https://minio.example.org:9000&region_name=eu-west-3")
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "cp-files"
    assert s3["OPTIONS"]["location"] == "prod/media"
    assert s3["OPTIONS"]["endpoint_url"] == "https://minio.example.org:9000"
    assert s3["OPTIONS"]["default_acl"] is None and s3["OPTIONS"]["querystring_auth"] is True
    for bad in ("ftp://host/x", "s3://", "s3://key:secret@bucket", "s3://bucket?colour=blue"):
        with pytest.raises(ImproperlyConfigured):
            storage_config(bad)


def test_s3_storage_is_built_from_the_url(monkeypatch):
    """django-storages builds the bucket storage from STORAGE_URL (no network until a file is used)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    from storages.backends.s3 import S3Storage

    storage = storages.create_storage(storage_config("s3://cp-files/media?endpoint_url=http://127.0.0.1:9000"))
    assert isinstance(storage, S3Storage)
    assert (storage.bucket_name, storage.location, storage.endpoint_url) == ("cp-files", "media", "http://127.0.0.1:9000")
    assert storage.file_overwrite is False


def test_evidence_storage_is_private_on_disk_and_in_the_bucket(settings, monkeypatch):
    """Evidence: PRIVATE_MEDIA_ROOT by default; with an s3:// STORAGE_URL, the bucket's private prefix."""
    from storages.backends.s3 import S3Storage

    from indicators.storage import PrivateStorage, private_storage

    settings.STORAGE_URL = ""
    assert isinstance(private_storage(), PrivateStorage)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    settings.STORAGE_URL = "s3://cp-files/prod"
    storage = private_storage()
    assert isinstance(storage, S3Storage)
    assert (storage.bucket_name, storage.location) == ("cp-files", "prod/private/evidence")
    assert storage.default_acl is None and storage.querystring_auth is True


def test_import_uploads_are_private_on_disk_and_in_the_bucket(settings, monkeypatch):
    """Uploaded workplans: IMPORT_ROOT by default; with an s3:// STORAGE_URL, the bucket's private prefix,
    so the preview and the confirm step may run on two app servers."""
    from storages.backends.s3 import S3Storage

    from clusterplan.lib.private_storage import PrivateImportStorage, import_storage

    settings.STORAGE_URL = ""
    storage = import_storage()
    assert isinstance(storage, PrivateImportStorage)
    with pytest.raises(ValueError):
        storage.url("workplan-imports/plan.xlsx")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    settings.STORAGE_URL = "s3://cp-files/prod"
    storage = import_storage()
    assert isinstance(storage, S3Storage)
    assert (storage.bucket_name, storage.location) == ("cp-files", "prod/private/imports")
    assert storage.default_acl is None and storage.querystring_auth is True
