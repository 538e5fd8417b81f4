"""Analytics benchmark: the school dashboard at platform scale.

pretix's users reported a dashboard taking 15 s for 13,000 orders; ours reads
daily rollups (analytics.CourseDay) and computes only today live. For each
engine: a fresh database with a catalog (bench.dataset: 10,000 courses,
30,000 sessions, 2,000 schools, as the issue sets) and `--bookings` confirmed
bookings (1,000,000 by default) spread over the last 400 days, each paid by
one succeeded payment (more than the issue's 300,000 payments), 3 % refunded
and 5 % cancelled, with `--events` course page views per booking (5,000,000);
one large school has 65 courses and 5 % of the bookings and views (50,000
bookings at the default size, 100 times the average school). Then, timed in
one process:

- backfill: `rollup_days` over 400 days for every school (what
  `manage.py analytics_backfill` does once); BENCH_BACKFILL_SAMPLE=N times
  the large school and every N-th other school and scales them up to all
  (the other schools' rollups are then missing from the operator's view,
  which the bench does not time);
- hourly job: `rollup_recent` (yesterday and today of every school);
- the nightly rollup of one day (yesterday, every school);
- the large school's analytics pages (overview, audience, funnel & demand)
  through Django's test client (sign-in, page, template), 30 days / 90 days /
  this year: the first request and the median and p95 of 10 after it (all
  uncached: nothing in the pages is cached, the rollups are the only stored
  help; the process has served one staff page before, so "first" is not
  Python importing the project);
- the same period computed live from bookings and payments without rollups,
  to show what they save;
- each query of today's live part, with its plan on PostgreSQL (the payments
  query must use `payments_by_school_paid`).

Targets (issue 19): each page's p95 < 300 ms for every period at 1,000,000
bookings and 5,000,000 activity events (course views, `--events` per
booking); the nightly rollup of one day < 30 s; the backfill of a year
< 15 minutes (ours is 400 days). Exit 1 when one is missed. `make
bench-analytics` runs it.

    python -m bench.analytics [--engines sqlite,postgres] [--bookings 1000000] [--events 5] [--reuse]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from bench import harness

NAME = "analytics"  # var/bench/analytics.sqlite3
PG_DATABASE = "coursemarket_bench_analytics"
TARGET_MS = 300.0  # each page's p95
NIGHTLY_TARGET_S = 30.0
BACKFILL_TARGET_S = 15 * 60.0
SAMPLES = 10
SCHOOLS = 2_000
LARGE_SHARE = 0.05  # of the bookings and views: 100 times the average school's
LARGE_COURSES = 60
BATCH = 5000


def load_in_child(bookings: int, events_per_booking: int) -> None:
    """Runs inside the engine's environment: the catalog, people, bookings, payments, refunds."""
    import random
    from datetime import timedelta
    from decimal import Decimal

    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from bench.dataset import load_catalog
    from coursemarket.accounts.models import User
    from coursemarket.activity.models import Event, Kind
    from coursemarket.bookings.models import Booking, BookingState
    from coursemarket.catalog.models import Course, Session
    from coursemarket.payments.models import Payment, PaymentState, Refund, RefundState
    from coursemarket.schools.models import Membership, Role, School

    rng = random.Random(19)
    info = load_catalog(courses=10_000, sessions=30_000, schools=SCHOOLS, seed=19)
    # The large school: the first one, given LARGE_COURSES of the others' courses and their sessions.
    large = School.objects.order_by("pk").values_list("pk", flat=True).first()
    moved = list(Course.objects.exclude(school_id=large).order_by("pk").values_list("pk", flat=True)[:LARGE_COURSES])
    Course.objects.filter(pk__in=moved).update(school_id=large)
    Session.objects.filter(course_id__in=moved).update(school_id=large)
    sessions = list(
        Session.objects.filter(course__price__isnull=False).values_list(
            "pk", "school_id", "course__price", "course__currency", "course_id"
        )
    )
    busiest = large
    hot = [s for s in sessions if s[1] == busiest]
    school_of = {pk: school for pk, school, _price, _currency, _course in sessions}
    people = User.objects.bulk_create(
        [User(email=f"analytics{n}@bench.example", display_name=f"Student {n}", language="en") for n in range(20_000)],
        batch_size=BATCH,
    )
    owner = User.objects.create_user(email="owner@bench.example", password=None)  # signed in by force_login
    Membership.objects.create(school=School.objects.get(pk=busiest), user=owner, role=Role.OWNER)
    booking_type = ContentType.objects.get_for_model(Booking)
    now = timezone.now()
    made = 0
    while made < bookings:
        size = min(BATCH, bookings - made)
        rows = []
        for n in range(size):
            pk, _school, price, currency, _course = (
                rng.choice(hot) if rng.random() < LARGE_SHARE else rng.choice(sessions)
            )
            confirmed = now - timedelta(seconds=rng.randint(0, 400 * 86400))
            cancelled = rng.random() < 0.05
            seats = 1 if rng.random() < 0.8 else 2
            rows.append(
                Booking(
                    reference=f"X{made + n:011d}", student=rng.choice(people), session_id=pk, seats=seats,
                    request_key=f"bench-{made + n}",
                    state=BookingState.CANCELLED if cancelled else BookingState.CONFIRMED,
                    unit_price=price, currency=currency, total=price * seats, confirmed_at=confirmed,
                    cancelled_at=confirmed + timedelta(days=1) if cancelled else None, created_at=confirmed,
                )
            )  # fmt: skip
        with transaction.atomic():
            created = Booking.objects.bulk_create(rows, batch_size=BATCH)
            payments = Payment.objects.bulk_create(
                [
                    Payment(
                        payable_type=booking_type, payable_id=b.pk, payer_id=b.student_id,
                        school_id=school_of[b.session_id], provider="stripe", amount=b.total, currency=b.currency,
                        state=PaymentState.SUCCEEDED, idempotency_key=f"bench-pay-{b.pk}", created_at=b.confirmed_at,
                        succeeded_at=b.confirmed_at,
                    )
                    for b in created
                ],
                batch_size=BATCH,
            )  # fmt: skip
            Refund.objects.bulk_create(
                [
                    Refund(payment=p, amount=(p.amount / 2).quantize(Decimal("0.01")), key=f"bench-refund-{p.pk}",
                           state=RefundState.SUCCEEDED, completed_at=p.succeeded_at + timedelta(days=2))
                    for p in payments if rng.random() < 0.03
                ],
                batch_size=BATCH,
            )  # fmt: skip
            # Course page views, as many per booking as asked, over the same days and courses.
            Event.objects.bulk_create(
                [
                    Event(kind=Kind.COURSE_VIEW, object_type="course", object_id=course, school_id=school,
                          anonymous_id=f"v{rng.randrange(10**9)}",
                          created_at=now - timedelta(seconds=rng.randint(0, 400 * 86400)))
                    for _pk, school, _price, _currency, course in (
                        rng.choice(hot) if rng.random() < LARGE_SHARE else rng.choice(sessions)
                        for _n in range(size * events_per_booking)
                    )
                ],
                batch_size=BATCH,
            )  # fmt: skip
        made += size
        print(f"  {made:,} bookings, {made * events_per_booking:,} events", file=sys.stderr, flush=True)
    print(f"  catalog: {info.counts}", file=sys.stderr)
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does to a table that stopped changing, before anyone reads: statistics, and the
        # visibility map that lets index-only scans skip the table (a database in use is in that state; one
        # just loaded is not, and read every booking row from the heap).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def measure_in_child(out: str) -> None:
    """Runs inside the engine's environment: time the backfill, the job and the page."""
    from datetime import timedelta

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from coursemarket.accounts.models import User
    from coursemarket.activity.models import Event
    from coursemarket.analytics.models import CourseDay, FunnelDay, SchoolStudent
    from coursemarket.analytics.rollups import compute_course_days
    from coursemarket.analytics.services import rollup_days, rollup_recent
    from coursemarket.analytics.zones import local_today, school_zone
    from coursemarket.bookings.models import Booking
    from coursemarket.schools.models import School

    result: dict[str, object] = {"bookings": Booking.objects.count()}
    owner = User.objects.get(email="owner@bench.example")
    school = School.objects.get(memberships__user=owner)
    result["busiest_school_bookings"] = Booking.objects.filter(session__school=school).count()
    zone = school_zone(school)
    today = local_today(zone)

    result["events"] = Event.objects.count()
    sample = int(os.environ.get("BENCH_BACKFILL_SAMPLE", "1"))
    schools = list(School.objects.order_by("pk"))
    timed = [one for n, one in enumerate(schools) if n % sample == 0 and one.pk != school.pk]
    for model in (CourseDay, FunnelDay, SchoolStudent):
        model.objects.all().delete()
    started = time.perf_counter()
    large = rollup_days(start=today - timedelta(days=400), end=today, school=school)
    result["backfill_large_school_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    rows = large.rows
    for one in timed:
        rows += rollup_days(start=today - timedelta(days=400), end=today, school=one).rows
    others = time.perf_counter() - started
    # Every school but the large one, or every `sample`-th of them scaled up to all (BENCH_BACKFILL_SAMPLE).
    result["backfill_s"] = round(
        result["backfill_large_school_s"] + others * (len(schools) - 1) / max(len(timed), 1), 1
    )
    result["backfill_sample"] = sample
    result["rollup_rows"] = rows
    started = time.perf_counter()
    rollup_days(start=today - timedelta(days=1), end=today - timedelta(days=1))
    result["nightly_one_day_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    rollup_recent()
    result["hourly_job_s"] = round(time.perf_counter() - started, 2)

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(owner)
    assert client.get(reverse("schools:dashboard", kwargs={"slug": school.slug})).status_code == 200  # warm up
    url = reverse("analytics:dashboard", kwargs={"slug": school.slug})
    pages: dict[str, dict[str, float]] = {}
    for name in ("dashboard", "audience", "funnel"):
        page_url = reverse(f"analytics:{name}", kwargs={"slug": school.slug})
        for period in ("30", "90", "year"):
            times = []
            for _ in range(SAMPLES + 1):
                started = time.perf_counter()
                response = client.get(f"{page_url}?period={period}")
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            rest = sorted(times[1:])
            figures = {"first_ms": round(times[0]), "median_ms": round(statistics.median(rest)),
                       "p95_ms": round(statistics.quantiles(rest, n=20, method="inclusive")[18])}  # fmt: skip
            pages[f"{name} {period}"] = figures
    result["pages"] = pages
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{url}?period=90")
    result["dashboard_queries"] = len(queries.captured_queries)

    started = time.perf_counter()
    compute_course_days(school=school, start=today - timedelta(days=89), end=today, zone=zone)
    result["live_90_days_without_rollups_ms"] = round((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        compute_course_days(school=school, start=today, end=today, zone=zone)
    result["live_today_ms"] = round((time.perf_counter() - started) * 1000)
    if connection.vendor == "postgresql":
        paid = next(
            q["sql"] for q in queries.captured_queries if "payments_payment" in q["sql"].split("FROM", 1)[1][:40]
        )
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + paid)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        result["payments_query_uses_index"] = "payments_by_school_paid" in plan
    with open(out, "w") as handle:
        json.dump(result, handle)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=5, help="course page views per booking")
    parser.add_argument("--reuse", action="store_true", help="keep the loaded databases of the last run")
    args = parser.parse_args()
    missed = 0
    for engine in harness.selected_engines(args.engines):
        env = harness.engine_env(engine, name=NAME, database=PG_DATABASE)
        env["ALLOWED_HOSTS"] = "127.0.0.1"
        if not args.reuse:
            harness.reset_database(engine, name=NAME, database=PG_DATABASE)
        harness.manage(env, "migrate", "--noinput", "-v0")  # a reused database may predate a migration
        if not args.reuse:
            started = time.perf_counter()
            subprocess.run([harness.PY, "-m", "bench.analytics", "--child-load", str(args.bookings), str(args.events)],
                           env=env, cwd=harness.ROOT, check=True)  # fmt: skip
            print(f"{engine}: loaded in {time.perf_counter() - started:.0f} s", flush=True)
        harness.BENCH_VAR.mkdir(parents=True, exist_ok=True)  # PostgreSQL alone: no SQLite file made it
        out = str(harness.BENCH_VAR / f"analytics-{engine}.json")
        subprocess.run([harness.PY, "-m", "bench.analytics", "--child-measure", out], env=env, cwd=harness.ROOT,
                       check=True)  # fmt: skip
        with open(out) as handle:
            result = json.load(handle)
        print(f"\n{engine}: {result['bookings']:,} bookings, {result['events']:,} events,"
              f" the large school {result['busiest_school_bookings']:,} bookings")  # fmt: skip
        backfill_ok = result["backfill_s"] <= BACKFILL_TARGET_S
        nightly_ok = result["nightly_one_day_s"] <= NIGHTLY_TARGET_S
        missed += (not backfill_ok) + (not nightly_ok)
        sampled = (
            "" if result["backfill_sample"] == 1 else f", every {result['backfill_sample']}th school timed, scaled"
        )
        print(f"  backfill (400 days, every school{sampled}): {result['backfill_s']} s (the large school"
              f" {result['backfill_large_school_s']} s), {result['rollup_rows']:,} rows  "
              f"{'ok' if backfill_ok else 'MISSED'} (target {BACKFILL_TARGET_S:.0f} s)")  # fmt: skip
        print(f"  nightly rollup of one day (every school): {result['nightly_one_day_s']} s  "
              f"{'ok' if nightly_ok else 'MISSED'} (target {NIGHTLY_TARGET_S:.0f} s)")  # fmt: skip
        print(f"  hourly job (yesterday and today, every school): {result['hourly_job_s']} s")
        for page, figures in result["pages"].items():
            verdict = "ok" if figures["p95_ms"] < TARGET_MS else f"MISSED (target p95 < {TARGET_MS:.0f} ms)"
            missed += figures["p95_ms"] >= TARGET_MS
            print(f"  {page:>14}: first (uncached) {figures['first_ms']} ms, median {figures['median_ms']} ms,"
                  f" p95 {figures['p95_ms']} ms  {verdict}")  # fmt: skip
        print(f"  dashboard queries: {result['dashboard_queries']}")
        print(f"  90 days computed live, without rollups: {result['live_90_days_without_rollups_ms']} ms;"
              f" today live: {result['live_today_ms']} ms")  # fmt: skip
        if "payments_query_uses_index" in result:
            print(f"  payments query uses payments_by_school_paid: {result['payments_query_uses_index']}")
    return 1 if missed else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child-load":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursemarket.config.production")
        load_in_child(int(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--child-measure":
        measure_in_child(sys.argv[2])
    else:
        sys.exit(main())
