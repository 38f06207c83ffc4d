"""Background tasks (issue 17): large exports and imports as tasks, the progress page, My tasks,
a task that died with its worker, and one real ``db_worker`` process."""

import datetime
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from imports.models import ImportSession
from indicators.models import Indicator
from jobs.models import Job
from jobs.services import job_start
from workplans.models import Workplan

EHP = Path(settings.BASE_DIR) / "fixtures" / "workplans" / "strategie-protection-ehp-2020-2022.xlsx"


@pytest.fixture
def indicators(plan):
    return [
        Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], code=f"I{n}", text=f"Indicateur {n}")
        for n in range(3)
    ]


def _follow(client, response):
    assert response.status_code == 302
    return client.get(response.url)


def test_performance_export_of_a_whole_plan_as_a_task(users, plan, indicators, client_for,
                                                      django_capture_on_commit_callbacks):
    client = client_for(users.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:export_performance", args=[plan.workplan.slug]), {"query": ""})
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == Job.State.DONE and job.started_by == users.member
    assert job.rows_total == 3 and job.rows_written == 3 and job.task_id
    page = client.get(response.url)
    assert page.status_code == 200 and not page.context["refresh"]
    assert b'http-equiv="refresh"' not in page.content
    assert b'<progress class="task-progress" max="100" value="100"' in page.content
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    cells = [str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value]
    assert any("Indicateur 2" in c for c in cells)
    assert job.result_name.startswith("plan-test-performance-") and job.result_name.endswith(".xlsx")


def test_activity_list_of_everything_as_a_task_row_by_row(users, plan, client_for, django_capture_on_commit_callbacks):
    client = client_for(users.member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:export_activities"), {"format": "csv", "query": ""})
    job = Job.objects.get()
    assert job.state == Job.State.DONE
    assert (job.rows_total, job.rows_read, job.rows_written) == (2, 2, 2)
    content = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content).decode("utf-8-sig")
    assert "Monitoring de protection" in content and "Sensibilisation" in content
    assert client.post(reverse("jobs:export_activities"), {"format": "pdf"}).status_code == 404


def test_large_import_goes_through_a_task(users, client_for, settings, django_capture_on_commit_callbacks):
    settings.BACKGROUND_IMPORT_ROWS = 10
    client = client_for(users.administrator)
    client.post(reverse("imports:import"), {"file": SimpleUploadedFile(EHP.name, EHP.read_bytes()), "slug": "ehp"})
    session = ImportSession.objects.get()
    preview = client.get(reverse("imports:import_preview", args=[session.pk]))
    assert reverse("jobs:import_confirm", args=[session.pk]).encode() in preview.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:import_confirm", args=[session.pk]))
    job = Job.objects.get()
    assert job.state == Job.State.DONE, job.error_message
    workplan = Workplan.objects.get(slug="ehp")
    assert job.result_url == workplan.get_absolute_url()
    assert job.rows_total > 10 and job.rows_read == job.rows_written == job.rows_total
    session.refresh_from_db()
    assert session.committed_at is not None and session.workplan == workplan
    page = client.get(response.url)
    assert workplan.get_absolute_url().encode() in page.content
    # Confirming again: the error in the user's language, nothing imported twice.
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "fr"})
    job.state = Job.State.FAILED
    job.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:restart", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error_message == "Cet import a déjà été enregistré."


def test_small_import_keeps_the_direct_confirm(users, client_for, settings):
    settings.BACKGROUND_IMPORT_ROWS = 100_000
    client = client_for(users.administrator)
    client.post(reverse("imports:import"), {"file": SimpleUploadedFile(EHP.name, EHP.read_bytes()), "slug": "ehp"})
    session = ImportSession.objects.get()
    preview = client.get(reverse("imports:import_preview", args=[session.pk]))
    assert reverse("imports:import_confirm", args=[session.pk]).encode() in preview.content
    assert reverse("jobs:import_confirm", args=[session.pk]).encode() not in preview.content


def test_import_task_is_for_administrators_only(users, client_for):
    session = ImportSession.objects.create(file=SimpleUploadedFile("x.xlsx", b"x"), original_name="x.xlsx", slug="x",
                                           created_by=users.administrator)
    assert client_for(users.member).post(reverse("jobs:import_confirm", args=[session.pk])).status_code == 403
    assert Job.objects.count() == 0


