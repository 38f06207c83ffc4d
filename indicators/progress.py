"""What the indicator page shows, loaded in a constant number of queries."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from .models import Evidence, ProgressReport, report_label
from .permissions import can_record, can_review, can_see_report_details

HISTORY_FIELDS = ["value", "value_text", "narrative", "state", "review_comment"]

LABEL_RANK = {"validated": 4, "submitted": 3, "returned": 2}


def quarter_label(reports, quarter, today):
    """One label for a quarter with several organisations' reports: the most advanced one."""
    best = None
    for report in reports:
        if best is None or LABEL_RANK.get(report.state, 0) > LABEL_RANK.get(best.state, 0):
            best = report
    return report_label(best, quarter, today)


def history_rows(indicator, limit=200, report_ids=None):
    """Every change to the indicator's reports: who, when, field, old → new (newest first).

    ``report_ids``: only the history of these reports (those the user may see)."""
    history = ProgressReport.history.filter(indicator_id=indicator.pk)
    if report_ids is not None:
        history = history.filter(id__in=list(report_ids))
    records = list(
        history
        .select_related("history_user", "quarter", "organisation")
        .order_by("id", "history_date", "history_id")
    )
    rows = []
    previous = {}
    for record in records:
        before = previous.get(record.id)
        changes = []
        for name in HISTORY_FIELDS:
            new = getattr(record, name)
            old = getattr(before, name) if before is not None else None
            if before is None and new in (None, ""):
                continue
            if before is None or old != new:
                if name == "state":
                    old = ProgressReport.State(old).label if old else old
                    new = ProgressReport.State(new).label if new else new
                label = ProgressReport._meta.get_field(name).verbose_name
                changes.append({"field": name, "label": label, "old": old, "new": new})
        if changes:
            rows.append({"record": record, "changes": changes, "created": before is None})
        previous[record.id] = record
    rows.sort(key=lambda row: row["record"].history_date, reverse=True)
    return rows[:limit]


CHART_WIDTH = 640
CHART_PLOT_TOP = 22
CHART_PLOT_HEIGHT = 150
CHART_LABEL_SPACE = 36


def _svg_number(value):
    """A coordinate for an SVG attribute: plain dot-decimal, never localised (see ``|plain``)."""
    return f"{round(float(value), 2):g}"


def chart_bars(quarter_rows, indicator):
    """The geometry of the indicator page's bar chart of the running achieved figure, in pixels
    of a ``CHART_WIDTH`` wide drawing that scales with the page (labels stay legible).

    Every coordinate is a plain dot-decimal string (machine-read: never localised)."""
    values = [row["running"] for row in quarter_rows if row["running"] is not None]
    top = max(values + ([indicator.target] if indicator.target else []), default=None)
    if not top or not quarter_rows:
        return []
    column = (CHART_WIDTH - 16) / len(quarter_rows)
    base = CHART_PLOT_TOP + CHART_PLOT_HEIGHT
    bars = []
    for i, row in enumerate(quarter_rows):
        value = row["running"]
        height = float(Decimal(value) / Decimal(top)) * CHART_PLOT_HEIGHT if value is not None else 0
        x = 8 + i * column
        quarter = row["quarter"]
        bars.append({
            "x": _svg_number(x + column * 0.15), "w": _svg_number(column * 0.7), "h": _svg_number(height),
            "y": _svg_number(base - height), "cx": _svg_number(x + column / 2),
            "value_y": _svg_number(base - height - 4), "label": quarter.code, "value": value,
            "short": f"T{quarter.number}", "year": str(quarter.year) if (i == 0 or quarter.number == 1) else "",
        })
    target_y = (
        _svg_number(base - float(Decimal(indicator.target) / Decimal(top)) * CHART_PLOT_HEIGHT) if indicator.target else None
    )
    return {"bars": bars, "target_y": target_y, "width": CHART_WIDTH, "height": base + CHART_LABEL_SPACE,
            "base": _svg_number(base), "label_y": _svg_number(base + 16), "year_y": _svg_number(base + 31),
            "right": _svg_number(CHART_WIDTH - 8), "show_values": column >= 34}


