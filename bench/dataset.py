"""Bulk loaders for benchmarks: a realistic catalog in seconds.

Benchmarks need volume, not the services' per-row checks and audit trail, so
these functions write with `bulk_create` straight into the tables (never use
them for real data). They need a configured Django (`bench.setup_django`)
and an empty, migrated database; every choice comes from one seeded RNG, so
the same arguments load the same data (dates are relative to the load time).

    info = load_catalog(courses=10_000, sessions=50_000)
    info.course_slugs, info.cities, info.session_ids  # for URLs and bookings
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

BATCH = 2000

# city, country, time zone, latitude, longitude, currency, content language
CITIES = [
    ("Madrid", "ES", "Europe/Madrid", "40.416775", "-3.703790", "EUR", "es"),
    ("Barcelona", "ES", "Europe/Madrid", "41.385063", "2.173404", "EUR", "es"),
    ("Berlin", "DE", "Europe/Berlin", "52.520008", "13.404954", "EUR", "de"),
    ("Munich", "DE", "Europe/Berlin", "48.135124", "11.581981", "EUR", "de"),
    ("Paris", "FR", "Europe/Paris", "48.856613", "2.352222", "EUR", "fr"),
    ("Lyon", "FR", "Europe/Paris", "45.764043", "4.835659", "EUR", "fr"),
    ("Lisbon", "PT", "Europe/Lisbon", "38.722252", "-9.139337", "EUR", "en"),
    ("Amsterdam", "NL", "Europe/Amsterdam", "52.367573", "4.904139", "EUR", "en"),
    ("London", "GB", "Europe/London", "51.507351", "-0.127758", "GBP", "en"),
    ("Manchester", "GB", "Europe/London", "53.480759", "-2.242631", "GBP", "en"),
    ("Zurich", "CH", "Europe/Zurich", "47.376888", "8.541694", "CHF", "de"),
    ("New York", "US", "America/New_York", "40.712776", "-74.005974", "USD", "en"),
    ("San Francisco", "US", "America/Los_Angeles", "37.774929", "-122.419418", "USD", "en"),
    ("Mexico City", "MX", "America/Mexico_City", "19.432608", "-99.133209", "MXN", "es"),
    ("Tokyo", "JP", "Asia/Tokyo", "35.676192", "139.650311", "JPY", "en"),
    ("Dubai", "AE", "Asia/Dubai", "25.204849", "55.270783", "AED", "ar"),
    ("Cairo", "EG", "Africa/Cairo", "30.044420", "31.235712", "EGP", "ar"),
    ("Sydney", "AU", "Australia/Sydney", "-33.868820", "151.209290", "AUD", "en"),
]
PRICE_SCALE = {"JPY": 150, "MXN": 18, "EGP": 48, "AED": 4}  # rough units per euro

WORDS = [
    "conversation", "grammar", "beginners", "intensive", "weekend", "evening", "masterclass", "workshop",
    "practical", "studio", "foundations", "advanced", "bootcamp", "tasting", "techniques", "portfolio",
]  # fmt: skip
DESCRIPTION = (
    "## What you will do\n\nSmall groups, a lot of practice and feedback from a teacher who knows the "
    "subject well. Each meeting mixes a short explanation with **hands-on work**; you leave with notes "
    "and exercises for the week.\n\n- Learn the essentials step by step\n- Practise with the group\n"
    "- Get personal feedback\n\nBring curiosity; everything else is provided. "
)


@dataclass
class CatalogInfo:
    """What a benchmark needs to address the loaded data."""

    course_slugs: list[str] = field(default_factory=list)
    session_ids: list[int] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    category_slugs: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def load_catalog(*, courses: int = 10_000, sessions: int = 50_000, schools: int = 200, seed: int = 42) -> CatalogInfo:
    """Load `courses` published courses with `sessions` sessions (meetings,
    instructors, rooms, skills) spread over schools in several cities,
    categories and currencies. Returns what URLs and later benchmarks need."""
    from coursemarket.catalog.models import Category, Course, CourseTranslation, Meeting, Session, Skill
    from coursemarket.demo import categories as demo_categories
    from coursemarket.schools.models import Instructor, Location, Room, School

    rng = random.Random(seed)
    now = timezone.now()
    info = CatalogInfo(cities=sorted({c[0] for c in CITIES}))
    with transaction.atomic():
        demo_categories.seed()  # the demo's category tree, in every language
        leaves = list(Category.objects.filter(parent__isnull=False).values_list("id", "slug"))
        info.category_slugs = [slug for _id, slug in leaves]
        skills = Skill.objects.bulk_create(
            [Skill(name=f"Skill {n} {rng.choice(WORDS)}", slug=f"bench-skill-{n}") for n in range(300)],
            batch_size=BATCH,
        )

        school_rows = []
        for n in range(schools):
            city = CITIES[n % len(CITIES)]
            school_rows.append(
                School(
                    name=f"Bench School {n} {city[0]}",
                    slug=f"bench-school-{n}",
                    tagline="Small groups, real practice",
                    default_language=city[6],
                    is_verified=n % 3 == 0,
                )
            )
        school_objs = School.objects.bulk_create(school_rows, batch_size=BATCH)
        school_city = {s.pk: CITIES[n % len(CITIES)] for n, s in enumerate(school_objs)}

        location_rows = []
        for school in school_objs:
            city = school_city[school.pk]
            for n in range(rng.randint(1, 3)):
                location_rows.append(
                    Location(
                        school=school,
                        name=f"Centre {n + 1}",
                        street_address=f"Calle {rng.randint(1, 200)}",
                        city=city[0],
                        country=city[1],
                        timezone=city[2],
                        latitude=Decimal(city[3]),
                        longitude=Decimal(city[4]),
                    )
                )
        locations = Location.objects.bulk_create(location_rows, batch_size=BATCH)
        rooms = Room.objects.bulk_create(
            [
                Room(location=loc, name=f"Room {n + 1}", capacity=rng.randint(8, 24))
                for loc in locations
                for n in range(2)
            ],
            batch_size=BATCH,
        )
        locations_by_school: dict[int, list[Location]] = {}
        for loc in locations:
            locations_by_school.setdefault(loc.school_id, []).append(loc)
        rooms_by_location: dict[int, list[Room]] = {}
        for room in rooms:
            rooms_by_location.setdefault(room.location_id, []).append(room)
        instructors = Instructor.objects.bulk_create(
            [
                Instructor(school=s, name=f"Teacher {s.pk}-{n}", slug=f"bench-teacher-{s.pk}-{n}", headline="10 years")
                for s in school_objs
                for n in range(5)
            ],
            batch_size=BATCH,
        )
        instructors_by_school: dict[int, list[Instructor]] = {}
        for instructor in instructors:
            instructors_by_school.setdefault(instructor.school_id, []).append(instructor)

        course_rows = []
        levels = ["all", "beginner", "elementary", "intermediate", "upper_intermediate", "advanced"]
        for n in range(courses):
            school = school_objs[n % len(school_objs)]
            city = school_city[school.pk]
            mode = rng.choices(["in_person", "online", "hybrid"], weights=[70, 20, 10])[0]
            roll = rng.random()
            price = None if roll < 0.03 else Decimal(0) if roll < 0.08 else Decimal(rng.randrange(20, 900))
            if price:
                price *= PRICE_SCALE.get(city[5], 1)
            title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {n}"
            course_rows.append(
                Course(
                    school=school,
                    slug=f"bench-course-{n}",
                    language=city[6],
                    title=title,
                    summary=f"A {rng.choice(WORDS)} course in {city[0]} for curious people.",
                    description=DESCRIPTION * rng.randint(1, 3),
                    category_id=rng.choice(leaves)[0],
                    level=rng.choice(levels),
                    teaching_language=rng.choice(["en", "es", "de", "fr", "ja", "ar"]),
                    delivery_mode=mode,
                    duration_hours=Decimal(rng.randint(2, 40)),
                    price=price,
                    currency=city[5],
                    included="Materials\nCoffee",
                    prerequisites="None",
                    audience="Adults",
                    min_group_size=1,
                    max_group_size=rng.randint(6, 20),
                    status="published",
                    published_at=now - timedelta(days=rng.randint(1, 700), minutes=n),
                    created_at=now - timedelta(days=rng.randint(700, 900)),
                )
            )
        course_objs = Course.objects.bulk_create(course_rows, batch_size=BATCH)
        info.course_slugs = [c.slug for c in course_objs]
        through = Course.skills.through
        through.objects.bulk_create(
            [
                through(course_id=c.pk, skill_id=s.pk)
                for c in course_objs
                for s in rng.sample(skills, rng.randint(2, 6))
            ],
            batch_size=BATCH,
        )
        CourseTranslation.objects.bulk_create(
            [
                CourseTranslation(course=c, language="en" if c.language != "en" else "es", title=f"{c.title} (tr)")
                for c in course_objs
                if rng.random() < 0.2
            ],
            batch_size=BATCH,
        )

        per_course = _spread(sessions, len(course_objs), rng)
        session_rows: list[Session] = []
        plans: list[list[tuple[datetime, datetime]]] = []
        for course, count in zip(course_objs, per_course, strict=True):
            school_locations = locations_by_school[course.school_id]
            for _ in range(count):
                online = course.delivery_mode == "online" or (course.delivery_mode == "hybrid" and rng.random() < 0.5)
                location = None if online else rng.choice(school_locations)
                room = None if location is None else rng.choice(rooms_by_location[location.pk])
                day = rng.randint(-60, 240)  # a sixth already happened
                start = (now + timedelta(days=day)).replace(hour=rng.choice([9, 10, 17, 18, 19]), minute=0, second=0)
                start = start.replace(microsecond=0)
                length = timedelta(hours=rng.choice([1, 2, 3]))
                meetings = [
                    (start + timedelta(weeks=k), start + timedelta(weeks=k) + length) for k in range(rng.randint(1, 6))
                ]
                capacity = rng.randint(4, 20)
                status = "completed" if day < 0 else "cancelled" if rng.random() < 0.04 else "scheduled"
                plans.append(meetings)
                session_rows.append(
                    Session(
                        course=course,
                        school_id=course.school_id,
                        is_online=online,
                        location=location,
                        room=room,
                        timezone=location.timezone if location else school_city[course.school_id][2],
                        capacity=capacity,
                        seats_taken=rng.choice([0, 0, 1, capacity // 2, capacity - 1, capacity]),
                        price_override=course.price + 10 if course.price and rng.random() < 0.1 else None,
                        booking_deadline=start - timedelta(days=1) if rng.random() < 0.3 else None,
                        status=status,
                        starts_at=meetings[0][0],
                        ends_at=meetings[-1][1],
                    )
                )
        session_objs = Session.objects.bulk_create(session_rows, batch_size=BATCH)
        info.session_ids = [s.pk for s in session_objs]
        Meeting.objects.bulk_create(
            [
                Meeting(session_id=s.pk, starts_at=start, ends_at=end)
                for s, meetings in zip(session_objs, plans, strict=True)
                for start, end in meetings
            ],
            batch_size=BATCH,
        )
        teaches = Session.instructors.through
        teaches.objects.bulk_create(
            [
                teaches(session_id=s.pk, instructor_id=i.pk)
                for s in session_objs
                for i in rng.sample(instructors_by_school[s.school_id], rng.randint(1, 2))
            ],
            batch_size=BATCH,
        )
    info.counts = {
        "schools": len(school_objs),
        "locations": len(locations),
        "instructors": len(instructors),
        "courses": len(course_objs),
        "sessions": len(session_objs),
        "meetings": Meeting.objects.count(),
    }
    return info


def _spread(total: int, buckets: int, rng: random.Random) -> list[int]:
    """`total` split over `buckets`, each at least one, unevenly (1 to ~2x the mean)."""
    if buckets == 0:
        return []
    counts = [1] * buckets
    for _ in range(max(total - buckets, 0)):
        counts[rng.randrange(buckets)] += 1
    return counts


@dataclass
class ShowcaseInfo:
    """The big school and the busy instructor of `load_showcase`."""

    school_slug: str = ""
    instructor_slug: str = ""
    course_slugs: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def load_showcase(*, courses: int = 200, instructor_sessions: int = 50, seed: int = 7) -> ShowcaseInfo:
    """One school with `courses` published courses (1–4 sessions each, a
    quarter already taught) and one of its instructors teaching exactly
    `instructor_sessions` of those sessions (past and upcoming): the school
    page and instructor page at the size the page benchmark measures. Load it
    after `load_catalog` (it reuses its categories and skills)."""
    from coursemarket.catalog.models import Category, Course, Meeting, Session, Skill
    from coursemarket.schools.models import Instructor, Location, Room, School

    rng = random.Random(seed)
    now = timezone.now()
    city = CITIES[0]
    info = ShowcaseInfo(school_slug="bench-showcase-school", instructor_slug="bench-showcase-teacher")
    with transaction.atomic():
        leaves = list(Category.objects.filter(parent__isnull=False).values_list("id", flat=True))
        skills = list(Skill.objects.all()[:60])
        school = School.objects.create(
            name="Bench Showcase School",
            slug=info.school_slug,
            tagline="Two hundred courses, one school",
            default_language=city[6],
            is_verified=True,
        )
        locations = Location.objects.bulk_create(
            [
                Location(
                    school=school,
                    name=f"Showcase centre {n + 1}",
                    street_address=f"Gran Vía {n + 1}",
                    city=city[0],
                    country=city[1],
                    timezone=city[2],
                    latitude=Decimal(city[3]),
                    longitude=Decimal(city[4]),
                )
                for n in range(3)
            ]
        )
        rooms = Room.objects.bulk_create(
            [Room(location=loc, name=f"Room {n + 1}", capacity=16) for loc in locations for n in range(3)]
        )
        busy = Instructor.objects.create(
            school=school, name="Showcase Teacher", slug=info.instructor_slug, headline="Teaches everything"
        )
        others = Instructor.objects.bulk_create(
            [
                Instructor(school=school, name=f"Showcase colleague {n}", slug=f"bench-showcase-colleague-{n}")
                for n in range(8)
            ]
        )
        levels = ["all", "beginner", "elementary", "intermediate", "upper_intermediate", "advanced"]
        course_objs = Course.objects.bulk_create(
            [
                Course(
                    school=school,
                    slug=f"bench-showcase-course-{n}",
                    language=city[6],
                    title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} showcase {n}",
                    summary=f"A {rng.choice(WORDS)} course in {city[0]} for curious people.",
                    description=DESCRIPTION,
                    category_id=rng.choice(leaves),
                    level=rng.choice(levels),
                    teaching_language=rng.choice(["en", "es"]),
                    delivery_mode="in_person",
                    duration_hours=Decimal(rng.randint(2, 40)),
                    price=Decimal(rng.randrange(20, 600)),
                    currency=city[5],
                    min_group_size=1,
                    max_group_size=16,
                    status="published",
                    published_at=now - timedelta(days=rng.randint(1, 700), minutes=n),
                    created_at=now - timedelta(days=800),
                )
                for n in range(courses)
            ],
            batch_size=BATCH,
        )
        info.course_slugs = [c.slug for c in course_objs]
        through = Course.skills.through
        through.objects.bulk_create(
            [through(course_id=c.pk, skill_id=s.pk) for c in course_objs for s in rng.sample(skills, 3)],
            batch_size=BATCH,
        )
        session_rows: list[Session] = []
        plans: list[list[tuple[datetime, datetime]]] = []
        for course in course_objs:
            for _ in range(rng.randint(1, 4)):
                day = rng.randint(-300, 200)  # a quarter already taught
                start = (now + timedelta(days=day)).replace(hour=rng.choice([10, 18]), minute=0, second=0)
                start = start.replace(microsecond=0)
                meetings = [(start + timedelta(weeks=k), start + timedelta(weeks=k, hours=2)) for k in range(4)]
                location = rng.choice(locations)
                capacity = 12
                plans.append(meetings)
                session_rows.append(
                    Session(
                        course=course,
                        school=school,
                        location=location,
                        room=rng.choice([r for r in rooms if r.location_id == location.pk]),
                        timezone=city[2],
                        capacity=capacity,
                        seats_taken=capacity if day < 0 else rng.choice([0, 2, 6, 11]),
                        status="completed" if day < 0 else "scheduled",
                        starts_at=meetings[0][0],
                        ends_at=meetings[-1][1],
                    )
                )
        session_objs = Session.objects.bulk_create(session_rows, batch_size=BATCH)
        Meeting.objects.bulk_create(
            [
                Meeting(session_id=s.pk, starts_at=start, ends_at=end)
                for s, meetings in zip(session_objs, plans, strict=True)
                for start, end in meetings
            ],
            batch_size=BATCH,
        )
        busy_sessions = set(rng.sample(range(len(session_objs)), min(instructor_sessions, len(session_objs))))
        teaches = Session.instructors.through
        teaches.objects.bulk_create(
            [
                teaches(session_id=s.pk, instructor_id=busy.pk if n in busy_sessions else rng.choice(others).pk)
                for n, s in enumerate(session_objs)
            ],
            batch_size=BATCH,
        )
    info.counts = {"courses": len(course_objs), "sessions": len(session_objs), "taught by one": len(busy_sessions)}
    return info
