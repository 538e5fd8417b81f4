"""The public catalog pages (course page, listing, category pages) as rendered
for anonymous visitors, kept in the cache framework's cache, and what keeps
them true.

A page is stored under a key made of everything that changes its HTML: the
address (scheme, host, path, query string with its parameters sorted), the
language, the viewer's time zone, htmx partial or full page, and the current
versions of the page groups it belongs to (`PageVersion` rows: "all" for every
page, "listing" for the listings, "course:<slug>" for one course page). A
service that changes what those pages show calls `catalog_changed(...)`; after
its transaction commits, the groups get new versions, so the next request
renders afresh. Old entries are never read again and age out of the cache.

The versions live in the database and not in the cache, because the default
cache is per process: a seat taken in one web worker, or freed by the
background worker's hold expiry, must reach every process's cache. A process
sees its own bumps at once and, by default (CATALOG_PAGE_VERSION_SECONDS=0),
reads the versions on every hit (one small query), so a change made in another
process shows at once too. Above 0 a process trusts the versions it read for
that long: no query on a hit (worth it on PostgreSQL without a connection
pool, where a query means a new connection), a change from another process
showing within that time. Pages also expire after
CATALOG_PAGE_CACHE_SECONDS (a safety net for changes made outside the
services, e.g. in the admin) and a course page no later than the moment its
next session starts or closes for booking (the view says when, with
`fresh_until`).

Signed-in visitors are never served from or stored into the cache (their
pages show their own things), nor are visitors with pending messages. Nothing
per visitor may land in a cached page: anonymous pages carry no CSRF token
(the booking form is a plain GET to the booking page, which asks to sign in;
the language switcher is a set of links), a response that set a cookie or
needed a CSRF token is not stored, and the CSP nonce is swapped for a
placeholder when storing and for the request's own nonce when serving.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial, wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from .models import LOW_SEATS, Course, PageVersion, Session

logger = logging.getLogger(__name__)

ALL = "all"
LISTING = "listing"
NONCE_PLACEHOLDER = "\x00csp-nonce\x00"  # cannot occur in rendered HTML
KEY_PREFIX = "catalog:page:"

View = Callable[..., HttpResponse]


def course_scope(slug: str) -> str:
    return f"course:{slug}"


def page_seconds() -> int:
    return int(getattr(settings, "CATALOG_PAGE_CACHE_SECONDS", 60))


def fragment_seconds() -> int:
    return int(getattr(settings, "CATALOG_FRAGMENT_CACHE_SECONDS", 300))


def versioned_fragment_seconds() -> int:
    """How long a fragment keyed by page versions (`shared_parts`) is kept:
    0 when fragments are off."""
    if fragment_seconds() <= 0:
        return 0
    return min(fragment_seconds(), int(getattr(settings, "CATALOG_VERSIONED_FRAGMENT_SECONDS", 60)))


# --- invalidation ---------------------------------------------------------------


def catalog_changed(course_id: int | None = None, *, session_id: int | None = None, seats: int | None = None) -> None:
    """Public catalog pages changed: one course's (its texts, sessions, meetings,
    seats, reviews) with `course_id` or `session_id`, or with neither something
    many pages show (a school, an instructor, a location). Call it from the
    service that makes the change, inside its transaction: the pages get new
    versions once it commits (at once outside a transaction), never if it
    rolls back.

    `seats`: only the seats taken on `session_id` moved, by this many (more
    taken: positive; given back: negative). The course page shows the exact
    count, so it always changes; listings show it only when few are left
    (LOW_SEATS) and filter on "seats left", so they change only when the count
    was or is now at or below that — not on every booking of a session with
    room (which would empty the listing cache at every booking anywhere)."""
    transaction.on_commit(partial(_bump, course_id, session_id, seats), robust=True)


def _bump(course_id: int | None, session_id: int | None, seats: int | None = None) -> None:
    if course_id is None and session_id is None:
        scopes = [ALL]
    else:
        row = None
        if session_id is not None:
            row = Session.objects.filter(pk=session_id).values_list("course__slug", "capacity", "seats_taken").first()
            slug = row[0] if row else None
        else:
            slug = Course.objects.filter(id=course_id or 0).values_list("slug", flat=True).first()
        if slug is None:
            return
        scopes = [course_scope(slug), LISTING]
        # Read after this change committed: the seats left now, and before it
        # (others may have moved the count since; each of them bumps after its
        # own commit, and cached pages expire after CATALOG_PAGE_CACHE_SECONDS).
        if seats is not None and row is not None:
            left = row[1] - row[2]
            if min(left, left + seats) > LOW_SEATS:
                scopes = [course_scope(slug)]
    # New random versions (never a counter that could come back to an old value);
    # rows in a fixed order, so two concurrent bumps cannot deadlock on PostgreSQL.
    versions = {scope: secrets.randbits(62) for scope in sorted(scopes)}
    PageVersion.objects.bulk_create(
        [PageVersion(scope=scope, version=version) for scope, version in versions.items()],
        update_conflicts=True,
        unique_fields=["scope"],
        update_fields=["version"],
    )
    _remember(versions, time.monotonic())  # this process sees its own change at once


# What this process knows of the versions: scope -> (version, when it was read
# or written here, time.monotonic()). Threads share it; a read never replaces
# what a newer read or a bump wrote.
_known: dict[str, tuple[int, float]] = {}
KNOWN_MAX = 50_000  # scopes remembered; beyond, start over (made-up slugs must not grow it forever)


def forget_versions() -> None:
    """Read every version from the database next time (tests)."""
    _known.clear()


def version_seconds() -> float:
    return float(getattr(settings, "CATALOG_PAGE_VERSION_SECONDS", 0))


def _remember(versions: dict[str, int], at: float) -> None:
    if len(_known) > KNOWN_MAX:
        _known.clear()
    for scope, version in versions.items():
        known = _known.get(scope)
        if known is None or known[1] <= at:
            _known[scope] = (version, at)


def current_versions(scopes: list[str]) -> dict[str, int]:
    """The versions of `scopes` (0 for one never changed): from what this
    process read less than CATALOG_PAGE_VERSION_SECONDS ago or bumped itself,
    else from the database in one query."""
    started = time.monotonic()
    trust = version_seconds()
    if trust > 0:
        known = [_known.get(scope) for scope in scopes]
        if all(k is not None and started - k[1] < trust for k in known):
            return {scope: k[0] for scope, k in zip(scopes, known, strict=True) if k is not None}
    found = dict(PageVersion.objects.filter(scope__in=scopes).values_list("scope", "version"))
    versions = {scope: found.get(scope, 0) for scope in scopes}
    _remember(versions, started)
    return versions


# --- serving --------------------------------------------------------------------


def _is_cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or page_seconds() <= 0:
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    # A message waiting to be shown (e.g. "You have signed out") belongs to this
    # visitor; counting them does not mark them as shown.
    return len(get_messages(request)) == 0


def wants_json(request: HttpRequest) -> bool:
    """The client prefers JSON to HTML (`Accept: application/json`); browsers
    and `*/*` get HTML."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def page_key(request: HttpRequest, versions: dict[str, int]) -> str:
    htmx = getattr(request, "htmx", None)
    parts = [
        request.scheme or "",
        request.get_host(),
        request.path,
        urlencode(sorted((k, v) for k in request.GET for v in request.GET.getlist(k))),
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        "json" if wants_json(request) else "partial" if htmx and not htmx.boosted else "page",
        *(f"{scope}={version}" for scope, version in sorted(versions.items())),
    ]
    return KEY_PREFIX + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A CSRF token went into the page: it is this visitor's.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "session", None), "modified", False)
    )