def place_rows(indicator, reports, targets):
    """Validated values by cercle rolled up to the region with the indicator's own rules.

    Per quarter, a place's value combines the organisations (place rule); a region combines
    its cercles (place rule); quarters add up with the indicator's aggregation. A place with
    no report has ``None`` (shown "–", never 0).
    """
    from .models import ReportBreakdown

    validated = [r.pk for r in reports if r.state == ProgressReport.State.VALIDATED]
    ordinal_of = {r.pk: r.quarter.ordinal for r in reports}
    parts = list(
        ReportBreakdown.objects.filter(report_id__in=validated, dimension=ReportBreakdown.Dimension.CERCLE)
        .select_related("location__parent")
        .order_by("report__updated_at")
    )
    place_targets = {t.location_id: t.value for t in targets if t.location_id and t.quarter_id is None}
    cercle_values = {}  # cercle -> ordinal -> [values]
    places = {}
    for part in parts:
        places[part.location_id] = part.location
        cercle_values.setdefault(part.location_id, {}).setdefault(ordinal_of[part.report_id], []).append(part.value)
    for target in targets:
        if target.location_id and target.location_id not in places:
            places[target.location_id] = target.location
    cercle_by_quarter = {
        pk: {o: indicator.combine(v) for o, v in by_q.items()} for pk, by_q in cercle_values.items()
    }
    regions = {}
    for _pk, location in places.items():
        region = location.parent if location.kind == "cercle" and location.parent_id else location
        regions.setdefault(region.pk, {"place": region, "cercles": []})
        if location.pk != region.pk:
            regions[region.pk]["cercles"].append(location)
    rows = []
    for entry in sorted(regions.values(), key=lambda e: e["place"].name):
        region = entry["place"]
        region_by_quarter = {}
        for cercle in entry["cercles"]:
            for o, v in cercle_by_quarter.get(cercle.pk, {}).items():
                region_by_quarter.setdefault(o, []).append(v)
        region_values = {o: indicator.combine(v) for o, v in region_by_quarter.items()}
        if region.pk in cercle_by_quarter:  # values reported directly on the region
            for o, v in cercle_by_quarter[region.pk].items():
                region_values[o] = indicator.combine([region_values.get(o), v])
        achieved = indicator.achieved(region_values)
        target = place_targets.get(region.pk)
        rows.append({"place": region, "level": "region", "achieved": achieved, "target": target,
                     "percent": indicator.percent_achieved(achieved, target) if target is not None else None})
        for cercle in sorted(entry["cercles"], key=lambda c: c.name):
            achieved = indicator.achieved(cercle_by_quarter.get(cercle.pk, {}))
            target = place_targets.get(cercle.pk)
            rows.append({"place": cercle, "level": "cercle", "achieved": achieved, "target": target,
                         "percent": indicator.percent_achieved(achieved, target) if target is not None else None})
    return rows


def indicator_page_data(indicator, user, today=None):
    today = today or timezone.localdate()
    every_report = list(
        ProgressReport.objects.filter(indicator=indicator)
        .select_related("quarter", "organisation", "reviewed_by")
        .order_by("quarter__ordinal", "organisation__acronym")
    )
    for report in every_report:
        report.indicator = indicator
    # Drafts are private (indicators.permissions): the page shows only what the user may see;
    # the maths read validated reports only, which everyone sees.
    reports = [r for r in every_report if can_see_report_details(user, r)]
    scheduled = indicator.scheduled_quarters() if indicator.activity_id else []
    progress = indicator.progress(reports=reports, today=today, scheduled_quarters=scheduled)
    quarters = indicator.workplan.quarters() or sorted({r.quarter for r in reports}, key=lambda q: q.ordinal)
    by_quarter = {}
    for report in reports:
        by_quarter.setdefault(report.quarter_id, []).append(report)
    scheduled_ids = {q.pk for q in scheduled}
    quarter_rows = []
    for quarter in quarters:
        quarter_reports = by_quarter.get(quarter.pk, [])
        quarter_rows.append({
            "quarter": quarter,
            "scheduled": quarter.pk in scheduled_ids,
            "value": progress.values_by_quarter.get(quarter.ordinal),
            "running": progress.running.get(quarter.ordinal),
            "pending": [r for r in quarter_reports if r.state != ProgressReport.State.VALIDATED],
            "label": quarter_label(quarter_reports, quarter, today),
        })
    targets = list(indicator.targets.select_related("quarter", "location__parent"))
    visible = {r.pk for r in reports}
    evidence = [
        e for e in Evidence.objects.filter(report__indicator=indicator).select_related("report__quarter", "report__organisation")
        if e.report_id in visible
    ]
    return {
        "indicator": indicator,
        "reports": reports,
        "progress": progress,
        "quarter_rows": quarter_rows,
        "chart": chart_bars(quarter_rows, indicator),
        "evidence": evidence,
        "history": history_rows(indicator, report_ids=visible),
        "can_record": can_record(user, indicator),
        "can_review": can_review(user, indicator),
        "places": place_rows(indicator, reports, targets),
        "targets": targets,
    }


