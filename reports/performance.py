"""The indicator performance tracking table, built from querysets in a constant number of queries.

``performance_table(workplans, filters, today)`` returns a ``PerformanceTable``: one row per
indicator, grouped under its objective and its expected result, with the whole-plan target,
achieved and % met, then per quarter the phased target, the achieved figure and the % met,
the status, and (when asked) the disaggregated values as sub-rows. Only VALIDATED reports
count; the figures come from the progress maths on ``indicators.models.Indicator``.

Queries, whatever the number of indicators: the plan span, the quarters, the indicators (with
their tree), the scheduled quarters, the responsible actors, the reports, the phased targets,
and the breakdowns when shown: 8 at most.

Filters:

- ``subcluster`` / ``actor``: indicators of the activities that sub-cluster (or one of its
  actors) or that organisation is responsible for;
- ``year``: the quarter columns of that year only; the whole-plan figures count the reports
  up to the end of that year and the status is judged at the end of that year;
- ``status``: only the indicators with that status;
- ``completed_only``: only the quarters already ended count (the current quarter is left out).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Min, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Indicator, IndicatorTarget, ProgressReport, ReportBreakdown, Status, rollup_status
from workplans.models import Activity, ActivityActor, Quarter

UNIT_LABELS = {
    Indicator.Kind.NUMBER: "#",
    Indicator.Kind.PERCENT: "%",
    Indicator.Kind.YES_NO: gettext_lazy("Y/N"),
    Indicator.Kind.TEXT: gettext_lazy("Milestone"),
}


@dataclass
class ReportFilters:
    subcluster: object = None
    actor: object = None
    year: int | None = None
    status: str = ""
    completed_only: bool = False
    breakdowns: bool = False
    until: Quarter | None = None  # the quarterly summary: nothing after this quarter counts

    def describe(self):
        """The filters applied, as (label, value) pairs, for the top of an export."""
        rows = []
        if self.subcluster:
            rows.append((_("Sub-cluster"), str(self.subcluster)))
        if self.actor:
            rows.append((_("Actor"), str(self.actor)))
        if self.year:
            rows.append((_("Year"), str(self.year)))
        if self.status:
            rows.append((_("Status"), str(Status(self.status).label)))
        if self.completed_only:
            rows.append((_("Only completed quarters"), _("yes")))
        if self.until:
            rows.append((_("Up to"), str(self.until.label)))
        return rows


@dataclass
class QuarterCell:
    quarter: Quarter
    target: Decimal | None = None
    achieved: Decimal | None = None
    percent: Decimal | None = None


@dataclass
class BreakdownRow:
    label: str
    values: list  # one per quarter column
    total: Decimal | None = None


@dataclass
class Row:
    indicator: Indicator
    activity: Activity | None
    actors: list
    unit_label: str
    baseline: Decimal | None
    target: Decimal | None
    achieved: Decimal | None
    percent: Decimal | None
    status: str
    cells: list
    breakdowns: list = field(default_factory=list)
    latest_quarter: Quarter | None = None

    @property
    def status_label(self):
        return Status(self.status).label

    @property
    def is_binary(self):
        return self.indicator.is_binary


@dataclass
class ResultGroup:
    result: object  # ExpectedResult or None
    rows: list = field(default_factory=list)


@dataclass
class ObjectiveGroup:
    objective: object  # Objective or None
    results: list = field(default_factory=list)
    status: str = ""

    @property
    def rows(self):
        return [row for group in self.results for row in group.rows]

    @property
    def status_label(self):
        return Status(self.status).label if self.status else ""


@dataclass
class PerformanceTable:
    quarters: list
    groups: list
    filters: ReportFilters
    today: datetime.date
    as_of: datetime.date

    @property
    def rows(self):
        return [row for group in self.groups for row in group.rows]

    def status_counts(self):
        counts = {status: 0 for status in Status.values}
        for row in self.rows:
            counts[row.status] += 1
        return counts


def _objective_of(indicator):
    if indicator.objective_id:
        return indicator.objective
    if indicator.activity_id:
        return indicator.activity.objective
    if indicator.result_id:
        return indicator.result.objective
    return None


def _result_of(indicator):
    if indicator.result_id:
        return indicator.result
    if indicator.activity_id and indicator.activity.result_id:
        return indicator.activity.result
    return None


def _sort_key(indicator):
    objective = _objective_of(indicator)
    result = _result_of(indicator)
    activity = indicator.activity if indicator.activity_id else None
    return (
        indicator.workplan_id,
        (objective.order, objective.pk) if objective else (10**9, 0),
        (result.order, result.pk) if result else (-1, 0),
        (activity.order, activity.pk) if activity else (10**9, 0),
        indicator.order,
        indicator.pk,
    )


def indicators_for(workplans, filters):
    """The active indicators of ``workplans`` (a queryset) that the filters keep, with their tree."""
    qs = Indicator.objects.active().filter(workplan__in=workplans)
    if filters.subcluster is not None:
        qs = qs.filter(activity__in=Activity.objects.for_subcluster(filters.subcluster).values("pk"))
    if filters.actor is not None:
        qs = qs.filter(activity__in=Activity.objects.for_actor(filters.actor).values("pk"))
    return qs


def quarter_columns(workplans, filters, today):
    """The quarters shown as columns: the plans' span, narrowed by year and "completed only"."""
    span = workplans.aggregate(first=Min("start_date"), last=Max("end_date"))
    if not (span["first"] and span["last"]):
        return []
    quarters = Quarter.objects.between(Quarter.pair_for_date(span["first"]), Quarter.pair_for_date(span["last"]))
    if filters.year:
        quarters = quarters.filter(year=filters.year)
    if filters.completed_only:
        quarters = quarters.filter(end_date__lt=today)
    if filters.until:
        quarters = quarters.filter(ordinal__lte=filters.until.ordinal)
    return list(quarters)


