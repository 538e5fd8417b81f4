"""Course cards for the listings, rendered once and shared.

A card is the same for everyone who would see the same things, so it is
cached under a key made of exactly what it shows: the course's fields as
displayed (texts in the page's language, school, cover, mode, level, price,
rating), the session the card shows (its start, zone, place, seats left) and
its distance, the language, the viewer's time zone and the static assets'
version. A key can never be stale — any change to what a card shows makes a
new key — and costs no query: the listing has already loaded all of it.
The cards of a page come from the cache in one round trip (get_many); the
missing ones are rendered without the request's context processors and
stored in one more (set_many), for CATALOG_FRAGMENT_CACHE_SECONDS (0: off).

Query-dependent lines (the text search's "why this result") stay outside the
card, in the results template.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from coursemarket.core import images

from .models import Course, Session
from .pagecache import asset_version, fragment_seconds

CARD_PREFIX = "catalog:card:"
TEMPLATE = "catalog/includes/course_card.html"


def _distance(session: Session | None) -> float | None:
    value = getattr(session, "distance", None) if session is not None else None
    return None if value is None else round(float(value), 1)


def cover_html(course: Course, *, lazy: bool) -> SafeString | str:
    picture = images.picture(
        course.cover_image,
        images.CARD,
        alt=course.text.cover_alt,  # type: ignore[attr-defined]
        focus=(course.cover_focus_x, course.cover_focus_y),
    )
    return picture.html(lazy=lazy) if picture else ""


def card_shows(course: Course, session: Session | None, *, hide_school: bool) -> list[object]:
    """Everything the card shows, for its key."""
    text = course.text  # type: ignore[attr-defined]
    school = course.school
    shown: list[object] = [
        course.pk,
        course.slug,
        text.title,
        text.language,
        hide_school,
        school.name,
        school.is_verified,
        course.cover_image.name if course.cover_image else "",
        text.cover_alt,
        course.cover_focus_x,
        course.cover_focus_y,
        course.delivery_mode,
        course.level,
        course.teaching_language,
        course.price,
        course.currency,
        getattr(course, "rating_average", None),
        getattr(course, "rating_count", None),
    ]
    if session is not None:
        location = session.location
        shown += [session.pk, session.starts_at, session.timezone, session.is_online]
        shown += [location.city if location else "", session.seats_left, session.seats_low, _distance(session)]
    return shown


def course_cards(
    courses: Iterable[Course],
    next_sessions: dict[int, Session],
    *,
    hide_school: bool = False,
    request: HttpRequest | None = None,
    eager: int = 0,
) -> dict[int, SafeString]:
    """The card of each course, by course id (courses need `text`, see selectors.attach_texts).
    The first `eager` cards' covers load at once (the first row), the others lazily.

    With a `request`, the card's per-visitor controls (the "Save" heart that
    other apps add to the card) are rendered for that visitor: a signed-in
    person's cards carry their own state and form token, so they are rendered
    for them and never shared; an anonymous visitor's are shared by address."""
    courses = list(courses)
    if not courses:
        return {}
    common: list[object] = [get_language(), get_current_timezone_name(), asset_version()]
    extra: dict[str, Any] = {}
    personal = False
    if request is not None:
        extra["request"] = request
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            personal = True
            extra["csrf_token"] = get_token(request)
        else:
            common.append(request.path)
    keys: dict[int, str] = {}
    eager_ids = {course.id for course in courses[:eager]}  # the first row: its covers load at once, not lazily
    for course in courses:
        shows = [*common, *card_shows(course, next_sessions.get(course.id), hide_school=hide_school)]
        shows.append(course.id in eager_ids)
        keys[course.id] = CARD_PREFIX + hashlib.sha256("\n".join(map(str, shows)).encode()).hexdigest()
    seconds = 0 if personal else fragment_seconds()
    found: dict[str, str] = cache.get_many(list(keys.values())) if seconds > 0 else {}
    template = get_template(TEMPLATE)
    cards: dict[int, SafeString] = {}
    rendered: dict[str, str] = {}
    for course in courses:
        html = found.get(keys[course.id])
        if html is None:
            session = next_sessions.get(course.id)
            context: dict[str, Any] = {
                "course": course,
                "cover": cover_html(course, lazy=course.id not in eager_ids),
                "next_session": session,
                "distance": _distance(session),
                "hide_school": hide_school,
                **extra,
            }
            html = template.render(context)
            rendered[keys[course.id]] = html
        cards[course.id] = mark_safe(html)  # noqa: S308 - rendered by a template
    if rendered and seconds > 0:
        cache.set_many(rendered, seconds)
    return cards
