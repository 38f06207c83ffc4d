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

from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Indicator, IndicatorTarget, ProgressReport, ReportBreakdown, Status, rollup_status
from workplans.models import Activity, ActivityActor, ExpectedResult, Objective, Quarter, Workplan

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
    workplan_title: str = ""

    @property
    def status_label(self):
        return Status(self.status).label

    @property
    def is_binary(self):
        return self.indicator.is_binary

    @property
    def aggregation_label(self):
        """How the quarters really add up (percentages and yes/no are never summed)."""
        return Indicator.Aggregation(self.indicator.effective_aggregation).label


@dataclass
class ResultGroup:
    result: object  # ExpectedResult or None
    rows: list = field(default_factory=list)


@dataclass
class ObjectiveGroup:
    objective: object  # Objective or None
    results: list = field(default_factory=list)
    status: str = ""
    workplan_title: str = ""

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

    @property
    def column_count(self):
        """Columns of the HTML table: 6 fixed, 3 for the whole plan, 3 per quarter, the status."""
        return 10 + 3 * len(self.quarters)

    @property
    def label_span(self):
        return self.column_count - 1

    def paginate(self, number, per_page):
        """(a Django ``Page`` of rows, the groups holding only that page's rows)."""
        page = Paginator(self.rows, per_page).get_page(number)
        shown = {id(row) for row in page.object_list}
        groups = []
        for group in self.groups:
            results = [ResultGroup(rg.result, [r for r in rg.rows if id(r) in shown]) for rg in group.results]
            results = [rg for rg in results if rg.rows]
            if results:
                groups.append(ObjectiveGroup(group.objective, results, group.status, group.workplan_title))
        return page, groups

    def status_counts(self):
        counts = {status: 0 for status in Status.values}
        for row in self.rows:
            counts[row.status] += 1
        return counts


@dataclass(frozen=True)
class ActivityRef:
    """What the table shows of an activity (read as plain values: no model instance per row)."""

    pk: int
    code: str
    title: str
    order: int
    objective_id: int
    result_id: int | None
    place: str = ""

    def __str__(self):
        return f"{self.code} {self.title[:80]}".strip()


@dataclass(frozen=True)
class ActorRef:
    acronym: str
    subcluster_code: str | None

    def __str__(self):
        return self.acronym


def indicators_for(workplans, filters):
    """The active indicators of ``workplans`` (a queryset) that the filters keep, with their tree."""
    qs = Indicator.objects.active().with_thresholds().filter(workplan__in=workplans)
    if filters.subcluster is not None:
        qs = qs.filter(activity__in=Activity.objects.for_subcluster(filters.subcluster).values("pk"))
    if filters.actor is not None:
        qs = qs.filter(activity__in=Activity.objects.for_actor(filters.actor).values("pk"))
    return qs


