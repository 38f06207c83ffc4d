"""The main pages' content, cached until what it shows changes, and their ETag (issue 16).

A page's expensive content (its rendered ``{% block content %}``, not the top bar with the
user's name, the CSRF token and the messages) is cached under a key made of everything it
depends on:

- the page, its arguments and its query string (``request.get_full_path()``);
- the language;
- the user: their pk, whether superuser, their role groups (what ``workplans.permissions``
  reads besides the profile, whose writers bump the site version);
- today's date (late and overdue statuses move with it);
- the generations of the plans it shows (``Workplan.generation``, raised by every writer of a
  plan's content) — handed in by the view;
- the site version: a token kept in the cache itself, which writers of what lies outside one
  plan (actors, sub-clusters, places, profiles, users, meetings, saved views) replace with a
  random one (``bump_site``); an evicted token is regenerated at random, which only empties
  the page cache;
- the release: a digest of the code, templates and catalogues, so a deployment never serves
  a fragment rendered by the previous one.

A hit costs one cache read (the fragment and the site version together). The CSRF token is
not cached: the fragment holds a placeholder, replaced by this request's token.

The ``ETag`` is the same key plus what the top bar shows (the session, the CSRF secret, the
unread notifications): a reload with ``If-None-Match`` answers 304 without building anything,
and never another user's page, nor a stale token. No 304 while messages wait to be shown.
No ``Last-Modified``: generations are counters, not times.

Plain helpers (no app import): the views pass the generations and the user's roles. The
request-side helpers (messages, CSRF, templates) are imported where used: the models import
this module for ``bump_site`` and commands such as ``import_workplan`` need none of them.
"""

import hashlib
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

SITE_KEY = "pagecache:site"
TIMEOUT = 24 * 3600  # a fragment is keyed on today's date: it cannot outlive its day usefully
CSRF_PLACEHOLDER = "pagecache-csrf-placeholder-7d1f"  # never a real token (those are 64 letters)

_release = None


def release():
    """A digest of what renders the pages (Python, templates, catalogues), once per process."""
    global _release
    if _release is None:
        digest = hashlib.sha256()
        base = Path(settings.BASE_DIR)
        skip = {".venv", "node_modules", "media", "staticfiles", "tests", ".git", "bench", ".pytest_cache", "static",
                "private", "private_media", "backups", "screenshots"}  # stored files and archives: no code
        for folder, dirs, files in os.walk(base):
            dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith("."))
            for name in sorted(files):
                if name.endswith((".py", ".html", ".mo")):
                    path = Path(folder, name)
                    digest.update(str(path.relative_to(base)).encode())
                    digest.update(path.read_bytes())
        _release = digest.hexdigest()[:16]
    return _release


def _new_token():
    return secrets.token_hex(8)


def bump_site():
    """Writers of what lies outside one plan call this: every cached page is rebuilt.

    Now (so that this transaction's own later reads, and tests, see it) and again once the
    transaction commits (a page built meanwhile from the old rows must not keep the new token)."""
    cache.set(SITE_KEY, _new_token(), None)
    transaction.on_commit(lambda: cache.set(SITE_KEY, _new_token(), None))


def site_version():
    token = cache.get(SITE_KEY)
    if token is None:
        cache.add(SITE_KEY, _new_token(), None)
        token = cache.get(SITE_KEY)
    return token


# What the context processors give the top bar and the permissions (roles, the unread count):
# read through the configured processors, so this module names no app.
TOP_BAR = ("is_administrator", "is_coordinator", "is_member", "unread_notifications")


def top_bar(request):
    """``{name: value}`` of ``TOP_BAR`` for this request (lazy values evaluated)."""
    from django.template import engines

    values = {}
    for processor in engines["django"].engine.template_context_processors:
        for name, value in processor(request).items():
            if name in TOP_BAR:
                values[name] = value() if callable(value) else value
    return values


def user_fingerprint(user, roles):
    """The user's part of the key: their pk and roles (``roles``: names of the roles they hold)."""
    if not user.is_authenticated:
        return "anonymous"
    return f"{user.pk}:{int(user.is_superuser)}:{','.join(sorted(roles))}"


