"""Who is asking: the client's address behind the reverse proxies we trust.

Behind a reverse proxy, REMOTE_ADDR is the proxy's address: every login attempt would seem
to come from one machine, and the login throttling (django-axes) would lock everybody out
together. Each proxy appends the address it received the request from to X-Forwarded-For;
with ``TRUSTED_PROXY_COUNT = n`` proxies of our own in front, the client is the n-th entry
from the right. Entries further left were written by the client and could be anything, so
they are never used. With ``TRUSTED_PROXY_COUNT = 0`` (the default: no proxy), the header is
ignored altogether.
"""

import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The address of the client that sent ``request`` (used by django-axes)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [item for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if item.strip()]
    if len(forwarded) < count:
        # Fewer hops than proxies we trust: the request did not come through all of them.
        return remote
    return _valid(forwarded[-count]) or remote


def lockout_response(request, original_response=None, credentials=None):
    """The translated page django-axes shows when a login is locked out: 429 Too Many Requests."""
    from django.shortcuts import render

    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(cooloff.total_seconds() // 60) if cooloff else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)
