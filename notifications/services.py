"""Writes of the notifications app: preferences and read marks."""

from django.db import transaction
from django.utils import timezone

from workplans.models import Profile

from .models import EmailOptOut, Kind, Notification


@transaction.atomic
def preferences_save(user, wanted_kinds, language):
    """Email only the ``wanted_kinds``; the in-app list keeps every kind."""
    EmailOptOut.objects.filter(user=user).delete()
    EmailOptOut.objects.bulk_create(
        [EmailOptOut(user=user, kind=kind) for kind in Kind.values if kind not in wanted_kinds]
    )
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.language = language
    profile.save(update_fields=["language"])


def notifications_mark_read(user, pk=None):
    """Mark one notification (``pk``) or all of ``user``'s as read; returns how many changed."""
    qs = Notification.objects.for_user(user).unread()
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