def _cutoff_filter(reports, filters, today):
    if filters.year:
        reports = reports.filter(quarter__year__lte=filters.year)
    if filters.completed_only:
        reports = reports.filter(quarter__end_date__lt=today)
    if filters.until:
        reports = reports.filter(quarter__ordinal__lte=filters.until.ordinal)
    return reports


def _format_breakdown_label(dimension, category, location_name):
    if dimension == ReportBreakdown.Dimension.CERCLE:
        return f"{ReportBreakdown.Dimension(dimension).label}: {location_name or '–'}"
    return f"{ReportBreakdown.Dimension(dimension).label}: {ReportBreakdown.Category(category).label}"


def performance_table(workplans, filters=None, today=None):
    """Build the performance table for ``workplans`` (a Workplan queryset: one plan or several)."""
    filters = filters or ReportFilters()
    today = today or timezone.localdate()
    as_of = today
    if filters.year and datetime.date(filters.year + 1, 1, 1) < today:
        as_of = datetime.date(filters.year + 1, 1, 1)
    if filters.until and filters.until.end_date + datetime.timedelta(days=1) < as_of:
        as_of = filters.until.end_date + datetime.timedelta(days=1)

    quarters = quarter_columns(workplans, filters, today)
    ordinals = [q.ordinal for q in quarters]

    indicator_qs = indicators_for(workplans, filters)
    indicator_ids = indicator_qs.values("pk")
    indicators = list(
        indicator_qs.select_related(
            "workplan", "objective", "result__objective", "activity__objective", "activity__result"
        ).prefetch_related(
            "activity__quarters",
            Prefetch("activity__actor_links", queryset=ActivityActor.objects.select_related("actor__subcluster")),
        )
    )
    indicators.sort(key=_sort_key)

    reports_qs = _cutoff_filter(ProgressReport.objects.validated().filter(indicator__in=indicator_ids), filters, today)
    reports_by_indicator = {}
    for report in reports_qs.select_related("quarter").only(
        "id", "indicator_id", "quarter", "value", "state", "updated_at"
    ):
        reports_by_indicator.setdefault(report.indicator_id, []).append(report)

    targets = {}
    place_targets = {}
    for ind_id, ordinal, location_id, value in IndicatorTarget.objects.filter(
        indicator__in=indicator_ids, quarter__isnull=False
    ).values_list("indicator_id", "quarter__ordinal", "location_id", "value"):
        if location_id is None:
            targets[(ind_id, ordinal)] = value
        else:
            place_targets[(ind_id, ordinal)] = place_targets.get((ind_id, ordinal), Decimal(0)) + value

    breakdowns = {}
    if filters.breakdowns:
        for ind_id, ordinal, dimension, category, location_name, value in (
            ReportBreakdown.objects.filter(report__in=reports_qs.values("pk"))
            .order_by("report__quarter__ordinal", "report__updated_at", "dimension", "category", "location__name")
            .values_list(
                "report__indicator_id", "report__quarter__ordinal", "dimension", "category", "location__name", "value"
            )
        ):
            label = _format_breakdown_label(dimension, category, location_name)
            breakdowns.setdefault(ind_id, {}).setdefault(label, {}).setdefault(ordinal, []).append(value)

    groups = []
    group_index = {}
    for indicator in indicators:
        activity = indicator.activity if indicator.activity_id else None
        scheduled = list(activity.quarters.all()) if activity else []
        progress = indicator.progress(
            reports=reports_by_indicator.get(indicator.pk, []), today=as_of, scheduled_quarters=scheduled
        )
        if filters.status and progress.status != filters.status:
            continue
        cells = []
        for quarter in quarters:
            target = targets.get((indicator.pk, quarter.ordinal), place_targets.get((indicator.pk, quarter.ordinal)))
            achieved = progress.values_by_quarter.get(quarter.ordinal)
            if indicator.is_binary:
                percent = indicator.percent_achieved(achieved)
            else:
                percent = indicator.percent_achieved(achieved, target=target) if target is not None else None
            cells.append(QuarterCell(quarter, target, achieved, percent))
        sub_rows = []
        for label, by_quarter in sorted(breakdowns.get(indicator.pk, {}).items()):
            combined = {o: indicator.combine(v) for o, v in by_quarter.items()}
            sub_rows.append(
                BreakdownRow(label, [combined.get(o) for o in ordinals], indicator.achieved(combined))
            )
        row = Row(
            indicator=indicator,
            activity=activity,
            actors=[link.actor for link in activity.actor_links.all()] if activity else [],
            unit_label=str(UNIT_LABELS[indicator.kind]),
            baseline=indicator.baseline,
            target=indicator.target,
            achieved=progress.achieved,
            percent=progress.percent,
            status=progress.status,
            cells=cells,
            breakdowns=sub_rows,
            latest_quarter=progress.latest_quarter,
        )
        objective = _objective_of(indicator)
        result = _result_of(indicator)
        key = objective.pk if objective else None
        if key not in group_index:
            group_index[key] = ObjectiveGroup(objective)
            groups.append(group_index[key])
        group = group_index[key]
        if not group.results or group.results[-1].result != result:
            group.results.append(ResultGroup(result))
        group.results[-1].rows.append(row)

    for group in groups:
        group.status = rollup_status([row.status for row in group.rows])
    return PerformanceTable(quarters=quarters, groups=groups, filters=filters, today=today, as_of=as_of)
