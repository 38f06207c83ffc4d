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
    decisions = models.JSONField(
        _("decisions"), default=dict, blank=True,
        help_text=_("The administrator's choices in the preview: new organisations, indicator rules (imports.decisions)."),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    options = models.JSONField(
        _("reading options"), default=dict, blank=True,
        help_text=_("The column mapping, header row and sheet chosen in the preview."),
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


class ColumnMapping(models.Model):
    """A confirmed reading of a header row, saved for a cluster and applied to the next file
    whose header row is the same (as ActivityInfo's saved import configurations)."""

    cluster = models.ForeignKey(
        "workplans.Cluster", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("cluster")
    )
    header_key = models.CharField(_("header key"), max_length=64, db_index=True, editable=False)
    header = models.JSONField(_("header row"), default=list, help_text=_("The header texts, column by column."))
    fields = models.JSONField(
        _("column meanings"), default=dict,
        help_text=_("Header text → field (objective, result, activity, indicator, lead, other, period, ignore…)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("saved by"),
    )
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["cluster", "header_key"], name="unique_column_mapping")]
        verbose_name = _("saved column mapping")
        verbose_name_plural = _("saved column mappings")

    def __str__(self):
        return " | ".join(str(h) for h in self.header if h)[:120] or self.header_key

    def save(self, *args, **kwargs):
        from .mapping import header_key

        self.header_key = header_key(self.header)
        super().save(*args, **kwargs)
