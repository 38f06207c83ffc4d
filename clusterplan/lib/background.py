"""Turn the environment into Django's email and background-task settings (issue 17).

Kept apart from settings.py so that tests can call them with any value.
"""

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

EMAIL_SETTING_NAMES = (
    "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_TIMEOUT", "EMAIL_FILE_PATH",
)


def email_config(email_url="", debug=False):
    """Django's EMAIL_* settings from ``EMAIL_URL`` (dj-email-url).

    ``submission://user:pass@host`` is SMTP on port 587 with STARTTLS, ``smtp+ssl://…`` port 465,
    ``console:`` prints messages. Without ``EMAIL_URL``: the console when ``debug``, else plain
    SMTP on localhost:25 (Django's own default).
    """
    if not email_url:
        email_url = "console:" if debug else "smtp://localhost:25"
    parsed = dj_email_url.parse(email_url)
    config = {name: parsed[name] for name in EMAIL_SETTING_NAMES if parsed.get(name) is not None}
    if not config.get("EMAIL_FILE_PATH"):
        config.pop("EMAIL_FILE_PATH", None)
    return config


def tasks_config(backend="", redis_url=""):
    """The ``TASKS`` setting of django-tasks and the ``RQ_QUEUES`` of django-rq.

    ``backend``: ``database`` (django-tasks-db: no broker, works on SQLite and PostgreSQL;
    workers are ``manage.py db_worker``), ``rq`` (django-tasks-rq on ``redis_url``; workers are
    ``manage.py rqworker default --job-class django_tasks_rq.Job``) or ``immediate`` (runs inside the request: tests).
    Default: ``rq`` when ``redis_url`` is set, else ``database``.
    """
    backend = (backend or ("rq" if redis_url else "database")).strip().lower()
    if backend == "database":
        return {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}, {}
    if backend == "immediate":
        return {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}, {}
    if backend == "rq":
        if not redis_url:
            raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
        return {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}, {
            "default": {"URL": redis_url, "DEFAULT_TIMEOUT": 3600}
        }
    raise ImproperlyConfigured(f"TASKS_BACKEND must be database, rq or immediate, not {backend!r}.")
