"""Reminders and notifications: the per-cluster schedule, the record of every message, opt-outs.

A ``Notification`` is written once per message (recipient, kind, subject object, schedule
step), by ``send_reminders`` only; partial unique constraints make a second copy impossible.
It is both the "sent message" record and the in-app notification.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models import REPORTING_GRACE_DAYS, ProgressReport
from meetings.models import ActionPoint
from workplans.models import Cluster, Quarter, Workplan


class Kind(models.TextChoices):
    DUE = "due", _("Report due")
    OVERDUE = "overdue", _("Report overdue")
    AWAITING_VALIDATION = "awaiting_validation", _("Reports awaiting validation (weekly digest)")
    RETURNED = "returned", _("Report returned")
    VALIDATED = "validated", _("Report validated")
    ACTION_POINT = "action_point", _("Action point deadline")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def parse_offsets(text):
    """``"-7, 7, 21"`` → ``[-7, 7, 21]`` (sorted, unique); ``ValueError`` on anything else."""
    values = set()
    for part in str(text or "").replace(";", ",").split(","):
        part = part.strip()
        if part:
            values.add(int(part))
    return sorted(values)


def validate_offsets(text):
    try:
        offsets = parse_offsets(text)
    except ValueError:
        raise ValidationError(_("Write whole numbers of days separated by commas, for example -7, 7, 21."))
    if any(abs(o) > 366 for o in offsets):
        raise ValidationError(_("An offset cannot exceed a year (366 days)."))


class ReminderSchedule(models.Model):
    """When a cluster's reminders go out. A cluster without one uses the defaults below."""

    cluster = models.OneToOneField(
        Cluster, on_delete=models.CASCADE, related_name="reminder_schedule", verbose_name=_("cluster")
    )
    enabled = models.BooleanField(_("send reminders"), default=True)
    report_offsets = models.CharField(
        _("report reminders (days from the reporting deadline)"),
        max_length=100,
        default="-7, 7, 21",
        validators=[validate_offsets],
        help_text=_(
            "The reporting deadline of a quarter is its last day plus the grace period of the report labels. "
            "Negative: days before it (\"due\" reminders); positive: days after it (\"overdue\" reminders)."
        ),
    )
    digest_weekday = models.PositiveSmallIntegerField(
        _("coordinators' digest on"), choices=Weekday.choices, null=True, blank=True, default=Weekday.MONDAY,
        help_text=_("Empty: no weekly digest."),
    )
    action_point_offsets = models.CharField(
        _("action point reminders (days from the deadline)"),
        max_length=100,
        default="-3, 1, 7",
        validators=[validate_offsets],
        help_text=_("Negative: days before the action point's deadline; positive: days after."),
    )

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedules")

    def __str__(self):
        return str(self.cluster)

    @classmethod
    def for_clusters(cls):
        """``{cluster: schedule}`` for every cluster, the defaults where none was saved."""
        saved = {s.cluster_id: s for s in cls.objects.all()}
        return {c: saved.get(c.pk) or cls(cluster=c) for c in Cluster.objects.all()}

    @property
    def report_steps(self):
        return parse_offsets(self.report_offsets)

    @property
    def action_point_steps(self):
        return parse_offsets(self.action_point_offsets)


def reporting_deadline(quarter):
    """The day after which a quarter's missing report is overdue: the rule of ``report_label``."""
    return quarter.end_date + datetime.timedelta(days=REPORTING_GRACE_DAYS)


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


REPORT_KINDS = [Kind.DUE, Kind.OVERDUE]
REVIEW_KINDS = [Kind.RETURNED, Kind.VALIDATED]


class Notification(models.Model):
    """One message to one person: recorded once, emailed unless opted out, listed in the app."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    step = models.CharField(
        _("schedule step"), max_length=40, help_text=_("Days from the deadline, the digest's day, or the review's time.")
    )
    # The subject object, by explicit foreign keys (one set per kind, see the constraints).
    workplan = models.ForeignKey(Workplan, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    quarter = models.ForeignKey(Quarter, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    action_point = models.ForeignKey(ActionPoint, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    emailed_to = models.EmailField(_("emailed to"), blank=True, help_text=_("Empty: shown in the app only."))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "workplan", "quarter", "step"],
                condition=Q(kind__in=REPORT_KINDS),
                name="notification_once_per_report_step",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "cluster", "step"],
                condition=Q(kind=Kind.AWAITING_VALIDATION),
                name="notification_once_per_digest",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "report", "step"],
                condition=Q(kind__in=REVIEW_KINDS),
                name="notification_once_per_review",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "action_point", "step"],
                condition=Q(kind=Kind.ACTION_POINT),
                name="notification_once_per_action_point_step",
            ),
            models.CheckConstraint(
                condition=(
                    (Q(kind__in=REPORT_KINDS) & Q(workplan__isnull=False, quarter__isnull=False))
                    | (Q(kind=Kind.AWAITING_VALIDATION) & Q(cluster__isnull=False))
                    | (Q(kind__in=REVIEW_KINDS) & Q(report__isnull=False))
                    | (Q(kind=Kind.ACTION_POINT) & Q(action_point__isnull=False))
                ),
                name="notification_has_its_subject",
            ),
        ]

    def __str__(self):
        return self.subject


class EmailOptOut(models.Model):
    """A user who does not want emails of one kind (the in-app list keeps them)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="unique_email_opt_out")]
        verbose_name = _("email opt-out")
        verbose_name_plural = _("email opt-outs")

    def __str__(self):
        return f"{self.user} − {self.kind}"
