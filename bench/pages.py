"""Page benchmark: what a first (uncached) visit to the public pages costs,
measured against the server's bare endpoint in the same run.

For each engine: a fresh database with the catalog of bench.dataset (10,000
courses by default) plus a showcase school with 200 courses and an instructor
teaching 50 sessions (`load_showcase`); uvicorn with production settings and
`--workers 2`; then 8 `hey` clients per page for `--duration`
seconds each, in three cache modes — `cold` (page cache and shared fragments
off: every request renders everything, a true first visit), `off`
(`CATALOG_PAGE_CACHE_SECONDS=0`, fragments on: the first visit to an address
after others saw the course) and `on`:

- `/robots.txt` (the bare endpoint: routing, middleware, no template),
- the course page (different courses in each round),
- the school page of the 200-course school,
- the instructor page of the 50-session instructor.

Prints requests/s, p50/p95, each page's requests/s as a % of robots.txt, and
the web server's CPU time per request (its processes only; PostgreSQL's is
not in it), which depends far less than requests/s on what else the machine
is doing.
Targets without the page cache (cold and off): ≥ 10 % of robots.txt and
p95 < 80 ms; exit 1 when one is missed. `make bench-pages` runs it.

    python -m bench.pages [--engines postgres] [--courses 10000] [--duration 10] [--cache cold,off,on] [--reuse]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import subprocess
import sys
import time

from bench import harness

TARGET_SHARE = 10.0  # % of robots.txt requests/s
TARGET_P95_MS = 80.0
NAME = "pages"  # var/bench/pages.sqlite3
PG_DATABASE = "coursemarket_bench_pages"


def load_in_child() -> None:
    """Runs inside the engine's environment: migrate, load, write the info."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.dataset import load_catalog, load_showcase

    parser = argparse.ArgumentParser()
    parser.add_argument("--courses", type=int, required=True)
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(sys.argv[2:])
    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.monotonic()
    info = load_catalog(courses=args.courses, sessions=args.sessions)
    showcase = load_showcase(courses=200, instructor_sessions=50)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does soon after a bulk load
    loaded = time.monotonic()
    print(f"  migrated in {migrated - started:.1f}s, loaded {info.counts} + showcase {showcase.counts}")
    print(f"  in {loaded - migrated:.1f}s")
    with open(args.out, "w") as out:
        json.dump(
            {
                "course_slugs": info.course_slugs,
                "school_slug": showcase.school_slug,
                "instructor_slug": showcase.instructor_slug,
            },
            out,
        )


