"""The EHP quarterly protection-risk summary: one page per quarter (seed 003), in constant queries.

For a quarter: the indicators' statuses as at the end of the quarter, what was scheduled and
reported in the quarter, the table by objective (this quarter's figure, achieved to date,
target, % met, status), the late indicators, and the narratives of the quarter's validated reports.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from indicators.models import ProgressReport, Status
from workplans.models import Activity, Quarter, Workplan

from .performance import ReportFilters, performance_table

NARRATIVE_LIMIT = 30


@dataclass
class SummaryRow:
    row: object
    quarter_value: object


@dataclass
class QuarterSummary:
    workplan: Workplan
    quarter: Quarter
    quarters: list  # the plan's quarters, for the picker
    table: object
    groups: list  # [(objective group, [SummaryRow])]
    status_counts: dict
    scheduled: int
    reported: int
    validated_reports: int
    awaiting: int
    late: list
    narratives: list


def plan_quarters(workplan):
    if not (workplan.start_date and workplan.end_date):
        return []
    return list(Quarter.objects.between(Quarter.pair_for_date(workplan.start_date), Quarter.pair_for_date(workplan.end_date)))


def default_quarter(quarters, today=None):
    """The last quarter already ended (else the first of the plan)."""
    today = today or timezone.localdate()
    ended = [q for q in quarters if q.end_date < today]
    if ended:
        return ended[-1]
    return quarters[0] if quarters else None


def quarter_summary(workplan, quarter, quarters, today=None):
    table = performance_table(Workplan.objects.filter(pk=workplan.pk), ReportFilters(until=quarter), today=today)
    groups = []
    reported_activities = set()
    for group in table.groups:
        rows = []
        for row in group.rows:
            value = next((c.achieved for c in row.cells if c.quarter.pk == quarter.pk), None)
            if value is not None and row.activity:
                reported_activities.add(row.activity.pk)
            rows.append(SummaryRow(row, value))
        groups.append((group, rows))
    reports = ProgressReport.objects.filter(indicator__workplan=workplan, quarter=quarter)
    states = dict(reports.order_by().values_list("state").annotate(n=Count("id")))
    narratives = list(
        reports.validated()
        .exclude(narrative="")
        .select_related("indicator", "organisation")
        .order_by("indicator__order", "indicator_id", "organisation__acronym")[:NARRATIVE_LIMIT]
    )
    return QuarterSummary(
        workplan=workplan,
        quarter=quarter,
        quarters=quarters,
        table=table,
        groups=groups,
        status_counts=table.status_counts(),
        scheduled=Activity.objects.active().for_workplan(workplan).in_quarter(quarter).count(),
        reported=len(reported_activities),
        validated_reports=states.get(ProgressReport.State.VALIDATED, 0),
        awaiting=states.get(ProgressReport.State.SUBMITTED, 0),
        late=[row for row in table.rows if row.status == Status.LATE],
        narratives=narratives,
    )
