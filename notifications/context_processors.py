from .models import Notification


def unread_notifications(request):
    """The unread count of the navigation bar: one query, lazily (only when a page shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        if not hasattr(request, "_unread_notifications"):
            request._unread_notifications = Notification.objects.for_user(user).unread().count()
        return request._unread_notifications

    return {"unread_notifications": count}
