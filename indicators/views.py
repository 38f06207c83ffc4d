"""Indicator pages: the indicator, progress entry for one quarter, the report workflow, evidence.

Each view checks permission with ``indicators.permissions``, calls ``indicators.services``,
renders. A refused act is a 403 with its message, a stale form a 409 with the other's value.
"""

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clusterplan.lib.numbers import NumberError, parse_decimal, parse_int
from clusterplan.lib.pagecache import cached_page
from workplans.models import ActivityActor, Actor, Quarter
from workplans.permissions import (
    can_coordinate_workplan,
    get_workplan_for_user,
    is_administrator,
    is_coordinator,
    is_member,
    profile_of,
)

from . import services
from .forms import EvidenceForm, IndicatorRulesForm, ReportForm, ReturnForm
from .models import Indicator, ProgressReport, QuarterClosure
from .permissions import (
    can_record_for,
    can_review,
    can_validate,
    get_evidence_for_user,
    get_indicator_for_user,
    get_report_for_user,
    organisations_for_recording,
    reports_to_review,
)
from .progress import indicator_page_data

AWAITING_PER_PAGE = 50


@require_GET
def awaiting_validation(request):
    """Every report awaiting the user's validation (coordinators in scope, administrators), oldest first."""
    if not (is_administrator(request.user) or is_coordinator(request.user)):
        raise PermissionDenied(_("Only a coordinator of this plan can validate or return its reports."))
    reports = reports_to_review(
        request.user,
        ProgressReport.objects.filter(state=ProgressReport.State.SUBMITTED)
        .select_related("indicator__workplan", "quarter", "organisation", "created_by"),
    ).order_by("submitted_at", "id")
    workplan = request.GET.get("workplan", "")
    if workplan:
        reports = reports.filter(indicator__workplan__slug=workplan)
    page = Paginator(reports, AWAITING_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "indicators/awaiting_list.html", {
        "page": page, "reports": page.object_list, "total": page.paginator.count, "querystring": params.urlencode(),
    })


def organisations_of_member(user):
    """The member's organisation as a one-item list (empty for anyone else)."""
    profile = profile_of(user)
    if not (is_member(user) and profile and profile.organisation_id):
        return []
    return [profile.organisation]


@require_GET
def indicator_detail(request, pk):
    """The indicator's page: its content cached until its plan, the site or the day changes
    (``clusterplan.lib.pagecache``)."""
    # Viewing is for everyone signed in (``get_indicator_for_user``): the key needs one row (the
    # plan's generation, the title); the whole indicator is loaded, and checked, only to build.
    row = Indicator.objects.filter(pk=pk).values("text", "workplan_id", "workplan__generation").first()
    if row is None:
        raise Http404(_("Unknown indicator."))

    def build():
        indicator = get_indicator_for_user(request.user, pk)
        return "indicators/_indicator_detail.html", indicator_page_data(indicator, request.user)

    return cached_page(
        request, "indicator_detail", ((row["workplan_id"], row["workplan__generation"]),),
        "indicators/indicator_detail.html", build, {"indicator": {"text": row["text"]}},
    )


@require_POST
def indicator_rules(request, pk):
    """A coordinator of the plan corrects the indicator's breakdowns and how its quarters add up."""
    indicator = get_indicator_for_user(request.user, pk, action="review")
    form = IndicatorRulesForm(request.POST, instance=Indicator.objects.get(pk=indicator.pk))
    if not form.is_valid():
        messages.error(request, _("Unknown way of adding up quarters."))
        return redirect("indicators:detail", pk=indicator.pk)
    services.indicator_rules_update(request.user, indicator, **{f: form.cleaned_data[f] for f in IndicatorRulesForm.Meta.fields})
    messages.success(request, _("How this indicator is collected and adds up was saved."))
    return redirect("indicators:detail", pk=indicator.pk)


def _quarter(code):
    pair = Quarter.parse_code(code)
    if pair is None:
        raise Http404(_("Unknown quarter."))
    return get_object_or_404(Quarter, year=pair[0], number=pair[1])


def _id(raw):
    """An id from a query string or a form (``None`` when absent or not a whole number: ``²``, ``1.5``…)."""
    try:
        return parse_int(raw)
    except NumberError:
        return None


def _report_url(report):
    return reverse("indicators:report", args=[report.indicator_id, report.quarter.code]) + f"?organisation={report.organisation_id}"


