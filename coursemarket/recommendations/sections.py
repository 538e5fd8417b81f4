"""What recommendations adds to pages below it: the course page's blocks
(catalog.course_sections) and the home page's (web calls `home_block`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Min
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from coursemarket.catalog.models import Course, CourseStatus, Meeting, Session, SessionStatus
from coursemarket.catalog.pagecache import (
    ALL,
    asset_version,
    course_scope,
    request_versions,
    shared_parts,
    versioned_fragment_seconds,
)

from . import serving


def course_blocks(slug: str, request: HttpRequest) -> Mapping[str, Any] | None:
    """ "Students who booked this also booked" and "Similar courses": the same
    for every visitor (nothing personal), so the anonymous page cache may keep them."""
    course = Course.objects.filter(slug=slug, status=CourseStatus.PUBLISHED).only("id", "category_id", "level").first()
    if course is None:
        return None
    also = serving.also_booked(course_id=course.id)
    shown = {r.course.id for r in also}
    similar = [r for r in serving.similar_courses(course=course, limit=4 + len(shown)) if r.course.id not in shown][:4]
    if not also and not similar:
        return None
    return {"also_booked": also, "similar": similar}


def save_bar(slug: str, request: HttpRequest) -> Mapping[str, Any] | None:
    """The course page's "Save" heart: an anonymous visitor's is a sign-in
    link (no query, nothing personal: the page cache may keep it)."""
    if not request.user.is_authenticated:
        return {"course": None}
    course = Course.objects.filter(slug=slug, status=CourseStatus.PUBLISHED).only("id", "slug").first()
    return {"course": course} if course is not None else None


SHARED_SECONDS = 15 * 60  # other courses' seats and dates change without this page's version


def shared_course_blocks(slug: str, request: HttpRequest, render: Callable[[], str]) -> SafeString:
    """The course blocks shared by anonymous visitors, keyed like the course
    page's own parts (its versions, language, zone, assets) and the model, for
    at most SHARED_SECONDS and never past the moment this course's page
    changes by itself (a session or meeting starts, booking closes) or a
    shown course's session starts: a hit costs no query."""
    user = getattr(request, "user", None)
    if versioned_fragment_seconds() <= 0 or user is None or user.is_authenticated:
        return mark_safe(render())  # noqa: S308 - rendered by a template

    def shows() -> list[object]:
        versions = request_versions(request, [ALL, course_scope(slug)])
        return [
            "course-recommendations",
            slug,
            serving.snapshot_id(),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            asset_version(),
            *sorted(versions.items()),
        ]

    def parts() -> tuple[dict[str, str], datetime | None]:
        html = render()
        now = timezone.now()
        moments = [now + timedelta(seconds=SHARED_SECONDS)]
        upcoming = Meeting.objects.filter(session__course__slug=slug, session__status=SessionStatus.SCHEDULED)
        moments += [m for m in upcoming.filter(starts_at__gt=now).aggregate(at=Min("starts_at")).values() if m]
        closing = Session.objects.filter(course__slug=slug, booking_deadline__gt=now).aggregate(
            at=Min("booking_deadline")
        )
        moments += [m for m in closing.values() if m]
        return {"html": html}, min(moments)

    return shared_parts(request, shows, parts)[0]["html"]


def home_block(request: HttpRequest, *, city: str) -> dict[str, Any]:
    """The home page's "For you" (signed in; history-based unless turned off)
    or "Popular near you" (anonymous, from the chosen city). Personal blocks
    are never in the anonymous page cache: the home page is not cached."""
    user = request.user
    if user.is_authenticated:
        interests = serving.interests_of(user.pk)
        history = serving.student_history(user.pk)
        recs = serving.for_student(user, interests=interests, history=history)
        return {
            "next_steps": serving.next_steps(user, history=history),
            "recs": recs,
            "heading": gettext("For you"),
            "block_id": "for-you",
            "dismissable": True,
            "onboard": interests is None or interests.onboarded_at is None,  # the onboarding step, not done yet
        }
    recs = serving.popular_near(city=city)
    return {"recs": recs, "heading": gettext("Popular near you"), "block_id": "popular-near", "dismissable": False}