def activity_statuses(activities, today=None, with_indicators=False):
    """``{activity_id: rolled-up status}`` for a queryset of activities, in four queries.

    Loads only what the maths need (indicator definitions, validated values, schedules), so
    it scales to whole plans; the rules are the model's (``Indicator.status``, ``rollup_status``).
    With ``with_indicators``, also returns ``{activity_id: [(indicator, Progress-like dict)]}``.
    """
    from workplans.models import Activity, Quarter

    from .models import Indicator, rollup_status

    today = today or timezone.localdate()
    ids = activities.values("pk")
    quarters = {q.pk: q for q in Quarter.objects.all()}
    scheduled = {}
    for activity_id, quarter_id in Activity.quarters.through.objects.filter(activity_id__in=ids).values_list(
        "activity_id", "quarter_id"
    ):
        scheduled.setdefault(activity_id, []).append(quarters[quarter_id])
    indicators = list(
        Indicator.objects.active().with_thresholds()
        .filter(activity_id__in=ids)
        .only("id", "activity_id", "kind", "aggregation", "place_rule", "direction", "target", "baseline")
    )
    values = {}
    for indicator_id, quarter_id, value in (
        ProgressReport.objects.filter(indicator__in=[i.pk for i in indicators] if len(indicators) < 20000 else
                                      Indicator.objects.active().filter(activity_id__in=ids).values("pk"),
                                      state=ProgressReport.State.VALIDATED)
        .order_by("updated_at", "id")
        .values_list("indicator_id", "quarter_id", "value")
    ):
        values.setdefault(indicator_id, {}).setdefault(quarters[quarter_id].ordinal, []).append(value)
    per_activity = {pk: [] for pk in activities.values_list("pk", flat=True)}
    details = {}
    for indicator in indicators:
        combined = {o: indicator.combine(v) for o, v in values.get(indicator.pk, {}).items()}
        combined = {o: v for o, v in combined.items() if v is not None}
        status = indicator.status(combined, scheduled.get(indicator.activity_id, []), today)
        per_activity.setdefault(indicator.activity_id, []).append(status)
        if with_indicators:
            achieved = indicator.achieved(combined)
            details.setdefault(indicator.activity_id, []).append(
                (indicator, {"status": status, "achieved": achieved, "percent": indicator.percent_achieved(achieved)})
            )
    statuses = {pk: rollup_status(s) for pk, s in per_activity.items()}
    return (statuses, details) if with_indicators else statuses


# --- Plan statuses, cached ---------------------------------------------------------------------
#
# The dashboard and the "late" filter need the rolled-up status of every activity of whole plans:
# seconds of work for a plan of thousands of activities. The result is cached per plan under a
# key made of the plan's generation (``Workplan.generation``, raised with an F() update by every
# writer the maths read: reports, indicators, activities and their schedule, quarter closures,
# the cluster's thresholds, the import) and the day. A change shows at once; the TTL only
# bounds the cache's size.

PLAN_STATUS_CACHE_SECONDS = 24 * 3600


