"""Progress of a running job, written by the worker and read by the progress page."""

import time

from django.utils import timezone

from .models import Job

EVERY_SECONDS = 1.0


class Progress:
    """``progress.update(rows_read=…, rows_written=…)``: saved at most once a second (and at the end)."""

    def __init__(self, job):
        self.job = job
        self._last = 0.0

    def total(self, rows):
        self.job.rows_total = rows
        self._save(force=True)

    def update(self, rows_read=None, rows_written=None, force=False):
        if rows_read is not None:
            self.job.rows_read = rows_read
        if rows_written is not None:
            self.job.rows_written = rows_written
        self._save(force)

    def _save(self, force=False):
        now = time.monotonic()
        if not force and now - self._last < EVERY_SECONDS:
            return
        self._last = now
        self.job.heartbeat_at = timezone.now()
        Job.objects.filter(pk=self.job.pk).update(
            rows_total=self.job.rows_total, rows_read=self.job.rows_read,
            rows_written=self.job.rows_written, heartbeat_at=self.job.heartbeat_at,
        )