def test_progress_page_while_queued_refreshes_itself_without_script(users, client_for):
    job = Job.objects.create(kind=Job.Kind.EXPORT_ACTIVITIES, description="Liste", started_by=users.member,
                             rows_total=200, rows_read=100, rows_written=50)
    page = client_for(users.member).get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200
    assert b'<meta http-equiv="refresh" content="2">' in page.content
    assert b"<script" not in page.content
    assert b'value="25"' in page.content  # 50 of 200 rows written
    assert b"100 / 200" in page.content and b"50 / 200" in page.content


def test_my_tasks_lists_only_mine_and_others_are_forbidden(users, client_for):
    mine = Job.objects.create(kind=Job.Kind.EXPORT_ACTIVITIES, description="La mienne", started_by=users.member)
    theirs = Job.objects.create(kind=Job.Kind.EXPORT_ACTIVITIES, description="La leur", started_by=users.outsider)
    client = client_for(users.member)
    listing = client.get(reverse("jobs:list"))
    assert list(listing.context["jobs"]) == [mine]
    assert client.get(reverse("jobs:detail", args=[theirs.pk])).status_code == 403
    assert client.get(reverse("jobs:download", args=[theirs.pk])).status_code == 403
    assert client.post(reverse("jobs:restart", args=[theirs.pk])).status_code == 403
    assert client.get(reverse("jobs:download", args=[mine.pk])).status_code == 404  # no file yet
    assert client.get(reverse("jobs:restart", args=[mine.pk])).status_code == 405
    assert client.get(reverse("jobs:export_activities")).status_code == 405


