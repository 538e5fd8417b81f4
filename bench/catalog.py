"""Catalog benchmark: the course page and the filtered listing under load.

For each engine (SQLite, PostgreSQL): a fresh database, migrations, 10,000
published courses with 50,000 sessions (bench.dataset), uvicorn serving the
project's ASGI app with production settings on a free loopback port, a
warm-up, then `hey` with 8 concurrent clients for a fixed time against many
different course pages and filter combinations. Prints requests/s and
p50/p95/p99 latency per page and engine. `make bench-catalog` runs it.

    python -m bench.catalog [--engines sqlite,postgres] [--duration 15] [--clients 8]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from datetime import date, timedelta

from bench import harness

TARGET_P95_MS = 100.0
LEVELS = ["beginner", "elementary", "intermediate", "upper_intermediate", "advanced"]
PARENTS = ["languages", "arts-crafts", "cooking", "music", "dance", "technology"]


def load_in_child() -> None:
    """Runs inside the engine's environment: migrate, load, write the info."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.dataset import load_catalog

    parser = argparse.ArgumentParser()
    parser.add_argument("--courses", type=int, required=True)
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(sys.argv[2:])
    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.monotonic()
    info = load_catalog(courses=args.courses, sessions=args.sessions)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does soon after a bulk load
    loaded = time.monotonic()
    print(f"  migrated in {migrated - started:.1f}s, loaded {info.counts} in {loaded - migrated:.1f}s")
    with open(args.out, "w") as out:
        json.dump({"course_slugs": info.course_slugs, "cities": info.cities, "categories": info.category_slugs}, out)


def listing_url(rng: random.Random, info: dict, today: date) -> str:
    start = today + timedelta(days=rng.randint(0, 30))
    low = rng.choice([0, 20, 50, 100])
    params = {
        "category": rng.choice(PARENTS) if rng.random() < 0.7 else rng.choice(info["categories"]),
        "city": rng.choice([*info["cities"], "online"]),
        "price_min": low,
        "price_max": low + rng.choice([300, 600, 1000]),
        "level": rng.choice(LEVELS),
        "date_from": start.isoformat(),
        "date_to": (start + timedelta(days=rng.choice([60, 120]))).isoformat(),
        "has_seats": "on",
        "sort": rng.choice(["soonest", "price"]),
    }
    return "/en/courses/?" + "&".join(f"{k}={str(v).replace(' ', '+')}" for k, v in params.items())


def bench_engine(engine: str, args: argparse.Namespace) -> dict[str, harness.LoadResult]:
    print(f"\n== {engine}: loading {args.courses} courses, {args.sessions} sessions")
    env = harness.engine_env(engine)
    info_path = harness.BENCH_VAR / f"catalog-{engine}.json"
    harness.BENCH_VAR.mkdir(parents=True, exist_ok=True)
    if args.reuse and info_path.exists():
        harness.manage(env, "migrate", "--noinput", "-v0")  # new migrations since the load
    else:
        harness.reset_database(engine)
        command = [harness.PY, "-m", "bench.catalog", "_load", "--courses", str(args.courses)]
        command += ["--sessions", str(args.sessions), "--out", str(info_path)]
        subprocess.run(command, env=env, cwd=harness.ROOT, check=True)
    info = json.loads(info_path.read_text())
    rng = random.Random(7)
    today = date.today()
    rounds = args.rounds
    course_rounds = [
        [f"/en/courses/{slug}/" for slug in rng.sample(info["course_slugs"], args.clients)] for _ in range(rounds)
    ]
    listing_rounds = [[listing_url(rng, info, today) for _ in range(args.clients)] for _ in range(rounds)]
    pages = {"course page": course_rounds, "filtered listing": listing_rounds}
    if args.unfiltered:
        pages["listing, no filter"] = [["/en/courses/"] * args.clients]

    results: dict[str, harness.LoadResult] = {}
    with harness.asgi_server(env, workers=args.workers) as base:
        for name, url_rounds in pages.items():
            if name == "filtered listing":
                counts = []
                for url in [base + url for round_urls in url_rounds for url in round_urls]:
                    status, html = harness.fetch(url)
                    found = re.search(r"([\d,]+) courses?</h2>", html)
                    counts.append(int(found.group(1).replace(",", "")) if found and status == 200 else 0)
                counts.sort()
                print(f"  listing URLs match {counts[0]}-{counts[-1]} courses (median {counts[len(counts) // 2]})")
                print(f"  e.g. {url_rounds[0][0]}")
            results[name] = harness.load_page(base, name, url_rounds, duration=args.duration, warmup=args.warmup)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--courses", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--duration", type=float, default=15, help="seconds of load per page")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of different URLs within the duration")
    parser.add_argument("--warmup", type=int, default=400, help="requests per page before measuring")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "2")))
    parser.add_argument("--unfiltered", action="store_true", help="also measure /courses/ with no filter")
    parser.add_argument("--reuse", action="store_true", help="keep the databases of the last run")
    args = parser.parse_args()

    harness.ensure_hey()
    engines = harness.selected_engines(args.engines)
    print(
        f"catalog bench: {args.clients} clients, {args.duration:g}s per page in {args.rounds} rounds, "
        f"uvicorn --workers {args.workers}, {os.cpu_count()} CPUs"
    )
    table = {engine: bench_engine(engine, args) for engine in engines}
    return harness.p95_verdicts(table, target_ms=TARGET_P95_MS)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_load":
        load_in_child()
    else:
        sys.exit(main())
