"""Workplan pages: the dashboard, the activities list (filters, exports), the plan tree,
the quarter grid and quarter closures. Function views: permission, call, render."""

from collections import Counter

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clusterplan.lib.exporting import Code, csv_response, flavour_of
from clusterplan.lib.xlsx import write_table_workbook
from indicators import services
from meetings.models import ActionPoint
from reports.models import SavedView
from indicators.models import Indicator, ProgressReport, QuarterClosure, Status, rollup_status
from indicators.progress import activity_statuses, plan_statuses

from .filters import ActivityFilter
from .models import Activity, ActivityActor, Actor, ExpectedResult, Objective, Quarter, SubCluster, Workplan
from .permissions import (
    can_coordinate_workplan,
    get_workplan_for_user,
    reports_of_my_organisation,
    reports_to_review,
)
from .tree import activities_with_progress, prune, tree_order, workplan_tree

PAGE_SIZE = 50


def _count(queryset):
    rows = queryset.filter(workplan=OuterRef("pk")).order_by().values("workplan").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@require_GET
def home(request):
    """The dashboard: plans with their overall progress, what is late, what awaits me."""
    today = timezone.localdate()
    workplans = list(
        Workplan.objects.select_related("cluster")
        .annotate(
            # One subquery per count: joining the three tables at once multiplies the rows.
            objective_count=_count(Objective.objects.all()),
            activity_count=_count(Activity.objects.active()),
            indicator_count=_count(Indicator.objects.active()),
        )
        .order_by("-start_date", "title")
    )
    # Every activity's status, per plan, cached until something the maths read changes.
    per_plan = plan_statuses([workplan.pk for workplan in workplans], today=today)
    late_ids = []
    for workplan in workplans:
        entry = per_plan.get(workplan.pk, {"statuses": {}, "percents": []})
        statuses = list(entry["statuses"].values())
        workplan.status_code = rollup_status(statuses) if statuses else ""
        workplan.status_counts = Counter(statuses)
        workplan.late_count = workplan.status_counts.get(Status.LATE, 0)
        values = entry["percents"]
        workplan.mean_percent = sum(values) / len(values) if values else None
        late_ids += [pk for pk, status in entry["statuses"].items() if status == Status.LATE]
    late_activities = list(
        Activity.objects.filter(pk__in=late_ids[:10]).select_related("workplan").order_by("workplan", "order", "id")
    )
    pending = ProgressReport.objects.select_related("indicator", "quarter", "organisation", "indicator__workplan")
    to_review = list(reports_to_review(request.user, pending.filter(state=ProgressReport.State.SUBMITTED)).order_by("submitted_at")[:20])
    returned = list(reports_of_my_organisation(request.user, pending.filter(state=ProgressReport.State.RETURNED))[:20])
    return render(request, "workplans/home.html", {
        "workplans": workplans, "late_activities": late_activities, "late_total": len(late_ids),
        "to_review": to_review, "returned": returned, "today": today,
        "overdue_action_points": list(ActionPoint.objects.overdue(today).for_list()[:10]),
        "saved_views": list(SavedView.objects.for_user(request.user)),
    })


def _filtered_activities(request, queryset):
    activity_filter = ActivityFilter(request.GET or None, queryset=queryset)
    return activity_filter, activity_filter.qs


def _filter_context():
    return {
        "subcluster_options": list(SubCluster.objects.values_list("code", flat=True)),
        "actor_options": list(Actor.objects.values_list("acronym", flat=True)),
        "workplan_options": list(Workplan.objects.values_list("slug", "title")),
    }


def _querystring(request, drop=("page",)):
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


