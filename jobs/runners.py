"""What each kind of job does, inside the worker. Each gets the ``Job`` and a ``Progress``."""

import csv
import io

from django.core.files.base import ContentFile
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Job


class JobError(Exception):
    """A failure to show the user as it is (already in their language)."""


def _save_file(job, name, data):
    job.result_name = name
    job.result_file.save(name, ContentFile(data), save=False)


def export_performance(job, progress):
    """The performance table of a plan (or of every plan) as xlsx, as ``reports`` builds it."""
    from reports.exports import changes_for, performance_workbook
    from reports.forms import ReportFilterForm
    from reports.performance import ReportFilters, indicators_for, performance_table
    from workplans.models import Workplan

    slug = job.params.get("slug")
    workplans = Workplan.objects.filter(slug=slug) if slug else Workplan.objects.all()
    workplan = workplans.first() if slug else None
    if slug and workplan is None:
        raise JobError(_("This workplan no longer exists."))
    form = ReportFilterForm(QueryDict(job.params.get("query", "")) or None)
    filters = form.filters() if form.is_bound and form.is_valid() else ReportFilters()
    indicators = indicators_for(workplans, filters)
    progress.total(indicators.count())
    table = performance_table(workplans, filters)
    progress.update(rows_read=progress.job.rows_total, force=True)
    changes = changes_for(indicators.values("pk"), table.quarters)
    title = _("Indicator performance tracking table") + (f" · {workplan.title}" if workplan else "")
    book = performance_workbook(table, title, job.started_by, changes)
    buffer = io.BytesIO()
    book.save(buffer)
    stem = slugify(slug or "clusterplan")
    _save_file(job, f"{stem}-performance-{timezone.localdate().isoformat()}.xlsx", buffer.getvalue())
    progress.update(rows_written=progress.job.rows_total, force=True)
    if workplan:
        job.result_url = workplan.get_absolute_url()


def export_activities(job, progress):
    """The activity list (filtered like the page) as xlsx or csv, row by row."""
    from indicators.filters import ActivityFilter
    from reports.views import _export_rows  # the page's own rows
    from workplans.models import Activity

    base = Activity.objects.active().order_by("workplan__title", "order", "id")
    activities = ActivityFilter(QueryDict(job.params.get("query", "")) or None, queryset=base).qs
    progress.total(activities.count())
    headers = [_("Workplan"), _("Code"), _("Activity"), _("Level"), _("Status"), _("Progress"), _("Quarters"),
               _("Responsible actors"), _("Indicators")]
    stamp = timezone.localdate().isoformat()
    fmt = job.params.get("format", "xlsx")
    written = 0
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in _export_rows(activities):
            writer.writerow(row)
            written += 1
            progress.update(rows_read=written, rows_written=written)
        _save_file(job, f"activities-{stamp}.csv", buffer.getvalue().encode("utf-8"))
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Activities"))
        sheet.append(headers)
        for row in _export_rows(activities):
            sheet.append(row)
            written += 1
            progress.update(rows_read=written, rows_written=written)
        buffer = io.BytesIO()
        book.save(buffer)
        _save_file(job, f"activities-{stamp}.xlsx", buffer.getvalue())
    progress.update(rows_read=written, rows_written=written, force=True)


def import_workplan(job, progress):
    """Confirm an import session: the same service as the confirm page, atomic like it."""
    from imports.models import ImportSession
    from imports.parsing import WorkplanImportError, parse_file
    from imports.services import workplan_import_commit

    session = ImportSession.objects.filter(pk=job.params.get("session")).first()
    if session is None:
        raise JobError(_("This import no longer exists: upload the file again."))
    if session.committed_at:
        raise JobError(_("This import was already saved."))
    try:
        parsed = parse_file(session.read(), session.original_name)
    except WorkplanImportError as exc:
        raise JobError(str(exc))
    counts = parsed.counts()
    rows = counts["activities"] + counts["indicators"]
    progress.total(rows)
    progress.update(rows_read=rows, force=True)
    summary = workplan_import_commit(parsed, slug=session.slug, user=job.started_by)
    session.committed_at, session.workplan = timezone.now(), summary.workplan
    session.save(update_fields=["committed_at", "workplan"])
    progress.update(rows_written=rows, force=True)
    job.result_url = summary.workplan.get_absolute_url()


RUNNERS = {
    Job.Kind.EXPORT_PERFORMANCE: export_performance,
    Job.Kind.EXPORT_ACTIVITIES: export_activities,
    Job.Kind.IMPORT_WORKPLAN: import_workplan,
}
