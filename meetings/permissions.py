"""Who may read and write meetings, action points, the structure and the contacts.

Everyone signed in reads them (the one read rule of the whole application). Administrators
write every meeting; a coordinator writes the meetings of their cluster, or of their
sub-cluster when their profile names one. ``can_write_meeting`` is the one predicate that
views and templates use.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from workplans.permissions import is_administrator, is_coordinator, profile_of

from .models import ActionPoint, Meeting


def meeting_scope_of(user):
    """``(cluster ids, sub-cluster ids)`` whose meetings ``user`` writes; ``None`` means all."""
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
    """May ``user`` create a meeting (``meeting`` None), or change this one (or one for this body)?

    The one predicate for writing meetings and action points: views call it, templates use it
    through the ``may_write_meeting`` filter (``meetings_tags``).
    """
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
    if not can_write_meeting(user, meeting):
        if not (is_administrator(user) or is_coordinator(user)):
            raise PermissionDenied(_("Only coordinators and administrators can record meetings and action points."))
        raise PermissionDenied(_("This meeting belongs to a cluster or sub-cluster outside your scope."))


def get_meeting_for_user(user, pk, write=False, queryset=None):
    """The meeting ``pk`` (404 if missing); with ``write``, after checking ``user`` may change it."""
    meeting = get_object_or_404(queryset if queryset is not None else Meeting.objects.select_related("cluster", "subcluster"), pk=pk)
    if write:
        require_meeting_writer(user, meeting)
    return meeting


def get_action_point_for_user(user, pk):
    """The action point ``pk`` (404 if missing) after checking ``user`` may update it."""
    point = get_object_or_404(ActionPoint.objects.select_related("meeting"), pk=pk)
    require_meeting_writer(user, point.meeting)
    return point
