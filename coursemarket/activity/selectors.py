"""Reading the activity log: a person's history and the operators' search report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet

from .models import Event, HistoryPreference, Kind
from .pages import object_links


def keeps_history(*, user: Any) -> bool:
    preference = HistoryPreference.objects.filter(user=user).first()
    return preference is None or preference.keep_history


@dataclass(frozen=True)
class HistoryEntry:
    event: Event
    title: str  # the course's title, or the words searched
    url: str  # the course page, or the same search again ("" when no longer shown)


def history_for(*, user: Any, limit: int = 100) -> list[HistoryEntry]:
    """The person's own searches and course views, newest first, each with a
    link back (objects through the registered `pages.object_links`)."""
    kinds = [Kind.SEARCH, Kind.COURSE_VIEW, Kind.COMPARE, Kind.SHARE]
    events = list(Event.objects.filter(user=user, kind__in=kinds).order_by("-created_at", "-id")[:limit])
    by_type: dict[str, set[int]] = {}
    for event in events:
        ids = [event.object_id] if event.object_id is not None else []
        by_type.setdefault(event.object_type, set()).update(ids + [int(i) for i in event.object_ids])
    links = {kind: object_links(kind, sorted(ids)) for kind, ids in by_type.items() if kind}
    entries = []
    for event in events:
        if event.kind == Kind.SEARCH:
            params = {"q": event.query, **event.filters} if event.query else dict(event.filters)
            url = f"{event.path}?{urlencode(params)}" if event.path else ""
            entries.append(HistoryEntry(event, event.query, url))
        else:
            title, url = links.get(event.object_type, {}).get(event.object_id or 0, ("", ""))
            entries.append(HistoryEntry(event, title, url))
    return entries


@dataclass(frozen=True)
class QueryRow:
    query: str
    searches: int
    zero_results: int


@dataclass(frozen=True)
class SearchReport:
    start: datetime
    end: datetime
    searches: int  # with words typed
    counted: int  # of those, with a known result count
    zero: int  # of those counted, found nothing
    top: list[QueryRow]
    top_zero: list[QueryRow]

    @property
    def last_moment(self) -> datetime:
        """The period's last moment (`end` is exclusive), to show its last day."""
        return self.end - timedelta(seconds=1)

    @property
    def zero_rate(self) -> float | None:
        """Share of searches (with a known count) that found nothing, 0..1."""
        return self.zero / self.counted if self.counted else None


def _searches(start: datetime, end: datetime) -> QuerySet[Event]:
    return Event.objects.filter(kind=Kind.SEARCH, created_at__gte=start, created_at__lt=end).exclude(query="")


def search_report(*, start: datetime, end: datetime, limit: int = 20) -> SearchReport:
    """What people searched for in [start, end): the top queries, the share
    that found nothing and the top of those (demand the catalogue does not
    meet). Searches by words only (a filter-only listing is browsing).
    Three queries, on the (kind, created_at) index."""
    searches = _searches(start, end)
    totals = searches.aggregate(
        n=Count("id"),
        counted=Count("id", filter=Q(result_count__isnull=False)),
        zero=Count("id", filter=Q(result_count=0)),
    )
    by_query = searches.values("query").annotate(n=Count("id"), zero=Count("id", filter=Q(result_count=0)))
    top = [QueryRow(r["query"], r["n"], r["zero"]) for r in by_query.order_by("-n", "query")[:limit]]
    top_zero = [
        QueryRow(r["query"], r["n"], r["zero"])
        for r in by_query.filter(zero__gt=0).order_by("-zero", "-n", "query")[:limit]
    ]
    return SearchReport(start, end, totals["n"], totals["counted"], totals["zero"], top, top_zero)
