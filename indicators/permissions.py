"""Who may record, review and see progress: the indicators' access rules.

Administrators: everything. Coordinators: record, validate and return reports, close and
reopen quarters, in their scope: their cluster's workplans (``Profile.cluster``) or the
activities their sub-cluster is responsible for (``Profile.subcluster``). Members: see
everything validated, record only for activities where their organisation is a responsible
actor. Views call the ``get_*_for_user`` helpers first: they load the object and raise
``PermissionDenied`` (a 403 with a message) or ``Http404``.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from workplans.models import ActivityActor, Actor
from workplans.permissions import (
    coordinator_covers_workplan,
    is_administrator,
    is_coordinator,
    is_member,
    profile_of,
)

from .models import Evidence, Indicator, ProgressReport


def _activity_actor_links(activity):
    # Uses prefetched links when the page loaded them.
    return [(link.actor_id, link.actor.subcluster_id) for link in activity.actor_links.all()]


def coordinator_covers_indicator(user, indicator):
    if not is_coordinator(user):
        return False
    if coordinator_covers_workplan(user, indicator.workplan):
        return True
    profile = profile_of(user)
    if not (profile and profile.subcluster_id and indicator.activity_id):
        return False
    return any(sub == profile.subcluster_id for _, sub in _activity_actor_links(indicator.activity))


def can_review(user, indicator):
    """Validate or return reports of this indicator."""
    return is_administrator(user) or coordinator_covers_indicator(user, indicator)


def can_validate(user, report):
    """Validate this report now: a reviewer of its indicator, the report submitted, and not the
    person who entered it while the cluster's four-eyes rule is on (``ProgressReport.four_eyes_refusal``)."""
    return can_review(user, report.indicator) and report.can_be_validated and not report.four_eyes_refusal(user)


def can_record(user, indicator):
    """Enter or change progress for this indicator."""
    if can_review(user, indicator):
        return True
    if not is_member(user):
        return False
    profile = profile_of(user)
    if not (profile and profile.organisation_id and indicator.activity_id):
        return False
    return any(actor == profile.organisation_id for actor, _ in _activity_actor_links(indicator.activity))


def can_record_for(user, indicator, organisation):
    """A member records only in the name of their own organisation."""
    if not can_record(user, indicator):
        return False
    if can_review(user, indicator):
        return True
    profile = profile_of(user)
    return organisation is not None and profile.organisation_id == organisation.pk


# --- Who sees a report: ONE rule, in two shapes (a predicate for one report, a queryset filter
# for lists, exports and history), tested together in tests/test_drafts_private.py.
#
# Before validation (draft, submitted, returned) a report, its history and its evidence are seen
# only by its organisation's members, the coordinators in scope (``can_review``) and the
# administrators; once validated, by everyone signed in.


def can_see_report_details(user, report):
    """Whether ``user`` may see this report's values, narrative, comments, history and evidence."""
    if report.state == ProgressReport.State.VALIDATED or is_administrator(user):
        return True
    profile = profile_of(user)
    if profile and profile.organisation_id and profile.organisation_id == report.organisation_id:
        return True
    return can_review(user, report.indicator)


def visible_reports(user, reports):
    """The reports of ``reports`` (a queryset) that ``user`` may see in detail (same rule)."""
    if not getattr(user, "is_authenticated", False):
        return reports.none()
    if is_administrator(user):
        return reports
    rule = Q(state=ProgressReport.State.VALIDATED)
    profile = profile_of(user)
    if profile and profile.organisation_id:
        rule |= Q(organisation_id=profile.organisation_id)
    if is_coordinator(user) and profile:
        if profile.cluster_id:
            rule |= Q(indicator__workplan__cluster_id=profile.cluster_id)
        if profile.subcluster_id:
            rule |= Q(indicator__activity__in=ActivityActor.objects.filter(
                actor__subcluster_id=profile.subcluster_id).values("activity_id"))
    return reports.filter(rule)


def _indicator_queryset():
    return Indicator.objects.with_tree().select_related("workplan__cluster").prefetch_related(
        Prefetch("activity__actor_links", queryset=ActivityActor.objects.select_related("actor"))
    )


def get_indicator_for_user(user, pk, action="view"):
    """The indicator, if ``user`` may ``view`` it (everyone signed in), ``record`` or ``review`` it."""
    indicator = get_object_or_404(_indicator_queryset(), pk=pk)
    if action == "record" and not can_record(user, indicator):
        raise PermissionDenied(_("You can record progress only for activities your organisation is responsible for."))
    if action == "review" and not can_review(user, indicator):
        raise PermissionDenied(_("Only a coordinator of this plan can validate or return its reports."))
    return indicator


def get_report_for_user(user, pk, action="view"):
    """The progress report, if ``user`` may ``view``, ``record`` (edit, submit, add evidence) or ``review`` it."""
    report = get_object_or_404(ProgressReport.objects.select_related("quarter", "organisation"), pk=pk)
    report.indicator = get_indicator_for_user(user, report.indicator_id)
    if action == "view" and not can_see_report_details(user, report):
        raise PermissionDenied(_("This report is not validated yet: only its organisation and coordinators see it."))
    if action == "record" and not can_record_for(user, report.indicator, report.organisation):
        raise PermissionDenied(_("You can record progress only for activities your organisation is responsible for."))
    if action == "review" and not can_review(user, report.indicator):
        raise PermissionDenied(_("Only a coordinator of this plan can validate or return its reports."))
    return report


def get_evidence_for_user(user, pk):
    """An evidence file, if ``user`` may see its report."""
    evidence = get_object_or_404(Evidence.objects.all(), pk=pk)
    evidence.report = get_report_for_user(user, evidence.report_id, "view")
    return evidence


def organisations_for_recording(user, indicator):
    """The organisations ``user`` may report for on ``indicator`` (a queryset of actors)."""
    if can_review(user, indicator):
        responsible = [actor for actor, _ in _activity_actor_links(indicator.activity)] if indicator.activity_id else []
        return Actor.objects.filter(pk__in=responsible) if responsible else Actor.objects.all()
    if can_record(user, indicator):
        return Actor.objects.filter(pk=profile_of(user).organisation_id)
    return Actor.objects.none()


def reports_to_review(user, reports):
    """The reports of ``reports`` (a queryset) that ``user`` may validate or return."""
    if is_administrator(user):
        return reports
    if not is_coordinator(user):
        return reports.none()
    profile = profile_of(user)
    if profile and profile.cluster_id:
        return reports.filter(indicator__workplan__cluster_id=profile.cluster_id)
    if profile and profile.subcluster_id:
        return reports.filter(indicator__activity__actor_links__actor__subcluster_id=profile.subcluster_id).distinct()
    return reports.none()


def reports_of_my_organisation(user, reports):
    profile = profile_of(user)
    if not (profile and profile.organisation_id):
        return reports.none()
    return reports.filter(organisation_id=profile.organisation_id)
