"""What the indicator page shows, loaded in a constant number of queries."""

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


def history_rows(indicator, limit=200):
    """Every change to the indicator's reports: who, when, field, old → new (newest first)."""
    records = list(
        ProgressReport.history.filter(indicator_id=indicator.pk)
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


def chart_bars(quarter_rows, indicator):
    """Bar heights (0-100) for a small server-drawn chart of the running achieved figure."""
    values = [row["running"] for row in quarter_rows if row["running"] is not None]
    top = max(values + ([indicator.target] if indicator.target else []), default=None)
    if not top:
        return []
    bars = []
    width = 100 / max(len(quarter_rows), 1)
    for i, row in enumerate(quarter_rows):
        value = row["running"]
        height = float(Decimal(value) / Decimal(top) * 100) if value is not None else 0
        bars.append({"x": round(i * width + width * 0.15, 2), "w": round(width * 0.7, 2), "h": round(height, 2),
                     "y": round(100 - height, 2), "label": row["quarter"].code, "value": value})
    target_y = round(100 - float(Decimal(indicator.target) / Decimal(top) * 100), 2) if indicator.target else None
    return {"bars": bars, "target_y": target_y}


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
    reports = list(
        ProgressReport.objects.filter(indicator=indicator)
        .select_related("quarter", "organisation", "reviewed_by")
        .order_by("quarter__ordinal", "organisation__acronym")
    )
    for report in reports:
        report.indicator = indicator
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
    visible = {r.pk for r in reports if can_see_report_details(user, r)}
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
        "history": history_rows(indicator),
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
        Indicator.objects.active()
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
# key that changes with anything the maths read (reports: count and last change; activities:
# count, last change; indicators: count, archived, targets, baselines) and with the day; a TTL
# catches what the key cannot see (an indicator's kind edited in the admin).

PLAN_STATUS_CACHE_SECONDS = 600


def _plan_fingerprints(workplan_ids):
    from django.db.models import Count, Max, Sum

    from workplans.models import Activity

    from .models import Indicator

    prints = {pk: [pk] for pk in workplan_ids}
    for row in (
        Activity.objects.filter(workplan_id__in=workplan_ids).values("workplan_id")
        .annotate(n=Count("id"), last=Max("updated_at"), top=Max("id"), archived=Count("archived_at")).order_by()
    ):
        prints[row["workplan_id"]].append(("a", row["n"], str(row["last"]), row["top"], row["archived"]))
    for row in (
        Indicator.objects.filter(workplan_id__in=workplan_ids).values("workplan_id")
        .annotate(n=Count("id"), top=Max("id"), archived=Count("archived_at"), targets=Sum("target"),
                  baselines=Sum("baseline")).order_by()
    ):
        prints[row["workplan_id"]].append(
            ("i", row["n"], row["top"], row["archived"], str(row["targets"]), str(row["baselines"]))
        )
    for row in (
        ProgressReport.objects.filter(indicator__workplan_id__in=workplan_ids).values("indicator__workplan_id")
        .annotate(n=Count("id"), last=Max("updated_at")).order_by()
    ):
        prints[row["indicator__workplan_id"]].append(("r", row["n"], str(row["last"])))
    return prints


def plan_statuses(workplan_ids, today=None):
    """``{workplan_id: {"statuses": {activity_id: status}, "percents": [% achieved, capped at 100]}}``
    for the active activities of these plans, from the cache when nothing they depend on changed;
    the plans not in the cache are computed together (``activity_statuses``, four queries)."""
    import hashlib

    from django.core.cache import cache

    from workplans.models import Activity

    today = today or timezone.localdate()
    workplan_ids = list(workplan_ids)
    if not workplan_ids:
        return {}
    prints = _plan_fingerprints(workplan_ids)
    keys = {
        pk: f"plan-statuses:{pk}:{hashlib.sha1(repr((today.isoformat(), prints[pk])).encode()).hexdigest()}"
        for pk in workplan_ids
    }
    # A plan without activities has nothing to compute or cache.
    result = {pk: {"statuses": {}, "percents": []} for pk in workplan_ids if len(prints[pk]) == 1}
    keys = {pk: key for pk, key in keys.items() if pk not in result}
    found = cache.get_many(list(keys.values())) if keys else {}
    result.update({pk: found[key] for pk, key in keys.items() if key in found})
    missing = [pk for pk in workplan_ids if pk not in result]
    if missing:
        active = Activity.objects.active().filter(workplan_id__in=missing)
        statuses, details = activity_statuses(active, today=today, with_indicators=True)
        plan_of = dict(active.values_list("pk", "workplan_id"))
        fresh = {pk: {"statuses": {}, "percents": []} for pk in missing}
        for activity_id, status in statuses.items():
            entry = fresh[plan_of[activity_id]]
            entry["statuses"][activity_id] = str(status)
            for _indicator, info in details.get(activity_id, []):
                if info["percent"] is not None:
                    entry["percents"].append(min(info["percent"], Decimal(100)))
        cache.set_many({keys[pk]: fresh[pk] for pk in missing}, PLAN_STATUS_CACHE_SECONDS)
        result.update(fresh)
    return result
