"""Reads for the catalog's public pages, built to keep a constant number of
queries however many sessions, instructors and skills a course has."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, overload

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import ASin, Cast, Coalesce, Cos, Least, Power, Radians, Sin, Sqrt
from django.http import Http404
from django.utils import timezone, translation

from coursemarket.core.texts import TranslationOrigin, language_order, outdated_fields
from coursemarket.schools.models import Location

from . import pagecache
from .models import Category, Course, CourseStatus, CourseTranslation, Meeting, Session, SessionStatus
from .search.engines import index_version
from .search.query import SearchInfo, apply_text_search

CATEGORY_CACHE_SECONDS = 300
CITIES_CACHE_SECONDS = 120


@dataclass(frozen=True)
class CourseText:
    title: str
    summary: str
    description: str
    language: str
    cover_alt: str = ""
    # Set when the texts are a translation: the course's own language (for the
    # "read in the original" link), whether the original changed since, and
    # whether it is a machine draft nobody has approved yet.
    original_language: str = ""
    outdated: bool = False
    machine: bool = False

    @property
    def is_translation(self) -> bool:
        return bool(self.original_language) and self.original_language != self.language


def current_language() -> str:
    """The reader's language as the texts are stored: "es", "pt-br"."""
    code = (translation.get_language() or "en").lower()
    if code in dict(settings.LANGUAGES):  # "pt-br" is a language of its own
        return code
    return code.split("-")[0]


_current_language = current_language


def with_texts(queryset: QuerySet[Course], language: str | None = None) -> QuerySet[Course]:
    """Prefetch the course's translations (one query for the whole page) and
    its school's fallback order (a join), for course_text. Every language is
    prefetched: which fallback applies depends on each course's school."""
    del language  # kept for callers: the reader's language is chosen in course_text
    return queryset.annotate(_fallbacks=F("school__fallback_languages")).prefetch_related(
        Prefetch("translations", queryset=CourseTranslation.objects.order_by("language"), to_attr="_texts")
    )


def _fallbacks_of(course: Course, *, may_query: bool) -> list[str]:
    """The school's fallback order, from the annotation (with_texts) or the
    school when it is loaded; a page that prefetched the texts never pays a
    query per course for it (it then falls back to the original only)."""
    found = getattr(course, "_fallbacks", None)
    if found is None and (may_query or Course.school.is_cached(course)):
        found = course.school.fallback_languages
    return list(found or [])


def translation_outdated(course: Course, text: CourseTranslation) -> list[str]:
    """The fields of `text` whose original changed since it was translated."""
    return outdated_fields(
        sources={f: getattr(course, f) for f in CourseTranslation.SOURCE_FIELDS},
        translated={f: getattr(text, f) for f in CourseTranslation.SOURCE_FIELDS},
        made_from=text.source_fingerprints or {},
    )


def course_text(course: Course, language: str | None = None, *, original: bool = False) -> CourseText:
    """The course's texts for a reader of `language`: their language, else the
    school's fallback languages in order, else the course's own language.
    `original=True` (the reader asked for it) gives the course's own texts."""
    language = language or _current_language()
    if not original and language != course.language:
        found = getattr(course, "_texts", None)
        may_query = found is None
        if found is None:
            found = list(course.translations.all())
        by_language = {text.language: text for text in found}
        fallbacks = [] if language in by_language else _fallbacks_of(course, may_query=may_query)
        for code in language_order(reader=language, fallbacks=fallbacks, original=course.language):
            text = by_language.get(code)
            if text is None or not text.title.strip():
                continue
            return CourseText(
                text.title,
                text.summary or course.summary,
                text.description or course.description,
                code,
                text.cover_alt or course.cover_alt,
                original_language=course.language,
                outdated=bool(translation_outdated(course, text)),
                machine=text.origin == TranslationOrigin.MACHINE and not text.approved,
            )
    return CourseText(
        course.title,
        course.summary,
        course.description,
        course.language,
        course.cover_alt,
        original_language=course.language,
    )


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
    "price": ("from_price", "next_start"),
    "-price": ("-from_price", "next_start"),
    "distance": ("distance", "next_start"),
    "newest": ("-published_at", "-id"),
    "rating": ("-rating_average", "-rating_count"),
    "relevance": ("-relevance", "-id"),
}

