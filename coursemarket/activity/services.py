"""Writing the activity log, and a person's own choices about it."""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from . import buffer
from .models import Channel, Event, HistoryPreference

# Crawlers, link previewers and scripts: not people, not recorded.
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|embedly|preview|monitor|curl|wget|python-|httpx|go-http|java/|okhttp|headless-?shell",
    re.IGNORECASE,
)
SEARCH_ENGINES = ("google.", "bing.", "duckduckgo.", "yahoo.", "yandex.", "baidu.", "ecosia.", "qwant.", "startpage.")


def is_bot(request: HttpRequest) -> bool:
    agent = request.headers.get("User-Agent", "")
    prefetch = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    return not agent or bool(BOT_AGENT.search(agent)) or "prefetch" in prefetch


def channel_of(request: HttpRequest) -> tuple[str, str, str]:
    """(channel, utm_source, referring host) of this request."""
    source = request.GET.get("utm_source", "").strip().lower()[:60]
    host = (urlsplit(request.headers.get("Referer", "")).hostname or "").lower()[:100]
    if source:
        return Channel.CAMPAIGN, source, host
    if request.GET.get("ref"):
        return Channel.REFERRAL, "", host
    if not host:
        return Channel.DIRECT, "", ""
    if host == (request.get_host().split(":")[0].lower()):
        return Channel.INTERNAL, "", ""
    if any(engine in host for engine in SEARCH_ENGINES):
        return Channel.SEARCH, "", host
    return Channel.REFERRAL, "", host


def anonymous_id(request: HttpRequest) -> str:
    """The visitor's session as a short hash (never the session key itself);
    empty before the visitor has a session. Reading the key loads nothing."""
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    return hashlib.sha256(key.encode()).hexdigest()[:32] if key else ""


def activity_record(
    *,
    request: HttpRequest,
    kind: str,
    object_type: str = "",
    object_id: int | None = None,
    object_ids: list[int] | None = None,
    school_id: int | None = None,
    query: str = "",
    filters: dict[str, Any] | None = None,
    result_count: int | None = None,
) -> Event | None:
    """Record what the visitor of `request` did. Returns the queued event, or
    None for a bot. Cheap: nothing is written now (see buffer.py)."""
    if is_bot(request):
        return None
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    channel, utm_source, host = channel_of(request)
    event = Event(
        created_at=timezone.now(),
        user_id=user.pk if signed_in and user is not None else None,
        anonymous_id="" if signed_in else anonymous_id(request),
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        object_ids=list(object_ids or []),
        school_id=school_id,
        query=query[:200],
        filters=filters or {},
        result_count=result_count,
        path=request.path[:200] if kind == "search" else "",
        channel=channel,
        utm_source=utm_source,
        referrer_host=host,
        language=(get_language() or "")[:8],
    )
    buffer.add(event)
    return event


def history_clear(*, user: Any) -> int:
    """A person clears their own history (searches and views). Not in the audit
    trail: activity sits beside audit in the layers, and a person removing
    their own history changes nothing anyone else relies on."""
    buffer.flush()  # what is still waiting belongs to the history too
    deleted, _ = Event.objects.filter(user=user).delete()
    return deleted


def history_set_kept(*, user: Any, keep: bool) -> HistoryPreference:
    """Keep or stop keeping a history. Stopping also clears what was kept."""
    buffer.flush()  # what waits was done while the history was kept
    with transaction.atomic():
        preference, _ = HistoryPreference.objects.get_or_create(user=user)
        if preference.keep_history != keep:
            preference.keep_history = keep
            preference.save(update_fields=["keep_history"])
    if not keep:
        history_clear(user=user)
    return preference
