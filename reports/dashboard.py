"""The workplan dashboard: indicator statuses by objective and by sub-cluster, activities by status,
the quarterly timeline (scheduled vs. reported), what is late or awaits validation. Constant queries."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from indicators.models import ProgressReport, Status, rollup_status
from workplans.models import Activity, Workplan

from .charts import stacked_bars, timeline
from .performance import ReportFilters, performance_table

LIST_LIMIT = 50


@dataclass
class Dashboard:
    table: object
    by_objective: object
    by_subcluster: object
    activities: object
    activity_counts: dict
    timeline: object
    late: list
    late_count: int
    awaiting: list
    awaiting_count: int
    indicator_counts: dict


def workplan_dashboard(workplan, today=None, user=None):
    """``user``: the reports awaiting validation are listed only when the user may see them
    (drafts are private, ``ProgressReport.objects.visible_to``)."""
    table = performance_table(Workplan.objects.filter(pk=workplan.pk), ReportFilters(), today=today)
    rows = table.rows

    by_objective = stacked_bars(
        [(group.objective.code or group.objective.title[:30] if group.objective else "–",
          Counter(row.status for row in group.rows)) for group in table.groups]
    )

    per_subcluster = defaultdict(Counter)
    for row in rows:
        codes = {a.subcluster_code for a in row.actors if a.subcluster_code} or {_("No sub-cluster")}
        for code in codes:
            per_subcluster[code][row.status] += 1
    by_subcluster = stacked_bars(sorted(per_subcluster.items(), key=lambda item: str(item[0])))

    statuses_by_activity = defaultdict(list)
    reported = defaultdict(set)  # quarter ordinal → activity ids with a validated figure
    for row in rows:
        if row.activity is None:
            continue
        statuses_by_activity[row.activity.pk].append(row.status)
        for cell in row.cells:
            if cell.achieved is not None:
                reported[cell.quarter.ordinal].add(row.activity.pk)

    activities = Activity.objects.active().for_workplan(workplan)
    activity_counts = Counter(
        rollup_status(statuses_by_activity.get(pk, [])) for pk in activities.values_list("pk", flat=True)
    )
    scheduled = Counter(
        Activity.quarters.through.objects.filter(activity__in=activities.values("pk")).values_list(
            "quarter__ordinal", flat=True
        )
    )
    activity_chart = stacked_bars([(_("Activities"), activity_counts)])
    points = [(q.label, scheduled.get(q.ordinal, 0), len(reported.get(q.ordinal, ()))) for q in table.quarters]

    late = [row for row in rows if row.status == Status.LATE]
    awaiting = (
        (ProgressReport.objects.all() if user is None else ProgressReport.objects.visible_to(user))
        .filter(indicator__workplan=workplan, state=ProgressReport.State.SUBMITTED)
        .select_related("indicator", "quarter", "organisation")
        .order_by("submitted_at", "quarter__ordinal", "id")
    )
    awaiting_list = list(awaiting[: LIST_LIMIT + 1])
    awaiting_count = len(awaiting_list) if len(awaiting_list) <= LIST_LIMIT else awaiting.count()
    return Dashboard(
        table=table,
        by_objective=by_objective,
        by_subcluster=by_subcluster,
        activities=activity_chart,
        activity_counts={s: activity_counts.get(s, 0) for s in Status.values},
        timeline=timeline(points),
        late=late[:LIST_LIMIT],
        late_count=len(late),
        awaiting=awaiting_list[:LIST_LIMIT],
        awaiting_count=awaiting_count,
        indicator_counts=table.status_counts(),
    )
