"""The import session: an uploaded workplan file between its preview and its confirmation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterplan.lib.private_storage import import_storage
from workplans.models import Workplan


class ImportSession(models.Model):
    """An uploaded workplan file waiting for its preview to be confirmed."""

    file = models.FileField(_("file"), upload_to="workplan-imports/%Y/%m/", storage=import_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    workplan = models.ForeignKey(
        Workplan, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_sessions", verbose_name=_("workplan")
    )

    class Meta:
        db_table = "workplans_importsession"  # created by workplans 0004; moved here without touching the table
        ordering = ["-created_at"]
        verbose_name = _("import session")
        verbose_name_plural = _("import sessions")

    def __str__(self):
        return self.original_name

    def read(self):
        with self.file.open("rb") as handle:
            return handle.read()