def _timeout(response: HttpResponse) -> int:
    seconds = page_seconds()
    fresh_until: datetime | None = getattr(response, "fresh_until", None)
    if fresh_until is not None:
        seconds = min(seconds, math.floor((fresh_until - timezone.now()).total_seconds()))
    return seconds


def _store(request: HttpRequest, response: HttpResponse, key: str) -> None:
    if not _storable(request, response):
        return
    seconds = _timeout(response)
    if seconds <= 0:
        return
    content = response.content
    nonce = get_nonce(request)
    if nonce:  # generated while rendering: it is in the page
        content = content.replace(str(nonce).encode(), NONCE_PLACEHOLDER.encode())
    cache.set(key, (content, response.headers.get("Content-Type", "")), seconds)


def _from_cache(request: HttpRequest, entry: tuple[bytes, str]) -> HttpResponse:
    content, content_type = entry
    placeholder = NONCE_PLACEHOLDER.encode()
    if placeholder in content:
        # Evaluating the nonce puts it into this response's CSP header too.
        content = content.replace(placeholder, str(get_nonce(request)).encode())
    return HttpResponse(content, content_type=content_type)


def cached_for_anonymous(scopes: Callable[..., list[str]]) -> Callable[[View], View]:
    """Serve the view's page to anonymous visitors from the cache. `scopes`
    gets the view's URL keyword arguments and names the page groups the page
    belongs to (besides "all")."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _is_cacheable(request):
                return view(request, *args, **kwargs)
            # Versions are read before rendering: a change committed meanwhile
            # gives new versions, so a page rendered from older data is stored
            # under a key nobody asks for any more.
            versions = current_versions([ALL, *scopes(**kwargs)])
            request.__dict__.setdefault("_catalog_versions", {}).update(versions)  # for request_versions
            key = page_key(request, versions)
            entry = cache.get(key)
            if entry is not None:
                return _from_cache(request, entry)
            response = view(request, *args, **kwargs)
            _store(request, response, key)
            return response

        return wrapper

    return decorate


def fresh_until(response: HttpResponse, moments: Iterable[datetime | None]) -> None:
    """The page shows something that changes by itself at one of `moments` (a
    session starts, a booking deadline passes): cache it no longer than the
    first of them still ahead."""
    now = timezone.now()
    ahead = [moment for moment in moments if moment is not None and moment > now]
    if ahead:
        response.fresh_until = min(ahead)  # type: ignore[attr-defined]


# --- fragments ------------------------------------------------------------------

FRAGMENT_PREFIX = "catalog:fragment:"


def request_versions(request: HttpRequest, scopes: list[str]) -> dict[str, int]:
    """`current_versions(scopes)`, read at most once a request: a page whose
    fragments are keyed by the same versions (the school page's sections)
    asks the database once."""
    memo: dict[str, int] = request.__dict__.setdefault("_catalog_versions", {})
    missing = [scope for scope in scopes if scope not in memo]
    if missing:
        memo.update(current_versions(missing))
    return {scope: memo[scope] for scope in scopes}


def asset_version() -> str:
    """Changes when a deploy moves the static assets' addresses (the manifest's
    hash; "" without a manifest, as in development)."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    return str(getattr(staticfiles_storage, "manifest_hash", ""))


