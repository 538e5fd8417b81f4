"""Sections of a school's and an instructor's public page that apps above
schools fill (its courses, teaching history, students taught, ratings).

Schools never imports those apps. Each registers, once in its
`AppConfig.ready()`, a function that takes the school (or instructor) and the
request and returns the context for its template, or None when it has
nothing to show; the page renders the registered sections in `order`
(smaller first):

    school_page_sections.register(school_courses, template="catalog/includes/school_courses.html", order=10)

A registered section always renders its template: a missing template raises
`TemplateDoesNotExist` (in tests, in `manage.py check`, on the page), it is
never skipped. `instructor_page_facts` holds one-line facts for the
instructor's header ("120 students taught"); their templates render one <li>.

A section may be shared between visitors: `register(..., shared=...)` takes a
function of the subject, the request and a `render()` that gives the section's
HTML ("" when it has nothing to show), which returns that HTML, from its own
cache when it can (catalog.pagecache.shared_section keys it by the page
versions, language and zone): the section's queries and template then cost
nothing on a hit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from .models import Instructor, School


@dataclass(frozen=True)
class PageSection:
    template: str
    context: Mapping[str, Any]
    html: SafeString | None = None  # rendered already (a shared section)


type SharedSection[Subject] = Callable[[Subject, HttpRequest, Callable[[], str]], SafeString]


@dataclass(frozen=True)
class _Entry[Subject]:
    order: int
    template: str
    context_for: Callable[[Subject, HttpRequest], Mapping[str, Any] | None]
    shared: SharedSection[Subject] | None = None


# Every PageSections made, in the order made (the check reads them).
ALL_REGISTRIES: list[PageSections[Any]] = []


class PageSections[Subject]:
    """Functions that give a section's context, each with its template, in
    `order`. Every registry made is listed in ALL_REGISTRIES (whatever app
    makes it: catalog's course page too), so `manage.py check` finds each
    registered template (schools.E001)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: list[_Entry[Subject]] = []
        ALL_REGISTRIES.append(self)

    def register(
        self,
        context_for: Callable[[Subject, HttpRequest], Mapping[str, Any] | None],
        *,
        template: str,
        order: int,
        shared: SharedSection[Subject] | None = None,
    ) -> None:
        """Add a section; registering the same function again changes nothing."""
        if any(entry.context_for is context_for for entry in self._entries):
            return
        self._entries.append(_Entry(order, template, context_for, shared))
        self._entries.sort(key=lambda entry: entry.order)  # stable: ties keep their order

    def unregister(self, context_for: Callable[..., Any]) -> None:
        self._entries = [entry for entry in self._entries if entry.context_for is not context_for]

    def templates(self) -> list[str]:
        return [entry.template for entry in self._entries]

    def sections(self, subject: Subject, request: HttpRequest) -> list[PageSection]:
        """The sections with something to show, in order."""
        found = []
        for entry in self._entries:
            if entry.shared is not None:
                html = entry.shared(subject, request, partial(_render, entry, subject, request))
                if html:
                    found.append(PageSection(entry.template, {}, html))
                continue
            context = entry.context_for(subject, request)
            if context is not None:
                found.append(PageSection(entry.template, context))
        return found


def _render[Subject](entry: _Entry[Subject], subject: Subject, request: HttpRequest) -> str:
    context = entry.context_for(subject, request)
    if context is None:
        return ""
    return get_template(entry.template).render(dict(context), request)


type SharePieces = Callable[[str, list[object], HttpRequest, Callable[[], dict[str, str]]], dict[str, SafeString]]


class SharedPieces:
    """How the school's and instructor's own pieces of their public pages (header,
    about, instructors, places, credentials) are shared between visitors: an
    app above schools that knows when they change gives the function, once,
    in its AppConfig.ready() (catalog: `shared_pieces.use(share_pieces)`, keyed
    by its page versions, which schools' services bump through
    `school_changes`). Without one, they are rendered for each request."""

    def __init__(self) -> None:
        self._share: SharePieces | None = None

    def use(self, share: SharePieces | None) -> None:
        self._share = share

    def parts(
        self, name: str, key: list[object], request: HttpRequest, render: Callable[[], dict[str, str]]
    ) -> dict[str, SafeString]:
        """`render()`'s pieces by name, shared under `name` and `key` when they can be."""
        if self._share is None:
            return {part: mark_safe(html) for part, html in render().items()}  # noqa: S308 - rendered by templates
        return self._share(name, key, request, render)


shared_pieces = SharedPieces()

school_page_sections: PageSections[School] = PageSections("school page")
instructor_page_sections: PageSections[Instructor] = PageSections("instructor page")
instructor_page_facts: PageSections[Instructor] = PageSections("instructor facts")
