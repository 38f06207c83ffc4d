"""Writes on progress: reports (save, submit, validate, return), evidence, quarter closures.

Every function checks the permission itself (defence in depth: views check first), runs in
one transaction, and raises ``PermissionDenied`` or a ``ProgressError`` with a translated
message; nothing is half-written.
"""

import logging
import os
from decimal import Decimal

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from clusterplan.lib.numbers import NumberError, parse_decimal, parse_int
from workplans.permissions import can_coordinate_workplan

from .models import Evidence, Indicator, ProgressReport, QuarterClosure, ReportBreakdown
from .permissions import can_record_for, can_review

log = logging.getLogger("clusterplan.progress")

State = ProgressReport.State
Dim = ReportBreakdown.Dimension
Cat = ReportBreakdown.Category

# Evidence: what may be uploaded, by content (magic numbers), with the extension we store.
EVIDENCE_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
}


class ProgressError(Exception):
    """A write refused for a reason the user can act on (message translated)."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class ReportLocked(ProgressError):
    pass


class ReportConflict(ProgressError):
    """Someone else saved the report since the form was opened: ``current`` is their version."""

    def __init__(self, current):
        super().__init__(
            _("Someone else changed this report while you were editing it (now version %(v)s). Nothing was saved.")
            % {"v": current.version}
        )
        self.current = current


def _version(version):
    """The form's version as an int (``None`` when not sent); a damaged one is refused."""
    try:
        return parse_int(version)
    except NumberError:
        raise ProgressError(_("The form was damaged (its version is not a whole number): reload the page and try again.")) from None


def quarter_is_closed(workplan, quarter):
    return QuarterClosure.objects.filter(workplan=workplan, quarter=quarter, reopened_at__isnull=True).exists()


def _check_open(indicator, quarter):
    if quarter_is_closed(indicator.workplan_id, quarter):
        raise ReportLocked(
            _("Quarter %(quarter)s is closed for this workplan: its reports are locked until a coordinator reopens it.")
            % {"quarter": quarter.code}
        )


def _fmt(value):
    return f"{Decimal(value).normalize():f}" if value is not None else "–"


def breakdown_errors(indicator, total, parts):
    """Messages for each disaggregation that does not add up to the total (empty when fine).

    ``parts``: ``{"sex": {"F": v, "M": v}, "age": {"lt18": v, "ge18": v}, "cercle": {location: v}}``.
    Sex and age parts add up by sum; cercles with the indicator's own place rule.
    """
    errors = []
    parts = parts or {}
    wanted = [
        (indicator.disaggregate_sex, Dim.SEX, _("By sex"), _("women and girls (F) + men and boys (M)")),
        (indicator.disaggregate_age, Dim.AGE, _("By age"), _("under 18 + 18 and over")),
        (indicator.disaggregate_cercle, Dim.CERCLE, _("By cercle"), _("the cercles")),
    ]
    for asked, dim, label, what in wanted:
        values = {k: v for k, v in (parts.get(dim) or {}).items() if v is not None}
        if asked and not values and dim != Dim.CERCLE and total is not None and Decimal(total) != 0:
            # By sex and by age are part of what the indicator asks: a total without its parts is refused.
            errors.append(_("%(label)s: this indicator asks for %(what)s; give the parts.") % {"label": label, "what": what})
            continue
        if not asked or not values:
            continue
        if any(Decimal(v) < 0 for v in values.values()):
            errors.append(_("%(label)s: parts cannot be negative.") % {"label": label})
            continue
        if total is None:
            errors.append(_("%(label)s: give the total as well as its parts.") % {"label": label})
            continue
        if dim == Dim.CERCLE:
            combined = indicator.combine(list(values.values()))
        else:
            combined = sum((Decimal(v) for v in values.values()), Decimal(0))
        if combined != Decimal(total):
            errors.append(
                _("%(label)s: %(what)s make %(parts)s, but the total is %(total)s.")
                % {"label": label, "what": what, "parts": _fmt(combined), "total": _fmt(total)}
            )
    return errors


def responsibility_error(indicator, organisation):
    """Why ``organisation`` may not report on ``indicator`` ("" when it may): an indicator of an
    activity is reported by the organisations responsible for that activity."""
    if organisation is None:
        return _("Choose the reporting organisation.")
    if not indicator.activity_id:
        return ""
    responsible = {link.actor_id for link in indicator.activity.actor_links.all()}
    if responsible and organisation.pk not in responsible:
        return _("%(org)s is not responsible for this activity: it cannot report on it.") % {"org": organisation}
    return ""