# Hours (local, start inclusive, end exclusive) of each time of day; a session
# is "in the morning" if its first meeting starts then on its own wall clock.
TIMES_OF_DAY = {"morning": (5, 12), "afternoon": (12, 17), "evening": (17, 24)}
# Price bands offered as facets: (key, lowest, highest), both ends inclusive
# as the price filter is, so a band's count is exactly what its click returns.
PRICE_BANDS = [
    ("0-50", Decimal("0"), Decimal("50")),
    ("50-100", Decimal("50"), Decimal("100")),
    ("100-250", Decimal("100"), Decimal("250")),
    ("250-", Decimal("250"), None),
]
RATING_STEPS = [Decimal("4.5"), Decimal("4"), Decimal("3.5"), Decimal("3")]
EARTH_RADIUS_KM = 6371.0088
RADIUS_MIN_KM, RADIUS_MAX_KM, RADIUS_DEFAULT_KM = 5, 100, 25


@dataclass(frozen=True)
class Place:
    """A point to search around (a city from the gazetteer, or the browser's
    position) and a radius in km."""

    latitude: float
    longitude: float
    radius_km: float = RADIUS_DEFAULT_KM
    label: str = ""


@dataclass
class ListingFilters:
    q: str = ""
    category: str = ""
    city: str = ""  # a city name the gazetteer did not know: matched on the locations' city
    near: Place | None = None
    online: bool = False  # online sessions (alone, or as well as the place's)
    mode: str = ""
    level: str = ""
    language: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    date_from: date | None = None
    date_to: date | None = None
    has_seats: bool = False
    weekday: int | None = None  # 1 Monday … 7 Sunday, in the session's zone
    time_of_day: str = ""  # a TIMES_OF_DAY key, in the session's zone
    rating_min: Decimal | None = None
    school: str = ""  # a school's slug
    sort: str = "soonest"
    school_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def strict(self) -> bool:
        """A filter on when or where: only courses with such a session match
        (a course with no dates yet cannot)."""
        return bool(
            self.near or self.city or self.online or self.date_from or self.date_to or self.has_seats
            or self.weekday or self.time_of_day
        )  # fmt: skip

    @property
    def session_filtered(self) -> bool:
        return self.strict or self.price_min is not None or self.price_max is not None


@dataclass
class Listing:
    """What `course_listing` answers: the matching courses (a lazy queryset,
    paginated by the view), the text search's extras when `q` was given (filled
    by the search package) and the facet counts for the filter options
    ({group: {option: courses}}, only when asked for)."""

    courses: QuerySet[Course]
    search: Any = None
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    paging: dict[str, Any] = field(default_factory=dict)  # what `PagedCourses` may know already


def _float(expression: Any) -> Any:
    return Cast(expression, FloatField())


def distance_km(latitude: Any, longitude: Any, place: Place) -> Any:
    """The great-circle distance (haversine) from `place` to the point in the
    two column expressions, in km, as SQL on both engines."""
    lat, lng = Radians(_float(latitude)), Radians(_float(longitude))
    lat0, lng0 = math.radians(place.latitude), math.radians(place.longitude)
    half = Power(Sin((lat - Value(lat0)) / 2), 2) + Value(math.cos(lat0)) * Cos(lat) * Power(
        Sin((lng - Value(lng0)) / 2), 2
    )
    # Rounding can push `half` a hair above 1 for antipodes: clamp before asin.
    clamped = Least(half, Value(1.0), output_field=FloatField())
    return ExpressionWrapper(2 * EARTH_RADIUS_KM * ASin(Sqrt(clamped)), output_field=FloatField())