def quarter_columns(workplans, filters, today, quarters):
    """The quarters shown as columns: the plans' span, narrowed by year and "completed only"."""
    span = workplans.aggregate(first=Min("start_date"), last=Max("end_date"))
    if not (span["first"] and span["last"]):
        return []
    first = Quarter.ordinal_of(*Quarter.pair_for_date(span["first"]))
    last = Quarter.ordinal_of(*Quarter.pair_for_date(span["last"]))
    if filters.until:
        last = min(last, filters.until.ordinal)
    return sorted(
        (
            q for q in quarters
            if first <= q.ordinal <= last
            and (not filters.year or q.year == filters.year)
            and (not filters.completed_only or q.end_date < today)
        ),
        key=lambda q: q.ordinal,
    )


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

    all_quarters = {q.pk: q for q in Quarter.objects.all()}
    by_ordinal = {q.ordinal: q for q in all_quarters.values()}
    quarters = quarter_columns(workplans, filters, today, all_quarters.values())
    ordinals = [q.ordinal for q in quarters]

    indicator_qs = indicators_for(workplans, filters)
    indicator_ids = indicator_qs.values("pk")
    activity_ids = indicator_qs.filter(activity__isnull=False).values("activity_id")
    indicators = list(indicator_qs.order_by())
    titles = dict(Workplan.objects.filter(pk__in=workplans.values("pk")).values_list("pk", "title"))
    objectives = {o.pk: o for o in Objective.objects.filter(workplan__in=workplans.values("pk"))}
    results = {r.pk: r for r in ExpectedResult.objects.filter(objective__workplan__in=workplans.values("pk"))}
    for result in results.values():
        result.objective = objectives.get(result.objective_id)
    activities = {
        row[0]: ActivityRef(*row)
        for row in Activity.objects.filter(pk__in=activity_ids).values_list(
            "pk", "code", "title", "order", "objective_id", "result_id", "place"
        )
    }
    scheduled = {}
    for activity_id, quarter_id in Activity.quarters.through.objects.filter(activity_id__in=activity_ids).values_list(
        "activity_id", "quarter_id"
    ):
        scheduled.setdefault(activity_id, []).append(all_quarters[quarter_id])
    actors = {}
    for activity_id, acronym, subcluster_code in (
        ActivityActor.objects.filter(activity_id__in=activity_ids)
        .order_by("activity_id", "order", "id")
        .values_list("activity_id", "actor__acronym", "actor__subcluster__code")
    ):
        actors.setdefault(activity_id, []).append(ActorRef(acronym, subcluster_code))

    def objective_of(indicator):
        activity = activities.get(indicator.activity_id)
        if indicator.objective_id:
            return objectives.get(indicator.objective_id)
        if activity:
            return objectives.get(activity.objective_id)
        if indicator.result_id and indicator.result_id in results:
            return results[indicator.result_id].objective
        return None

    def result_of(indicator):
        if indicator.result_id:
            return results.get(indicator.result_id)
        activity = activities.get(indicator.activity_id)
        return results.get(activity.result_id) if activity and activity.result_id else None

    def sort_key(indicator):
        objective, result, activity = objective_of(indicator), result_of(indicator), activities.get(indicator.activity_id)
        return (
            indicator.workplan_id,
            (objective.order, objective.pk) if objective else (10**9, 0),
            (result.order, result.pk) if result else (-1, 0),
            (activity.order, activity.pk) if activity else (10**9, 0),
            indicator.order,
            indicator.pk,
        )

    indicators.sort(key=sort_key)

    reports_qs = _cutoff_filter(ProgressReport.objects.validated().filter(indicator__in=indicator_ids), filters, today)
    values_by_indicator = {}
    for ind_id, ordinal, value in reports_qs.order_by("quarter__ordinal", "updated_at", "id").values_list(
        "indicator_id", "quarter__ordinal", "value"
    ):
        values_by_indicator.setdefault(ind_id, {}).setdefault(ordinal, []).append(value)

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
        activity = activities.get(indicator.activity_id)
        # The progress maths of Indicator: combine each quarter's values, add the quarters up, judge the status.
        values = {o: indicator.combine(v) for o, v in values_by_indicator.get(indicator.pk, {}).items()}
        values = {o: v for o, v in values.items() if v is not None}
        achieved = indicator.achieved(values)
        status = indicator.status(
            values, sorted(scheduled.get(indicator.activity_id, []), key=lambda q: q.ordinal), today=as_of
        )
        if filters.status and status != filters.status:
            continue
        cells = []
        binary = indicator.is_binary
        pk = indicator.pk
        for quarter in quarters:
            ordinal = quarter.ordinal
            target = targets.get((pk, ordinal)) if targets else None
            if target is None and place_targets:
                target = place_targets.get((pk, ordinal))
            value = values.get(ordinal)
            if value is None:
                percent = None
            elif binary:
                percent = indicator.percent_achieved(value)
            else:
                percent = indicator.percent_achieved(value, target=target) if target is not None else None
            cells.append(QuarterCell(quarter, target, value, percent))
        sub_rows = []
        for label, by_quarter in sorted(breakdowns.get(indicator.pk, {}).items()):
            combined = {o: indicator.combine(v) for o, v in by_quarter.items()}
            sub_rows.append(BreakdownRow(label, [combined.get(o) for o in ordinals], indicator.achieved(combined)))
        row = Row(
            indicator=indicator,
            activity=activity,
            actors=actors.get(indicator.activity_id, []),
            unit_label=str(UNIT_LABELS[indicator.kind]),
            baseline=indicator.baseline,
            target=indicator.target,
            achieved=achieved,
            percent=indicator.percent_achieved(achieved),
            status=status,
            cells=cells,
            breakdowns=sub_rows,
            latest_quarter=by_ordinal.get(max(values)) if values else None,
            workplan_title=titles.get(indicator.workplan_id, ""),
        )
        objective = objective_of(indicator)
        result = result_of(indicator)
        key = objective.pk if objective else None
        if key not in group_index:
            group_index[key] = ObjectiveGroup(objective, workplan_title=row.workplan_title)
            groups.append(group_index[key])
        group = group_index[key]
        if not group.results or group.results[-1].result != result:
            group.results.append(ResultGroup(result))
        group.results[-1].rows.append(row)

    for group in groups:
        group.status = rollup_status([row.status for row in group.rows])
    return PerformanceTable(quarters=quarters, groups=groups, filters=filters, today=today, as_of=as_of)