@require_http_methods(["GET", "POST"])
def report_edit(request, pk, quarter):
    """Enter or change one organisation's progress on an indicator for one quarter."""
    indicator = get_indicator_for_user(request.user, pk, "record")
    quarter = _quarter(quarter)
    organisations = organisations_for_recording(request.user, indicator)
    org_id = _id(request.POST.get("organisation") or request.GET.get("organisation"))
    organisation = None
    if org_id is not None:
        organisation = organisations.filter(pk=org_id).first()
        if organisation is None:
            raise PermissionDenied(_("You cannot report for this organisation."))
    elif len(organisations) == 1:
        organisation = organisations[0]
    report = None
    if organisation is not None:
        report = (
            ProgressReport.objects.filter(indicator=indicator, quarter=quarter, organisation=organisation)
            .select_related("quarter", "organisation", "reviewed_by", "created_by", "last_saved_by")
            .prefetch_related("breakdowns", "evidence")
            .first()
        )
        if report is not None:
            report.indicator = indicator
    status = 200
    conflict = None
    errors = []
    if request.method == "POST":
        form = ReportForm(request.POST, indicator=indicator, organisations=organisations, report=report)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.report_save(
                    request.user, indicator, quarter, data["organisation"],
                    value=data.get("value"), value_text=data.get("value_text", ""), narrative=data["narrative"],
                    parts=form.parts(), version=data.get("version"),
                )
            except services.ReportConflict as exc:
                conflict = exc.current
                status = 409
                messages.error(request, exc.message)
            except services.ReportLocked as exc:
                messages.error(request, exc.message)
                status = 409
            except services.ProgressError as exc:
                errors = exc.errors or [exc.message]
                status = 400
            else:
                if "submit" in request.POST:
                    try:
                        saved = services.report_submit(request.user, saved)
                        messages.success(request, _("Report saved and submitted for validation."))
                    except services.ProgressError as exc:
                        messages.error(request, exc.message)
                else:
                    messages.success(request, _("Report saved as a draft."))
                return redirect(_report_url(saved))
        else:
            status = 400
    else:
        form = ReportForm(indicator=indicator, organisations=organisations, report=report)
    previous = (
        ProgressReport.objects.filter(indicator=indicator, quarter__ordinal=quarter.ordinal - 1, organisation=organisation)
        .select_related("quarter")
        .first()
        if organisation
        else None
    )
    context = {
        "indicator": indicator,
        "quarter": quarter,
        "organisation": organisation,
        "organisations": organisations,
        "report": report,
        "previous": previous,
        "form": form,
        "conflict": conflict,
        "errors": errors,
        "closed": services.quarter_is_closed(indicator.workplan_id, quarter),
        "can_review": can_review(request.user, indicator),
        "can_validate": report is not None and can_validate(request.user, report),
        "four_eyes_refusal": report.four_eyes_refusal(request.user) if report is not None and report.can_be_validated
        and can_review(request.user, indicator) else "",
        "cluster": indicator.workplan.cluster,
        "evidence_form": EvidenceForm(),
        "return_form": ReturnForm(initial={"version": report.version if report else None}),
    }
    return render(request, "indicators/report_form.html", context, status=status)


def _bad_request(request, message):
    """A 400 page that says what was wrong with what was sent (never a 500)."""
    return render(request, "400.html", {"exception": message}, status=400)


def _workflow(request, pk, action, act):
    report = get_report_for_user(request.user, pk, action)
    try:
        version = parse_int(request.POST.get("version"))
    except NumberError:
        return _bad_request(request, _("The form was damaged (its version is not a whole number): reload the page and try again."))
    try:
        act(report, version)
    except services.ReportConflict as exc:
        messages.error(request, exc.message)
    except services.ProgressError as exc:
        messages.error(request, " ".join([exc.message, *exc.errors]))
    return redirect(_report_url(report))


@require_POST
def report_submit(request, pk):
    def act(report, version):
        services.report_submit(request.user, report, version)
        messages.success(request, _("Report submitted for validation."))

    return _workflow(request, pk, "record", act)


@require_POST
def report_validate(request, pk):
    def act(report, version):
        services.report_validate(request.user, report, version)
        messages.success(request, _("Report validated: its value now counts."))

    return _workflow(request, pk, "review", act)


@require_POST
def report_return(request, pk):
    def act(report, version):
        services.report_return(request.user, report, request.POST.get("comment", ""), version)
        messages.success(request, _("Report returned with your comment."))

    return _workflow(request, pk, "review", act)


@require_POST
def evidence_upload(request, pk):
    report = get_report_for_user(request.user, pk, "record")
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(_report_url(report))
    try:
        services.evidence_add(request.user, report, form.cleaned_data["file"])
        messages.success(request, _("Evidence file added."))
    except services.ProgressError as exc:
        messages.error(request, exc.message)
    return redirect(_report_url(report))


