"""The read side: the home dashboard, the activity list (filters, exports), the plan tree,
the report pages and their exports. Everyone signed in reads them; saved views belong to
their owner.

Function views: check (the workplan exists → 404; the saved view is the user's → 404), build, render.
"""


from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clusterplan.lib.exporting import Code, CsvWriter, csv_response, flavour_of
from clusterplan.lib.pagecache import cached_page
from clusterplan.lib.xlsx import write_table_workbook
from indicators.filters import ActivityFilter
from indicators.models import Indicator, ProgressReport, Status, rollup_status
from indicators.permissions import reports_of_my_organisation, reports_to_review
from indicators.progress import outcome_counts, plan_statuses, plan_summary
from indicators.selectors import activities_with_progress, prune, tree_order, workplan_tree
from meetings.models import ActionPoint
from workplans.models import Activity, ActivityActor, Actor, ExpectedResult, Objective, Quarter, SubCluster, Workplan
from workplans.permissions import can_coordinate_workplan, get_workplan_for_user

from .dashboard import workplan_dashboard
from .exports import changes_for, write_csv, write_performance_workbook, write_summary_workbook
from .forms import ReportFilterForm, SavedViewForm
from .models import SavedView
from .performance import ReportFilters, indicators_for, performance_table
from .quarterly import default_quarter, plan_quarters, quarter_summary
from .rows import activity_rows, performance_rows, tree_activity_rows

ROWS_PER_PAGE = 100  # indicators per page of the performance table (the exports hold them all)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def saved_views_for(user):
    """The saved views a user finds on the dashboard (include ``reports/_saved_views.html``)."""
    if not user.is_authenticated:
        return SavedView.objects.none()
    return SavedView.objects.for_user(user)


def _scope(slug):
    """(workplan or None, the Workplan queryset the report covers); 404 for an unknown plan."""
    if slug is None:
        return None, Workplan.objects.all()
    workplan = get_object_or_404(Workplan.objects.select_related("cluster"), slug=slug)
    return workplan, Workplan.objects.filter(pk=workplan.pk)


def _filters(request):
    form = ReportFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Some filters were not understood and were ignored."))
        return form, ReportFilters()
    return form, (form.filters() if form.is_bound else ReportFilters())


def _title(workplan):
    return _("Indicator performance tracking table") + (f" · {workplan.title}" if workplan else "")


@require_GET
def index(request):
    workplans = Workplan.objects.select_related("cluster").order_by("-start_date", "title")
    return render(
        request, "reports/index.html", {"workplans": workplans, "saved_views": saved_views_for(request.user)}
    )


def plan_generations(workplans=None):
    """The key of the cached pages (``clusterplan.lib.pagecache``): ``(pk, generation)`` of the
    plans a page shows (all of them by default), one query."""
    rows = Workplan.objects.all() if workplans is None else workplans
    return tuple(rows.order_by("pk").values_list("pk", "generation"))


@require_GET
def performance(request, slug=None):
    workplan, workplans = _scope(slug)
    generations = ((workplan.pk, workplan.generation),) if workplan else plan_generations()

    def build():
        form, filters = _filters(request)
        table = performance_table(workplans, filters)
        page, groups = table.paginate(request.GET.get("page"), ROWS_PER_PAGE)
        params = request.GET.copy()
        params.pop("page", None)
        query = params.urlencode()
        return "reports/_performance.html", {
            "workplan": workplan,
            "table": table,
            "page": page,
            "groups": performance_rows(groups),
            "form": form,
            "query": query,
            "title": _title(workplan),
            "save_form": SavedViewForm(initial={"path": request.path, "query": query}),
        }

    return cached_page(request, "performance", generations, "reports/performance.html", build,
                       {"workplan": workplan, "title": _title(workplan)})


def _filename(workplan, extension):
    stem = slugify(workplan.slug if workplan else "clusterplan")
    return f"{stem}-performance-{timezone.localdate().isoformat()}.{extension}"


