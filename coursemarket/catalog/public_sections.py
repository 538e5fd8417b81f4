"""What catalog shows on a school's and an instructor's public page: the
school's published courses (paginated), the courses an instructor teaches
now, their teaching history. Registered in CatalogConfig.ready() with
schools.sections (schools never imports catalog).

Each function runs a fixed number of queries whatever the number of courses
or sessions: the page of courses with their school and rating summary in one
query, their translations in one, their next sessions in one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, F, Min, OuterRef, Prefetch, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from coursemarket.schools.models import Instructor, School

from .models import Course, CourseStatus, CourseTranslation, Session, SessionStatus
from .selectors import _current_language, _upcoming_sessions, attach_texts, course_text, with_texts

SCHOOL_COURSES_PER_PAGE = 24
INSTRUCTOR_COURSES_LIMIT = 24
HISTORY_LIMIT = 10

SCHOOL_COURSES_TEMPLATE = "catalog/includes/school_courses.html"
INSTRUCTOR_COURSES_TEMPLATE = "catalog/includes/instructor_courses.html"
TEACHING_HISTORY_TEMPLATE = "catalog/includes/instructor_teaching_history.html"
SESSIONS_TAUGHT_TEMPLATE = "catalog/includes/instructor_sessions_fact.html"


def _with_summary(courses: QuerySet[Course]) -> QuerySet[Course]:
    """The published-review summary (reviews.RatingSummary), one LEFT JOIN."""
    return courses.annotate(rating_average=F("rating_summary__average"), rating_count=F("rating_summary__count"))


def _next_sessions(courses: Iterable[Course], sessions: QuerySet[Session]) -> dict[int, Session]:
    """Each course's session starting at its annotated `next_start`, in one query
    that reads only those sessions (not every upcoming one)."""
    wanted = {(course.id, course.next_start) for course in courses if getattr(course, "next_start", None)}  # type: ignore[attr-defined]
    if not wanted:
        return {}
    rows = (
        sessions.filter(course_id__in={course_id for course_id, _ in wanted})
        .filter(starts_at__in={start for _, start in wanted})
        .select_related("location")
        .order_by("course_id", "starts_at", "id")
    )
    found: dict[int, Session] = {}
    for session in rows:
        if (session.course_id, session.starts_at) in wanted:
            found.setdefault(session.course_id, session)
    return found


def _course_cards(courses: list[Course], sessions: QuerySet[Session]) -> list[dict[str, Any]]:
    courses = attach_texts(courses)
    next_sessions = _next_sessions(courses, sessions)
    return [{"course": course, "next_session": next_sessions.get(course.id)} for course in courses]


# --- the school page -----------------------------------------------------------


def school_courses(school: School, request: HttpRequest) -> Mapping[str, Any] | None:
    """The school's published courses, soonest session first, courses without
    dates after them; `?page=` past the end shows the last page."""
    now = timezone.now()
    upcoming = _upcoming_sessions(now)
    courses: QuerySet[Course] = (
        Course.objects.filter(school=school, status=CourseStatus.PUBLISHED)
        .select_related("school")
        .annotate(
            next_start=Subquery(upcoming.filter(course=OuterRef("pk")).order_by("starts_at").values("starts_at")[:1])
        )
    )
    courses = _with_summary(with_texts(courses)).order_by(F("next_start").asc(nulls_last=True), "-published_at", "-id")
    page = Paginator(courses, SCHOOL_COURSES_PER_PAGE).get_page(request.GET.get("page"))
    if not page.paginator.count:
        return None
    return {"course_page": page, "cards": _course_cards(list(page.object_list), upcoming)}


# --- the instructor page -------------------------------------------------------


def instructor_courses(instructor: Instructor, request: HttpRequest) -> Mapping[str, Any] | None:
    """Published courses with an upcoming session this instructor teaches, each
    with the next of those sessions."""
    now = timezone.now()
    taught = _upcoming_sessions(now).filter(instructors=instructor)
    courses: QuerySet[Course] = (
        # Their courses as one uncorrelated subquery (run once, from the
        # instructor's sessions), not a probe per published course.
        Course.objects.filter(status=CourseStatus.PUBLISHED, pk__in=taught.values("course_id"))
        .select_related("school")
        .annotate(
            next_start=Subquery(taught.filter(course=OuterRef("pk")).order_by("starts_at").values("starts_at")[:1])
        )
    )
    courses = _with_summary(with_texts(courses)).order_by(F("next_start").asc(), "id")
    found = list(courses[:INSTRUCTOR_COURSES_LIMIT])
    if not found:
        return None
    return {"cards": _course_cards(found, taught)}


def _past_sessions(instructor: Instructor, now: datetime) -> QuerySet[Session]:
    """Sessions this instructor taught that have ended (not cancelled ones, nor
    those of a course the school never published)."""
    return (
        Session.objects.filter(instructors=instructor, ends_at__lt=now)
        .exclude(status=SessionStatus.CANCELLED)
        .filter(course__status__in=[CourseStatus.PUBLISHED, CourseStatus.ARCHIVED])
    )


def _teaching_totals(instructor: Instructor) -> dict[str, Any]:
    """How many sessions they taught and when the first began, once a request
    (the history section and the header fact both read it)."""
    memo: dict[str, Any] | None = getattr(instructor, "_teaching_totals", None)
    if memo is None:
        memo = _past_sessions(instructor, timezone.now()).aggregate(count=Count("id"), first=Min("starts_at"))
        instructor._teaching_totals = memo  # type: ignore[attr-defined]
    return memo


def teaching_history(instructor: Instructor, request: HttpRequest) -> Mapping[str, Any] | None:
    """The most recent past sessions taught, newest first (HISTORY_LIMIT), and
    how many more there are."""
    totals = _teaching_totals(instructor)
    if not totals["count"]:
        return None
    language = _current_language()
    translations = CourseTranslation.objects.all()  # the reader's language or the school's fallbacks
    recent = list(
        _past_sessions(instructor, timezone.now())
        .select_related("course", "course__school", "location")
        .prefetch_related(Prefetch("course__translations", queryset=translations, to_attr="_texts"))
        .order_by("-starts_at", "-id")[:HISTORY_LIMIT]
    )
    rows = [
        {
            "session": session,
            "title": course_text(session.course, language).title,
            "link": session.course.status == CourseStatus.PUBLISHED,
        }
        for session in recent
    ]
    return {"history": rows, "history_more": max(totals["count"] - len(rows), 0)}


def sessions_taught_fact(instructor: Instructor, request: HttpRequest) -> Mapping[str, Any] | None:
    """ "14 sessions taught since March 2021" for the instructor's header."""
    totals = _teaching_totals(instructor)
    if not totals["count"]:
        return None
    return {"sessions_taught": totals["count"], "teaching_since": totals["first"]}


