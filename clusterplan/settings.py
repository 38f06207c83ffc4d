"""Settings for clusterplan.

Everything that differs between a developer's laptop and production is read from the
environment, with safe development defaults:

- ``SECRET_KEY``: required when ``DEBUG`` is off.
- ``DEBUG``: ``1``/``true`` for development (the default), ``0`` in production.
- ``ALLOWED_HOSTS``: comma-separated host names.
- ``DATABASE_URL``: ``sqlite:///path`` (default: ``db.sqlite3`` beside manage.py) or
  ``postgres://user:password@host:5432/name`` for PostgreSQL, the production database.
- ``REDIS_URL``: when set, the cache lives in Redis; otherwise in the database.
- ``STORAGE_URL``: where uploaded files go: local disk (``MEDIA_ROOT``) by default, an
  S3-compatible bucket with ``s3://bucket/prefix?endpoint_url=…``.
- ``TRUSTED_PROXY_COUNT``, ``SECURE_PROXY_SSL_HEADER``: what the reverse proxy in front says.

No state lives on the app server (sessions and cache in the database or Redis, files through
the storage API), so several instances can share one database: see docs/DEPLOYMENT.md.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from clusterplan.lib.background import email_config, tasks_config
from clusterplan.lib.envconfig import cache_config, storage_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin without autodiscovery at start-up: clusterplan/urls.py and the admin check discover it.
    "clusterplan.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "workplans",
    "indicators",
    "imports",
    "reports",
    "meetings",
    "clusterplan",  # no models: the project-wide management commands (load_demo, backup, migrate_locked…)
    "django_tasks",
    "django_tasks_db",
    "notifications",
    "jobs",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compressed HTML by default (issue 16): slow shared lines. Django's middleware also pads
    # compressed pages with random bytes (BREACH mitigation); whitenoise serves static files
    # pre-compressed, so they pass through untouched.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clusterplan.urls"
# `make bench-http` only: routes /bench/bare/, the bare template page it measures beside the others.
BENCH_BARE_PAGE = env_bool("BENCH_BARE_PAGE", False)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workplans.context_processors.roles",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "clusterplan.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database as SQLite's own advice for a web server: a write-ahead log (readers
    # never wait for a writer), synced at checkpoints rather than every commit (a power cut may
    # lose the last commits, never corrupt the file), writers taking their lock up front (no
    # "database is locked" half-way through a transaction), and a busy writer waited for 20 s.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    })

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First: refuses to authenticate while a username/address pair is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# Sessions live in the database (shared by every app server) and expire: after
# SESSION_COOKIE_AGE seconds (8 hours by default, one working day), and when the browser closes.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# The cache: in the database (`manage.py createcachetable`), or in Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = cache_config(REDIS_URL)

# Internationalisation: French first, English second.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Bamako"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Evidence files: outside MEDIA_ROOT, read back only through a view that checks permissions.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))

# Uploaded files (evidence, imported workplans) go through Django's storage API: the local
# disk by default, an S3-compatible bucket (django-storages) when STORAGE_URL says so.
STORAGE_URL = os.environ.get("STORAGE_URL", "")

# Uploaded workplan files (import previews): private, outside MEDIA_ROOT and never served.
IMPORT_ROOT = Path(os.environ.get("IMPORT_ROOT", BASE_DIR / "private" / "imports"))
STORAGES = {
    "default": storage_config(STORAGE_URL),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: evidence files and workplan files are capped (bytes).
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

IMPORT_EXPORT_USE_TRANSACTIONS = True

# Production hardening (`DEBUG=0 … manage.py check --deploy` is clean).
# Cookies only over HTTPS; SECURE_COOKIES=0 exists for plain-HTTP loopback benchmarks only.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Opt-in: trust X-Forwarded-Proto only when a reverse proxy that sets it (and strips the
# client's own) stands in front of every instance. Otherwise a client could claim HTTPS.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies append to X-Forwarded-For in front of the app (0: none, use
# REMOTE_ADDR). Used for the login throttling's client address: clusterplan/security.py.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site only;
# no inline script, no inline style, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login throttling (django-axes): AXES_FAILURE_LIMIT failures for one username from one
# address lock that pair for AXES_COOLOFF_MINUTES; the lockout page answers 429. The pair,
# not the address alone: a whole office behind one NAT must not be locked out by one person.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "clusterplan.lib.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "clusterplan.lib.security.client_ip"
AXES_VERBOSE = False

# The REST API (api/, issue 18): session authentication for the browser (CSRF enforced by
# DRF), a token per user for scripts; per-user throttling; OpenAPI schema by drf-spectacular.
API_USER_RATE = os.environ.get("API_USER_RATE", "2000/hour")
API_KOBO_RATE = os.environ.get("API_KOBO_RATE", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous request gets 401 with "WWW-Authenticate: Token".
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerUserThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "clusterplan API",
    "DESCRIPTION": "Workplans, indicators, progress reports and meetings of a coordination cluster.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_error_responses"],
    "ENUM_NAME_OVERRIDES": {
        "ActivityStatusEnum": "workplans.models.Activity.Status",
        "ActionPointStatusEnum": "meetings.models.ActionPoint.Status",
        "ProgressStatusEnum": "indicators.models.Status",
        "ReportStateEnum": "indicators.models.ProgressReport.State",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Email, reminders and background tasks (issue 17; clusterplan/lib/background.py) ----------
# EMAIL_URL (dj-email-url): submission://user:pass@smtp.example.org (587, STARTTLS), console:, …
# The console by default when DEBUG. SITE_URL makes the links in emails absolute.
globals().update(email_config(os.environ.get("EMAIL_URL", ""), DEBUG))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clusterplan <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Returned and validated reports are announced when reviewed within this many days (so that a
# first run does not announce every past review).
NOTIFY_REVIEW_WINDOW_DAYS = int(os.environ.get("NOTIFY_REVIEW_WINDOW_DAYS", "14"))

# django-tasks: the database backend (django-tasks-db, `manage.py db_worker`) by default; Redis
# (django-tasks-rq, `manage.py rqworker default`) when REDIS_URL is set or TASKS_BACKEND=rq.
TASKS, RQ_QUEUES = tasks_config(os.environ.get("TASKS_BACKEND", ""), REDIS_URL)
if RQ_QUEUES:
    INSTALLED_APPS += ["django_rq"]
# Imports of more rows (activities + indicators) than this are confirmed as a background task.
BACKGROUND_IMPORT_ROWS = int(os.environ.get("BACKGROUND_IMPORT_ROWS", "2000"))
# A running task not heard from for this many seconds died with its worker: marked failed.
TASK_STALE_SECONDS = int(os.environ.get("TASK_STALE_SECONDS", "600"))