def _bounding_box(place: Place) -> Q:
    """Locations within the box around the circle (uses the (latitude,
    longitude) index); the exact distance is checked after."""
    radius = min(max(place.radius_km, 0.0), RADIUS_MAX_KM)
    dlat = radius / 111.0
    low, high = place.latitude - dlat, place.latitude + dlat
    box = Q(location__latitude__gte=Decimal(str(round(low, 6))), location__latitude__lte=Decimal(str(round(high, 6))))
    widest = max(abs(low), abs(high))
    if widest >= 89.0:
        return box  # near a pole every longitude can be close
    dlng = radius / (111.320 * math.cos(math.radians(widest)))
    west, east = place.longitude - dlng, place.longitude + dlng

    def lng(a: float, b: float) -> Q:
        return Q(location__longitude__gte=Decimal(str(round(a, 6))), location__longitude__lte=Decimal(str(round(b, 6))))

    if west < -180:
        return box & (lng(west + 360, 180) | lng(-180, east))
    if east > 180:
        return box & (lng(west, 180) | lng(-180, east - 360))
    return box & lng(west, east)


def _session_q(filters: ListingFilters, now: datetime) -> Q:
    """Every session-level filter as one condition on a session (the
    queryset must carry `price_paid`, and `distance` with a place)."""
    where = Q()
    if filters.near:
        where |= Q(is_online=False) & _bounding_box(filters.near) & Q(distance__lte=filters.near.radius_km)
    elif filters.city:
        # The city's locations as one uncorrelated subquery (computed once),
        # not a join repeated for every candidate course.
        where |= Q(location__in=Location.objects.filter(city__iexact=filters.city).values("pk"))
    if filters.online:
        where |= Q(is_online=True)
    if filters.date_from:
        where &= Q(starts_at__gte=timezone.make_aware(datetime.combine(filters.date_from, time.min)))
    if filters.date_to:
        where &= Q(starts_at__lte=timezone.make_aware(datetime.combine(filters.date_to, time.max)))
    if filters.has_seats:
        where &= Q(seats_taken__lt=F("capacity")) & (Q(booking_deadline__isnull=True) | Q(booking_deadline__gt=now))
    if filters.weekday:
        where &= Q(local_weekday=filters.weekday)
    if filters.time_of_day in TIMES_OF_DAY:
        first, last = TIMES_OF_DAY[filters.time_of_day]
        where &= Q(local_hour__gte=first, local_hour__lt=last)
    if filters.price_min is not None:
        where &= Q(price_paid__gte=filters.price_min)
    if filters.price_max is not None:
        where &= Q(price_paid__lte=filters.price_max)
    return where


def _matching_sessions(filters: ListingFilters, now: datetime, *, correlated: bool = True) -> QuerySet[Session]:
    """The upcoming sessions that satisfy every session-level filter at once,
    with `price_paid` (the session's price override, else the course's price)
    and, with a place, `distance` (km). `correlated`: as a subquery of the
    outer course (OuterRef("pk")); else for any course (a page's cards)."""
    sessions = _upcoming_sessions(now)
    if correlated:
        sessions = sessions.filter(course=OuterRef("pk"))
    sessions = sessions.annotate(
        price_paid=Coalesce(
            F("price_override"),
            OuterRef("price") if correlated else F("course__price"),
            output_field=DecimalField(max_digits=10, decimal_places=2),
        )
    )
    if filters.near:
        sessions = sessions.annotate(
            distance=distance_km(F("location__latitude"), F("location__longitude"), filters.near)
        )
    return sessions.filter(_session_q(filters, now))


def sessions_matching(filters: ListingFilters, *, now: datetime | None = None) -> QuerySet[Session]:
    """The upcoming sessions, of any course, that satisfy every session-level
    filter at once: the sessions a listing lists a course for (saved-search
    alerts name them)."""
    return _matching_sessions(filters, now or timezone.now(), correlated=False)


