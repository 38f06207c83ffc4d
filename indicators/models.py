"""Indicators, their targets and the progress reported against them.

The progress maths live here, on the model, written once:

- ``Indicator.combine(values, rule)``: several values for one quarter (several organisations,
  several cercles) combined with the indicator's place rule (sum, max or latest);
- ``Indicator.achieved(values_by_quarter)``: the quarters added up with the indicator's
  aggregation (summed, cumulative running total, or latest value);
- ``Indicator.percent_achieved(achieved)``: against the target, inverted for a decrease;
- ``Indicator.status(...)``: not started, on track, at risk, late, done or no data.
See README.md, "Progress maths", for the rules in words.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplans.models import Activity, Actor, ExpectedResult, Objective, PartOfPlan, Quarter, ShownOnEveryPage, Workplan

from .storage import private_storage

# Status thresholds (README "Progress maths"): the gap between the share of scheduled time
# elapsed and the share of the target achieved. These are the defaults: each cluster sets its
# own (``Cluster.on_track_tolerance`` / ``at_risk_tolerance``, in points, in the admin).
ON_TRACK_TOLERANCE = Decimal("0.15")
AT_RISK_TOLERANCE = Decimal("0.30")


def thresholds_of(on_track_points, at_risk_points):
    """The (on-track, at-risk) tolerances as shares, from a cluster's settings in points."""
    if on_track_points is None or at_risk_points is None:
        return ON_TRACK_TOLERANCE, AT_RISK_TOLERANCE
    return Decimal(on_track_points) / 100, Decimal(at_risk_points) / 100


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")
    DONE = "done", _("Done")
    NO_DATA = "no_data", _("No data")


# A plan past its end date (``Workplan.has_ended``) shows this instead of a progress status.
ENDED = "ended"
ENDED_LABEL = _("Ended")


class Outcome(models.TextChoices):
    """The final result of an indicator once its plan has ended."""

    REACHED = "reached", _("Target reached")
    PARTLY = "partly", _("Partly reached")
    NOT_REACHED = "not_reached", _("Not reached")
    NO_TARGET = "no_target", _("Reported, no target")
    NOT_REPORTED = "not_reported", _("Not reported")


def outcome_of(achieved, percent):
    """Reached (≥ 100 %), partly (above 0 %), not reached (0 %), reported without a target, or
    not reported (no validated value): the verdict of an ended plan, indicator by indicator."""
    if achieved is None:
        return Outcome.NOT_REPORTED
    if percent is None:
        return Outcome.NO_TARGET
    if percent >= 100:
        return Outcome.REACHED
    if percent > 0:
        return Outcome.PARTLY
    return Outcome.NOT_REACHED


# Worst first: how statuses roll up from indicators to activities, results, objectives, plans.
ROLLUP_ORDER = [Status.LATE, Status.AT_RISK, Status.NO_DATA, Status.ON_TRACK, Status.DONE]


def rollup_status(statuses):
    """The status of a parent from its children's statuses.

    Children not started yet are ignored unless all are; then the worst of late, at risk,
    no data, on track; "done" only when every started child is done.
    """
    statuses = [s for s in statuses if s]
    if not statuses:
        return Status.NO_DATA
    started = [s for s in statuses if s != Status.NOT_STARTED]
    if not started:
        return Status.NOT_STARTED
    if all(s == Status.DONE for s in started):
        return Status.DONE
    for candidate in ROLLUP_ORDER:
        if candidate in started:
            return candidate
    return Status.ON_TRACK


class Location(ShownOnEveryPage, models.Model):
    """A region or a cercle of Mali (places are data, editable in the admin)."""

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")
        CERCLE = "cercle", _("Cercle")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    pcode = models.CharField(_("P-code"), max_length=20, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "kind"], name="unique_location_name_kind")]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return self.name


class IndicatorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def for_workplan(self, workplan):
        return self.filter(workplan=workplan)

    def with_tree(self):
        return self.select_related("workplan", "activity", "result", "objective")

    def with_thresholds(self):
        """Each indicator carries its cluster's status thresholds (a join, no extra query)."""
        return self.annotate(
            on_track_points=models.F("workplan__cluster__on_track_tolerance"),
            at_risk_points=models.F("workplan__cluster__at_risk_tolerance"),
        )


