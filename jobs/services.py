"""Starting and restarting background jobs."""

from django.db import transaction
from django.utils import translation

from .models import Job
from .tasks import run_job


def _enqueue(job):
    """Queue the task once the job row is committed (a worker on another machine must see it)."""

    def send():
        result = run_job.enqueue(job.pk, job.attempt)
        Job.objects.filter(pk=job.pk, attempt=job.attempt).update(task_id=str(result.id)[:64])

    transaction.on_commit(send)


@transaction.atomic
def job_start(user, kind, description, params=None, language=None):
    job = Job.objects.create(
        kind=kind, description=description[:300], params=params or {}, started_by=user,
        language=language or translation.get_language() or "fr",
    )
    _enqueue(job)
    return job


@transaction.atomic
def job_restart(job):
    """A failed job starts again from scratch (a new attempt; the old task, if it ever wakes, skips)."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if not job.can_restart:
        return job
    if job.result_file:
        job.result_file.delete(save=False)
    job.attempt += 1
    job.state = Job.State.QUEUED
    job.rows_total, job.rows_read, job.rows_written = None, 0, 0
    job.result_name, job.result_url, job.error_code, job.error = "", "", "", ""
    job.started_at = job.heartbeat_at = job.finished_at = None
    job.task_id = ""
    job.save()
    _enqueue(job)
    return job