@require_GET
def evidence_download(request, pk):
    """Evidence is served only here, to users who may see its report; never from a public path."""
    evidence = get_evidence_for_user(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is missing.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name or evidence.file.name.rsplit("/", 1)[-1],
        content_type=evidence.content_type or mimetypes.guess_type(evidence.file.name)[0] or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- a plan's quarter: the grid, closing and reopening ------------------------------------


# A large plan's quarter grid comes in pages of this many indicators (issue 16: a plan of 5,000
# indicators in one form took seconds to build and a browser to its knees).
GRID_PAGE_INDICATORS = 200
GRID_ORDER = ("activity__order", "activity_id", "order", "id")


def _grid_rows(user, workplan, quarter, organisation=None, coordinating=True, page_number=None):
    """(rows, page): the grid's rows for one page of the plan's active indicators (constant
    queries whatever the plan's size), each with the organisation it reports for.

    A coordinator gets every indicator (for ``organisation`` when chosen, otherwise each
    activity's lead); a member only the indicators their organisation may report on. A row
    whose organisation is not responsible for the activity is shown, not editable, with why."""
    ids = Indicator.objects.active().for_workplan(workplan).order_by(*GRID_ORDER).values_list("pk", flat=True)
    page = Paginator(ids, GRID_PAGE_INDICATORS).get_page(page_number)
    page_ids = list(page.object_list)
    indicators = list(
        Indicator.objects.filter(pk__in=page_ids).select_related("workplan__cluster", "activity", "result", "objective")
        .prefetch_related(Prefetch("activity__actor_links", queryset=ActivityActor.objects.select_related("actor")))
        .order_by(*GRID_ORDER)
    )
    reports = ProgressReport.objects.filter(indicator_id__in=page_ids, quarter__ordinal__in=[quarter.ordinal, quarter.ordinal - 1]).select_related("quarter", "organisation", "created_by", "last_saved_by")
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
        refusal = services.responsibility_error(indicator, org) if org is not None else ""
        if not coordinating and (refusal or org is None or not can_record_for(user, indicator, org)):
            continue
        key = (indicator.pk, org.pk if org else None)
        report = current.get(key)
        if report is not None:
            report.indicator = indicator
        rows.append({
            "indicator": indicator, "organisation": org, "report": report, "previous": previous.get(key),
            "refusal": refusal,
            "editable": org is not None and not refusal and (report is None or report.accepts_changes),
            "can_submit": report is not None and report.can_be_submitted and not refusal,
            "can_validate": report is not None and coordinating and can_validate(user, report),
        })
    return rows, page


def _parse_grid(post, rows):
    """The rows changed (as ``quarter_grid_save`` wants them), and the rows selected."""
    changed = []
    for row in rows:
        indicator, report = row["indicator"], row["report"]
        pk = indicator.pk
        if not row["editable"]:
            continue
        raw = post.get(f"value_{pk}", "").strip().replace(",", ".")
        text = post.get(f"text_{pk}", "").strip()
        narrative = post.get(f"narrative_{pk}", "").strip()
        raw_parts = {name: post.get(f"{name}_{pk}", "").strip().replace(",", ".") for name in GRID_PARTS}
        row["posted"] = {"value": raw, "text": text, "narrative": narrative, **raw_parts}
        parts, bad = {}, []
        for name, part in raw_parts.items():
            dimension, category = name.split("_", 1)
            if part and _decimal(part) is None:
                bad.append(part)
            if part:
                parts.setdefault(dimension, {})[category] = _decimal(part)
        if report is None and not (raw or text or parts):
            continue
        if report is not None:
            same_value = (raw == ("" if report.value is None else f"{report.value.normalize():f}")) or (
                raw and report.value is not None and _decimal(raw) == report.value
            )
            if same_value and text == report.value_text and narrative == report.narrative and not parts:
                continue
        try:
            value = parse_decimal(raw)
            version = parse_int(post.get(f"version_{pk}"))
        except NumberError as exc:
            changed.append({"error": _("%(indicator)s: %(message)s") % {"indicator": indicator.code or indicator.text[:60], "message": exc.message}, "indicator": indicator})
            continue
        for wrong in bad:
            changed.append({"error": _("%(indicator)s: “%(raw)s” is not a number.") % {"indicator": indicator.code or indicator.text[:60], "raw": wrong}, "indicator": indicator})
        if bad:
            continue
        changed.append({
            "indicator": indicator, "organisation": row["organisation"], "value": value, "value_text": text,
            "narrative": narrative, "version": version, "parts": parts or None,
        })
    selected = {pk for pk in post.getlist("select") if str(pk).isdigit()}
    chosen = [(row["indicator"], row["organisation"]) for row in rows
              if str(row["indicator"].pk) in selected and row["organisation"] is not None]
    return changed, chosen


# The parts the grid takes beside the total, for indicators that ask for them (sex, age).
GRID_PARTS = ["sex_F", "sex_M", "age_lt18", "age_ge18"]


def _decimal(raw):
    try:
        return parse_decimal(raw)
    except NumberError:
        return None


@require_http_methods(["GET", "POST"])
def quarter_grid(request, slug, quarter):
    """All the indicators of a workplan for one quarter, the previous quarter beside; coordinators
    save, submit and validate rows; members save and submit their organisation's rows."""
    workplan = get_workplan_for_user(request.user, slug)
    coordinating = can_coordinate_workplan(request.user, workplan)
    if not coordinating and not organisations_of_member(request.user):
        raise PermissionDenied(_("Only a coordinator of this plan's cluster can do this."))
    quarter = _quarter(quarter)
    organisation = None
    org_id = _id(request.GET.get("organisation"))
    if coordinating and org_id is not None:
        organisation = get_object_or_404(Actor, pk=org_id)
    elif not coordinating:
        organisation = organisations_of_member(request.user)[0]
    rows, page = _grid_rows(request.user, workplan, quarter, organisation, coordinating, request.GET.get("page"))
    errors = []
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        changed, chosen = _parse_grid(request.POST, rows)
        errors = [row["error"] for row in changed if "error" in row]
        by_pk = {row["indicator"].pk: row for row in rows}
        for row in changed:
            if "error" in row:
                by_pk[row["indicator"].pk]["error"] = row["error"]
        if action == "validate" and not coordinating:
            raise PermissionDenied(_("Only a coordinator of this plan can validate or return its reports."))
        if action in ("submit", "validate") and not chosen:
            errors.append(_("Select the rows to submit or validate."))
        if not errors:
            try:
                saved = services.quarter_grid_save(
                    request.user, workplan, quarter, [row for row in changed if "error" not in row],
                    submit=chosen if action == "submit" else (), validate=chosen if action == "validate" else (),
                )
            except services.ProgressError as exc:
                errors = [exc.message, *exc.errors]
                for pk, message in getattr(exc, "row_errors", {}).items():
                    if pk in by_pk:
                        by_pk[pk]["error"] = message
            else:
                messages.success(request, _("%(n)d reports saved.") % {"n": len(saved)})
                if action == "submit":
                    messages.success(request, _("%(n)d reports submitted for validation.") % {"n": len(chosen)})
                if action == "validate":
                    messages.success(request, _("%(n)d reports validated.") % {"n": len(chosen)})
                return redirect(request.get_full_path())
        status = 400
    closures = list(QuarterClosure.objects.filter(workplan=workplan, quarter=quarter).select_related("closed_by", "reopened_by"))
    closed = any(c.reopened_at is None for c in closures)
    return render(request, "indicators/quarter_grid.html", {
        "workplan": workplan, "quarter": quarter, "rows": rows, "errors": errors, "closed": closed,
        "closures": closures, "quarters": workplan.quarters(), "organisation": organisation,
        "coordinating": coordinating,
        "actors": Actor.objects.order_by("acronym").only("pk", "acronym") if coordinating else [],
        "page": page, "querystring": _grid_querystring(request),
    }, status=status)


def _grid_querystring(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_POST
def quarter_close(request, slug, quarter):
    """Two steps: the first lists the drafts, returned reports and reports awaiting validation
    still open in the quarter and asks to confirm; the confirmed form closes it."""
    workplan = get_workplan_for_user(request.user, slug, "coordinate")
    quarter = _quarter(quarter)
    reason = request.POST.get("reason", "")
    confirmed = request.POST.get("confirm") == "yes"
    if not confirmed:
        open_reports = list(services.quarter_open_reports(workplan, quarter))
        return render(request, "indicators/quarter_close_confirm.html", {
            "workplan": workplan, "quarter": quarter, "reason": reason, "open_reports": open_reports,
            "drafts": [r for r in open_reports if r.state == ProgressReport.State.DRAFT],
            "returned": [r for r in open_reports if r.state == ProgressReport.State.RETURNED],
            "submitted": [r for r in open_reports if r.state == ProgressReport.State.SUBMITTED],
        })
    try:
        services.quarter_close(request.user, workplan, quarter, reason)
        messages.success(request, _("Quarter %(q)s closed: its reports are locked.") % {"q": quarter.code})
    except services.ProgressError as exc:
        messages.error(request, exc.message)
    return redirect("indicators:quarter_grid", slug=workplan.slug, quarter=quarter.code)


@require_POST
def quarter_reopen(request, slug, quarter):
    workplan = get_workplan_for_user(request.user, slug, "coordinate")
    quarter = _quarter(quarter)
    try:
        services.quarter_reopen(request.user, workplan, quarter, request.POST.get("reason", ""))
        messages.success(request, _("Quarter %(q)s reopened.") % {"q": quarter.code})
    except services.ProgressError as exc:
        messages.error(request, exc.message)
    return redirect("indicators:quarter_grid", slug=workplan.slug, quarter=quarter.code)
