"""Per-user throttling of the API; the rate is read from the settings at each request."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle


class PerUserThrottle(UserRateThrottle):
    """``API_USER_RATE`` requests per user (a token or a session); per address when anonymous."""

    scope = "user"

    def get_rate(self):
        return settings.API_USER_RATE


class KoboHookThrottle(SimpleRateThrottle):
    """The Kobo hook has no user: throttled per form secret."""

    scope = "kobo"

    def get_rate(self):
        return settings.API_KOBO_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": view.kwargs.get("secret", "")[:64]}