def server_cpu_seconds(base: str) -> float:
    """CPU time (user + system) used so far by the uvicorn serving `base` and
    its workers (its session: harness.asgi_server starts it in a new one).
    Unlike requests/s, this hardly moves with the machine's other load."""
    port = base.rsplit(":", 1)[1].encode()
    stats: dict[str, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as f:
                stats[entry] = f.read().rsplit(")", 1)[1].split()
    session = None
    for pid in stats:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
            if b"uvicorn" in argv and port in argv:
                session = stats[pid][3]
    ticks = os.sysconf("SC_CLK_TCK")
    return sum((int(f[11]) + int(f[12])) / ticks for f in stats.values() if session and f[3] == session)


def info_path(engine: str):  # type: ignore[no-untyped-def]
    return harness.BENCH_VAR / f"pages-{engine}.json"


def prepare(engine: str, args: argparse.Namespace) -> dict:
    env = harness.engine_env(engine, name=NAME, database=PG_DATABASE)
    path = info_path(engine)
    harness.BENCH_VAR.mkdir(parents=True, exist_ok=True)
    if args.reuse and path.exists():
        print(f"\n== {engine}: reusing the database of the last run")
        harness.manage(env, "migrate", "--noinput", "-v0")  # new migrations since the load
    else:
        print(f"\n== {engine}: loading {args.courses} courses, {args.sessions} sessions + the showcase school")
        harness.reset_database(engine, name=NAME, database=PG_DATABASE)
        command = [harness.PY, "-m", "bench.pages", "_load", "--courses", str(args.courses)]
        command += ["--sessions", str(args.sessions), "--out", str(path)]
        subprocess.run(command, env=env, cwd=harness.ROOT, check=True)
    return json.loads(path.read_text())


def measure(
    engine: str, cache: str, info: dict, args: argparse.Namespace, cpu_ms: dict[str, float]
) -> dict[str, harness.LoadResult]:
    env = harness.engine_env(engine, name=NAME, database=PG_DATABASE)
    if cache in ("off", "cold"):
        env["CATALOG_PAGE_CACHE_SECONDS"] = "0"
    if cache == "cold":
        env["CATALOG_FRAGMENT_CACHE_SECONDS"] = "0"
    rng = random.Random(11)
    rounds = args.rounds
    pages: dict[str, list[list[str]]] = {
        "robots.txt": [["/robots.txt"] * args.clients],
        "course page": [
            [f"/en/courses/{slug}/" for slug in rng.sample(info["course_slugs"], args.clients)] for _ in range(rounds)
        ],
        "school page": [[f"/en/schools/{info['school_slug']}/"] * args.clients],
        "instructor page": [[f"/en/instructors/{info['instructor_slug']}/"] * args.clients],
    }
    results: dict[str, harness.LoadResult] = {}
    print(f"-- {engine}, page cache {cache}")
    with harness.asgi_server(env, workers=args.workers) as base:
        for name, url_rounds in pages.items():
            urls = [base + url for round_urls in url_rounds for url in round_urls]
            for url in dict.fromkeys(urls):
                status, _html = harness.fetch(url)
                if status != 200:
                    raise SystemExit(f"{url} answered {status}")
            harness.warm_up(list(dict.fromkeys(urls)), requests=args.warmup)
            load_before = os.getloadavg()[0]
            cpu_before = server_cpu_seconds(base)
            result = harness.run_load(
                [[base + url for url in round_urls] for round_urls in url_rounds],
                seconds_per_round=args.duration / len(url_rounds),
            )
            cpu_ms[name] = (server_cpu_seconds(base) - cpu_before) * 1000 / max(result.requests, 1)
            results[name] = result
            print(
                f"  {name:<16} {result.rps:8.1f} req/s  p50 {result.p50_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms  "
                f"server CPU {cpu_ms[name]:5.1f} ms/request  ({result.requests} requests, {result.errors} errors, "
                f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f})"
            )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--courses", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=0, help="default: 5 per course")
    parser.add_argument(
        "--cache",
        default="cold,off,on",
        help="cache modes: cold (no page cache, no fragments: every request renders everything), "
        "off (no page cache; shared fragments on), on (page cache)",
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per page")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of different course pages within the duration")
    parser.add_argument("--warmup", type=int, default=80, help="requests per page before measuring")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "2")))
    parser.add_argument("--reuse", action="store_true", help="keep the databases of the last run")
    args = parser.parse_args()
    args.sessions = args.sessions or args.courses * 5

    harness.ensure_hey()
    engines = harness.selected_engines(args.engines)
    caches = [c.strip() for c in args.cache.split(",") if c.strip()]
    print(
        f"page bench: {args.clients} clients, {args.duration:g}s per page, "
        f"uvicorn --workers {args.workers}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    table: dict[tuple[str, str], dict[str, harness.LoadResult]] = {}
    cpu: dict[tuple[str, str], dict[str, float]] = {}
    for engine in engines:
        info = prepare(engine, args)
        for cache in caches:
            cpu[engine, cache] = {}
            table[engine, cache] = measure(engine, cache, info, args, cpu[engine, cache])

    print(
        f"\n{'engine':<9} {'cache':<5} {'page':<16} {'req/s':>8} {'% robots':>9} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'CPU ms':>7}"
        f"  target (cold, off): ≥ {TARGET_SHARE:g} % and p95 < {TARGET_P95_MS:g} ms"
    )
    failed = False
    for (engine, cache), results in table.items():
        bare = results["robots.txt"].rps
        for name, r in results.items():
            share = 100 * r.rps / bare if bare else 0.0
            verdict = ""
            if name != "robots.txt":
                ok = r.errors == 0 and (cache == "on" or (share >= TARGET_SHARE and r.p95_ms < TARGET_P95_MS))
                failed |= not ok
                verdict = "ok" if ok else "MISSED"
            print(
                f"{engine:<9} {cache:<5} {name:<16} {r.rps:8.1f} {share:8.1f}% "
                f"{r.p50_ms:8.1f} {r.p95_ms:8.1f} {cpu[engine, cache][name]:7.1f}  {verdict}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_load":
        load_in_child()
    else:
        sys.exit(main())
