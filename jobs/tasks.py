"""The one django-tasks task: run a ``Job`` (``jobs.runners``), recording its progress and outcome."""

import logging

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Job
from .progress import Progress
from .runners import RUNNERS, JobError

logger = logging.getLogger(__name__)


@task()
def run_job(job_id, attempt=1):
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.attempt != attempt or job.is_finished:
        return "skipped"  # deleted, restarted since it was queued, or already over
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=now, heartbeat_at=now)
    job.state, job.started_at, job.heartbeat_at = Job.State.RUNNING, now, now
    progress = Progress(job)
    with translation.override(job.language):
        try:
            RUNNERS[job.kind](job, progress)
        except JobError as error:
            _finish(job, Job.State.FAILED, Job.ErrorCode.FAILED, str(error))
            return "failed"
        except Exception as error:
            logger.exception("job %s failed", job.pk)
            _finish(job, Job.State.FAILED, Job.ErrorCode.FAILED,
                    _("The task failed: %(error)s") % {"error": error.__class__.__name__})
            return "failed"
    _finish(job, Job.State.DONE, Job.ErrorCode.NONE, "")
    return "done"


def _finish(job, state, code, message):
    """Record the outcome, unless the job was restarted meanwhile (then the new attempt owns the row)."""
    job.state, job.error_code, job.error, job.finished_at = state, code, message, timezone.now()
    Job.objects.filter(pk=job.pk, attempt=job.attempt).update(
        state=state, error_code=code, error=message, finished_at=job.finished_at, heartbeat_at=job.finished_at,
        result_file=job.result_file.name or "", result_name=job.result_name, result_url=job.result_url,
        rows_total=job.rows_total, rows_read=job.rows_read, rows_written=job.rows_written,
    )