@require_GET
def performance_xlsx(request, slug=None):
    workplan, workplans = _scope(slug)
    _form, filters = _filters(request)
    table = performance_table(workplans, filters)
    changes = changes_for(indicators_for(workplans, filters).values("pk"), table.quarters, request.user)
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(workplan, "xlsx")}"'
    write_performance_workbook(response, table, _title(workplan), request.user, changes)
    return response


@require_GET
def performance_csv(request, slug=None):
    workplan, workplans = _scope(slug)
    _form, filters = _filters(request)
    hxl = request.GET.get("hxl") == "1"
    if hxl:
        filters.breakdowns = True  # the people reached by sex and age (#reached+ind+f …)
    table = performance_table(workplans, filters)
    stem = _filename(workplan, "csv")[:-4] + ("-hxl" if hxl else "")
    response, writer = csv_response(stem, flavour_of(request))
    write_csv(writer, table, hxl=hxl, base_url=request.build_absolute_uri("/").rstrip("/"))
    return response


@require_http_methods(["GET", "POST"])
def saved_views(request):
    if request.method == "POST":
        form = SavedViewForm(request.POST)
        if form.is_valid():
            view = form.save(commit=False)
            view.user = request.user
            if SavedView.objects.for_user(request.user).filter(name=view.name).exists():
                form.add_error("name", _("You already have a saved view with this name."))
            else:
                view.save()
                messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
                return redirect("reports:saved_views")
        return render(request, "reports/saved_views.html", {"views": saved_views_for(request.user), "form": form},
                      status=400)
    return render(request, "reports/saved_views.html", {"views": saved_views_for(request.user)})


@require_POST
def saved_view_delete(request, pk):
    view = get_object_or_404(saved_views_for(request.user), pk=pk)
    view.delete()
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect("reports:saved_views")


@require_GET
def dashboard(request, slug):
    workplan, _workplans = _scope(slug)
    return render(request, "reports/dashboard.html", {"workplan": workplan, "dash": workplan_dashboard(workplan, user=request.user)})


def _summary(request, slug):
    workplan, _workplans = _scope(slug)
    quarters = plan_quarters(workplan)
    code = request.GET.get("quarter")
    quarter = default_quarter(quarters)
    if code:
        wanted = Quarter.parse_code(code)
        match = [q for q in quarters if (q.year, q.number) == wanted]
        if match:
            quarter = match[0]
        else:
            messages.error(request, _("“%(code)s” is not a quarter of this workplan; the last completed quarter is shown.")
                           % {"code": code})
    if quarter is None:
        return workplan, None
    return workplan, quarter_summary(workplan, quarter, quarters)


@require_GET
def quarter_summary_page(request, slug):
    workplan, summary = _summary(request, slug)
    return render(request, "reports/quarter_summary.html", {"workplan": workplan, "summary": summary})


@require_GET
def quarter_summary_xlsx(request, slug):
    workplan, summary = _summary(request, slug)
    if summary is None:
        raise Http404(_("This workplan has no dates, hence no quarter."))
    response = HttpResponse(content_type=XLSX)
    filename = f"{slugify(workplan.slug)}-{summary.quarter.code}-summary.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_summary_workbook(response, summary, request.user)
    return response


# --- the home dashboard, the activity list and the plan tree -------------------------------

PAGE_SIZE = 50


def _count(queryset):
    rows = queryset.filter(workplan=OuterRef("pk")).order_by().values("workplan").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


TO_REVIEW_SHOWN = 20  # the oldest reports awaiting my validation on the dashboard; a link leads to all


@require_GET
def home(request):
    """The dashboard: plans with their overall progress, what is late, what awaits me (the
    content cached until a plan, the site or the day changes: ``clusterplan.lib.pagecache``)."""
    today = timezone.localdate()
    return cached_page(request, "home", plan_generations(), "reports/home.html",
                       lambda: ("reports/_home.html", _home_context(request, today)), today=today)


