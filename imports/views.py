"""The import pages: upload, preview, confirm; the annotated workbook and the blank template."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplans.models import Workplan
from workplans.permissions import require_administrator

from .models import ImportSession
from .parsing import WorkplanImportError, parse_file
from .permissions import get_import_session_for_user
from .readers import size_error
from .services import workplan_import_commit
from .summary import summary_lines
from .workbooks import annotated_workbook, blank_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workplan file"), help_text=gettext_lazy("Excel (.xlsx), CSV or Word (.docx).")
    )
    slug = forms.SlugField(
        label=gettext_lazy("Workplan identifier (slug)"), required=False, max_length=100,
        help_text=gettext_lazy("The slug of the workplan to update; leave empty to create one named after the file."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if error := size_error(upload.size):
            raise forms.ValidationError(str(error))
        return upload


def _download(data, filename, content_type=XLSX):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def import_new(request):
    require_administrator(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            parse_file(data, upload.name)
        except WorkplanImportError as exc:
            error = str(exc)
        else:
            upload.seek(0)
            slug = form.cleaned_data["slug"] or slugify(upload.name.rsplit(".", 1)[0])[:100] or "workplan"
            session = ImportSession.objects.create(
                file=upload, original_name=upload.name[:255], slug=slug, created_by=request.user,
                workplan=Workplan.objects.filter(slug=slug).first(),
            )
            return redirect("imports:import_preview", pk=session.pk)
    workplans = Workplan.objects.only("slug", "title").order_by("title")
    return render(request, "imports/import_new.html", {"form": form, "error": error, "workplans": workplans},
                  status=400 if error else 200)


def _read(session):
    """The uploaded bytes; a file gone from the storage is an import error the user can act on."""
    try:
        return session.read()
    except FileNotFoundError:
        raise WorkplanImportError(_("The uploaded file is no longer stored: upload it again.")) from None


@require_GET
def import_preview(request, pk):
    session = get_import_session_for_user(request.user, pk)
    try:
        data = _read(session)
        parsed = parse_file(data, session.original_name)
    except WorkplanImportError as exc:
        return render(request, "imports/import_new.html", {"form": ImportForm(), "error": str(exc)}, status=400)
    summary = workplan_import_commit(parsed, slug=session.slug, user=request.user, dry_run=True)
    return render(request, "imports/import_preview.html", {
        "session": session, "parsed": parsed, "counts": parsed.counts(), "summary": summary,
        "lines": summary_lines(parsed, summary),
    })


@require_POST
def import_confirm(request, pk):
    session = get_import_session_for_user(request.user, pk)
    try:
        parsed = parse_file(_read(session), session.original_name)
    except WorkplanImportError as exc:
        messages.error(request, str(exc))
        return redirect("imports:import")
    summary = workplan_import_commit(parsed, slug=session.slug, user=request.user)
    session.committed_at, session.workplan = timezone.now(), summary.workplan
    session.save(update_fields=["committed_at", "workplan"])
    if summary.changed:
        messages.success(request, _("The workplan was saved: %(a)d activities created, %(u)d updated, %(x)d archived.") % {
            "a": summary.created["activities"], "u": summary.updated["activities"], "x": len(summary.archived_activities)})
    else:
        messages.info(request, _("Nothing changed: the workplan is already up to date."))
    return redirect(summary.workplan.get_absolute_url())


@require_GET
def import_annotated(request, pk):
    session = get_import_session_for_user(request.user, pk)
    try:
        data = _read(session)
        parsed = parse_file(data, session.original_name)
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