def plan_statuses(workplan_ids, today=None):
    """``{workplan_id: {"statuses": {activity_id: status}, "indicator_statuses": {status: n},
    "outcomes": {outcome: n}}}`` for the active activities of these plans (and their active
    indicators), from the cache when the plan's generation has not moved; the plans not in
    the cache are computed together (``activity_statuses``, four queries)."""
    from collections import Counter

    from django.core.cache import cache

    from workplans.models import Activity, Workplan

    from .models import outcome_of

    today = today or timezone.localdate()
    workplan_ids = list(workplan_ids)
    if not workplan_ids:
        return {}
    generations = dict(Workplan.objects.filter(pk__in=workplan_ids).values_list("pk", "generation"))
    keys = {
        pk: "plan-statuses:%s:%s:%s" % (pk, generations[pk], today.isoformat())
        for pk in workplan_ids if pk in generations
    }
    found = cache.get_many(list(keys.values())) if keys else {}
    result = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in result]
    if missing:
        active = Activity.objects.active().filter(workplan_id__in=missing)
        statuses, details = activity_statuses(active, today=today, with_indicators=True)
        plan_of = dict(active.values_list("pk", "workplan_id"))
        fresh = {pk: {"statuses": {}, "indicator_statuses": Counter(), "outcomes": Counter()} for pk in missing}
        for activity_id, status in statuses.items():
            entry = fresh[plan_of[activity_id]]
            entry["statuses"][activity_id] = str(status)
            for _indicator, info in details.get(activity_id, []):
                entry["indicator_statuses"][str(info["status"])] += 1
                entry["outcomes"][str(outcome_of(info["achieved"], info["percent"]))] += 1
        for entry in fresh.values():
            entry["indicator_statuses"] = dict(entry["indicator_statuses"])
            entry["outcomes"] = dict(entry["outcomes"])
        # A plan without activities costs nothing to compute (it rides along): not cached.
        cache.set_many({keys[pk]: fresh[pk] for pk in missing if fresh[pk]["statuses"]}, PLAN_STATUS_CACHE_SECONDS)
        result.update(fresh)
    return result


@dataclass
class PlanSummary:
    """What the dashboard says of a plan: in progress (status, counts by status) or ended
    (« Terminé », with its final result: indicators reached, partly, not reached, not reported)."""

    ended: bool
    status: str
    activity_statuses: dict
    indicator_statuses: dict
    outcomes: dict

    @property
    def status_rows(self):
        """``[(status, label, count)]`` of the plan's indicators, worst first, zeros left out."""
        from .models import Status

        order = [Status.LATE, Status.AT_RISK, Status.NO_DATA, Status.ON_TRACK, Status.DONE, Status.NOT_STARTED]
        return [(s, s.label, self.indicator_statuses[s]) for s in order if self.indicator_statuses.get(s)]

    @property
    def outcome_rows(self):
        """``[(outcome, label, count, % of the plan's indicators)]``, every outcome (zeros too)."""
        from .models import Outcome

        total = sum(self.outcomes.values())
        return [(o, o.label, self.outcomes.get(o, 0), round(100 * self.outcomes.get(o, 0) / total) if total else 0)
                for o in Outcome]


def outcome_counts(progresses):
    """``{outcome: n}`` of indicators from their ``Progress`` (achieved and %)."""
    from .models import outcome_of

    return dict(Counter(str(outcome_of(p.achieved, p.percent)) for p in progresses))


def plan_summary(workplan, entry, today=None):
    """The ``PlanSummary`` of ``workplan`` from its ``plan_statuses`` entry (the rule: ``Workplan.has_ended``)."""
    from .models import ENDED, rollup_status

    entry = entry or {"statuses": {}, "indicator_statuses": {}, "outcomes": {}}
    ended = workplan.has_ended(today)
    statuses = list(entry["statuses"].values())
    status = ENDED if ended else (rollup_status(statuses) if statuses else "")
    return PlanSummary(ended=ended, status=status, activity_statuses=dict(Counter(statuses)),
                       indicator_statuses=entry.get("indicator_statuses", {}), outcomes=entry.get("outcomes", {}))
