"""The demo catalog: 150+ published courses with sessions over the next 90 days.

Every school that `seed_demo` created before this seeder gets courses from the
library (`course_library`) that fit it, taught in its languages, in its
country's currency, with weekly meetings at local evening or weekend times, in
its rooms and with its instructors. Everything is written through the catalog
services (course_create, course_publish, session_create, …) with the school
owner as the actor, so validation, UTC conversion and the audit trail are the
real ones.

Idempotent: a course is recognised by its school and title, so running the
seeder again creates nothing. The plan is deterministic (seeded by the school's
slug), so the same schools always get the same demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from coursemarket.catalog import services
from coursemarket.catalog.models import TEACHING_LANGUAGES, Category, Course, CourseStatus, Session
from coursemarket.catalog.policies import CancellationPolicy
from coursemarket.catalog.services import MeetingInput, SessionInput
from coursemarket.catalog.timeutil import zone
from coursemarket.schools.models import Instructor, Location, Membership, Role, Room, School

from .categories import seed as seed_categories
from .content import read_json
from .course_library import HYBRID, ONLINE, Template, fitting_templates

# How many published courses the demo aims for, across all schools.
TARGET_PUBLISHED = 170
HORIZON_DAYS = 90


@dataclass
class SchoolPlan:
    school: School
    owner: Any
    locations: list[Location]
    instructors: list[Instructor]
    country: str
    currency: str
    timezone: str
    languages: list[str]  # teaching languages, the school's main one first
    pool: list[Template]


# --- Money ------------------------------------------------------------------------------------------------

_PRICES = read_json("prices.json")
CURRENCIES: dict[str, str] = _PRICES["currency_by_country"]
# Euros → local money at the local price level (a course costs less in Cairo than in Paris), and the
# step prices are rounded to.
PRICE_SCALE: dict[str, tuple[Decimal, Decimal]] = {
    currency: (Decimal(scale["factor"]), Decimal(scale["step"])) for currency, scale in _PRICES["per_euro"].items()
}
ZERO_DECIMAL_CURRENCIES = set(_PRICES["zero_decimal"])


def currency_for(country: str) -> str:
    return CURRENCIES.get(country, "EUR")


def local_price(euros: float | int | Decimal, currency: str) -> Decimal:
    """A typical euro price in `currency`, rounded the way shops round it."""
    factor, step = PRICE_SCALE.get(currency, PRICE_SCALE["EUR"])
    if not euros:
        return Decimal("0")
    amount = Decimal(str(euros)) * factor
    rounded = max((amount / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step, step)
    if currency in ZERO_DECIMAL_CURRENCIES:
        return rounded.quantize(Decimal("1"))
    return rounded.quantize(Decimal("0.01"))


# --- Seeding ------------------------------------------------------------------------------------------------


def _plan(school: School, owner: Any) -> SchoolPlan:
    locations = sorted(school.locations.all(), key=lambda loc: loc.id)
    first = locations[0] if locations else None
    country = first.country if first else ""
    taught = [code for code in school.languages_taught or [] if code in TEACHING_LANGUAGES]
    languages = list(dict.fromkeys(taught or [school.default_language]))
    return SchoolPlan(
        school=school,
        owner=owner,
        locations=locations,
        instructors=[i for i in school.instructors.all() if i.is_active],
        country=country,
        currency=currency_for(country),
        timezone=first.timezone if first else (getattr(owner, "timezone", "") or "UTC"),
        languages=languages,
        pool=fitting_templates(school, country, has_location=bool(locations)),
    )


def quotas(capacities: list[int], target: int) -> list[int]:
    """Share `target` courses in proportion to the schools' offers (a broad school offers more)."""
    total = sum(capacities) or 1
    given = [min(cap, target * cap // total) for cap in capacities]
    remaining = target - sum(given)
    open_ = [i for i, cap in enumerate(capacities) if cap > 0]
    while remaining > 0 and open_:
        share = max(1, remaining // len(open_))
        for i in list(open_):
            give = min(share, capacities[i] - given[i], remaining)
            given[i] += give
            remaining -= give
            if given[i] >= capacities[i]:
                open_.remove(i)
            if remaining == 0:
                break
    return given


def seed() -> list[str]:
    seed_categories()  # idempotent; the courses need the tree whatever order the seeders run in
    by_slug = {c.slug: c for c in Category.objects.all()}
    owners: dict[int, Any] = {}
    for membership in Membership.objects.filter(role=Role.OWNER).select_related("user").order_by("created_at", "id"):
        owners.setdefault(membership.school_id, membership.user)
    schools = (
        School.objects.filter(id__in=owners)
        .order_by("slug")
        .prefetch_related(Prefetch("locations", queryset=Location.objects.prefetch_related("rooms")), "instructors")
    )
    plans = [_plan(school, owners[school.id]) for school in schools]
    # Keep one template in reserve for a draft wherever the offer allows.
    published = quotas([max(len(p.pool) - (1 if len(p.pool) > 4 else 0), 0) for p in plans], TARGET_PUBLISHED)
    now = timezone.now().replace(second=0, microsecond=0)
    created: list[str] = []
    for index, (plan, count) in enumerate(zip(plans, published, strict=True)):
        created += _seed_school(plan, count, archive=index % 3 == 0, now=now, categories=by_slug)
    return created


def _seed_school(
    plan: SchoolPlan, count: int, *, archive: bool, now: datetime, categories: dict[str, Category]
) -> list[str]:
    existing = set(Course.objects.filter(school=plan.school).values_list("title", flat=True))
    created: list[str] = []
    for position, template in enumerate(plan.pool):
        if position < count:
            status = CourseStatus.PUBLISHED
        elif position == count:
            status = CourseStatus.DRAFT
        elif position == count + 1 and archive:
            status = CourseStatus.ARCHIVED
        else:
            break
        if template.title in existing or template.category not in categories:
            continue
        rng = random.Random(f"{plan.school.slug}:{template.title}")
        course = _create_course(plan, template, rng, categories[template.category])
        created.append(course.slug)
        if status == CourseStatus.DRAFT:
            continue
        course = services.course_publish(actor=plan.owner, course=course)
        # Demo history: courses went live over the past months (the service stamps "now").
        published_at = now - timedelta(days=rng.randint(1, 240), minutes=rng.randint(0, 1440))
        Course.objects.filter(pk=course.pk).update(published_at=published_at, created_at=published_at)
        if status == CourseStatus.ARCHIVED:
            services.course_archive(actor=plan.owner, course=course)
            continue
        for language, title, summary in template.tr:
            if language != course.language:
                services.course_translation_save(
                    actor=plan.owner, course=course, language=language, title=title, summary=summary
                )
        _create_sessions(plan, template, course, rng, now)
    return created


def _create_course(plan: SchoolPlan, template: Template, rng: random.Random, category: Category) -> Course:
    modes = [m for m in template.modes if plan.locations or m == ONLINE]
    mode = modes[0]
    if len(modes) > 1 and rng.random() < 0.4:
        mode = rng.choice(modes[1:])
    teaching = template.teach or plan.languages[0]
    if not template.teach and len(plan.languages) > 1 and rng.random() < 0.25:
        teaching = plan.languages[1]
    low, high = template.group
    high = max(low, high + rng.choice([-2, 0, 0, 0, 2]))
    euros = template.price * rng.choice([0.9, 1, 1, 1, 1.1]) if template.price else 0
    if not template.price:
        policy = CancellationPolicy.FLEXIBLE
    elif template.meetings == 1:
        policy = rng.choice([CancellationPolicy.FLEXIBLE, CancellationPolicy.FLEXIBLE, CancellationPolicy.MODERATE])
    else:
        policy = rng.choice([CancellationPolicy.MODERATE, CancellationPolicy.MODERATE, CancellationPolicy.STRICT,
                             CancellationPolicy.FLEXIBLE])  # fmt: skip
    return services.course_create(
        actor=plan.owner,
        school=plan.school,
        skill_tags=list(template.skills),
        title=template.title,
        summary=template.summary,
        description=template.description,
        language="en",  # the library is written in English; translations add other languages
        category=category,
        level=template.level,
        teaching_language=teaching,
        delivery_mode=mode,
        duration_hours=Decimal(template.hours) * template.meetings,
        price=local_price(euros, plan.currency),
        currency=plan.currency,
        included=template.included,
        prerequisites=template.prerequisites,
        audience=template.audience,
        min_group_size=low,
        max_group_size=high,
        cancellation_policy=policy,
    )


EVENING_STARTS = [time(18, 0), time(18, 30), time(19, 0), time(19, 30)]
WEEKEND_STARTS = [time(10, 0), time(10, 30), time(11, 0), time(15, 0), time(16, 0)]


def _start_time(slot: str, hours: Decimal, weekend: bool, rng: random.Random) -> time:
    if weekend:
        return rng.choice(WEEKEND_STARTS[:2] if hours >= 5 else WEEKEND_STARTS)
    return rng.choice(EVENING_STARTS[:2] if hours >= 3 else EVENING_STARTS)


def _create_sessions(
    plan: SchoolPlan, template: Template, course: Course, rng: random.Random, now: datetime
) -> list[Session]:
    hours = Decimal(template.hours)
    span = 7 * (template.meetings - 1)
    first_day, last_day = 3, HORIZON_DAYS - 2 - span  # whole local days from today
    count = rng.choice([1, 2, 2, 3]) if template.meetings > 1 else rng.choice([2, 3, 3])
    width = (last_day - first_day + 1) // count
    sessions = []
    for k in range(count):
        online = course.delivery_mode == ONLINE or (course.delivery_mode == HYBRID and rng.random() < 0.4)
        location = None if online else rng.choice(plan.locations)
        tz = location.timezone if location else plan.timezone
        today = now.astimezone(zone(tz)).date()
        weekend = template.slot == "weekend" or (template.slot == "any" and rng.random() < 0.5)
        weekday = rng.choice([5, 6] if weekend else [0, 1, 2, 3])
        offset = first_day + k * width + rng.randrange(max(width, 1))
        day = today + timedelta(days=offset)
        day += timedelta(days=(weekday - day.weekday()) % 7)
        if (day - today).days > last_day:
            day -= timedelta(days=7)
        start = _start_time(template.slot, hours, weekend, rng)
        meetings = []
        for week in range(template.meetings):
            begins = datetime.combine(day + timedelta(days=7 * week), start)
            meetings.append(MeetingInput(begins, begins + timedelta(minutes=int(hours * 60))))
        room, capacity = _room(location, course, rng)
        deadline = None
        if rng.random() < 0.25:
            deadline = datetime.combine(day - timedelta(days=2), time(20, 0))
        price_override = None
        if count > 1 and k == count - 1 and course.price and rng.random() < 0.35:
            price_override = local_price(
                course.price * Decimal("0.9") / PRICE_SCALE[course.currency][0], course.currency
            )
        data = SessionInput(
            timezone=tz,
            capacity=capacity,
            meetings=meetings,
            is_online=online,
            location=location,
            room=room,
            instructors=_instructors(plan, course, rng),
            price_override=price_override,
            booking_deadline_local=deadline,
            # Random demo plans may double-book; the owner's override is audited like a real one.
            conflict_override="Demo schedule",
        )
        sessions.append(services.session_create(actor=plan.owner, course=course, data=data))
    return sessions


def _room(location: Location | None, course: Course, rng: random.Random) -> tuple[Room | None, int]:
    if location is None:
        return None, course.max_group_size
    rooms = [r for r in location.rooms.all() if r.capacity >= course.min_group_size]
    if not rooms:
        return None, course.max_group_size
    # Prefer a room that fits the whole group; otherwise the room's size caps the session.
    fitting = [r for r in rooms if r.capacity >= course.max_group_size] or rooms
    room = rng.choice(fitting)
    return room, min(course.max_group_size, room.capacity)


def _instructors(plan: SchoolPlan, course: Course, rng: random.Random) -> tuple[Instructor, ...]:
    if not plan.instructors:
        return ()
    speaking = [i for i in plan.instructors if course.teaching_language in (i.languages or [])] or plan.instructors
    how_many = 2 if len(speaking) > 1 and rng.random() < 0.25 else 1
    return tuple(rng.sample(speaking, how_many))


def school_offers() -> dict[str, list[str]]:
    """Which templates each school would get (for checking the mapping by eye)."""
    owners = {m.school_id: m.user for m in Membership.objects.filter(role=Role.OWNER).select_related("user")}
    result = {}
    for school in School.objects.filter(id__in=owners).order_by("slug").prefetch_related("locations"):
        plan = _plan(school, owners[school.id])
        result[school.slug] = [f"{t.category}: {t.title}" for t in plan.pool]
    return result
