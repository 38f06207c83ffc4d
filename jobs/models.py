"""Background tasks as the user sees them: what, how far, the result or the error.

The work itself runs through django-tasks (``jobs.tasks.run_job``: the database backend and
``manage.py db_worker`` by default); a ``Job`` row is the app's own record of it, the same
whatever the backend: progress, heartbeat, result file, error in the starter's language.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterplan.lib.private_storage import SettingRootedStorage, private_storage_for


class PrivateJobStorage(SettingRootedStorage):
    """Result files on disk under ``PRIVATE_MEDIA_ROOT`` (``jobs/``), read back through a view."""

    root_setting = "PRIVATE_MEDIA_ROOT"


def job_storage():
    return private_storage_for(PrivateJobStorage, "private/jobs")


class JobQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(started_by=user)

    def unfinished(self):
        return self.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING])

    def mark_dead(self, now=None):
        """Running tasks not heard from for ``TASK_STALE_SECONDS`` died with their worker:
        mark them failed (they can be restarted). One UPDATE; returns how many."""
        now = now or timezone.now()
        limit = now - datetime.timedelta(seconds=settings.TASK_STALE_SECONDS)
        return self.filter(state=Job.State.RUNNING).filter(
            Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit)
        ).update(state=Job.State.FAILED, finished_at=now, error_code=Job.ErrorCode.WORKER_DIED, error="")


class Job(models.Model):
    class Kind(models.TextChoices):
        EXPORT_PERFORMANCE = "export_performance", _("Performance table (xlsx)")
        EXPORT_ACTIVITIES = "export_activities", _("Activity list (xlsx)")
        IMPORT_WORKPLAN = "import_workplan", _("Workplan import")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class ErrorCode(models.TextChoices):
        NONE = "", _("No error")
        WORKER_DIED = "worker_died", _("The worker running this task stopped before it finished. Restart it.")
        FAILED = "failed", _("The task failed.")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    description = models.CharField(_("what"), max_length=300)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="fr")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs",
        verbose_name=_("started by"),
    )
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    rows_total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    result_file = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", storage=job_storage, blank=True)
    result_name = models.CharField(_("file name"), max_length=255, blank=True)
    result_url = models.CharField(_("result page"), max_length=500, blank=True)
    error_code = models.CharField(_("error"), max_length=20, choices=ErrorCode.choices, blank=True, default="")
    error = models.TextField(_("error message"), blank=True, help_text=_("In the language of whoever started it."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heard of"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def can_restart(self):
        return self.state == self.State.FAILED

    @property
    def percent(self):
        """How far, 0–100, from the rows written (or read) against the rows in all."""
        if self.state == self.State.DONE:
            return 100
        if not self.rows_total:
            return 0
        done = self.rows_written or self.rows_read // 2
        return min(99, int(done * 100 / self.rows_total))

    @property
    def error_message(self):
        """The error in words: the stored message (written in the starter's language), or the
        translated text of its code."""
        if self.error:
            return self.error
        if self.error_code:
            return self.ErrorCode(self.error_code).label
        return ""