def _session_condition(filters: ListingFilters, now: datetime) -> Q:
    """A course matches the session-level filters if one of its sessions meets
    them all; a course with no upcoming session at all (an imported catalogue)
    matches only filters it can answer without dates: the price, on its own."""
    if not filters.session_filtered:
        return Q()
    # The matching sessions' courses as one uncorrelated IN (the planner starts
    # from the sessions: the place's bounding box, the dates), not an EXISTS
    # probed for every published course.
    found = Q(pk__in=_matching_sessions(filters, now, correlated=False).values("course_id"))
    if filters.strict:
        return found
    undated = ~Exists(_upcoming_sessions(now).filter(course=OuterRef("pk")))
    return found | (Q(undated) & _course_price_q(filters))


def _category_ids(slug: str) -> list[int] | None:
    node = next((n for n in category_nodes().values() if n.slug == slug), None)
    if node is None:
        return None
    return [node.id] + [n.id for n in category_nodes().values() if n.parent_id == node.id]


def _course_condition(filters: ListingFilters) -> Q | None:
    """The course-level filters as one Q (None: nothing can match)."""
    where = Q()
    if filters.school_id:
        where &= Q(school_id=filters.school_id)
    if filters.school:
        where &= Q(school__slug=filters.school)
    if filters.category:
        ids = _category_ids(filters.category)
        if ids is None:
            return None
        where &= Q(category_id__in=ids)
    if filters.mode:
        where &= Q(delivery_mode=filters.mode)
    if filters.level:
        where &= Q(level=filters.level)
    if filters.language:
        where &= Q(teaching_language=filters.language)
    if filters.rating_min is not None:
        where &= Q(rating_summary__average__gte=filters.rating_min)
    return where


def _searched(filters: ListingFilters) -> tuple[QuerySet[Course], SearchInfo | None]:
    """Published courses narrowed by the text query (catalog.search), each
    annotated with its `relevance`; no query: all of them, and no search."""
    courses = Course.objects.filter(status=CourseStatus.PUBLISHED)
    if filters.q:
        return apply_text_search(courses, filters.q, language=_current_language())
    return courses, None


def course_listing(filters: ListingFilters, *, facets: bool = False) -> Listing:
    """Published courses matching `filters`, each annotated with `next_start`
    (the start of its soonest session that matches the session filters),
    `from_price` (the lowest price among those, else the course's price) and,
    with a place, `distance` (km to its nearest such session)."""
    now = timezone.now()
    base, search = _searched(filters)
    listing = Listing(courses=_listing_courses(base, filters, now, relevance=search is not None), search=search)
    if search is not None and search.words:
        if _only_the_query(filters):  # the total is the engine's count of the matches
            listing.paging["total"] = search.total
        if filters.sort == "relevance":
            listing.paging["search"] = search
        if search.known_matches is not None:  # a page's rows, read by id without the match condition
            listing.paging["by_id"] = _listing_courses(search.known_matches, filters, now, relevance=True)
    if facets:  # counted over the matching courses, without the search's ranking
        counted = search.narrowed if search is not None and search.narrowed is not None else base
        listing.facets = _cached_facets(filters, lambda: listing_facets(counted, filters, now))
    return listing


def _cached_facets(
    filters: ListingFilters, count: Callable[[], dict[str, dict[str, int]]]
) -> dict[str, dict[str, int]]:
    """The facet counts of these filters (the sort and the page play no part),
    kept like the listing pages' versioned fragments: under the filters, the
    language, the listings' page version (bumped by every change the
    listings show, `pagecache.catalog_changed`) and the search index's
    version, for CATALOG_VERSIONED_FRAGMENT_SECONDS at most (the sessions
    that start meanwhile leave the counts within that time); 0 turns it off."""
    seconds = pagecache.versioned_fragment_seconds()
    if seconds <= 0:
        return count()
    shown = replace(filters, sort="")
    versions = pagecache.current_versions([pagecache.ALL, pagecache.LISTING])
    described = f"{shown!r}|{_current_language()}|{sorted(versions.items())}|{index_version() if filters.q else ''}"
    key = "catalog:facets:" + hashlib.sha256(described.encode()).hexdigest()
    found: dict[str, dict[str, int]] | None = cache.get(key)
    if found is None:
        found = count()
        cache.set(key, found, seconds)
    return found