# --- sharing them between anonymous visitors (catalog.pagecache.shared_section) ---


def _school_next_start(school: School) -> datetime | None:
    """When the school's courses change order or next session by themselves:
    the first of their upcoming sessions starts."""
    upcoming = _upcoming_sessions(timezone.now()).filter(course__school=school, course__status=CourseStatus.PUBLISHED)
    return upcoming.aggregate(first=Min("starts_at"))["first"]


def _instructor_next_start(instructor: Instructor) -> datetime | None:
    return _upcoming_sessions(timezone.now()).filter(instructors=instructor).aggregate(first=Min("starts_at"))["first"]


def _instructor_next_end(instructor: Instructor) -> datetime | None:
    """When their teaching history grows by itself: one of their sessions ends."""
    sessions = Session.objects.filter(instructors=instructor, ends_at__gt=timezone.now())
    return sessions.exclude(status=SessionStatus.CANCELLED).aggregate(first=Min("ends_at"))["first"]


def _page_number(subject: object, request: HttpRequest) -> list[object]:
    return [subject.pk, request.GET.get("page") or ""]  # type: ignore[attr-defined]


def _whose(subject: object, request: HttpRequest) -> list[object]:
    return [subject.pk]  # type: ignore[attr-defined]


def register_sections() -> None:
    from coursemarket.schools.sections import (
        instructor_page_facts,
        instructor_page_sections,
        school_page_sections,
    )

    from .pagecache import shared_section

    school_page_sections.register(
        school_courses,
        template=SCHOOL_COURSES_TEMPLATE,
        order=10,
        shared=shared_section("school-courses", key=_page_number, until=_school_next_start),
    )
    instructor_page_sections.register(
        instructor_courses,
        template=INSTRUCTOR_COURSES_TEMPLATE,
        order=10,
        shared=shared_section("instructor-courses", key=_whose, until=_instructor_next_start),
    )
    instructor_page_sections.register(
        teaching_history,
        template=TEACHING_HISTORY_TEMPLATE,
        order=20,
        shared=shared_section("teaching-history", key=_whose, until=_instructor_next_end),
    )
    instructor_page_facts.register(
        sessions_taught_fact,
        template=SESSIONS_TAUGHT_TEMPLATE,
        order=10,
        shared=shared_section("sessions-taught", key=_whose, until=_instructor_next_end),
    )