def _home_context(request, today):
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
    # Every activity's status, per plan, cached until the plan's generation moves.
    per_plan = plan_statuses([workplan.pk for workplan in workplans], today=today)
    late_ids = []
    for workplan in workplans:
        workplan.summary = plan_summary(workplan, per_plan.get(workplan.pk), today)
        if not workplan.summary.ended:
            entry = per_plan.get(workplan.pk) or {"statuses": {}}
            late_ids += [pk for pk, status in entry["statuses"].items() if status == Status.LATE]
    current = [w for w in workplans if not w.summary.ended]
    ended = [w for w in workplans if w.summary.ended]
    late_activities = list(
        Activity.objects.filter(pk__in=late_ids[:10]).select_related("workplan").order_by("workplan", "order", "id")
    )
    pending = ProgressReport.objects.select_related("indicator", "quarter", "organisation", "indicator__workplan")
    awaiting = reports_to_review(request.user, pending.filter(state=ProgressReport.State.SUBMITTED)).order_by("submitted_at")
    to_review = list(awaiting[:TO_REVIEW_SHOWN + 1])
    to_review_total = len(to_review) if len(to_review) <= TO_REVIEW_SHOWN else awaiting.count()
    to_review = to_review[:TO_REVIEW_SHOWN]
    returned = list(reports_of_my_organisation(request.user, pending.filter(state=ProgressReport.State.RETURNED))[:20])
    return {
        "workplans": workplans, "current_workplans": current, "ended_workplans": ended,
        "late_activities": late_activities, "late_total": len(late_ids),
        "to_review": to_review, "to_review_total": to_review_total, "returned": returned, "today": today,
        "overdue_action_points": list(ActionPoint.objects.overdue(today).for_list()[:10]),
        "saved_views": list(SavedView.objects.for_user(request.user)),
    }


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
    return cached_page(request, "activity_list", plan_generations(), "reports/activity_list.html",
                       lambda: ("reports/_activity_list.html", _activity_list_context(request)))