def _listing_courses(
    base: QuerySet[Course], filters: ListingFilters, now: datetime, *, relevance: bool = False
) -> QuerySet[Course]:
    course_where = _course_condition(filters)
    if course_where is None:
        return base.none()
    courses = base.filter(course_where, _session_condition(filters, now)).select_related("school")
    sessions = _matching_sessions(filters, now)
    courses = courses.annotate(
        next_start=Subquery(sessions.order_by("starts_at").values("starts_at")[:1]),
        from_price=Coalesce(
            Subquery(sessions.order_by("price_paid").values("price_paid")[:1]),  # type: ignore[misc]
            F("price"),
            output_field=DecimalField(max_digits=10, decimal_places=2),
        ),
    )
    if filters.near:
        nearest = sessions.order_by("distance").values("distance")[:1]  # type: ignore[misc]
        courses = courses.annotate(distance=Subquery(nearest))
    # The published-review summary (reviews.RatingSummary), one LEFT JOIN.
    courses = courses.annotate(rating_average=F("rating_summary__average"), rating_count=F("rating_summary__count"))
    sort = filters.sort if filters.sort in SORTS else "soonest"
    if (sort == "distance" and not filters.near) or (sort == "relevance" and not relevance):
        sort = "soonest"
    primary, secondary = SORTS[sort]
    name = primary.lstrip("-")
    first = F(name).desc(nulls_last=True) if primary.startswith("-") else F(name).asc(nulls_last=True)
    return courses.order_by(first, secondary, "id")


TWO_STEPS_FROM = 200  # listings this long are read in two steps (`PagedCourses`)


def _only_the_query(filters: ListingFilters) -> bool:
    """No filter but the words (the sort aside): the listing is the search's matches."""
    return replace(filters, q="", sort="", extra={}) == ListingFilters(sort="")


class PagedCourses:
    """A listing's courses for the paginator. A long listing is read in two
    steps: the page's ids, ordered by the sort alone (only the sort's own
    expression is computed for every matching course: the relevance, or the
    soonest start), then those 20 courses with every annotation (next start,
    lowest price, distance, rating) and the prefetched texts. Read in one
    step, the database computes every annotation for every matching course
    before sorting them. Short listings are read in one query."""

    ordered = True

    def __init__(
        self,
        courses: QuerySet[Course],
        *,
        total: int | None = None,
        search: SearchInfo | None = None,
        by_id: QuerySet[Course] | None = None,
    ) -> None:
        self.courses = courses
        self._count: int | None = total
        self.search = search
        # The same listing without the text search's match condition (every
        # other filter kept): for rows whose ids are already known to match.
        prefetched = getattr(courses, "_prefetch_related_lookups", ())  # the texts (with_texts), kept
        self.by_id = courses if by_id is None else by_id.prefetch_related(*prefetched)

    def count(self) -> int:
        if self._count is None:
            self._count = self.courses.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Course]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, index: int) -> Course: ...

    @overload
    def __getitem__(self, index: slice) -> list[Course]: ...

    def __getitem__(self, index: int | slice) -> Course | list[Course]:
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        if self.count() < TWO_STEPS_FROM:
            return list(self.courses[index])
        ids = self._ids_among_scored(index)
        if ids is None:
            ids = list(self.courses.prefetch_related(None).values_list("id", flat=True)[index])
        rows = {course.id: course for course in self.by_id.filter(id__in=ids)}
        return [rows[course_id] for course_id in ids if course_id in rows]

    def _ids_among_scored(self, index: slice) -> list[int] | None:
        """A relevance page read among the scored matches only, when that is
        provably the page: it is full and its last course ranks above what
        any unscored course can reach (their bonuses alone); else None."""
        search = self.search
        if search is None or not search.scored or index.start is None or index.stop is None:
            return None
        # Ranked here from each scored course's level, language and rating
        # (the annotation's own formula, `SearchInfo.relevance`): the database
        # only says which scored courses pass the filters. Asking it to rank
        # them parsed the scores' JSON once per course (~5 ms at 300).
        among = self.by_id.filter(id__in=search.scored).order_by().prefetch_related(None)  # scored: all match
        facts = among.values_list("id", "level", "language", "rating_average")  # type: ignore[misc]  # an annotation
        ranked = sorted(
            (
                (search.relevance(course_id, level, language, rating), course_id)
                for course_id, level, language, rating in facts
            ),
            key=lambda row: (-row[0], -row[1]),
        )
        rows = ranked[index]
        if len(rows) < index.stop - index.start or rows[-1][0] <= search.unscored_at_most:
            return None
        return [row[1] for row in rows]


