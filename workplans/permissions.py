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