def shared_section(
    name: str,
    *,
    key: Callable[[Any, HttpRequest], list[object]],
    until: Callable[[Any], datetime | None] | None = None,
) -> Callable[[Any, HttpRequest, Callable[[], str]], SafeString]:
    """A school or instructor page section (schools.sections) shared by
    anonymous visitors: keyed by `name`, `key(subject, request)` (whose page,
    which page of it), the language, zone and assets, and the versions of
    every page ("all": schools, instructors, places) and of the listings
    ("listing": any course, session or review change that a listing or a
    course card shows), at most until `until(subject)` (asked when
    rendering: when it changes by itself, e.g. a session starts)."""

    def shared(subject: Any, request: HttpRequest, render: Callable[[], str]) -> SafeString:
        if not _viewer_shares(request):
            return mark_safe(render())  # noqa: S308 - rendered by a template

        def shows() -> list[object]:
            versions = request_versions(request, [ALL, LISTING])
            return [
                "section",
                name,
                *key(subject, request),
                translation.get_language(),
                timezone.get_current_timezone_name(),
                asset_version(),
                *sorted(versions.items()),
            ]

        def parts() -> tuple[dict[str, str], datetime | None]:
            html = render()
            # Nothing to show (no courses, no reviews) does not change by itself.
            return {"html": html}, until(subject) if until is not None and html else None

        return shared_parts(request, shows, parts)[0]["html"]

    return shared


def share_pieces(
    name: str, key: list[object], request: HttpRequest, render: Callable[[], dict[str, str]]
) -> dict[str, SafeString]:
    """The school's and instructor's own pieces of their pages
    (schools.sections.shared_pieces): as `shared_section`, keyed by `name`,
    `key`, language, zone, assets and the versions "all" (schools' services
    bump it) and "listing"."""

    def shows() -> list[object]:
        versions = request_versions(request, [ALL, LISTING])
        return [
            "pieces",
            name,
            *key,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            asset_version(),
            *sorted(versions.items()),
        ]

    return shared_parts(request, shows, lambda: (render(), None))[0]


