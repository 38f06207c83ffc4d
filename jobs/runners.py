"""What each kind of job does, inside the worker. Each gets the ``Job`` and a ``Progress``."""

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


def _counted(rows, progress):
    """The rows, counting each one written (the writer asks for the next row once it wrote this one)."""
    written = 0
    for row in rows:
        yield row
        written += 1
        progress.update(rows_read=written, rows_written=written)
    progress.update(rows_read=written, rows_written=written, force=True)


def export_performance(job, progress):
    """The performance table of a plan (or of every plan) as xlsx, written as ``reports`` writes it."""
    from reports.exports import changes_for, write_performance_workbook
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
    buffer = io.BytesIO()
    write_performance_workbook(buffer, table, title, job.started_by, changes)
    stem = slugify(slug or "clusterplan")
    _save_file(job, f"{stem}-performance-{timezone.localdate().isoformat()}.xlsx", buffer.getvalue())
    progress.update(rows_written=progress.job.rows_total, force=True)
    if workplan:
        job.result_url = workplan.get_absolute_url()


def export_activities(job, progress):
    """The activity list (filtered like the page) as xlsx or csv, row by row, as ``reports`` writes it."""
    from clusterplan.lib.exporting import CsvWriter
    from clusterplan.lib.xlsx import write_table_workbook
    from indicators.filters import ActivityFilter
    from reports.views import EXPORT_WIDTHS, _export_rows  # the page's own rows and columns
    from workplans.models import Activity

    base = Activity.objects.active().order_by("workplan__title", "order", "id")
    activities = ActivityFilter(QueryDict(job.params.get("query", "")) or None, queryset=base).qs
    progress.total(activities.count())
    headers = [_("Workplan"), _("Code"), _("Activity"), _("Level"), _("Status"), _("Progress"), _("Quarters"),
               _("Responsible actors"), _("Indicators")]
    stamp = timezone.localdate().isoformat()
    if job.params.get("format") == "csv":
        flavour = job.params.get("flavour", "excel")
        buffer = io.StringIO()
        writer = CsvWriter(buffer, flavour)
        writer.writerow(headers)
        writer.writerows(_counted(_export_rows(activities), progress))
        _save_file(job, f"activities-{stamp}-{writer.flavour}.csv", buffer.getvalue().encode("utf-8"))
        return
    buffer = io.BytesIO()
    author = job.started_by.get_full_name() or job.started_by.get_username() if job.started_by else ""
    write_table_workbook(
        buffer, _("Activities"), headers, _counted(_export_rows(activities, separator="\n"), progress),
        widths=EXPORT_WIDTHS, wrap=(2, 6, 7, 8), title=_("Activities"), author=author,
        page_header=f"{_('Activities')} · {_('Exported on')} {timezone.localtime():%Y-%m-%d %H:%M}",
    )
    _save_file(job, f"activities-{stamp}.xlsx", buffer.getvalue())


def import_workplan(job, progress):
    """Confirm an import session: the same service as the confirm page (claimed once, refused
    after a newer import of the plan, atomic)."""
    from imports.mapping import ReadOptions
    from imports.models import ImportSession
    from imports.parsing import WorkplanImportError, parse_file
    from imports.services import SessionAlreadySaved, SessionSuperseded, import_session_confirm

    session = ImportSession.objects.filter(pk=job.params.get("session")).first()
    if session is None:
        raise JobError(_("This import no longer exists: upload the file again."))
    options = ReadOptions.from_dict(session.options)
    counted = {}

    def parse(s):
        parsed = parse_file(s.read(), s.original_name, options)
        counts = parsed.counts()
        counted["rows"] = counts["activities"] + counts["indicators"]
        progress.total(counted["rows"])
        progress.update(rows_read=counted["rows"], force=True)
        return parsed

    try:
        summary = import_session_confirm(session, job.started_by, parse)
    except SessionAlreadySaved:
        raise JobError(_("This import was already saved.")) from None
    except SessionSuperseded:
        raise JobError(_("A newer import of this plan was saved after this file was uploaded: upload the file "
                         "again to compare it with the plan as it is now.")) from None
    except (WorkplanImportError, FileNotFoundError) as exc:
        raise JobError(str(exc) if isinstance(exc, WorkplanImportError)
                       else _("The uploaded file is no longer stored: upload it again.")) from None
    progress.update(rows_written=counted.get("rows", 0), force=True)
    job.result_url = summary.workplan.get_absolute_url()


RUNNERS = {
    Job.Kind.EXPORT_PERFORMANCE: export_performance,
    Job.Kind.EXPORT_ACTIVITIES: export_activities,
    Job.Kind.IMPORT_WORKPLAN: import_workplan,
}