def _check_value(indicator, value, value_text):
    if indicator.kind == Indicator.Kind.TEXT:
        return
    if value is None:
        raise ProgressError(_("Enter a value."))
    if indicator.kind == Indicator.Kind.PERCENT and not (0 <= value <= 100):
        raise ProgressError(_("A percentage is between 0 and 100."))
    if indicator.kind == Indicator.Kind.YES_NO and value not in (0, 1):
        raise ProgressError(_("Answer yes or no."))
    if indicator.kind == Indicator.Kind.NUMBER and value < 0:
        raise ProgressError(_("The value cannot be negative."))


@transaction.atomic
def report_save(user, indicator, quarter, organisation, *, value=None, value_text="", narrative="", parts=None,
                version=None):
    """Create or change one organisation's report for one indicator and one quarter.

    ``version`` is the version the form was opened on (``None`` for a new report): if the
    report has moved on since, ``ReportConflict`` carries the other person's report.
    """
    if not can_record_for(user, indicator, organisation):
        raise PermissionDenied(_("You can record progress only for activities your organisation is responsible for."))
    refusal = responsibility_error(indicator, organisation)
    if refusal:
        raise ProgressError(refusal)
    _check_open(indicator, quarter)
    version = _version(version)
    report = _current_report(indicator, quarter, organisation)
    if report is not None and version is not None and version != report.version:
        raise ReportConflict(report)
    if report is not None and version is None:
        raise ReportConflict(report)
    if report is not None and report.state == State.VALIDATED:
        raise ReportLocked(_("This report is validated: a coordinator must return it before it can change."))
    if report is not None and report.state == State.SUBMITTED and not can_review(user, indicator):
        raise ReportLocked(_("This report is submitted and awaits validation: only a coordinator can change it now."))
    try:
        value = parse_decimal(value)
    except NumberError as exc:
        raise ProgressError(exc.message) from None
    if indicator.kind == Indicator.Kind.TEXT and value is None:
        value = Decimal(1) if (value_text or "").strip() else None
    _check_value(indicator, value, value_text)
    errors = breakdown_errors(indicator, value, parts)
    if errors:
        raise ProgressError(_("The parts do not add up to the total."), errors)
    creating = report is None
    if creating:
        report = ProgressReport(indicator=indicator, quarter=quarter, organisation=organisation, created_by=user, version=1)
    else:
        report.version += 1
    report.value = value
    report.value_text = value_text or ""
    report.narrative = narrative or ""
    report.last_saved_by = user
    report._history_user = user
    if creating:
        # Two people creating the same report at the same moment: both saw none, the unique
        # constraint (indicator, quarter, organisation) refuses the second; they get the
        # conflict with the first one's report, as when editing a changed report.
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            winner = _current_report(indicator, quarter, organisation)
            if winner is None:
                raise
            raise ReportConflict(winner) from None
    else:
        report.save()
    report.breakdowns.all().delete()
    rows = []
    for dim, values in (parts or {}).items():
        for key, part in (values or {}).items():
            if part is None:
                continue
            if dim == Dim.CERCLE:
                rows.append(ReportBreakdown(report=report, dimension=dim, category=Cat.PLACE, location=key, value=part))
            else:
                rows.append(ReportBreakdown(report=report, dimension=dim, category=key, value=part))
    ReportBreakdown.objects.bulk_create(rows)
    return report


def _current_report(indicator, quarter, organisation):
    return (
        ProgressReport.objects.select_for_update()
        .filter(indicator=indicator, quarter=quarter, organisation=organisation)
        .first()
    )


def _lock(report):
    locked = ProgressReport.objects.select_for_update().select_related("quarter").get(pk=report.pk)
    locked.indicator = report.indicator
    return locked


def _check_version(report, version):
    version = _version(version)
    if version is not None and version != report.version:
        raise ReportConflict(report)


def _transition(report, user, state, **fields):
    report.state = state
    report.version += 1
    for name, val in fields.items():
        setattr(report, name, val)
    report._history_user = user
    report.save()
    return report


@transaction.atomic
def report_submit(user, report, version=None):
    """draft or returned → submitted (for validation)."""
    report = _lock(report)
    if not can_record_for(user, report.indicator, report.organisation):
        raise PermissionDenied(_("You can record progress only for activities your organisation is responsible for."))
    _check_open(report.indicator, report.quarter)
    _check_version(report, version)
    if not report.can_be_submitted:
        raise ProgressError(_("Only a draft or a returned report can be submitted."))
    if report.value is None and not report.value_text:
        raise ProgressError(_("Enter a value before submitting."))
    return _transition(report, user, State.SUBMITTED, submitted_at=timezone.now())


