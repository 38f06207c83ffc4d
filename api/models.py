"""The KoboToolbox bridge: registered forms, their field mapping, and the submissions received.

A coordinator registers a Kobo form (a name and a secret: the hook URL is
``/api/v1/kobo/<secret>/``) and says where each part of a progress report is in the form's
JSON. Every submission Kobo posts is kept (``KoboSubmission``, unique per form and ``_uuid``):
turned into a report through ``indicators.services``, or kept with the reason it could not be.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, ProgressReport
from workplans.models import Actor, Quarter, Workplan


def new_secret():
    return secrets.token_urlsafe(24)


class KoboForm(models.Model):
    name = models.CharField(_("name"), max_length=200)
    secret = models.CharField(_("secret"), max_length=64, unique=True, default=new_secret, editable=False)
    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="kobo_forms", verbose_name=_("workplan"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="kobo_forms",
        verbose_name=_("recorded in the name of"),
        help_text=_("Reports are recorded as this user, with this user's rights."),
    )
    active = models.BooleanField(_("active"), default=True)
    # Where each part of a report comes from: a fixed choice, or a field of the form (its name,
    # or its group path like "group_x/field").
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("indicator"),
        help_text=_("Every submission reports on this indicator…"),
    )
    indicator_field = models.CharField(
        _("field holding the indicator code"), max_length=200, blank=True,
        help_text=_("…or this field holds the indicator's code (in the workplan)."),
    )
    quarter = models.ForeignKey(
        Quarter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("quarter"),
    )
    quarter_field = models.CharField(
        _("field holding the quarter or a date"), max_length=200, blank=True,
        help_text=_("A quarter code (2021-Q2) or a date; _submission_time is allowed."),
    )
    organisation = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("organisation"),
    )
    organisation_field = models.CharField(
        _("field holding the organisation"), max_length=200, blank=True,
        help_text=_("Its acronym or a known alias."),
    )
    value_field = models.CharField(_("field holding the value"), max_length=200, blank=True)
    female_field = models.CharField(_("field: women and girls (F)"), max_length=200, blank=True)
    male_field = models.CharField(_("field: men and boys (M)"), max_length=200, blank=True)
    under18_field = models.CharField(_("field: under 18"), max_length=200, blank=True)
    adult_field = models.CharField(_("field: 18 and over"), max_length=200, blank=True)
    narrative_field = models.CharField(_("field holding the narrative"), max_length=200, blank=True)
    submit = models.BooleanField(
        _("submit for validation"), default=False,
        help_text=_("Unticked, each submission becomes a draft; ticked, it is submitted for validation."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("Kobo form")
        verbose_name_plural = _("Kobo forms")

    def __str__(self):
        return self.name

    def hook_path(self):
        return reverse("api:kobo-hook", args=[self.secret])


class KoboSubmissionQuerySet(models.QuerySet):
    def kept(self):
        return self.filter(status=KoboSubmission.Status.KEPT)


class KoboSubmission(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", _("Report recorded")
        KEPT = "kept", _("Kept: could not be mapped")

    form = models.ForeignKey(KoboForm, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("Kobo form"))
    uuid = models.CharField("_uuid", max_length=100)
    payload = models.JSONField(_("submission"))
    submitted_at = models.CharField(_("submitted in Kobo at"), max_length=40, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.KEPT)
    reason = models.TextField(_("reason"), blank=True)
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("report")
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    objects = KoboSubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["form", "uuid"], name="unique_kobo_submission_uuid")]
        verbose_name = _("Kobo submission")
        verbose_name_plural = _("Kobo submissions")

    def __str__(self):
        return self.uuid
