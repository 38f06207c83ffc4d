"""Selectors: load a workplan's tree (objectives → results → activities → indicators) in constant queries."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from workplans.models import Activity, ExpectedResult, Objective, Quarter

from .models import Indicator, ProgressReport, rollup_status


@dataclass
class Node:
    """An objective or a result with what hangs under it."""

    obj: object
    children: list = field(default_factory=list)
    results: list = field(default_factory=list)
    activities: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    status: str = ""


class _Report:
    """A validated report as ``Indicator.progress`` reads it: quarter, value, state, updated_at."""

    __slots__ = ("quarter", "value", "state", "updated_at")

    def __init__(self, quarter, value, state, updated_at):
        self.quarter, self.value, self.state, self.updated_at = quarter, value, state, updated_at


def validated_reports(indicator_ids):
    """``{indicator id: [validated reports]}`` in one query (none without ids), as plain
    objects sharing one ``Quarter`` instance per quarter (issue 16: a page's hundreds of reports
    were as many model instances, each with its own quarter, and cost more than the SQL)."""
    if not indicator_ids:
        return {}
    quarters, by_indicator = {}, {}
    fields = ("quarter__year", "quarter__number", "quarter__ordinal", "quarter__start_date", "quarter__end_date")
    rows = (
        ProgressReport.objects.validated().filter(indicator_id__in=indicator_ids)
        .values_list("indicator_id", "value", "state", "updated_at", "quarter_id", *fields)
    )
    for indicator_id, value, state, updated_at, quarter_id, year, number, ordinal, start, end in rows:
        quarter = quarters.get(quarter_id)
        if quarter is None:
            quarter = quarters[quarter_id] = Quarter(
                id=quarter_id, year=year, number=number, ordinal=ordinal, start_date=start, end_date=end)
        by_indicator.setdefault(indicator_id, []).append(_Report(quarter, value, state, updated_at))
    return by_indicator


def activities_with_progress(activities, today=None, light=False):
    """Prefetch what a page needs to show activities and their indicators' progress.

    ``activities`` is a queryset; returns a list in which every activity carries
    ``indicator_list`` (each indicator with ``.progress_info``) and ``status``.

    ``light`` (the pages' rows, issue 16): the same number of queries, fewer model instances:
    no ``objective``/``result`` joined, and instead of the ``quarters`` and ``actor_links``
    managers every activity carries ``scheduled_quarters`` (shared ``Quarter`` instances, in
    the quarters' order) and ``actor_rows`` (``(acronym, role, role_note)``, in the links' order).
    """
    indicators = Indicator.objects.active().with_thresholds()
    if not light:
        activities = list(
            activities.select_related("objective", "result", "workplan").prefetch_related(
                "quarters",
                Prefetch("actor_links", queryset=_actor_links()),
                Prefetch("indicators", queryset=indicators, to_attr="indicator_list"),
            )
        )
        for activity in activities:
            activity.scheduled_quarters = list(activity.quarters.all())
    else:
        activities = list(activities.select_related("workplan"))
        _attach_light(activities, indicators)
    reports = validated_reports([i.pk for activity in activities for i in activity.indicator_list])
    for activity in activities:
        scheduled = activity.scheduled_quarters
        for indicator in activity.indicator_list:
            indicator.progress_info = indicator.progress(
                reports=reports.get(indicator.pk, ()), today=today, scheduled_quarters=scheduled)
        activity.status_code = rollup_status([i.progress_info.status for i in activity.indicator_list])
    return activities


def _attach_light(activities, indicators):
    """``scheduled_quarters``, ``actor_rows`` and ``indicator_list`` of ``activities``: three
    queries (none without activities), as the prefetches would make."""
    from workplans.models import ActivityActor

    ids = [activity.pk for activity in activities]
    scheduled, actors, listed = {}, {}, {}
    if ids:
        quarters = {}
        fields = ("quarter__year", "quarter__number", "quarter__ordinal", "quarter__start_date", "quarter__end_date")
        rows = (Activity.quarters.through.objects.filter(activity_id__in=ids)
                .order_by("quarter__ordinal").values_list("activity_id", "quarter_id", *fields))
        for activity_id, quarter_id, year, number, ordinal, start, end in rows:
            quarter = quarters.get(quarter_id)
            if quarter is None:
                quarter = quarters[quarter_id] = Quarter(
                    id=quarter_id, year=year, number=number, ordinal=ordinal, start_date=start, end_date=end)
            scheduled.setdefault(activity_id, []).append(quarter)
        links = ActivityActor.objects.filter(activity_id__in=ids).values_list(
            "activity_id", "actor__acronym", "role", "role_note")
        for activity_id, acronym, role, note in links:
            actors.setdefault(activity_id, []).append((acronym, role, note))
        for indicator in indicators.filter(activity_id__in=ids):
            listed.setdefault(indicator.activity_id, []).append(indicator)
    for activity in activities:
        activity.scheduled_quarters = scheduled.get(activity.pk, [])
        activity.actor_rows = actors.get(activity.pk, [])
        activity.indicator_list = listed.get(activity.pk, [])


def _actor_links():
    from workplans.models import ActivityActor

    return ActivityActor.objects.select_related("actor")


def workplan_tree(workplan, activities=None, today=None, objectives=None, results=None):
    """The workplan as a list of top-level objective nodes, statuses rolled up.

    ``objectives`` and ``results``: the plan's, when the caller has loaded them already."""
    if objectives is None:
        objectives = list(Objective.objects.filter(workplan=workplan))
    if results is None:
        results = list(ExpectedResult.objects.filter(objective__workplan=workplan))
    if activities is None:
        activities = Activity.objects.active().for_workplan(workplan)
    activities = activities_with_progress(activities, today=today, light=True)
    other_indicators = list(
        Indicator.objects.active().with_thresholds()
        .for_workplan(workplan)
        .filter(activity__isnull=True)
    )
    other_reports = validated_reports([ind.pk for ind in other_indicators])

    nodes = {("o", o.pk): Node(o) for o in objectives}
    result_nodes = {r.pk: Node(r) for r in results}
    for r in results:
        nodes[("o", r.objective_id)].results.append(result_nodes[r.pk])
    roots = []
    for o in objectives:
        if o.parent_id and ("o", o.parent_id) in nodes:
            nodes[("o", o.parent_id)].children.append(nodes[("o", o.pk)])
        else:
            roots.append(nodes[("o", o.pk)])
    for a in activities:
        if a.result_id in result_nodes:
            result_nodes[a.result_id].activities.append(a)
        else:
            nodes[("o", a.objective_id)].activities.append(a)
    for ind in other_indicators:
        ind.progress_info = ind.progress(reports=other_reports.get(ind.pk, ()), today=today, scheduled_quarters=[])
        if ind.result_id in result_nodes:
            result_nodes[ind.result_id].indicators.append(ind)
        elif ("o", ind.objective_id) in nodes:
            nodes[("o", ind.objective_id)].indicators.append(ind)

    def settle(node):
        statuses = [a.status_code for a in node.activities] + [i.progress_info.status for i in node.indicators]
        for child in node.results + node.children:
            settle(child)
            statuses.append(child.status)
        node.status = rollup_status(statuses) if statuses else ""
        return node

    for root in roots:
        settle(root)
    return roots


def tree_order(objectives, results, activities):
    """The ids of ``activities`` (a queryset) in the order the tree shows them: objectives depth
    first with their sub-objectives, then results, then the activities' own order."""
    known, children = {o.pk for o in objectives}, {}
    for o in objectives:
        children.setdefault(o.parent_id if o.parent_id in known else None, []).append(o.pk)
    position, stack = {}, list(reversed(children.get(None, [])))
    while stack:
        pk = stack.pop()
        if pk in position:
            continue
        position[pk] = len(position)
        stack.extend(reversed(children.get(pk, [])))
    result_position = {r.pk: n for n, r in enumerate(results)}
    keyed = activities.order_by().values_list("pk", "objective_id", "result_id", "order")
    ordered = sorted(
        keyed, key=lambda r: (position.get(r[1], 0), r[2] is not None, result_position.get(r[2], 0), r[3], r[0])
    )
    return [row[0] for row in ordered]


def prune(nodes, keep_indicators):
    """The nodes that hold something on a page of the tree (activities, or their own indicators)."""
    kept = []
    for node in nodes:
        node.children = prune(node.children, keep_indicators)
        node.results = prune(node.results, keep_indicators)
        if node.activities or node.children or node.results or (keep_indicators and node.indicators):
            kept.append(node)
    return kept
