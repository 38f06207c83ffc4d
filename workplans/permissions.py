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


def can_coordinate_workplan(user, workplan):
    """Close or reopen a quarter, fill the quarter grid of a whole workplan."""
    return is_administrator(user) or coordinator_covers_workplan(user, workplan)


def get_workplan_for_user(user, slug, action="view"):
    """The workplan, if ``user`` may ``view`` it (everyone signed in) or ``coordinate`` it."""
    from django.shortcuts import get_object_or_404

    from .models import Workplan

    workplan = get_object_or_404(Workplan.objects.select_related("cluster"), slug=slug)
    if action == "coordinate" and not can_coordinate_workplan(user, workplan):
        raise PermissionDenied(_("Only a coordinator of this plan's cluster can do this."))
    return workplan
