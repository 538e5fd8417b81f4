"""Demo activity: course page views over the demo's past, so a school's
funnel (views → booking started → checkout → paid) and its views → bookings
figures have something true to show.

For every booking of the demo, the student's own signed-in view of the
course shortly before it (the funnel attributes a booking to the channel of
that view) and anonymous visitors' views in the two weeks before it, about
ten per booking, from search engines, our own pages, other sites, campaign
links or nowhere. Bulk inserts, like the rest of the demo's history: the log
is written by the request middleware, which a made-up past never went
through. Idempotent: nothing is added once the demo's views exist."""

from __future__ import annotations

import random
from datetime import timedelta

from coursemarket.activity.models import Channel, Event, Kind
from coursemarket.bookings.models import Booking
from coursemarket.catalog.activity_pages import COURSE

VISITOR = "demo-visitor-"  # starts every anonymous view's visitor id
CHANNELS = (Channel.SEARCH, Channel.INTERNAL, Channel.DIRECT, Channel.REFERRAL, Channel.CAMPAIGN)
WEIGHTS = (35, 30, 20, 10, 5)


def seed() -> list[str]:
    if Event.objects.filter(kind=Kind.COURSE_VIEW, anonymous_id__startswith=VISITOR).exists():
        return []
    rng = random.Random(19)
    rows: list[Event] = []
    bookings = Booking.objects.order_by("pk").values_list(
        "student_id", "session__course_id", "session__school_id", "created_at", "student__language"
    )
    for student_id, course_id, school_id, created, language in bookings:
        rows.append(
            Event(
                kind=Kind.COURSE_VIEW, user_id=student_id, object_type=COURSE, object_id=course_id,
                school_id=school_id, channel=rng.choices(CHANNELS, WEIGHTS)[0], language=language,
                created_at=created - timedelta(minutes=rng.randint(3, 90)),
            )
        )  # fmt: skip
        for _n in range(rng.randint(5, 15)):
            rows.append(
                Event(
                    kind=Kind.COURSE_VIEW, anonymous_id=f"{VISITOR}{rng.randrange(10**9)}", object_type=COURSE,
                    object_id=course_id, school_id=school_id, channel=rng.choices(CHANNELS, WEIGHTS)[0],
                    created_at=created - timedelta(minutes=rng.randint(5, 14 * 24 * 60)),
                )
            )  # fmt: skip
    Event.objects.bulk_create(rows, batch_size=2000)
    return [f"course views: {len(rows)}"] if rows else []