@require_GET
def activity_list(request):
    base = Activity.objects.active().order_by("workplan__title", "order", "id")
    activity_filter, activities = _filtered_activities(request, base)
    paginator = Paginator(activities.values_list("pk", flat=True), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    ids = list(page.object_list)
    rows = activities_with_progress(Activity.objects.filter(pk__in=ids))
    order = {pk: i for i, pk in enumerate(ids)}
    rows.sort(key=lambda a: order[a.pk])
    counts = list(
        activities.order_by().values("workplan__slug", "workplan__title").annotate(n=Count("pk", distinct=True))
        .order_by("workplan__title")
    )
    return render(request, "workplans/activity_list.html", {
        "filter": activity_filter, "page": page, "activities": rows, "total": paginator.count,
        "counts_by_workplan": counts, "querystring": _querystring(request), **_filter_context(),
    })


EXPORT_HEADERS = ["workplan", "code", "activity", "level", "status", "progress", "quarters", "responsible", "indicators"]
EXPORT_WIDTHS = (18, 8, 60, 12, 12, 12, 20, 20, 60)


def _export_rows(activities, separator=" | "):
    statuses = activity_statuses(activities)
    labels = dict(Status.choices)
    queryset = activities.select_related("workplan").prefetch_related(
        "quarters", Prefetch("actor_links", queryset=ActivityActor.objects.select_related("actor")),
        Prefetch("indicators", queryset=Indicator.objects.active().only("id", "activity_id", "text")),
    )
    for activity in queryset.iterator(chunk_size=1000):
        yield [
            activity.workplan.slug, Code(activity.code), activity.title, activity.get_level_display(),
            activity.get_status_display(), str(labels.get(statuses.get(activity.pk), "")),
            " ".join(q.code for q in activity.quarters.all()),
            ", ".join(link.actor.acronym for link in activity.actor_links.all()),
            separator.join(i.text for i in activity.indicators.all()),
        ]


@require_GET
def activity_export(request, fmt):
    base = Activity.objects.active().order_by("workplan__title", "order", "id")
    _filter, activities = _filtered_activities(request, base)
    headers = [_("Workplan"), _("Code"), _("Activity"), _("Level"), _("Status"), _("Progress"), _("Quarters"),
               _("Responsible actors"), _("Indicators")]
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response, writer = csv_response(f"activities-{stamp}", flavour_of(request))
        writer.writerow(headers)
        writer.writerows(_export_rows(activities))
        return response
    if fmt == "xlsx":
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="activities-{stamp}.xlsx"'
        write_table_workbook(
            response, _("Activities"), headers, _export_rows(activities, separator="\n"), widths=EXPORT_WIDTHS,
            wrap=(2, 6, 7, 8), title=_("Activities"), author=request.user.get_full_name() or request.user.get_username(),
            page_header=f"{_('Activities')} · {_('Exported on')} {timezone.localtime():%Y-%m-%d %H:%M}",
        )
        return response
    raise Http404(_("Unknown export format."))


# A large plan's tree comes in pages of this many activities, in the tree's order.
TREE_PAGE_ACTIVITIES = 200


@require_GET
def workplan_detail(request, slug):
    workplan = get_workplan_for_user(request.user, slug)
    base = Activity.objects.active().for_workplan(workplan)
    activity_filter, activities = _filtered_activities(request, base)
    filtering = bool(activity_filter.form.is_bound and any(v for k, v in request.GET.items() if k != "page"))
    objectives = list(Objective.objects.filter(workplan=workplan))
    results = list(ExpectedResult.objects.filter(objective__workplan=workplan))
    ordered = tree_order(objectives, results, activities)
    page = Paginator(ordered or [None], TREE_PAGE_ACTIVITIES).get_page(request.GET.get("page"))
    if page.paginator.num_pages > 1:
        # A large plan: this page's activities under their objectives and results; the status
        # from every listed activity's (cached per plan).
        page_activities = activities.filter(pk__in=list(page.object_list))
        tree = workplan_tree(workplan, activities=page_activities, objectives=objectives, results=results)
        tree = prune(tree, keep_indicators=page.number == 1)
        statuses = plan_statuses([workplan.pk])[workplan.pk]["statuses"]
        status = rollup_status([statuses[pk] for pk in ordered if pk in statuses])
    else:
        tree = workplan_tree(workplan, activities=activities, objectives=objectives, results=results)
        status = rollup_status([node.status for node in tree if node.status])
    return render(request, "workplans/workplan_detail.html", {
        "workplan": workplan, "tree": tree, "status": status, "filter": activity_filter, "filtering": filtering,
        "page": page, "querystring": _querystring(request),
        "quarters": workplan.quarters(), "can_coordinate": can_coordinate_workplan(request.user, workplan),
        **_filter_context(),
    })


def _quarter_or_404(code):
    pair = Quarter.parse_code(code)
    if pair is None:
        raise Http404(_("Unknown quarter."))
    return get_object_or_404(Quarter, year=pair[0], number=pair[1])


def _grid_rows(workplan, quarter, organisation=None):
    indicators = list(
        Indicator.objects.active().for_workplan(workplan).select_related("activity", "result", "objective")
        .prefetch_related(Prefetch("activity__actor_links", queryset=ActivityActor.objects.select_related("actor")))
        .order_by("activity__order", "activity_id", "order", "id")
    )
    reports = ProgressReport.objects.filter(indicator__workplan=workplan, quarter__ordinal__in=[quarter.ordinal, quarter.ordinal - 1]).select_related("quarter", "organisation")
    current, previous = {}, {}
    for report in reports:
        target = current if report.quarter_id == quarter.pk else previous
        target[(report.indicator_id, report.organisation_id)] = report
    rows = []
    for indicator in indicators:
        org = organisation
        if org is None and indicator.activity_id:
            links = list(indicator.activity.actor_links.all())
            lead = [link for link in links if link.role == ActivityActor.Role.LEAD] or links
            org = lead[0].actor if lead else None
        key = (indicator.pk, org.pk if org else None)
        rows.append({"indicator": indicator, "organisation": org, "report": current.get(key), "previous": previous.get(key)})
    return rows


def _parse_grid(post, rows):
    """The rows the coordinator changed, as ``quarter_grid_save`` wants them."""
    changed = []
    for row in rows:
        indicator, report = row["indicator"], row["report"]
        pk = indicator.pk
        if row["organisation"] is None or (report and report.state == ProgressReport.State.VALIDATED):
            continue
        raw = post.get(f"value_{pk}", "").strip().replace(",", ".")
        text = post.get(f"text_{pk}", "").strip()
        narrative = post.get(f"narrative_{pk}", "").strip()
        row["posted"] = {"value": raw, "text": text, "narrative": narrative}
        if report is None and not (raw or text):
            continue
        if report is not None:
            same_value = (raw == ("" if report.value is None else f"{report.value.normalize():f}")) or (
                raw and report.value is not None and _decimal(raw) == report.value
            )
            if same_value and text == report.value_text and narrative == report.narrative:
                continue
        value = _decimal(raw)
        if raw and value is None:
            changed.append({"error": _("%(indicator)s: “%(raw)s” is not a number.") % {"indicator": indicator.code or indicator.text[:60], "raw": raw}})
            continue
        changed.append({
            "indicator": indicator, "organisation": row["organisation"], "value": value, "value_text": text,
            "narrative": narrative, "version": post.get(f"version_{pk}") or None,
        })
    return changed


def _decimal(raw):
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(raw) if raw else None
    except InvalidOperation:
        return None


@require_http_methods(["GET", "POST"])
def quarter_grid(request, slug, quarter):
    """All the indicators of a workplan for one quarter, the previous quarter beside."""
    workplan = get_workplan_for_user(request.user, slug, "coordinate")
    quarter = _quarter_or_404(quarter)
    organisation = None
    if request.GET.get("organisation", "").isdigit():
        organisation = get_object_or_404(Actor, pk=request.GET["organisation"])
    rows = _grid_rows(workplan, quarter, organisation)
    errors = []
    status = 200
    if request.method == "POST":
        changed = _parse_grid(request.POST, rows)
        errors = [row["error"] for row in changed if "error" in row]
        if not errors:
            try:
                saved = services.quarter_grid_save(request.user, workplan, quarter, changed)
            except services.ProgressError as exc:
                errors = [exc.message, *exc.errors]
            else:
                messages.success(request, _("%(n)d reports saved.") % {"n": len(saved)})
                return redirect(request.get_full_path())
        status = 400
    closures = list(QuarterClosure.objects.filter(workplan=workplan, quarter=quarter).select_related("closed_by", "reopened_by"))
    closed = any(c.reopened_at is None for c in closures)
    return render(request, "workplans/quarter_grid.html", {
        "workplan": workplan, "quarter": quarter, "rows": rows, "errors": errors, "closed": closed,
        "closures": closures, "quarters": workplan.quarters(), "organisation": organisation,
        "actors": Actor.objects.order_by("acronym").only("pk", "acronym"),
    }, status=status)


@require_POST
def quarter_close(request, slug, quarter):
    workplan = get_workplan_for_user(request.user, slug, "coordinate")
    quarter = _quarter_or_404(quarter)
    try:
        services.quarter_close(request.user, workplan, quarter, request.POST.get("reason", ""))
        messages.success(request, _("Quarter %(q)s closed: its reports are locked.") % {"q": quarter.code})
    except services.ProgressError as exc:
        messages.error(request, exc.message)
    return redirect("workplans:quarter_grid", slug=workplan.slug, quarter=quarter.code)


@require_POST
def quarter_reopen(request, slug, quarter):
    workplan = get_workplan_for_user(request.user, slug, "coordinate")
    quarter = _quarter_or_404(quarter)
    try:
        services.quarter_reopen(request.user, workplan, quarter, request.POST.get("reason", ""))
        messages.success(request, _("Quarter %(q)s reopened.") % {"q": quarter.code})
    except services.ProgressError as exc:
        messages.error(request, exc.message)
    return redirect("workplans:quarter_grid", slug=workplan.slug, quarter=quarter.code)
