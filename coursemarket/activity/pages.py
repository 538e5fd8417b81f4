"""Which pages the activity log records, and what each says about itself.

The log is written by `ActivityMiddleware`, outside the page cache, so a page
served from the cache is recorded like a fresh one. The app that owns a page
registers it once in its `AppConfig.ready()`: the view's name (as in
`request.resolver_match.view_name`), the kind of event, and a function
(request, URL kwargs) -> the event's fields, or None when this request is not
worth recording (e.g. page 2 of the same search). The catalog registers its
listing, category and course pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

Describe = Callable[[HttpRequest, dict[str, Any]], "dict[str, Any] | None"]


@dataclass(frozen=True)
class TrackedPage:
    kind: str
    describe: Describe


_pages: dict[str, TrackedPage] = {}


def register_page(view_name: str, *, kind: str, describe: Describe) -> None:
    _pages[view_name] = TrackedPage(kind=kind, describe=describe)


def tracked_page(view_name: str) -> TrackedPage | None:
    return _pages.get(view_name)


# Query-string parameters that say how a visitor arrived, not what they looked for.
NOT_FILTERS = frozenset({"page", "q", "sort", "ref", "fbclid", "gclid"})


def normalise_query(text: str) -> str:
    return " ".join(text.lower().split())[:200]


def describe_search(request: HttpRequest, kwargs: dict[str, Any], **fixed: str) -> dict[str, Any] | None:
    """A search page: the words, the other filters (plus `fixed` ones, e.g. the
    category of a category page), and the result count the view noted with
    `note_result_count`. Page 2 and later are the same search: not recorded;
    a listing with no words and no filters is browsing: not recorded either."""
    if request.GET.get("page", "1") not in ("", "1"):
        return None
    query = normalise_query(request.GET.get("q", ""))
    filters = {
        key: value
        for key in sorted(request.GET)
        if key not in NOT_FILTERS and not key.startswith("utm_") and (value := request.GET.get(key, "").strip())
    }
    filters.update(fixed)
    if not query and not filters:
        return None
    return {
        "query": query,
        "filters": {key: value[:100] for key, value in filters.items()},
        "result_count": getattr(request, "activity_result_count", None),
    }


def note_result_count(request: HttpRequest, count: int) -> None:
    """A search page tells the log how many results it found (the middleware
    remembers it for the page cache's later hits of the same address)."""
    request.activity_result_count = count  # type: ignore[attr-defined]


# object type -> f(ids) -> {id: (title, address)}: how a history shows what was viewed.
ObjectLinks = Callable[[list[int]], "dict[int, tuple[str, str]]"]
_object_links: dict[str, ObjectLinks] = {}


def register_object_links(object_type: str, links: ObjectLinks) -> None:
    _object_links[object_type] = links


def object_links(object_type: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    """Titles and addresses of objects still shown to the public (a course
    unpublished since is left out); nothing when no app registered the type."""
    found = _object_links.get(object_type)
    return found(ids) if found is not None and ids else {}
