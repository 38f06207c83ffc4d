"""The import pages: upload, preview, confirm; the annotated workbook and the blank template."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplans.models import Workplan
from workplans.permissions import require_administrator
from workplans.text import fold

from .decision_views import decision_context
from .mapping import IGNORE, ReadOptions, valid_field
from .models import ColumnMapping, ImportSession
from .parsing import WorkplanImportError, parse_file
from .permissions import get_import_session_for_user
from .readers import size_error
from .services import (
    SessionAlreadySaved,
    SessionSuperseded,
    import_cluster_id,
    import_session_confirm,
    workplan_import_preview,
)
from .summary import summary_lines
from .workbooks import annotated_workbook, blank_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".docx")


def plan_label(workplan):
    period = ""
    if workplan.start_date and workplan.end_date:
        period = f" ({workplan.start_date:%m/%Y} – {workplan.end_date:%m/%Y})"
    return f"{workplan.title}{period}"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workplan file"),
        help_text=gettext_lazy("Excel (.xlsx, .xls), OpenDocument (.ods), CSV or Word (.docx)."),
    )
    target = forms.ChoiceField(label=gettext_lazy("Which plan"), required=False)
    slug = forms.SlugField(
        label=gettext_lazy("Identifier of a new plan (slug)"), required=False, max_length=100,
        help_text=gettext_lazy("Only for a new plan; leave empty to name it after the file."),
    )
    same_title = forms.BooleanField(
        label=gettext_lazy("Create a new plan even if a plan with the same title exists"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plans = Workplan.objects.only("slug", "title", "start_date", "end_date").order_by("title")
        self.fields["target"].choices = [("", _("A new plan"))] + [(w.slug, plan_label(w)) for w in plans]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if error := size_error(upload.size):
            raise forms.ValidationError(str(error))
        name = upload.name or ""
        extension = ("." + name.rsplit(".", 1)[1].lower()) if "." in name else ""
        if extension not in EXTENSIONS:
            raise forms.ValidationError(
                _("This file type is not supported: upload an .xlsx, .xls, .ods, .csv or .docx file."))
        upload.original_name = name[:255]
        upload.name = f"plan{extension}"  # stored under a safe name; the original is kept for display
        return upload


def _download(data, filename, content_type=XLSX):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def import_new(request):
    require_administrator(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    error = notice = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.original_name
        data = upload.read()
        # the plan chosen (or named) decides the cluster; a new plan goes to the cluster a new plan gets
        options = saved_mapping_for(data, name, import_cluster_id(form.cleaned_data.get("target")
                                                                  or form.cleaned_data.get("slug") or None))
        parsed = None
        try:
            parsed = parse_file(data, name, options)
        except WorkplanImportError as exc:
            if not getattr(exc, "columns", None):
                error = str(exc)
        if error is None:
            slug, proposal = choose_plan(form.cleaned_data, parsed, name)
            if proposal is not None:
                form = ImportForm(initial={"target": proposal.slug})
                notice = _("This file's title matches the plan “%(title)s”: it is proposed as its update. Choose it and "
                          "upload the file again, or choose “a new plan” and tick the box to create a second plan "
                          "with the same title.") % {"title": proposal.title}
            else:
                upload.seek(0)
                session = ImportSession.objects.create(
                    file=upload, original_name=name, slug=slug, created_by=request.user,
                    workplan=Workplan.objects.filter(slug=slug).first(), options=options.to_dict(),
                )
                return redirect("imports:import_preview", pk=session.pk)
    return render(request, "imports/import_new.html", {"form": form, "error": error, "notice": notice},
                  status=400 if error else 200)


def _read(session):
    """The uploaded bytes; a file gone from the storage is an import error the user can act on."""
    try:
        return session.read()
    except FileNotFoundError:
        raise WorkplanImportError(_("The uploaded file is no longer stored: upload it again.")) from None


def choose_plan(cleaned, parsed, name):
    """``(slug, proposal)``: the plan chosen, an explicit slug, or a new one; ``proposal`` is an
    existing plan whose title is the file's (an update is proposed, nothing is created)."""
    if cleaned.get("target"):
        return cleaned["target"], None
    if cleaned.get("slug"):
        return cleaned["slug"], None
    title = (parsed.title if parsed else "") or ""
    if title and not cleaned.get("same_title"):
        key = fold(title).strip()
        for workplan in Workplan.objects.only("slug", "title"):
            if fold(workplan.title).strip() == key:
                return None, workplan
    base = slugify(title or name.rsplit(".", 1)[0])[:90] or "workplan"
    slug, n = base, 1
    taken = set(Workplan.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug, None


def file_header(data, name):
    """The file's header row as texts (the row of the first 30 with the most short texts), or ``None``."""
    from .layout import candidate_columns
    from .readers import read_file

    try:
        _kind, sheets = read_file(data, name)
    except WorkplanImportError:
        return None
    columns = candidate_columns(sheets)
    if not columns:
        return None
    header = [""] * (max(c["index"] for c in columns) + 1)
    for column in columns:
        header[column["index"]] = column["label"]
    return header


def saved_mapping_for(data, name, cluster_id=None):
    """The mapping saved for a file whose header row is this one's, applied automatically: the one
    saved for ``cluster_id`` (the cluster of the plan imported into), else one saved for no cluster;
    never another cluster's."""
    from django.db.models import F, Q

    from .mapping import header_key

    options = ReadOptions()
    header = file_header(data, name)
    if header:
        saved = (ColumnMapping.objects.filter(header_key=header_key(header))
                 .filter(Q(cluster__isnull=True) | Q(cluster_id=cluster_id) if cluster_id else Q(cluster__isnull=True))
                 .order_by(F("cluster_id").asc(nulls_last=True)).first())
        if saved:
            options.columns = dict(saved.fields)
    return options


@require_http_methods(["GET", "POST"])
def import_preview(request, pk):
    """The preview, with the column-mapping step: every column, its reading and first values; the
    admin changes a meaning or the header row and previews again (POST saves them on the session)."""
    session = get_import_session_for_user(request.user, pk)
    if request.method == "POST":
        if session.committed_at:
            messages.info(request, _("This import was already saved."))
            return redirect("imports:import_preview", pk=session.pk)
        session.options = options_from_post(request.POST, ReadOptions.from_dict(session.options)).to_dict()
        session.save(update_fields=["options"])
        return redirect("imports:import_preview", pk=session.pk)
    options = ReadOptions.from_dict(session.options)
    try:
        data = _read(session)
        parsed = parse_file(data, session.original_name, options)
    except WorkplanImportError as exc:
        columns = getattr(exc, "columns", None)
        if not columns:
            return render(request, "imports/import_new.html", {"form": ImportForm(), "error": str(exc)}, status=400)
        return render(request, "imports/import_mapping.html", {
            "session": session, "error": str(exc), "columns": columns_with_choices(columns, options),
            "header_row": options.header_row or columns[0]["header_row"], "field_choices": field_choices(),
        })
    # a plain diff of the file against the plan's rows: no transaction, nothing written
    summary = workplan_import_preview(parsed, slug=session.slug, decisions=session.decisions)
    return render(request, "imports/import_preview.html", {
        "session": session, "parsed": parsed, "counts": parsed.counts(), "summary": summary,
        "lines": summary_lines(parsed, summary), "columns": columns_with_choices(parsed.columns, options),
        "header_row": options.header_row or (parsed.columns[0]["header_row"] if parsed.columns else ""),
        "field_choices": field_choices(), **decision_context(parsed, session),
    })


def field_choices():
    from .vocabulary import CHOICES

    labels = {
        "objective": _("Objective"), "objective_code": _("Objective code"), "result": _("Expected result"),
        "result_code": _("Expected result code"), "activity": _("Activity"), "code": _("Activity code"),
        "indicator": _("Indicator"), "kind": _("Indicator kind"), "target": _("Target"), "baseline": _("Baseline"),
        "unit": _("Unit"), "mov": _("Means of verification"), "lead": _("Lead organisations"),
        "other": _("Supporting organisations"), "level": _("Level"), "place": _("Place"), "period": _("Period"),
        "start": _("Start date"), "end": _("End date"), "quarters": _("Quarter codes"), "months": _("Month codes"),
        "status": _("Status"), "resources": _("Resources"),
    }
    return [(IGNORE, _("ignored"))] + [(name, labels.get(name, name)) for name in CHOICES]


def columns_with_choices(columns, options):
    out = []
    for k, column in enumerate(columns):
        current = options.field_for(column["label"]) or column["field"] or IGNORE
        out.append({**column, "current": current.split(":")[0] if current.startswith("level:") else current,
                    "name": f"col-{k}"})
    return out


def options_from_post(post, options):
    from .vocabulary import normalise

    columns = {}
    for key, value in post.items():
        if key.startswith("label-"):
            chosen = post.get("col-" + key[6:], "")
            if valid_field(chosen):
                columns[normalise(value)] = chosen
    options.columns = columns
    try:
        options.header_row = int(post.get("header_row") or 0) or None
    except ValueError:
        options.header_row = None
    return options


@require_POST
def import_confirm(request, pk):
    session = get_import_session_for_user(request.user, pk)
    options = ReadOptions.from_dict(session.options)

    def parse(s):
        return parse_file(_read(s), s.original_name, options)

    try:
        summary = import_session_confirm(session, request.user, parse)
    except SessionAlreadySaved:
        messages.info(request, _("This import was already saved: nothing was changed."))
        session.refresh_from_db()
        return redirect(session.workplan.get_absolute_url() if session.workplan else "imports:import")
    except SessionSuperseded:
        messages.error(request, _("A newer import of this plan was saved after this file was uploaded: this one "
                                  "cannot be saved any more. Upload the file again to compare it with the plan as it is now."))
        return redirect("imports:import")
    except WorkplanImportError as exc:
        messages.error(request, str(exc))
        return redirect("imports:import")
    if options.columns:
        remember_mapping(session, options, request.user)
    if summary.changed:
        messages.success(request, _("The workplan was saved: %(a)d activities created, %(u)d updated, %(x)d archived.") % {
            "a": summary.created["activities"], "u": summary.updated["activities"], "x": len(summary.archived_activities)})
    else:
        messages.info(request, _("Nothing changed: the workplan is already up to date."))
    return redirect(summary.workplan.get_absolute_url())


def remember_mapping(session, options, user):
    """The confirmed mapping, saved for the cluster and the file's header row."""
    from .mapping import header_key

    try:
        header = file_header(_read(session), session.original_name)
    except WorkplanImportError:
        return
    if not header:
        return
    ColumnMapping.objects.update_or_create(
        cluster_id=session.workplan.cluster_id if session.workplan else import_cluster_id(session.slug),
        header_key=header_key(header),
        defaults={"header": header, "fields": options.columns, "created_by": user})


@require_GET
def import_annotated(request, pk):
    session = get_import_session_for_user(request.user, pk)
    try:
        data = _read(session)
        parsed = parse_file(data, session.original_name, ReadOptions.from_dict(session.options))
        workbook = annotated_workbook(data, session.original_name, parsed.warnings)
    except WorkplanImportError as exc:
        messages.error(request, str(exc))
        return redirect("imports:import")
    stem = session.original_name.rsplit(".", 1)[0]
    return _download(workbook, f"{slugify(stem) or 'plan'}-{_('annotated')}.xlsx")


@require_GET
def import_template(request):
    require_administrator(request.user)
    return _download(blank_template(), "clusterplan-template.xlsx")
