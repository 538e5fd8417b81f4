"""Reads for the catalog's public pages, built to keep a constant number of
queries however many sessions, instructors and skills a course has."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone, translation

from coursemarket.schools.models import Location

from .models import Category, Course, CourseStatus, CourseTranslation, Meeting, Session, SessionStatus

CATEGORY_CACHE_SECONDS = 300
CITIES_CACHE_SECONDS = 120


@dataclass(frozen=True)
class CourseText:
    title: str
    summary: str
    description: str
    language: str


def _current_language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def with_texts(queryset: QuerySet[Course], language: str | None = None) -> QuerySet[Course]:
    """Prefetch the translation for `language` (one query for the whole page)."""
    language = language or _current_language()
    return queryset.prefetch_related(
        Prefetch("translations", queryset=CourseTranslation.objects.filter(language=language), to_attr="_texts")
    )


def course_text(course: Course, language: str | None = None) -> CourseText:
    """The course's texts in `language`, else in the course's own language."""
    language = language or _current_language()
    if language != course.language:
        found = getattr(course, "_texts", None)
        if found is None:
            found = list(course.translations.filter(language=language))
        for text in found:
            if text.language == language:
                return CourseText(
                    text.title, text.summary or course.summary, text.description or course.description, language
                )
    return CourseText(course.title, course.summary, course.description, course.language)


def attach_texts(courses: Iterable[Course], language: str | None = None) -> list[Course]:
    result = []
    for course in courses:
        course.text = course_text(course, language)  # type: ignore[attr-defined]
        result.append(course)
    return result


@dataclass(frozen=True)
class CategoryNode:
    id: int
    slug: str
    name: str
    icon: str
    parent_id: int | None
    is_featured: bool


def category_nodes(language: str | None = None) -> dict[int, CategoryNode]:
    """Every category with its name in `language`, cached: the tree is small
    and read on every listing, it changes only through the admin."""
    language = language or _current_language()
    key = f"catalog:categories:{language}"
    nodes: dict[int, CategoryNode] | None = cache.get(key)
    if nodes is None:
        nodes = {}
        for category in Category.objects.language(language).prefetch_related("translations"):
            name = category.safe_translation_getter("name", language_code=language, any_language=True) or category.slug
            nodes[category.id] = CategoryNode(
                category.id, category.slug, str(name), category.icon, category.parent_id, category.is_featured
            )
        cache.set(key, nodes, CATEGORY_CACHE_SECONDS)
    return nodes


def category_by_slug(slug: str) -> CategoryNode:
    for node in category_nodes().values():
        if node.slug == slug:
            return node
    raise Http404


def category_tree() -> list[tuple[CategoryNode, list[CategoryNode]]]:
    nodes = category_nodes()
    roots = [n for n in nodes.values() if n.parent_id is None]
    return [(root, [n for n in nodes.values() if n.parent_id == root.id]) for root in roots]


def _upcoming_sessions(now: datetime) -> QuerySet[Session]:
    return Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now)


SORTS = {
    "soonest": ("next_start", "-published_at"),
    "price": ("price", "next_start"),
    "-price": ("-price", "next_start"),
    "newest": ("-published_at", "-id"),
    "rating": ("-rating_average", "-rating_count"),
}


@dataclass
class ListingFilters:
    q: str = ""
    category: str = ""
    city: str = ""  # a city name, or "online"
    mode: str = ""
    level: str = ""
    language: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    date_from: date | None = None
    date_to: date | None = None
    has_seats: bool = False
    sort: str = "soonest"
    school_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def course_listing(filters: ListingFilters) -> QuerySet[Course]:
    """Published courses matching `filters`, each annotated with `next_start`,
    the start of its soonest session that matches the session filters."""
    now = timezone.now()
    sessions = _upcoming_sessions(now).filter(course=OuterRef("pk"))
    if filters.city == "online":
        sessions = sessions.filter(is_online=True)
    elif filters.city:
        # The city's locations as one uncorrelated subquery (computed once),
        # not a join repeated for every candidate course.
        sessions = sessions.filter(location__in=Location.objects.filter(city__iexact=filters.city).values("pk"))
    if filters.date_from:
        sessions = sessions.filter(starts_at__gte=timezone.make_aware(datetime.combine(filters.date_from, time.min)))
    if filters.date_to:
        sessions = sessions.filter(starts_at__lte=timezone.make_aware(datetime.combine(filters.date_to, time.max)))
    if filters.has_seats:
        sessions = sessions.filter(seats_taken__lt=F("capacity")).filter(
            Q(booking_deadline__isnull=True) | Q(booking_deadline__gt=now)
        )

    courses = Course.objects.filter(status=CourseStatus.PUBLISHED).select_related("school")
    courses = courses.annotate(next_start=Subquery(sessions.order_by("starts_at").values("starts_at")[:1]))
    # The published-review summary (reviews.RatingSummary), one LEFT JOIN.
    courses = courses.annotate(rating_average=F("rating_summary__average"), rating_count=F("rating_summary__count"))
    session_filtered = filters.city or filters.date_from or filters.date_to or filters.has_seats
    if session_filtered:
        courses = courses.filter(next_start__isnull=False)
    if filters.school_id:
        courses = courses.filter(school_id=filters.school_id)
    if filters.category:
        node = next((n for n in category_nodes().values() if n.slug == filters.category), None)
        if node is None:
            return courses.none()
        ids = [node.id] + [n.id for n in category_nodes().values() if n.parent_id == node.id]
        courses = courses.filter(category_id__in=ids)
    if filters.mode:
        courses = courses.filter(delivery_mode=filters.mode)
    if filters.level:
        courses = courses.filter(level=filters.level)
    if filters.language:
        courses = courses.filter(teaching_language=filters.language)
    if filters.price_min is not None:
        courses = courses.filter(price__gte=filters.price_min)
    if filters.price_max is not None:
        courses = courses.filter(price__lte=filters.price_max)
    if filters.q:
        words = filters.q.split()[:6]
        for word in words:
            translated = CourseTranslation.objects.filter(course=OuterRef("pk")).filter(
                Q(title__icontains=word) | Q(summary__icontains=word)
            )
            courses = courses.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Exists(translated))
    primary, secondary = SORTS.get(filters.sort, SORTS["soonest"])
    name = primary.lstrip("-")
    first = F(name).desc(nulls_last=True) if primary.startswith("-") else F(name).asc(nulls_last=True)
    return courses.order_by(first, secondary)


def next_sessions_for(courses: list[Course]) -> dict[int, Session]:
    """The soonest upcoming session of each course on a page, in one query."""
    if not courses:
        return {}
    now = timezone.now()
    found: dict[int, Session] = {}
    rows = (
        _upcoming_sessions(now)
        .filter(course_id__in=[c.id for c in courses])
        .select_related("location")
        .order_by("course_id", "starts_at")
    )
    for session in rows:
        found.setdefault(session.course_id, session)
    return found


def public_course(*, slug: str) -> Course:
    course = (
        with_texts(Course.objects.select_related("school").prefetch_related("skills", "images"))
        .filter(slug=slug, status=CourseStatus.PUBLISHED)
        .first()
    )
    if course is None:
        raise Http404
    course.text = course_text(course)  # type: ignore[attr-defined]
    return course


def upcoming_sessions(*, course: Course, limit: int = 50) -> list[Session]:
    now = timezone.now()
    sessions = list(
        _upcoming_sessions(now)
        .filter(course=course)
        .select_related("location", "room")
        .prefetch_related(
            Prefetch("meetings", queryset=Meeting.objects.filter(is_cancelled=False).order_by("starts_at")),
            "instructors",
        )
        .order_by("starts_at")[:limit]
    )
    for session in sessions:
        session.course = course  # already loaded: no query per session for its price
    return sessions


def course_instructors(sessions: list[Session]) -> list[Any]:
    seen: dict[int, Any] = {}
    for session in sessions:
        for instructor in session.instructors.all():
            if instructor.is_active:  # a profile the school hid stays off public pages
                seen.setdefault(instructor.id, instructor)
    return list(seen.values())


def featured_categories() -> list[CategoryNode]:
    return [n for n in category_nodes().values() if n.is_featured and n.parent_id is None]


def new_courses(*, limit: int = 8) -> list[Course]:
    courses = with_texts(
        Course.objects.filter(status=CourseStatus.PUBLISHED).select_related("school").order_by("-published_at")
    )[:limit]
    return attach_texts(courses)


def cities_with_sessions(*, limit: int = 40) -> list[str]:
    """Cities with an upcoming session, cached briefly: the list only feeds
    suggestions and the home page's city picker, on every listing request.
    One index probe per location (session_location_upcoming_idx), not a scan
    of every upcoming session."""
    key = f"catalog:cities:{limit}"
    cities: list[str] | None = cache.get(key)
    if cities is None:
        upcoming = _upcoming_sessions(timezone.now()).filter(location=OuterRef("pk"))
        rows = Location.objects.filter(Exists(upcoming)).values_list("city", flat=True).distinct().order_by("city")
        cities = list(rows[:limit])
        cache.set(key, cities, CITIES_CACHE_SECONDS)
    return cities


def upcoming_sessions_in_city(*, city: str, limit: int = 6) -> list[Session]:
    now = timezone.now()
    sessions = _upcoming_sessions(now).filter(course__status=CourseStatus.PUBLISHED)
    sessions = sessions.filter(is_online=True) if city == "online" else sessions.filter(location__city__iexact=city)
    rows = list(
        sessions.select_related("course", "course__school", "location")
        .prefetch_related(
            Prefetch(
                "course__translations",
                queryset=CourseTranslation.objects.filter(language=_current_language()),
                to_attr="_texts",
            )
        )
        .order_by("starts_at")[:limit]
    )
    for session in rows:
        session.course.text = course_text(session.course)  # type: ignore[attr-defined]
    return rows