def _viewer_shares(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return versioned_fragment_seconds() > 0 and user is not None and not user.is_authenticated


def _fragment_key(shows: Iterable[object]) -> str:
    return FRAGMENT_PREFIX + hashlib.sha256("\n".join(map(str, shows)).encode()).hexdigest()


def shared_parts(
    request: HttpRequest,
    shows: Callable[[], Iterable[object]],
    render: Callable[[], tuple[dict[str, str], datetime | None]],
) -> tuple[dict[str, SafeString], datetime | None]:
    """Like `shared_fragment`, for a page's several pieces rendered together
    (the course page's head tags and main content): `render` returns them by
    name with the moment they change by themselves (or None), which is
    stored with them, so a hit knows it too (`fresh_until` of the page).
    `shows()` (asked only when the pieces may be shared) gives the page
    versions (`request_versions`) rather than the data:
    a hit costs no query for the data. So, as for whole pages, a change made
    through the services shows at once and one made outside them within
    CATALOG_VERSIONED_FRAGMENT_SECONDS."""
    if not _viewer_shares(request):
        parts, until = render()
        return {name: mark_safe(html) for name, html in parts.items()}, until  # noqa: S308 - rendered by templates
    key = _fragment_key(shows())
    stored: tuple[dict[str, str], datetime | None] | None = cache.get(key)
    if stored is not None:
        parts, until = stored
        nonce = None
        found = {}
        for name, html in parts.items():
            if NONCE_PLACEHOLDER in html:
                nonce = nonce or str(get_nonce(request))
                html = html.replace(NONCE_PLACEHOLDER, nonce)
            found[name] = mark_safe(html)  # noqa: S308 - rendered by templates
        return found, until
    needed_csrf = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    parts, until = render()
    html_parts = {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308 - rendered by templates
    seconds = versioned_fragment_seconds()
    if until is not None:
        seconds = min(seconds, math.floor((until - timezone.now()).total_seconds()))
    if seconds <= 0 or (request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not needed_csrf):
        return html_parts, until  # this visitor's token is in it, or it changes at once
    used = get_nonce(request)
    if used:  # generated while rendering: it is in the pieces
        parts = {name: html.replace(str(used), NONCE_PLACEHOLDER) for name, html in parts.items()}
    cache.set(key, (parts, until), seconds)
    return html_parts, until


def shared_fragment(
    request: HttpRequest, shows: Iterable[object], render: Callable[[], str], *, until: datetime | None = None
) -> SafeString:
    """A piece of a page that is the same for every anonymous visitor who
    would see the same things: cached under a key made of `shows` — exactly
    what the piece shows (its data as displayed, the language, the zone), so
    it can never be stale and serves any address the page is reached by (a
    shared link with its tracking parameters included) — for at most
    CATALOG_FRAGMENT_CACHE_SECONDS (0: off), and not past `until` (when it
    changes by itself). Signed-in visitors get it rendered (it may hold their
    own forms); a piece that needed a CSRF token is not stored. The CSP
    nonce is swapped as for whole pages."""
    seconds = fragment_seconds()
    if until is not None:
        seconds = min(seconds, math.floor((until - timezone.now()).total_seconds()))
    user = getattr(request, "user", None)
    if seconds <= 0 or user is None or user.is_authenticated:
        return mark_safe(render())  # noqa: S308 - rendered by a template
    key = FRAGMENT_PREFIX + hashlib.sha256("\n".join(map(str, shows)).encode()).hexdigest()
    stored: str | None = cache.get(key)
    if stored is not None:
        if NONCE_PLACEHOLDER in stored:
            stored = stored.replace(NONCE_PLACEHOLDER, str(get_nonce(request)))
        return mark_safe(stored)  # noqa: S308 - rendered by a template
    needed_csrf = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    html = render()
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not needed_csrf:
        return mark_safe(html)  # noqa: S308 - this visitor's token is in it
    nonce = get_nonce(request)
    cache.set(key, html.replace(str(nonce), NONCE_PLACEHOLDER) if nonce else html, seconds)
    return mark_safe(html)  # noqa: S308 - rendered by a template
