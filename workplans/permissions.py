"""Who may do what: roles and scopes live here, in one place.

Roles are Django groups created by the data migration ``workplans/0002_create_role_groups``:
Administrators, Coordinators, Members. A user's scope (cluster, sub-cluster, organisation)
is their ``Profile``. Views call the ``get_*_for_user`` helpers first: they load the object
and raise ``PermissionDenied`` (a 403 with a message) or ``Http404``.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

ADMINISTRATORS = "Administrators"
COORDINATORS = "Coordinators"
MEMBERS = "Members"
ROLE_GROUPS = [ADMINISTRATORS, COORDINATORS, MEMBERS]


def _groups(user):
    if not hasattr(user, "_role_groups"):
        user._role_groups = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
    return user._role_groups


def is_administrator(user):
    return user.is_authenticated and (user.is_superuser or ADMINISTRATORS in _groups(user))


def is_coordinator(user):
    return user.is_authenticated and COORDINATORS in _groups(user)


def is_member(user):
    return user.is_authenticated and MEMBERS in _groups(user)


def profile_of(user):
    from .models import Profile

    if not user.is_authenticated:
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def require_administrator(user):
    if not is_administrator(user):
        raise PermissionDenied(_("Only administrators can do this."))


# --- progress: who may record, review, close quarters, see evidence ------------------------
#
# Administrators: everything. Coordinators: record, validate and return reports, close and
# reopen quarters, in their scope: their cluster's workplans (``Profile.cluster``) or the
# activities their sub-cluster is responsible for (``Profile.subcluster``). Members: see
# everything, record only for activities where their organisation is a responsible actor.


def coordinator_covers_workplan(user, workplan):
    """A coordinator of the workplan's cluster covers the whole plan."""
    if not is_coordinator(user):
        return False
    profile = profile_of(user)
    return bool(profile and profile.cluster_id and profile.cluster_id == workplan.cluster_id)


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


def can_coordinate_workplan(user, workplan):
    """Close or reopen a quarter, fill the quarter grid of a whole workplan."""
    return is_administrator(user) or coordinator_covers_workplan(user, workplan)


def can_see_report_details(user, report):
    """Validated reports are public to every user; others to those who record or review them."""
    from indicators.models import ProgressReport

    return report.state == ProgressReport.State.VALIDATED or can_record(user, report.indicator)


def _indicator_queryset():
    from django.db.models import Prefetch

    from indicators.models import Indicator

    from .models import ActivityActor

    return Indicator.objects.with_tree().select_related("workplan__cluster").prefetch_related(
        Prefetch("activity__actor_links", queryset=ActivityActor.objects.select_related("actor"))
    )


def get_indicator_for_user(user, pk, action="view"):
    """The indicator, if ``user`` may ``view`` it (everyone signed in), ``record`` or ``review`` it."""
    from django.shortcuts import get_object_or_404

    indicator = get_object_or_404(_indicator_queryset(), pk=pk)
    if action == "record" and not can_record(user, indicator):
        raise PermissionDenied(_("You can record progress only for activities your organisation is responsible for."))
    if action == "review" and not can_review(user, indicator):
        raise PermissionDenied(_("Only a coordinator of this plan can validate or return its reports."))
    return indicator


def get_report_for_user(user, pk, action="view"):
    """The progress report, if ``user`` may ``view``, ``record`` (edit, submit, add evidence) or ``review`` it."""
    from django.shortcuts import get_object_or_404

    from indicators.models import ProgressReport

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
    from django.shortcuts import get_object_or_404

    from indicators.models import Evidence

    evidence = get_object_or_404(Evidence.objects.all(), pk=pk)
    evidence.report = get_report_for_user(user, evidence.report_id, "view")
    return evidence


def get_workplan_for_user(user, slug, action="view"):
    """The workplan, if ``user`` may ``view`` it (everyone signed in) or ``coordinate`` it."""
    from django.shortcuts import get_object_or_404

    from .models import Workplan

    workplan = get_object_or_404(Workplan.objects.select_related("cluster"), slug=slug)
    if action == "coordinate" and not can_coordinate_workplan(user, workplan):
        raise PermissionDenied(_("Only a coordinator of this plan's cluster can do this."))
    return workplan


def organisations_for_recording(user, indicator):
    """The organisations ``user`` may report for on ``indicator`` (a queryset of actors)."""
    from .models import Actor

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


# Meetings -------------------------------------------------------------------------------
# Members, coordinators and administrators read meetings, action points, the structure and
# the contacts. Administrators write every meeting; a coordinator writes the meetings of
# their cluster, or of their sub-cluster when their profile names one.


def can_read_meetings(user):
    return is_administrator(user) or is_coordinator(user) or is_member(user)


def require_meetings_reader(user):
    if not can_read_meetings(user):
        raise PermissionDenied(_("Only members of the cluster can see its meetings and contacts."))


def meeting_scope_of(user):
    """``(cluster ids, sub-cluster ids)`` whose meetings a coordinator writes; ``None`` means all."""
    if is_administrator(user):
        return None
    if not is_coordinator(user):
        return set(), set()
    profile = profile_of(user)
    if profile is None:
        return set(), set()
    if profile.subcluster_id:
        return set(), {profile.subcluster_id}
    if profile.cluster_id:
        return {profile.cluster_id}, set()
    return set(), set()


def can_write_meeting(user, meeting=None, cluster_id=None, subcluster_id=None):
    """May ``user`` create (``meeting`` None) or change this meeting (or one for this body)?"""
    if meeting is not None:
        cluster_id, subcluster_id = meeting.cluster_id, meeting.subcluster_id
    scope = meeting_scope_of(user)
    if scope is None:
        return True
    clusters, subclusters = scope
    if cluster_id is None and subcluster_id is None:
        return bool(clusters or subclusters)
    return cluster_id in clusters or (subcluster_id is not None and subcluster_id in subclusters)


def require_meeting_writer(user, meeting=None):
    if not (is_administrator(user) or is_coordinator(user)):
        raise PermissionDenied(_("Only coordinators and administrators can record meetings and action points."))
    if not can_write_meeting(user, meeting):
        raise PermissionDenied(_("This meeting belongs to a cluster or sub-cluster outside your scope."))


def get_meeting_for_user(user, pk, write=False, queryset=None):
    """The meeting ``pk`` (404 if missing) after checking ``user`` may read it, or write it."""
    from django.shortcuts import get_object_or_404

    from meetings.models import Meeting

    require_meetings_reader(user)
    meeting = get_object_or_404(queryset if queryset is not None else Meeting.objects.select_related("cluster", "subcluster"), pk=pk)
    if write:
        require_meeting_writer(user, meeting)
    return meeting


def get_action_point_for_user(user, pk):
    """The action point ``pk`` (404 if missing) after checking ``user`` may update it."""
    from django.shortcuts import get_object_or_404

    from meetings.models import ActionPoint

    require_meetings_reader(user)
    point = get_object_or_404(ActionPoint.objects.select_related("meeting"), pk=pk)
    require_meeting_writer(user, point.meeting)
    return point
