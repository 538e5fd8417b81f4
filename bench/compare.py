"""Comparison benchmark: `/compare/?courses=` (four courses) and
`/compare/sessions/<course>/` under load.

For each engine: the catalog benchmark's data set (bench.dataset through
`bench.catalog _load`: published courses with sessions, meetings, skills,
translations; its own database, `var/bench/compare.*`), uvicorn serving the
ASGI app with production settings, a warm-up, then `hey` with concurrent
clients for a fixed time against many different comparisons (four random
courses each) and sessions pages. Comparison pages are never cached (they
are per viewer: the clash check), so every request renders. Prints
requests/s and p50/p95/p99 latency. `make bench-compare` runs it.

    python -m bench.compare [--engines sqlite,postgres] [--courses 10000] [--duration 15]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys

from bench import harness

TARGET_P95_MS = 100.0
PG_DATABASE = "coursemarket_bench_compare"


def bench_engine(engine: str, args: argparse.Namespace) -> dict[str, harness.LoadResult]:
    print(f"\n== {engine}: {args.courses} courses, {args.sessions} sessions")
    env = harness.engine_env(engine, name="compare", database=PG_DATABASE)
    info_path = harness.BENCH_VAR / f"compare-{engine}.json"
    harness.BENCH_VAR.mkdir(parents=True, exist_ok=True)
    if args.reuse and info_path.exists():
        harness.manage(env, "migrate", "--noinput", "-v0")
    else:
        harness.reset_database(engine, name="compare", database=PG_DATABASE)
        command = [harness.PY, "-m", "bench.catalog", "_load", "--courses", str(args.courses)]
        command += ["--sessions", str(args.sessions), "--out", str(info_path)]
        subprocess.run(command, env=env, cwd=harness.ROOT, check=True)
    info = json.loads(info_path.read_text())
    rng = random.Random(16)
    slugs = info["course_slugs"]
    compare_rounds = [
        ["/en/compare/?courses=" + ",".join(rng.sample(slugs, 4)) for _ in range(args.clients)]
        for _ in range(args.rounds)
    ]
    session_rounds = [
        [f"/en/compare/sessions/{slug}/" for slug in rng.sample(slugs, args.clients)] for _ in range(args.rounds)
    ]
    pages = {"compare 4 courses": compare_rounds, "compare sessions": session_rounds}
    results: dict[str, harness.LoadResult] = {}
    with harness.asgi_server(env, workers=args.workers) as base:
        for name, url_rounds in pages.items():
            status, html = harness.fetch(base + url_rounds[0][0])
            print(f"  e.g. {url_rounds[0][0]} -> {status}, {html.count('scope="col"')} columns")
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
    parser.add_argument("--warmup", type=int, default=200, help="requests per page before measuring")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "2")))
    parser.add_argument("--reuse", action="store_true", help="keep the databases of the last run")
    args = parser.parse_args()

    harness.ensure_hey()
    engines = harness.selected_engines(args.engines)
    print(
        f"compare bench: {args.clients} clients, {args.duration:g}s per page in {args.rounds} rounds, "
        f"uvicorn --workers {args.workers}, {os.cpu_count()} CPUs"
    )
    table = {engine: bench_engine(engine, args) for engine in engines}
    return harness.p95_verdicts(table, target_ms=TARGET_P95_MS)


if __name__ == "__main__":
    sys.exit(main())