@transaction.atomic
def report_validate(user, report, version=None):
    """submitted → validated: from now on the value counts."""
    report = _lock(report)
    if not can_review(user, report.indicator):
        raise PermissionDenied(_("Only a coordinator of this plan can validate or return its reports."))
    _check_open(report.indicator, report.quarter)
    _check_version(report, version)
    if not report.can_be_validated:
        raise ProgressError(_("Only a submitted report can be validated."))
    refusal = report.four_eyes_refusal(user)
    if refusal:
        raise ProgressError(refusal)
    return _transition(report, user, State.VALIDATED, reviewed_by=user, reviewed_at=timezone.now(), review_comment="")


@transaction.atomic
def report_return(user, report, comment, version=None):
    """submitted or validated → returned, with a comment saying what to fix."""
    report = _lock(report)
    if not can_review(user, report.indicator):
        raise PermissionDenied(_("Only a coordinator of this plan can validate or return its reports."))
    _check_open(report.indicator, report.quarter)
    _check_version(report, version)
    if not report.can_be_returned:
        raise ProgressError(_("Only a submitted or validated report can be returned."))
    if not (comment or "").strip():
        raise ProgressError(_("Say why the report is returned: the comment is required."))
    return _transition(
        report, user, State.RETURNED, reviewed_by=user, reviewed_at=timezone.now(), review_comment=comment.strip()
    )


def sanitise_filename(name, extension):
    """A safe stored name: no path, only letters, digits, dots, dashes; the extension of its real type."""
    base = os.path.basename(str(name or "").replace("\\", "/"))
    stem = os.path.splitext(base)[0]
    stem = get_valid_filename(stem.replace("..", ".")) if stem.strip(" .") else "evidence"
    stem = stem.lstrip(".")[:80] or "evidence"
    return f"{stem}.{extension}"


@transaction.atomic
def evidence_add(user, report, upload):
    """Attach a file to a report: type checked by content, size capped, name sanitised, stored privately."""
    report = _lock(report)
    if not can_record_for(user, report.indicator, report.organisation):
        raise PermissionDenied(_("You can record progress only for activities your organisation is responsible for."))
    _check_open(report.indicator, report.quarter)
    if report.state == State.VALIDATED:
        raise ReportLocked(_("This report is validated: a coordinator must return it before it can change."))
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ProgressError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)}
        )
    if upload.size == 0:
        raise ProgressError(_("The file is empty."))
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime not in EVIDENCE_TYPES:
        raise ProgressError(_("This type of file is not accepted: send a PDF, Word (.docx), Excel (.xlsx) or image file."))
    evidence = Evidence(
        report=report,
        original_name=os.path.basename(str(upload.name or "").replace("\\", "/"))[:255],
        content_type=mime,
        size=upload.size,
        uploaded_by=user,
    )
    evidence.file.save(sanitise_filename(upload.name, EVIDENCE_TYPES[mime]), upload, save=False)
    evidence.save()
    log.info("evidence %s added to report %s by %s", evidence.pk, report.pk, user)
    return evidence


class QuarterHasOpenReports(ProgressError):
    """Closing would lock reports still open (drafts, returned, awaiting validation): confirm first."""

    def __init__(self, reports):
        super().__init__(_("Some reports of this quarter are still open: confirm to close it anyway."))
        self.reports = reports


def quarter_open_reports(workplan, quarter):
    """The reports of ``workplan`` for ``quarter`` still open: drafts, returned, awaiting validation."""
    return (
        ProgressReport.objects.filter(indicator__workplan=workplan, quarter=quarter)
        .exclude(state=State.VALIDATED)
        .select_related("indicator", "organisation", "created_by")
        .order_by("state", "indicator__order", "indicator_id", "organisation__acronym")
    )


