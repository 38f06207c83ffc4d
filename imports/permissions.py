"""Who may see an import session (the role primitives come from ``workplans.permissions``)."""

from django.shortcuts import get_object_or_404

from workplans.permissions import require_administrator

from .models import ImportSession


def get_import_session_for_user(user, pk):
    """An upload waiting for its preview: administrators only, and only the one who uploaded it."""
    require_administrator(user)
    return get_object_or_404(ImportSession.objects.select_related("workplan", "created_by"), pk=pk, created_by=user)
