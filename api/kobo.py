"""A KoboToolbox submission → a progress report, through ``api.reporting.record_report``.

Kobo's REST Services post each submission as JSON: its fields keyed by their full group path
(``group_x/field``), with ``_uuid``, ``_submission_time`` and other metadata. The form's
mapping (``KoboForm``) says where the indicator, quarter, organisation, value, parts and
narrative are. A submission that cannot become a report is kept with the reason; the
coordinator fixes the mapping and processes the kept ones again.
"""

import datetime
import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import services
from indicators.models import Indicator
from workplans.models import Actor, Quarter

from .models import KoboSubmission
from .reporting import ReportInvalid, choose_organisation, record_report

log = logging.getLogger("clusterplan.kobo")

YES = {"1", "yes", "oui", "true", "y", "o"}
NO = {"0", "no", "non", "false", "n"}


class Unmappable(Exception):
    pass


def field_value(payload, path):
    """The value at ``path`` (``group_x/field``), or at the only key ending with ``/field``."""
    path = (path or "").strip().strip("/")
    if not path:
        return None
    if path in payload:
        return payload[path]
    name = path.rsplit("/", 1)[-1]
    found = [key for key in payload if key.rsplit("/", 1)[-1] == name]
    if len(found) == 1:
        return payload[found[0]]
    return None


def _text(value):
    return "" if value is None else str(value).strip()


def _number(value, label):
    text = _text(value).replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise Unmappable(_("%(label)s: “%(value)s” is not a number.") % {"label": label, "value": value}) from None


def _quarter(form, payload):
    if form.quarter_id:
        return form.quarter
    raw = _text(field_value(payload, form.quarter_field))
    if not raw:
        raise Unmappable(_("No quarter: the field “%(field)s” is empty or missing.") % {"field": form.quarter_field or "–"})
    pair = Quarter.parse_code(raw)
    if pair is None:
        try:
            day = datetime.date.fromisoformat(raw[:10])
        except ValueError:
            raise Unmappable(_("“%(value)s” is neither a quarter (2021-Q2) nor a date.") % {"value": raw}) from None
        pair = Quarter.pair_for_date(day)
    quarter = Quarter.objects.filter(year=pair[0], number=pair[1]).first()
    if quarter is None:
        raise Unmappable(_("Unknown quarter: %(v)s (write it like 2021-Q2)") % {"v": f"{pair[0]}-Q{pair[1]}"})
    return quarter


def _indicator(form, payload):
    if form.indicator_id:
        return form.indicator
    code = _text(field_value(payload, form.indicator_field))
    if not code:
        raise Unmappable(_("No indicator: the field “%(field)s” is empty or missing.") % {"field": form.indicator_field or "–"})
    found = list(Indicator.objects.active().filter(workplan_id=form.workplan_id, code__iexact=code)[:2])
    if len(found) != 1:
        raise Unmappable(_("No single indicator has the code “%(code)s” in this workplan.") % {"code": code})
    return found[0]


def _organisation_id(form, payload):
    if form.organisation_id:
        return form.organisation_id
    if not form.organisation_field:
        return None
    name = _text(field_value(payload, form.organisation_field))
    actor = Actor.objects.match(name) if name else None
    if actor is None:
        raise Unmappable(_("Unknown organisation: “%(name)s”.") % {"name": name or "–"})
    return actor.pk


def _values(form, indicator, payload):
    raw = field_value(payload, form.value_field)
    values = {"narrative": _text(field_value(payload, form.narrative_field))}
    if indicator.kind == Indicator.Kind.TEXT:
        values["value_text"] = _text(raw)
    elif indicator.kind == Indicator.Kind.YES_NO and _text(raw).lower() in YES | NO:
        values["value"] = Decimal(1) if _text(raw).lower() in YES else Decimal(0)
    else:
        values["value"] = _number(raw, _("Value"))
    parts = {}
    for key, name, label in (("F", form.female_field, _("Women and girls (F)")), ("M", form.male_field, _("Men and boys (M)")),
                             ("lt18", form.under18_field, _("Under 18")), ("ge18", form.adult_field, _("18 and over"))):
        if name:
            parts[key] = _number(field_value(payload, name), label)
    values["parts"] = parts
    return values


def _messages(errors):
    return " ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())


def process(submission):
    """Turn a kept submission into a report, or record why not. Returns the submission."""
    form = submission.form
    user = form.created_by
    reason = ""
    report = None
    try:
        if not form.active:
            raise Unmappable(_("This Kobo form is switched off."))
        indicator = _indicator(form, submission.payload)
        quarter = _quarter(form, submission.payload)
        organisation, organisations = choose_organisation(user, indicator, _organisation_id(form, submission.payload))
        values = _values(form, indicator, submission.payload)
        from indicators.models import ProgressReport

        existing = ProgressReport.objects.filter(indicator=indicator, quarter=quarter, organisation=organisation).first()
        if existing is not None and existing.state not in (ProgressReport.State.DRAFT, ProgressReport.State.RETURNED):
            # A later submission corrects a draft or a returned report, never one submitted or validated.
            raise Unmappable(
                _("A report for %(org)s, %(quarter)s already exists and is %(state)s: it is not changed from Kobo.")
                % {"org": organisation.acronym, "quarter": quarter.code, "state": existing.get_state_display().lower()}
            )
        report = record_report(user, indicator, quarter, organisation, organisations, values,
                               version=existing.version if existing else None, submit=form.submit, report=existing)
    except Unmappable as exc:
        reason = str(exc)
    except ReportInvalid as exc:
        reason = _messages(exc.errors)
    except PermissionDenied as exc:
        reason = str(exc) or _("Not allowed.")
    except services.ProgressError as exc:
        reason = " ".join([exc.message, *exc.errors])
    submission.attempts += 1
    submission.processed_at = timezone.now()
    submission.reason = reason
    submission.report = report
    submission.status = KoboSubmission.Status.KEPT if report is None else KoboSubmission.Status.CREATED
    submission.save()
    log.info("kobo submission %s of form %s: %s %s", submission.uuid, form.pk, submission.status, reason)
    return submission


def receive(form, payload):
    """Keep a submission Kobo posted and process it; the same ``_uuid`` twice changes nothing.

    Returns ``(submission, duplicate)``.
    """
    uuid = str(payload["_uuid"])[:100]
    existing = KoboSubmission.objects.filter(form=form, uuid=uuid).first()
    if existing is not None:
        return existing, True
    try:
        with transaction.atomic():
            submission = KoboSubmission.objects.create(
                form=form, uuid=uuid, payload=payload, submitted_at=_text(payload.get("_submission_time"))[:40]
            )
    except IntegrityError:  # the same submission posted twice at once
        return KoboSubmission.objects.get(form=form, uuid=uuid), True
    return process(submission), False


def reprocess(submissions):
    """Process kept submissions again (after the mapping was fixed); returns how many became reports."""
    done = 0
    for submission in submissions:
        if submission.status != KoboSubmission.Status.KEPT:
            continue
        if process(submission).status == KoboSubmission.Status.CREATED:
            done += 1
    return done
