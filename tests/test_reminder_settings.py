"""Email and background-task settings from the environment, and the schedule in the admin (issue 17)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from clusterplan.lib.background import email_config, tasks_config
from notifications.models import ReminderSchedule


def test_submission_url_is_587_with_starttls():
    config = email_config("submission://user:secret@smtp.example.org")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"], config["EMAIL_USE_TLS"]) == ("smtp.example.org", 587, True)
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("user", "secret")
    assert config["EMAIL_USE_SSL"] is False


def test_console_by_default_when_debug_smtp_on_localhost_otherwise():
    assert email_config("", debug=True)["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert email_config("console:")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    production = email_config("", debug=False)
    assert production["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (production["EMAIL_HOST"], production["EMAIL_PORT"]) == ("localhost", 25)


def test_tasks_database_by_default_redis_with_redis_url():
    tasks, queues = tasks_config("", "")
    assert tasks["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend" and queues == {}
    tasks, queues = tasks_config("", "redis://127.0.0.1:6379/3")
    assert tasks["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert queues["default"]["URL"] == "redis://127.0.0.1:6379/3"
    assert tasks_config("database", "redis://x")[0]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "Immediate" in tasks_config("immediate")[0]["default"]["BACKEND"]
    with pytest.raises(ImproperlyConfigured):
        tasks_config("rq", "")
    with pytest.raises(ImproperlyConfigured):
        tasks_config("celery", "")


def test_tests_run_tasks_immediately():
    from django_tasks import task_backends

    assert type(task_backends["default"]).__name__ == "ImmediateBackend"


@pytest.mark.django_db
def test_an_administrator_sets_a_clusters_schedule_in_the_admin(users, cluster, client_for):
    client = client_for(users.administrator)
    url = reverse("admin:notifications_reminderschedule_add")
    data = {"cluster": cluster.pk, "enabled": "on", "report_offsets": "-7, 7, 21", "digest_weekday": "2",
            "action_point_offsets": "-3, 1"}
    bad = client.post(url, {**data, "report_offsets": "sept jours"})
    assert bad.status_code == 200 and "Écrivez des nombres entiers" in bad.content.decode()
    assert ReminderSchedule.objects.count() == 0
    assert client.post(url, data).status_code == 302
    schedule = ReminderSchedule.objects.get(cluster=cluster)
    assert schedule.report_steps == [-7, 7, 21] and schedule.digest_weekday == 2
    assert schedule.action_point_steps == [-3, 1]


@pytest.mark.django_db
def test_members_and_coordinators_cannot_edit_schedules(users, client_for):
    for user in (users.coordinator, users.member):
        response = client_for(user).get(reverse("admin:notifications_reminderschedule_changelist"))
        assert response.status_code == 302 and "login" in response.url


def test_nothing_below_imports_notifications_or_jobs():
    """The layers rule: notifications and jobs sit on top; workplans, indicators, reports, meetings
    and clusterplan (but its settings and root URLs) never import them."""
    import ast
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for app in ("workplans", "indicators", "reports", "meetings", "clusterplan"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if path.name in ("settings.py", "urls.py") and path.parent.name == "clusterplan":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                offenders += [f"{path}: {n}" for n in names if n.split(".")[0] in ("notifications", "jobs")]
    assert offenders == []