def test_a_task_that_died_with_its_worker_is_failed_and_restarts(users, plan, client_for, settings,
                                                                  django_capture_on_commit_callbacks):
    settings.TASK_STALE_SECONDS = 60
    old = timezone.now() - datetime.timedelta(minutes=5)
    job = Job.objects.create(kind=Job.Kind.EXPORT_ACTIVITIES, description="Liste", started_by=users.member,
                             params={"format": "csv"}, state=Job.State.RUNNING, started_at=old, heartbeat_at=old,
                             language="en")
    alive = Job.objects.create(kind=Job.Kind.EXPORT_ACTIVITIES, description="Vivante", started_by=users.member,
                               state=Job.State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    client = client_for(users.member)
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error_code == Job.ErrorCode.WORKER_DIED
    assert "L&#x27;exécutant de cette tâche s&#x27;est arrêté" in page.content.decode()
    assert reverse("jobs:restart", args=[job.pk]).encode() in page.content
    client.get(reverse("jobs:list"))
    alive.refresh_from_db()
    assert alive.state == Job.State.RUNNING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:restart", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempt == 2 and job.rows_written == 2
    # Only a failed task restarts.
    response = client.post(reverse("jobs:restart", args=[job.pk]))
    job.refresh_from_db()
    assert job.attempt == 2


def test_a_failing_task_shows_its_error_in_the_starters_language(users, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(users.member, Job.Kind.EXPORT_PERFORMANCE, "x", {"slug": "no-such-plan"}, language="en")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error_message == "This workplan no longer exists."
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(users.member, Job.Kind.EXPORT_PERFORMANCE, "x", {"slug": "no-such-plan"}, language="fr")
    job.refresh_from_db()
    assert job.error_message == "Ce plan de travail n'existe plus."


def _worker_database(connection, tmp_path):
    """The database a worker process can open: the test database itself (PostgreSQL), or a file
    copy of the in-memory SQLite test database (copied back after the worker)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "worker.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}", path
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}", None


@pytest.mark.django_db(transaction=True)
def test_a_real_db_worker_runs_a_task(users, plan, settings, tmp_path):
    """Runs on SQLite and on PostgreSQL (DATABASE_URL=postgres://… pytest …)."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = job_start(users.member, Job.Kind.EXPORT_ACTIVITIES, "Liste", {"format": "csv"})
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.task_id
    url, sqlite_copy = _worker_database(connection, tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "TASKS_BACKEND": "database",
           "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT), "DEBUG": "1"}
    completed = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0.1",
         "--max-tasks", "1"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    if sqlite_copy:
        source = sqlite3.connect(sqlite_copy)
        source.backup(connection.connection)
        source.close()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error_message
    assert job.rows_written == 2 and job.result_file
    assert DBTaskResult.objects.get(pk=job.task_id).status == "SUCCESSFUL"
    with job.result_file.open("rb") as handle:
        assert "Monitoring de protection" in handle.read().decode("utf-8-sig")


REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/11")


def _redis_available():
    import redis

    try:
        return redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not _redis_available(), reason="no Redis at REDIS_TEST_URL")
def test_with_redis_the_task_goes_through_rq_and_an_rqworker(users, plan, settings, tmp_path):
    """The django-tasks-rq backend (REDIS_URL set): enqueued into Redis, run by `manage.py rqworker`.
    Uses its own Redis database (REDIS_TEST_URL, db 11 by default), emptied first."""
    import django_rq
    from django.db import connection

    settings.RQ_QUEUES = {"default": {"URL": REDIS_TEST_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default")
    queue.empty()
    job = job_start(users.member, Job.Kind.EXPORT_ACTIVITIES, "Liste", {"format": "csv"})
    job.refresh_from_db()
    assert job.task_id and queue.count == 1
    url, sqlite_copy = _worker_database(connection, tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS_TEST_URL, "TASKS_BACKEND": "rq",
           "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT), "DEBUG": "1"}
    completed = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job",
         "--worker-class", "rq.worker.SimpleWorker"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    if sqlite_copy:
        source = sqlite3.connect(sqlite_copy)
        source.backup(connection.connection)
        source.close()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, completed.stderr[-3000:]
    assert job.rows_written == 2
    from jobs.tasks import run_job

    assert run_job.get_result(job.task_id).status == "SUCCESSFUL"


def test_export_of_an_unknown_plan_is_404_and_get_is_refused(users, client_for):
    client = client_for(users.member)
    assert client.post(reverse("jobs:export_performance", args=["no-such-plan"])).status_code == 404
    assert client.get(reverse("jobs:export_performance_all")).status_code == 405
    assert Job.objects.count() == 0


def test_the_report_pages_offer_the_background_exports(users, plan, client_for):
    client = client_for(users.member)
    performance = client.get(reverse("reports:performance", args=[plan.workplan.slug])).content.decode()
    assert f'action="{reverse("jobs:export_performance", args=[plan.workplan.slug])}"' in performance
    activities = client.get(reverse("reports:activity_list")).content.decode()
    assert f'action="{reverse("jobs:export_activities")}"' in activities


def test_an_old_attempt_neither_runs_nor_overwrites_a_restarted_job(users):
    from jobs.tasks import _finish, run_job

    job = Job.objects.create(kind=Job.Kind.EXPORT_ACTIVITIES, description="Liste", started_by=users.member,
                             params={"format": "csv"}, attempt=2)
    assert run_job.call(job.pk, 1) == "skipped"  # queued before the restart
    stale = Job.objects.get(pk=job.pk)
    stale.attempt = 1  # a worker still busy with attempt 1 when the user restarted
    _finish(stale, Job.State.FAILED, Job.ErrorCode.FAILED, "late failure")
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.error == ""


def test_activity_list_xlsx_as_a_task(users, plan, client_for, django_capture_on_commit_callbacks):
    client = client_for(users.member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:export_activities"), {"format": "xlsx", "query": "q=monitoring"})
    job = Job.objects.get()
    assert job.state == Job.State.DONE and job.rows_written == 1 and job.result_name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)))
    cells = [str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value]
    assert "Monitoring de protection" in cells and "Sensibilisation" not in cells


def test_my_tasks_query_count_is_constant(users, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users.member)
    Job.objects.create(kind=Job.Kind.EXPORT_ACTIVITIES, description="Une", started_by=users.member)
    client.get(reverse("jobs:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("jobs:list"))
    Job.objects.bulk_create([Job(kind=Job.Kind.EXPORT_ACTIVITIES, description=f"T{i}", started_by=users.member)
                             for i in range(30)])
    with django_assert_num_queries(len(few)):
        assert client.get(reverse("jobs:list")).status_code == 200


def test_background_import_of_a_superseded_session_changes_nothing(users, client_for, settings,
                                                                   django_capture_on_commit_callbacks):
    """An old upload confirmed in the background after a newer import of the same plan was saved:
    refused like the confirm page refuses it (the plan is not rolled back), the session left unsaved."""
    settings.BACKGROUND_IMPORT_ROWS = 10
    client = client_for(users.administrator)
    for _ in range(2):
        client.post(reverse("imports:import"), {"file": SimpleUploadedFile(EHP.name, EHP.read_bytes()), "slug": "ehp"})
    old, new = ImportSession.objects.order_by("created_at", "pk")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:import_confirm", args=[new.pk]))
    assert Job.objects.get().state == Job.State.DONE
    generation = Workplan.objects.get(slug="ehp").generation
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:import_confirm", args=[old.pk]))
    job = Job.objects.order_by("-pk").first()
    assert job.state == Job.State.FAILED and job.error_message.startswith("Un import plus récent de ce plan")
    old.refresh_from_db()
    assert old.committed_at is None
    assert Workplan.objects.get(slug="ehp").generation == generation