class Indicator(models.Model):
    class Kind(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENT = "percent", _("Percentage")
        YES_NO = "yes_no", _("Yes/no")
        TEXT = "text", _("Text milestone")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Summed over quarters")
        CUMULATIVE = "cumulative", _("Cumulative running total")
        LATEST = "latest", _("Latest value")
        ONCE = "once", _("Done once (a single deliverable)")

    class PlaceRule(models.TextChoices):
        SUM = "sum", _("Sum")
        MAX = "max", _("Maximum")
        LATEST = "latest", _("Latest")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Increase")
        DECREASE = "decrease", _("Decrease")

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("workplan"))
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("activity")
    )
    result = models.ForeignKey(
        ExpectedResult,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("expected result"),
    )
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("objective")
    )
    code = models.CharField(_("code"), max_length=30, blank=True)
    text = models.TextField(_("indicator"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NUMBER)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True, help_text=_('Empty where the plan says "# de …".')
    )
    means_of_verification = models.TextField(_("means of verification"), blank=True)
    disaggregate_sex = models.BooleanField(_("by sex"), default=False)
    disaggregate_age = models.BooleanField(_("by age"), default=False)
    disaggregate_cercle = models.BooleanField(_("by cercle"), default=False)
    aggregation = models.CharField(
        _("how quarters add up"), max_length=12, choices=Aggregation.choices, default=Aggregation.SUM
    )
    place_rule = models.CharField(
        _("how places and organisations add up"), max_length=10, choices=PlaceRule.choices, default=PlaceRule.SUM
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    order = models.PositiveIntegerField(_("order"), default=0)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["workplan", "order", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            # An indicator has exactly one owner: an activity, a result or an objective.
            models.CheckConstraint(
                condition=(
                    models.Q(activity__isnull=False, result__isnull=True, objective__isnull=True)
                    | models.Q(activity__isnull=True, result__isnull=False, objective__isnull=True)
                    | models.Q(activity__isnull=True, result__isnull=True, objective__isnull=False)
                ),
                name="indicator_has_exactly_one_owner",
            )
        ]

    def __str__(self):
        return f"{self.code} {self.text[:80]}".strip()

    def get_absolute_url(self):
        return reverse("indicators:detail", args=[self.pk])

    def save(self, *args, **kwargs):
        """Saving an indicator raises its plan's generation (the plan-status cache). (The ``q``
        filter searches the indicators' texts in place: nothing to refresh.)"""
        super().save(*args, **kwargs)
        Workplan.bump_generation(self.workplan_id)

    def delete(self, *args, **kwargs):
        workplan_id = self.workplan_id
        result = super().delete(*args, **kwargs)
        Workplan.bump_generation(workplan_id)
        return result

    # --- progress maths -------------------------------------------------------------

    @property
    def thresholds(self):
        """(on-track, at-risk) tolerances of the indicator's cluster, as shares of 1.

        From ``with_thresholds()`` when the queryset annotated them, else from the loaded
        ``workplan.cluster``; the defaults for an indicator outside any plan."""
        if hasattr(self, "on_track_points"):
            return thresholds_of(self.on_track_points, self.at_risk_points)
        if not self.workplan_id:
            return ON_TRACK_TOLERANCE, AT_RISK_TOLERANCE
        cluster = self.workplan.cluster
        return thresholds_of(cluster.on_track_tolerance, cluster.at_risk_tolerance)

    @property
    def is_binary(self):
        return self.kind in (self.Kind.YES_NO, self.Kind.TEXT)

    @property
    def effective_aggregation(self):
        """Percentages, yes/no and milestones are never summed over quarters."""
        if self.kind != self.Kind.NUMBER and self.aggregation != self.Aggregation.ONCE:
            return self.Aggregation.LATEST
        return self.aggregation

    def combine(self, values):
        """One quarter's figure from several values (organisations, places), by the place rule.

        ``values`` are in reporting order (oldest first); ``None`` is "not reported".
        """
        values = [Decimal(v) for v in values if v is not None]
        if not values:
            return None
        if self.is_binary:
            return Decimal(1) if any(v >= 1 for v in values) else Decimal(0)
        if self.place_rule == self.PlaceRule.MAX:
            return max(values)
        if self.place_rule == self.PlaceRule.LATEST:
            return values[-1]
        return sum(values, Decimal(0))

    def running_values(self, values_by_quarter):
        """The achieved-to-date figure after each reported quarter.

        ``values_by_quarter``: ``{quarter_ordinal: value}``, one combined value per quarter.
        Returns ``{quarter_ordinal: achieved_to_date}`` for the quarters that have a value.
        """
        running = {}
        total = Decimal(0)
        for ordinal in sorted(values_by_quarter):
            value = values_by_quarter[ordinal]
            if value is None:
                continue
            if self.effective_aggregation == self.Aggregation.SUM:
                total += value
                running[ordinal] = total
            elif self.effective_aggregation == self.Aggregation.ONCE:  # delivered once: more reports add nothing
                total = max(total, value)
                running[ordinal] = total
            else:  # cumulative running total, or latest value: the last report is the figure
                running[ordinal] = value
        return running

    def achieved(self, values_by_quarter):
        """The whole-plan achieved figure, or ``None`` when nothing was reported."""
        running = self.running_values(values_by_quarter)
        if not running:
            return None
        return running[max(running)]

    def quarter_increment(self, values_by_quarter, ordinal):
        """What a quarter added: its value when summed, the change since the last report when cumulative."""
        value = values_by_quarter.get(ordinal)
        if value is None:
            return None
        if self.effective_aggregation != self.Aggregation.CUMULATIVE:
            return value
        earlier = [o for o in values_by_quarter if o < ordinal and values_by_quarter[o] is not None]
        return value - (values_by_quarter[max(earlier)] if earlier else Decimal(0))

    def percent_achieved(self, achieved, target=None):
        """% of the target achieved; inverted for a decrease; ``None`` without target or data."""
        if achieved is None:
            return None
        if self.is_binary:
            return Decimal(100) if achieved >= 1 else Decimal(0)
        target = self.target if target is None else target
        if target is None:
            return None
        if self.direction == self.Direction.DECREASE:
            if self.baseline is not None and self.baseline != target:
                pct = (self.baseline - achieved) / (self.baseline - target) * 100
            elif achieved == 0:
                pct = Decimal(100)
            else:
                pct = Decimal(target) / achieved * 100
        else:
            if target == 0:
                return Decimal(100) if achieved >= 0 else Decimal(0)
            base = self.baseline if (self.baseline is not None and self.baseline < target) else Decimal(0)
            pct = (achieved - base) / (target - base) * 100
        return max(pct, Decimal(0)).quantize(Decimal("0.1"))

    def status(self, values_by_quarter, scheduled_quarters, today=None):
        """The indicator's status on ``today`` (see README, "Progress maths")."""
        today = today or timezone.localdate()
        scheduled = sorted(scheduled_quarters, key=lambda q: q.ordinal)
        achieved = self.achieved(values_by_quarter)
        if not scheduled:
            elapsed_share = None
            started = True
        else:
            started = scheduled[0].start_date <= today
            elapsed = sum(1 for q in scheduled if q.end_date < today)
            elapsed_share = Decimal(elapsed) / Decimal(len(scheduled))
        pct = self.percent_achieved(achieved)
        if pct is not None and pct >= 100:
            return Status.DONE
        if not started:
            return Status.NOT_STARTED
        if achieved is None:
            return Status.NO_DATA if (elapsed_share is None or elapsed_share > 0) else Status.NOT_STARTED
        if pct is None:
            # A value without a target (or a milestone not reached): judged on reporting alone.
            if not scheduled:
                return Status.ON_TRACK
            last_due = [q for q in scheduled if q.end_date < today]
            if not last_due or last_due[-1].ordinal <= max(values_by_quarter, default=-1):
                return Status.ON_TRACK
            return Status.LATE if (elapsed_share or 0) >= 1 else Status.AT_RISK
        if elapsed_share is None:
            return Status.ON_TRACK
        gap = elapsed_share - pct / 100
        on_track, at_risk = self.thresholds
        if gap <= on_track:
            return Status.ON_TRACK if elapsed_share < 1 or gap <= 0 else Status.AT_RISK
        if gap <= at_risk:
            return Status.AT_RISK
        return Status.LATE

    def scheduled_quarters(self):
        """The quarters the indicator's activity is scheduled in (uses prefetched data when there)."""
        if self.activity_id:
            return list(self.activity.quarters.all())
        return []

    def progress(self, reports=None, today=None, scheduled_quarters=None):
        """Everything a page shows about progress, from the validated reports.

        ``reports`` defaults to ``self.reports.all()`` (prefetch it, with its ``quarter``);
        only validated reports count.
        """
        reports = self.reports.all() if reports is None else reports
        by_quarter = {}
        quarters = {}
        for report in sorted(reports, key=lambda r: (r.quarter.ordinal, r.updated_at or timezone.now())):
            if report.state != ProgressReport.State.VALIDATED:
                continue
            by_quarter.setdefault(report.quarter.ordinal, []).append(report.value)
            quarters[report.quarter.ordinal] = report.quarter
        values = {ordinal: self.combine(vals) for ordinal, vals in by_quarter.items()}
        values = {o: v for o, v in values.items() if v is not None}
        scheduled = self.scheduled_quarters() if scheduled_quarters is None else scheduled_quarters
        achieved = self.achieved(values)
        latest = values[max(values)] if values else None
        return Progress(
            values_by_quarter=values,
            running=self.running_values(values),
            achieved=achieved,
            latest_value=latest,
            latest_quarter=quarters[max(values)] if values else None,
            percent=self.percent_achieved(achieved),
            status=self.status(values, scheduled, today),
        )


@dataclass
class Progress:
    values_by_quarter: dict = field(default_factory=dict)
    running: dict = field(default_factory=dict)
    achieved: Decimal | None = None
    latest_value: Decimal | None = None
    latest_quarter: Quarter | None = None
    percent: Decimal | None = None
    status: str = Status.NO_DATA

    @property
    def status_label(self):
        return Status(self.status).label


class IndicatorTarget(PartOfPlan, models.Model):
    """A target phased by quarter and/or by place, beside the indicator's whole-plan target."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    quarter = models.ForeignKey(Quarter, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("quarter"))
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("location")
    )
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "quarter", "location"], name="unique_indicator_target")
        ]
        verbose_name = _("phased target")
        verbose_name_plural = _("phased targets")

    def __str__(self):
        return f"{self.indicator_id} {self.quarter or ''} {self.location or ''}: {self.value}"

    def plan_ids(self):
        """Phased targets are read by the progress maths."""
        return Workplan.objects.filter(indicators=self.indicator_id).values("pk")


class ProgressReportQuerySet(models.QuerySet):
    def validated(self):
        return self.filter(state=ProgressReport.State.VALIDATED)

    def visible_to(self, user):
        """The reports ``user`` may see in detail (values, narrative, history, evidence): the rule
        is ``indicators.permissions.visible_reports`` (with its twin ``can_see_report_details``)."""
        from .permissions import visible_reports

        return visible_reports(user, self)


# Days after a quarter's end before an unreported quarter is "overdue" rather than "due".
REPORTING_GRACE_DAYS = 30


class ReportLabel(models.TextChoices):
    """Where one indicator's report for one quarter stands."""

    DUE = "due", _("Due")
    OVERDUE = "overdue", _("Overdue")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    VALIDATED = "validated", _("Validated")


def report_label(report, quarter, today=None):
    """The label of a quarter's report: validated, submitted, returned, due or overdue.

    A draft counts as not reported. Before the quarter starts there is no label (``""``);
    from its start until ``REPORTING_GRACE_DAYS`` after its end it is *due*, then *overdue*.
    """
    import datetime

    today = today or timezone.localdate()
    state = report.state if report is not None else None
    if state in (ProgressReport.State.VALIDATED, ProgressReport.State.SUBMITTED, ProgressReport.State.RETURNED):
        return ReportLabel(state)
    if quarter.start_date > today:
        return ""
    if today > quarter.end_date + datetime.timedelta(days=REPORTING_GRACE_DAYS):
        return ReportLabel.OVERDUE
    return ReportLabel.DUE


FOUR_EYES_MESSAGE = _(
    "Four eyes: you entered this report, so another coordinator must validate it "
    "(an administrator can switch this rule off for the cluster)."
)


class ProgressReport(models.Model):
    """What one organisation reports for one indicator and one quarter."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        VALIDATED = "validated", _("Validated")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="reports", verbose_name=_("indicator"))
    quarter = models.ForeignKey(Quarter, on_delete=models.PROTECT, related_name="reports", verbose_name=_("quarter"))
    organisation = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="progress_reports", verbose_name=_("reporting organisation")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    value_text = models.TextField(_("value (text)"), blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    review_comment = models.TextField(_("review comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    last_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("last changed by"), help_text=_("Who last saved the report's values."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text=_("Raised at every save: guards against lost updates."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "quarter__ordinal", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "quarter", "organisation"], name="unique_report_per_indicator_quarter_org"
            )
        ]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.indicator_id} {self.quarter} {self.organisation}"

    def save(self, *args, **kwargs):
        """Every change of a report raises its plan's generation (the plan-status cache key)."""
        super().save(*args, **kwargs)
        Workplan.bump_generation(Workplan.objects.filter(indicators=self.indicator_id).values("pk"))

    def delete(self, *args, **kwargs):
        plans = list(Workplan.objects.filter(indicators=self.indicator_id).values_list("pk", flat=True))
        result = super().delete(*args, **kwargs)
        Workplan.bump_generation(plans)
        return result

    # The workflow, in one place: the services enforce it, the pages ask it.
    @property
    def can_be_submitted(self):
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @property
    def can_be_validated(self):
        return self.state == self.State.SUBMITTED

    def entered_by_user(self, user):
        """Whether ``user`` entered this report: created it or last saved its values."""
        return user is not None and user.pk is not None and user.pk in (self.created_by_id, self.last_saved_by_id)

    def four_eyes_refusal(self, user):
        """Why ``user`` may not validate this report under the four-eyes rule ("" when they may).

        The rule (``Cluster.four_eyes_validation``, on by default): whoever created the report
        or last saved its values cannot validate it; another person must."""
        if not self.indicator.workplan.cluster.four_eyes_validation or not self.entered_by_user(user):
            return ""
        return str(FOUR_EYES_MESSAGE)

    @property
    def can_be_returned(self):
        return self.state in (self.State.SUBMITTED, self.State.VALIDATED)

    @property
    def return_comment(self):
        """The coordinator's comment while the report waits for its organisation's correction."""
        return self.review_comment if self.state == self.State.RETURNED else ""

    @property
    def accepts_changes(self):
        """Values, parts and evidence may change until the report is validated."""
        return self.state != self.State.VALIDATED


class _ReportPart(PartOfPlan):
    """A part of a report (breakdown, evidence file): part of the report's plan's pages."""

    def plan_ids(self):
        return Workplan.objects.filter(indicators__reports=self.report_id).values("pk")


class ReportBreakdown(_ReportPart, models.Model):
    """One part of a report's value: by sex, by age group or by cercle."""

    class Dimension(models.TextChoices):
        SEX = "sex", _("Sex")
        AGE = "age", _("Age")
        CERCLE = "cercle", _("Cercle")

    class Category(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        UNDER_18 = "lt18", _("Under 18")
        ADULT = "ge18", _("18 and over")
        PLACE = "place", _("Place")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="breakdowns")
    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("cercle")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "dimension", "category", "location"], name="unique_breakdown_part")
        ]
        verbose_name = _("breakdown")
        verbose_name_plural = _("breakdowns")

    def __str__(self):
        return f"{self.get_dimension_display()} {self.location or self.get_category_display()}: {self.value}"


def evidence_upload_to(instance, filename):
    return f"evidence/{instance.report.indicator_id}/{instance.report_id}/{filename}"


class Evidence(_ReportPart, models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_upload_to, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.original_name


class QuarterClosure(PartOfPlan, models.Model):
    """A quarter closed by a coordinator for one workplan: its reports are locked.

    Reopening deletes nothing: it sets ``reopened_at``; the history of acts is this table.
    """

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="closures")
    quarter = models.ForeignKey(Quarter, on_delete=models.PROTECT, related_name="closures")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(default=timezone.now)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        ordering = ["-closed_at"]
        verbose_name = _("quarter closure")
        verbose_name_plural = _("quarter closures")

    def __str__(self):
        return f"{self.workplan} {self.quarter}"

    def plan_ids(self):
        """Closing or reopening a quarter changes the plan's statuses."""
        return self.workplan_id
