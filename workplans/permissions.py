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


def get_import_session_for_user(user, pk):
    """An upload waiting for its preview: administrators only, and only the one who uploaded it."""
    from django.shortcuts import get_object_or_404

    from .models import ImportSession

    require_administrator(user)
    return get_object_or_404(ImportSession.objects.select_related("workplan", "created_by"), pk=pk, created_by=user)
