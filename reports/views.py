"""Report pages and exports. Everyone logged in reads reports; saved views belong to their owner.

Function views: check (the workplan exists → 404; the saved view is the user's → 404), build, render.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplans.models import Quarter, Workplan

from .dashboard import workplan_dashboard
from clusterplan.lib.exporting import csv_response, flavour_of

from .exports import changes_for, write_csv, write_performance_workbook, write_summary_workbook
from .forms import ReportFilterForm, SavedViewForm
from .models import SavedView
from .performance import ReportFilters, indicators_for, performance_table
from .quarterly import default_quarter, plan_quarters, quarter_summary

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


@require_GET
def performance(request, slug=None):
    workplan, workplans = _scope(slug)
    form, filters = _filters(request)
    table = performance_table(workplans, filters)
    page, groups = table.paginate(request.GET.get("page"), ROWS_PER_PAGE)
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return render(
        request,
        "reports/performance.html",
        {
            "workplan": workplan,
            "table": table,
            "page": page,
            "groups": groups,
            "form": form,
            "query": query,
            "title": _title(workplan),
            "save_form": SavedViewForm(initial={"path": request.path, "query": query}),
        },
    )


def _filename(workplan, extension):
    stem = slugify(workplan.slug if workplan else "clusterplan")
    return f"{stem}-performance-{timezone.localdate().isoformat()}.{extension}"


@require_GET
def performance_xlsx(request, slug=None):
    workplan, workplans = _scope(slug)
    _form, filters = _filters(request)
    table = performance_table(workplans, filters)
    changes = changes_for(indicators_for(workplans, filters).values("pk"), table.quarters)
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
    return render(request, "reports/dashboard.html", {"workplan": workplan, "dash": workplan_dashboard(workplan)})


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
