"""Saved-search alerts and the activity log at catalog scale, on SQLite and PostgreSQL.

    make bench-alerts                      # both engines (PostgreSQL when a server answers)
    python -m bench.alerts --engines sqlite --courses 10000 --searches 2000

For each engine: a fresh database, the catalog dataset (bench/dataset.py),
people with verified addresses and saved searches made of real listing
parameters (words from titles, categories, cities, levels, prices), then,
in-process with production settings:

1. the alerts job's first run (nothing new: every search runs, sees full
   sessions, sends nothing);
2. new sessions published on random courses, then the job again (emails
   queued, one per person);
3. the job once more with every search due (nothing twice: no email);
4. the activity log: recording events through the buffer (batched INSERTs),
   per event, amortised over the flushes.

Prints wall time, queries and queries per saved search for each run.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time

from bench import harness

WORDS = ["spanish", "python", "pottery", "guitar", "yoga", "photography", "baking", "french", "design", "dance"]
LEVELS = ["beginner", "intermediate", "advanced"]
PARENTS = ["languages", "arts-crafts", "cooking", "music", "dance", "technology"]


def run_in_child() -> None:
    import django

    django.setup()
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.core.management import call_command
    from django.db import connection
    from django.test import RequestFactory
    from django.utils import timezone

    from bench.dataset import load_catalog
    from coursemarket.accounts.models import User
    from coursemarket.activity import buffer
    from coursemarket.activity.models import Event
    from coursemarket.activity.services import activity_record
    from coursemarket.alerts.models import Frequency, SavedSearch
    from coursemarket.alerts.services import alerts_send
    from coursemarket.catalog.models import Session
    from coursemarket.notifications.models import OutboxMessage

    parser = argparse.ArgumentParser()
    parser.add_argument("--courses", type=int, required=True)
    parser.add_argument("--searches", type=int, required=True)
    parser.add_argument("--new-sessions", type=int, required=True)
    parser.add_argument("--events", type=int, required=True)
    args = parser.parse_args(sys.argv[2:])
    rng = random.Random(11)

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    info = load_catalog(courses=args.courses, sessions=args.courses * 5)
    people = max(1, args.searches // 4)
    users = User.objects.bulk_create(
        [User(email=f"student{i}@bench.example", display_name=f"Student {i}", language="en") for i in range(people)]
    )
    EmailAddress.objects.bulk_create([EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users])
    past = timezone.now() - timedelta(days=30)
    saved_at = timezone.now()  # news: what is published after the searches were saved
    searches = []
    for i in range(args.searches):
        params = [f"q={rng.choice(WORDS)}"] if rng.random() < 0.5 else []
        if rng.random() < 0.5:
            params.append(f"category={rng.choice(PARENTS)}")
        if rng.random() < 0.5:
            params.append(f"city={rng.choice([*info.cities, 'online']).replace(' ', '+')}")
        if rng.random() < 0.3:
            params.append(f"level={rng.choice(LEVELS)}")
        if rng.random() < 0.3:
            params.append(f"price_max={rng.choice([100, 300, 600])}")
        searches.append(
            SavedSearch(
                user=users[i % people],
                name=f"Search {i}",
                query_string="&".join(sorted(params)),
                frequency=Frequency.INSTANT,
                baseline_at=saved_at,
                created_at=past,
            )
        )
    SavedSearch.objects.bulk_create(searches)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"  loaded {info.counts}, {people} people, {args.searches} saved searches in {time.monotonic() - started:.0f}s"
    )

    def job(label: str, now: object) -> None:
        before = OutboxMessage.objects.count()
        count = [0]

        def counter(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            began = time.monotonic()
            alerts_send(now=now)  # type: ignore[arg-type]
            took = time.monotonic() - began
        emails = OutboxMessage.objects.count() - before
        per = count[0] / args.searches
        print(f"  {label:<44} {took:7.2f} s  {count[0]:7d} queries ({per:.1f}/search)  {emails:5d} emails")

    job("alerts job, first run (nothing new)", timezone.now())
    # Publish new sessions: copies of random upcoming sessions, created now.
    ids = rng.sample(info.session_ids, min(args.new_sessions, len(info.session_ids)))
    copies = []
    for session in Session.objects.filter(pk__in=ids, starts_at__gt=timezone.now()):
        session.pk = None
        session.created_at = timezone.now()
        session.seats_taken = 0
        copies.append(session)
    Session.objects.bulk_create(copies)
    job(f"alerts job, {len(copies)} sessions published", timezone.now() + timedelta(minutes=5))
    job("alerts job, next run (nothing twice)", timezone.now() + timedelta(minutes=10))

    request = RequestFactory().get("/en/courses/?q=spanish", HTTP_USER_AGENT="Mozilla/5.0 Chrome/131")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    request.session = None  # type: ignore[attr-defined]
    buffer.flush()
    began = time.monotonic()
    for i in range(args.events):
        activity_record(request=request, kind="search", query=rng.choice(WORDS), result_count=i % 7)
    buffer.flush()
    took = time.monotonic() - began
    written = Event.objects.count()
    print(
        f"  activity: {written} events in {took:.2f} s = {took / args.events * 1e6:.0f} µs/event amortised "
        f"({buffer.batch_size()} events per INSERT)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--courses", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=2_000)
    parser.add_argument("--new-sessions", type=int, default=500)
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    for engine in args.engines.split(","):
        if engine == "postgres" and not harness.postgres_available():
            print("postgres: no server answers, skipped")
            continue
        print(f"{engine}:")
        harness.reset_database(engine, name="alerts", database="coursemarket_bench_alerts")
        env = harness.engine_env(engine, name="alerts", database="coursemarket_bench_alerts")
        env["ACTIVITY_FLUSH_SECONDS"] = "0"
        command = [
            harness.PY, "-m", "bench.alerts", "--child",
            "--courses", str(args.courses), "--searches", str(args.searches),
            "--new-sessions", str(args.new_sessions), "--events", str(args.events),
        ]  # fmt: skip
        subprocess.run(command, env=env, cwd=harness.ROOT, check=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        run_in_child()
    else:
        sys.exit(main())