def _digest(*parts):
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]


class PageCache:
    """One page of one request: ``not_modified()``, then ``fragment(build)``, then ``tag(response)``.

    ``generations``: whatever identifies the state of the plans the page shows (for example
    ``[(pk, generation), …]``)."""

    def __init__(self, request, name, generations, today=None):
        self.request = request
        self.today = today or timezone.localdate()
        self.top = top_bar(request)
        roles = [name for name in TOP_BAR if name.startswith("is_") and self.top.get(name)]
        self.key = "page:" + _digest(
            name, request.get_full_path(), translation.get_language(),
            user_fingerprint(request.user, roles), self.today.isoformat(), generations, release(),
        )
        found = cache.get_many([self.key, SITE_KEY])
        self.site = found.get(SITE_KEY) or site_version()
        entry = found.get(self.key)
        self.entry = entry if entry is not None and entry.get("site") == self.site else None
        self.hit = self.entry is not None

    # --- ETag ---------------------------------------------------------------------------

    def etag(self):
        """The page's tag: the content's key, what the top bar shows (roles, the unread count),
        the session and the CSRF secret."""
        from django.middleware.csrf import get_token

        request = self.request
        get_token(request)  # the CSRF secret exists (a first visit creates it: its cookie is sent with the page)
        session = getattr(request, "session", None)
        tag = _digest(
            self.key, self.site, getattr(session, "session_key", "") or "",
            request.META.get("CSRF_COOKIE", ""), sorted(self.top.items()),
        )
        return f'"{tag}"'

    def not_modified(self):
        """The 304 when the browser's copy is this page, else ``None`` (and the tag is kept
        for ``render``)."""
        from django.contrib.messages import get_messages
        from django.utils.cache import get_conditional_response

        self._etag = None
        if len(get_messages(self.request)):
            return None  # the messages must be shown: a full page, untagged
        self._etag = self.etag()
        return get_conditional_response(self.request, etag=self._etag)

    # --- the fragment -------------------------------------------------------------------

    def fragment(self, build):
        """The content's HTML: cached, else ``build()`` → (template name, context) rendered and
        stored (unless building added a message: such a page is not the same for the same
        inputs). Returns (html, context or None on a hit)."""
        from django.contrib.messages import get_messages
        from django.template.loader import render_to_string

        if self.hit:
            return self._with_token(self.entry["html"]), None
        messages_before = len(get_messages(self.request))
        template, context = build()
        html = render_to_string(template, {**context, "csrf_token": CSRF_PLACEHOLDER}, request=self.request)
        if len(get_messages(self.request)) == messages_before:
            cache.set(self.key, {"site": self.site, "html": html}, TIMEOUT)
        else:
            self._etag = None
        return self._with_token(html), context

    def _with_token(self, html):
        from django.middleware.csrf import get_token

        if CSRF_PLACEHOLDER in html:
            html = html.replace(CSRF_PLACEHOLDER, get_token(self.request))
        return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there

    def tag(self, response):
        """The ``ETag`` and ``Cache-Control: private, no-cache`` (stored, revalidated every time)."""
        from django.utils.cache import patch_cache_control

        if getattr(self, "_etag", None) and response.status_code == 200:
            response.headers["ETag"] = self._etag
            patch_cache_control(response, private=True, no_cache=True)
        return response


def cached_page(request, name, generations, template, build, context=None, today=None):
    """The whole dance for one page: a 304 when the browser's copy is current; else the page
    ``template`` (the shell: title, style sheets, ``{{ fragment }}`` in its content block) around
    the cached fragment, or the fragment ``build()`` (→ template name, context) renders and
    stores. ``context``: what the shell needs on a hit (its title …); on a miss the shell also
    gets the fragment's context."""
    from django.shortcuts import render

    page = PageCache(request, name, generations, today=today)
    response = page.not_modified()
    if response is not None:
        return response
    html, built = page.fragment(build)
    return page.tag(render(request, template, {**(built or {}), **(context or {}), "fragment": html}))