def listing_facets(
    base: QuerySet[Course], filters: ListingFilters, now: datetime | None = None
) -> dict[str, dict[str, int]]:
    """How many courses each filter option would list, the other filters
    kept: what a click on it returns. One aggregate query per group."""
    now = now or timezone.now()
    facets: dict[str, dict[str, int]] = {}

    for group, attribute, column in (
        ("category", "category", "category_id"),
        ("level", "level", "level"),
        ("mode", "mode", "delivery_mode"),
        ("language", "language", "teaching_language"),
    ):
        rows = _group_counts(base, replace(filters, **{attribute: ""}), column, now)  # type: ignore[arg-type]
        if group == "category":
            counts: dict[str, int] = {}
            nodes = category_nodes()
            for category_id, n in rows.items():
                node = nodes.get(category_id) if category_id else None
                while node is not None:  # a parent counts its children's courses
                    counts[node.slug] = counts.get(node.slug, 0) + n
                    node = nodes.get(node.parent_id) if node.parent_id else None
            facets[group] = counts
        else:
            facets[group] = {str(k): n for k, n in rows.items() if k}

    # Rating, weekday, time of day and price bands: one pass over the upcoming
    # sessions of the courses that pass every course-level filter but the
    # rating, counting distinct courses per option, each option's condition
    # being the whole session condition with its own value (a course counts
    # if one of its sessions meets it: what the listing's EXISTS asks); and
    # one over the courses with no upcoming session, which answer only the
    # rating and a price (their own) when no date, place or time filter is on.
    without_rating = _course_condition(replace(filters, rating_min=None))
    if without_rating is None:
        return facets
    scope = base.filter(without_rating)

    def rated(step: Decimal | None, prefix: str = "") -> Q:
        return Q() if step is None else Q(**{f"{prefix}rating_summary__average__gte": step})

    options: dict[str, tuple[str, str, ListingFilters, Decimal | None]] = {}
    for step in RATING_STEPS:
        options[f"r{len(options)}"] = ("rating", str(step), filters, step)
    for day in range(1, 8):
        options[f"w{len(options)}"] = ("weekday", str(day), replace(filters, weekday=day), filters.rating_min)
    for moment in TIMES_OF_DAY:
        options[f"t{len(options)}"] = ("time_of_day", moment, replace(filters, time_of_day=moment), filters.rating_min)
    for key, low, high in PRICE_BANDS:
        banded = replace(filters, price_min=low, price_max=high)
        options[f"p{len(options)}"] = ("price", key, banded, filters.rating_min)

    sessions = _matching_sessions(replace(filters, **_NO_SESSION_FILTERS), now, correlated=False)
    if filters.near:  # the place is no facet: the same for every option
        sessions = sessions.annotate(
            distance=distance_km(F("location__latitude"), F("location__longitude"), filters.near)
        )
    sessions = sessions.filter(course__in=scope.values("pk"))
    counts = sessions.aggregate(
        **{
            alias: Count("course", distinct=True, filter=_session_q(changed, now) & rated(step, "course__"))
            for alias, (_g, _k, changed, step) in options.items()
        }
    )
    undated_options = {
        alias: Q(_course_price_q(changed)) & rated(step)
        for alias, (_g, _k, changed, step) in options.items()
        if not changed.strict
    }
    if undated_options:
        undated = scope.filter(~Exists(_upcoming_sessions(now).filter(course=OuterRef("pk"))))
        more = undated.aggregate(**{alias: Count("pk", filter=where) for alias, where in undated_options.items()})
        for alias, n in more.items():
            counts[alias] += n
    for alias, (group, key, _changed, _step) in options.items():
        facets.setdefault(group, {})[key] = counts[alias]
    return facets