@transaction.atomic
def quarter_close(user, workplan, quarter, reason="", confirmed=True):
    """Close a quarter for a workplan: its reports are locked.

    With ``confirmed=False`` (the page's first step), a quarter with open reports is not closed:
    ``QuarterHasOpenReports`` lists them for the coordinator to confirm."""
    if not can_coordinate_workplan(user, workplan):
        raise PermissionDenied(_("Only a coordinator of this plan's cluster can do this."))
    if not confirmed:
        still_open = list(quarter_open_reports(workplan, quarter))
        if still_open:
            raise QuarterHasOpenReports(still_open)
    if QuarterClosure.objects.select_for_update().filter(workplan=workplan, quarter=quarter, reopened_at__isnull=True).exists():
        raise ProgressError(_("Quarter %(quarter)s is already closed.") % {"quarter": quarter.code})
    closure = QuarterClosure.objects.create(workplan=workplan, quarter=quarter, closed_by=user, reason=reason or "")
    log.warning("quarter %s of %s closed by %s: %s", quarter.code, workplan.slug, user, reason)
    return closure


@transaction.atomic
def quarter_reopen(user, workplan, quarter, reason):
    """Reopen a closed quarter: an explicit act, with a reason, kept in the closures table."""
    if not can_coordinate_workplan(user, workplan):
        raise PermissionDenied(_("Only a coordinator of this plan's cluster can do this."))
    if not (reason or "").strip():
        raise ProgressError(_("Say why the quarter is reopened: the reason is required."))
    closure = (
        QuarterClosure.objects.select_for_update()
        .filter(workplan=workplan, quarter=quarter, reopened_at__isnull=True)
        .first()
    )
    if closure is None:
        raise ProgressError(_("Quarter %(quarter)s is not closed.") % {"quarter": quarter.code})
    closure.reopened_by = user
    closure.reopened_at = timezone.now()
    closure.reopen_reason = reason.strip()
    closure.save()
    log.warning("quarter %s of %s reopened by %s: %s", quarter.code, workplan.slug, user, reason)
    return closure


@transaction.atomic
def quarter_grid_save(user, workplan, quarter, rows, submit=(), validate=()):
    """Save many indicators of a workplan for one quarter at once, row by row through
    ``report_save`` (the report form's rules: responsibility, the kind's value checks, parts
    that add up), then submit and/or validate the selected rows; all or nothing.

    ``rows``: dicts with ``indicator``, ``organisation``, ``value``, ``value_text``,
    ``narrative``, ``parts``, ``version``. ``submit`` / ``validate``: the indicators (of rows
    as shown) whose report is to be submitted / validated, as ``(indicator, organisation)``.
    Raises ``ProgressError`` whose ``row_errors`` maps an indicator id to its message (and
    ``errors`` lists them all); nothing is saved then.
    """
    errors, row_errors, saved = [], {}, {}

    def fail(indicator, message):
        label = indicator.code or indicator.text[:60]
        row_errors[indicator.pk] = message
        errors.append(f"{label}: {message}")

    def run(indicator, act):
        if indicator.workplan_id != workplan.pk:
            raise PermissionDenied(_("This indicator is not in this workplan."))
        try:
            with transaction.atomic():
                return act()
        except PermissionDenied as exc:
            fail(indicator, str(exc) or _("You cannot do this."))
        except ProgressError as exc:
            fail(indicator, " ".join([exc.message, *exc.errors]).strip())
        return None

    for row in rows:
        indicator = row["indicator"]
        report = run(indicator, lambda row=row, indicator=indicator: report_save(
            user, indicator, quarter, row["organisation"], value=row.get("value"),
            value_text=row.get("value_text", ""), narrative=row.get("narrative", ""), parts=row.get("parts"),
            version=row.get("version"),
        ))
        if report is not None:
            saved[indicator.pk] = report

    def current(indicator, organisation):
        if indicator.pk in saved:
            return saved[indicator.pk]
        report = ProgressReport.objects.filter(indicator=indicator, quarter=quarter, organisation=organisation).first()
        if report is None:
            fail(indicator, _("Nothing is recorded for this quarter yet."))
        else:
            report.indicator = indicator
        return report

    for indicator, organisation in submit:
        report = current(indicator, organisation)
        if report is not None and report.can_be_submitted:
            run(indicator, lambda report=report: report_submit(user, report))
        elif report is not None and report.state != State.SUBMITTED:
            fail(indicator, _("Only a draft or a returned report can be submitted."))
    for indicator, organisation in validate:
        report = current(indicator, organisation)
        if report is not None:
            report = ProgressReport.objects.get(pk=report.pk)
            report.indicator = indicator
            run(indicator, lambda report=report: report_validate(user, report))
    if errors:
        transaction.set_rollback(True)
        error = ProgressError(_("Nothing was saved: some rows have errors."), errors)
        error.row_errors = row_errors
        raise error
    return list(saved.values())