def _activity_list_context(request):
    base = Activity.objects.active().order_by("workplan__title", "order", "id")
    activity_filter, activities = _filtered_activities(request, base)
    paginator = Paginator(activities.values_list("pk", flat=True), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    ids = list(page.object_list)
    rows = activities_with_progress(Activity.objects.filter(pk__in=ids), light=True)
    order = {pk: i for i, pk in enumerate(ids)}
    rows.sort(key=lambda a: order[a.pk])
    counts = list(
        activities.order_by().values("workplan__slug", "workplan__title").annotate(n=Count("pk", distinct=True))
        .order_by("workplan__title")
    )
    return {
        "filter": activity_filter, "page": page, "activities": rows, "rows": activity_rows(rows), "total": paginator.count,
        "counts_by_workplan": counts, "querystring": _querystring(request), **_filter_context(),
    }


EXPORT_HEADERS = ["workplan", "code", "activity", "level", "status", "progress", "quarters", "responsible", "indicators"]
EXPORT_WIDTHS = (18, 8, 60, 12, 12, 12, 20, 20, 60)


def _export_rows(activities, separator=" | ", chunk=1000):
    """The export's rows, ``chunk`` activities at a time, as plain values (issue 16: no model
    instances: a 5,000-activity plan's 60,000 scheduled quarters made the export take seconds).
    Statuses come from the plan-status cache (``plan_statuses``), the same rules as the pages."""
    labels = dict(Status.choices)
    levels, states = dict(Activity.Level.choices), dict(Activity.Status.choices)
    statuses = {}
    for entry in plan_statuses(activities.order_by().values_list("workplan_id", flat=True).distinct()).values():
        statuses.update(entry["statuses"])
    quarter_codes = {pk: f"{year}-Q{number}" for pk, year, number in Quarter.objects.values_list("pk", "year", "number")}
    rows = activities.values_list("pk", "workplan__slug", "code", "title", "level", "status")
    for start in range(0, 10**9, chunk):
        batch = list(rows[start:start + chunk])
        if not batch:
            return
        ids = [row[0] for row in batch]
        quarters, actors, indicators = {}, {}, {}
        for activity_id, quarter_id in (Activity.quarters.through.objects.filter(activity_id__in=ids)
                                        .order_by("quarter__ordinal").values_list("activity_id", "quarter_id")):
            quarters.setdefault(activity_id, []).append(quarter_codes[quarter_id])
        for activity_id, acronym in (ActivityActor.objects.filter(activity_id__in=ids)
                                     .order_by("activity", "order", "id").values_list("activity_id", "actor__acronym")):
            actors.setdefault(activity_id, []).append(acronym)
        for activity_id, text in (Indicator.objects.active().filter(activity_id__in=ids)
                                  .order_by("workplan", "order", "id").values_list("activity_id", "text")):
            indicators.setdefault(activity_id, []).append(text)
        for pk, slug, code, title, level, state in batch:
            yield [
                slug, Code(code), title, str(levels.get(level, level)), str(states.get(state, state)),
                str(labels.get(statuses.get(pk), "")), " ".join(quarters.get(pk, ())),
                ", ".join(actors.get(pk, ())), separator.join(indicators.get(pk, ())),
            ]


class _Chunks:
    """A text stream that hands back what was written since the last ``take()``."""

    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def take(self):
        text, self.parts = "".join(self.parts), []
        return text


def _csv_stream(headers, rows, flavour, chunk=200):
    """The CSV file (``CsvWriter``: the flavour's separator, formats and neutralising) in pieces:
    the byte-order mark and the headers, then ``chunk`` rows at a time."""
    out = _Chunks()
    writer = CsvWriter(out, flavour)
    writer.writerow(headers)
    yield out.take()
    for n, row in enumerate(rows, 1):
        writer.writerow(row)
        if n % chunk == 0:
            yield out.take()
    rest = out.take()
    if rest:
        yield rest


@require_GET
def activity_export(request, fmt):
    base = Activity.objects.active().order_by("workplan__title", "order", "id")
    _filter, activities = _filtered_activities(request, base)
    headers = [_("Workplan"), _("Code"), _("Activity"), _("Level"), _("Status"), _("Progress"), _("Quarters"),
               _("Responsible actors"), _("Indicators")]
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        # Streamed (issue 16): a 5,000-activity plan's rows go out as they are read, a chunk
        # at a time, instead of the whole file being built before the first byte is sent.
        flavour = flavour_of(request)
        response = StreamingHttpResponse(_csv_stream(headers, _export_rows(activities), flavour),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="activities-{stamp}-{flavour}.csv"'
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


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)
        yield from _walk(node.results)


# A large plan's tree comes in pages of this many activities, in the tree's order (issue 16:
# 50, like the activity list: each activity holds its indicator table, so 50 are already
# many screens, and a rebuilt page of 200 cost ~4× as much to load and render).
TREE_PAGE_ACTIVITIES = 50


@require_GET
def workplan_detail(request, slug):
    workplan = get_workplan_for_user(request.user, slug)
    return cached_page(request, "workplan_detail", ((workplan.pk, workplan.generation),),
                       "reports/workplan_detail.html",
                       lambda: ("reports/_workplan_detail.html", _workplan_detail_context(request, workplan)),
                       {"workplan": workplan})


def _workplan_detail_context(request, workplan):
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
        cached = plan_statuses([workplan.pk])[workplan.pk]
        statuses = cached["statuses"]
        status = rollup_status([statuses[pk] for pk in ordered if pk in statuses])
    else:
        tree = workplan_tree(workplan, activities=activities, objectives=objectives, results=results)
        status = rollup_status([node.status for node in tree if node.status])
        cached = None
    summary = None
    if workplan.has_ended():
        # An ended plan says so, with its final result (its activities' indicators by outcome),
        # not "late": from the tree when it holds the whole plan, else from the cached statuses.
        if page.paginator.num_pages == 1 and not filtering:
            entry = {"statuses": {}, "outcomes": outcome_counts(
                indicator.progress_info for node in _walk(tree) for activity in node.activities
                for indicator in activity.indicator_list)}
        else:
            entry = cached or plan_statuses([workplan.pk])[workplan.pk]  # read once per page
        summary = plan_summary(workplan, entry)
        status = summary.status
    return {
        "summary": summary,
        "workplan": workplan, "tree": tree_activity_rows(tree), "status": status, "filter": activity_filter, "filtering": filtering,
        "page": page, "querystring": _querystring(request),
        "quarters": workplan.quarters(), "can_coordinate": can_coordinate_workplan(request.user, workplan),
        **_filter_context(),
    }