def _group_counts(base: QuerySet[Course], filters: ListingFilters, column: str, now: datetime) -> dict[Any, int]:
    """Courses matching `filters` by the value of one of their columns. With
    session filters, counted from the matching sessions (one pass, distinct
    courses) plus, when no date, place or time filter is on, the courses with
    no dates yet at their own price."""
    where = _course_condition(filters)
    if where is None:
        return {}
    scope = base.filter(where)
    if not filters.session_filtered:
        return dict(scope.order_by().values_list(column).annotate(n=Count("pk")))
    sessions = _matching_sessions(filters, now, correlated=False).filter(course__in=scope.values("pk"))
    rows = dict(sessions.order_by().values_list(f"course__{column}").annotate(n=Count("course", distinct=True)))
    if not filters.strict:
        undated = scope.filter(~Exists(_upcoming_sessions(now).filter(course=OuterRef("pk"))), _course_price_q(filters))
        for value, n in undated.order_by().values_list(column).annotate(n=Count("pk")):
            rows[value] = rows.get(value, 0) + n
    return rows


_NO_SESSION_FILTERS: dict[str, Any] = {
    "near": None,
    "city": "",
    "online": False,
    "date_from": None,
    "date_to": None,
    "has_seats": False,
    "weekday": None,
    "time_of_day": "",
    "price_min": None,
    "price_max": None,
}


def _course_price_q(filters: ListingFilters) -> Q:
    """The price filter on a course's own price (a course with no dates yet)."""
    price = Q()
    if filters.price_min is not None:
        price &= Q(price__gte=filters.price_min)
    if filters.price_max is not None:
        price &= Q(price__lte=filters.price_max)
    return price


def next_sessions_for(courses: list[Course], filters: ListingFilters | None = None) -> dict[int, Session]:
    """The session each card of a page shows, in one query: the soonest
    upcoming one that meets the session filters (the nearest, sorted by
    distance), with `distance` (km) when searching near a place."""
    if not courses:
        return {}
    now = timezone.now()
    found: dict[int, Session] = {}
    filters = filters or ListingFilters()
    rows = (
        _matching_sessions(filters, now, correlated=False)
        .filter(course_id__in=[c.id for c in courses])
        .select_related("location")
    )
    nearest = filters.near is not None and filters.sort == "distance"
    by_distance = ("course_id", F("distance").asc(), "starts_at")
    rows = rows.order_by(*by_distance) if nearest else rows.order_by("course_id", "starts_at")
    for session in rows:
        found.setdefault(session.course_id, session)
    return found


def public_course(*, slug: str) -> Course:
    course = (
        with_texts(Course.objects.select_related("school").prefetch_related("skills"))
        .filter(slug=slug, status=CourseStatus.PUBLISHED)
        .annotate(  # the share card shows the rating (reviews keeps the summary; read here without importing it)
            share_rating_average=F("rating_summary__average"), share_rating_count=F("rating_summary__count")
        )
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
        .prefetch_related(Prefetch("course__translations", queryset=CourseTranslation.objects.all(), to_attr="_texts"))
        .order_by("starts_at")[:limit]
    )
    for session in rows:
        session.course.text = course_text(session.course)  # type: ignore[attr-defined]
    return rows
