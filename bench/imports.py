"""Catalog import speed: `manage.py import_courses` on the three public
catalogues (with their presets) and on a school's own 10,000-row file (with a
column mapping), each twice (the first run creates, the second updates the
same courses), on SQLite and PostgreSQL.

    python -m bench.imports [--engines sqlite postgres] [--rows 10000]

A fresh database per engine (`var/bench/imports.sqlite3`, and
`coursemarket_bench_imports` on the bench PostgreSQL server), migrated, with
the platform's category tree (the demo's). Prints, per file and run, the
rows, what was created/updated/skipped and the seconds the command reports
(reading, checking and writing; not Python's start-up)."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import harness
from coursemarket.imports.tests.catalogue import MAPPING, catalogue_csv

DATA = harness.ROOT.parent / "shared" / "data"
DATABASE = "coursemarket_bench_imports"
FILES = [
    ("edx", "edx_courses.csv", "edX"),
    ("udemy", "udemy_courses.csv", "Udemy"),
    ("coursera", "coursera_catalog.csv", "Coursera"),
]
LINE = re.compile(
    r"(\d+) rows read, (\d+) courses: (\d+) created, (\d+) updated, (\d+) rows skipped, "
    r"in ([\d.]+) s \(([\d.]+) s of this process's CPU\)"
)


def _import(env: dict[str, str], *args: str) -> tuple[str, float]:
    started = time.monotonic()
    out = subprocess.run(
        [harness.PY, str(harness.ROOT / "manage.py"), "import_courses", *args, "--show-errors", "0"],
        env=env,
        cwd=harness.ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out, time.monotonic() - started


def bench_engine(engine: str, rows: int) -> list[tuple[str, str, str, float]]:
    harness.reset_database(engine, name="imports", database=DATABASE)
    env = harness.engine_env(engine, name="imports", database=DATABASE)
    harness.manage(env, "migrate", "--noinput", "-v0")
    subprocess.run(
        [harness.PY, "-c", "import django; django.setup(); from coursemarket.demo.categories import seed; seed()"],
        env=env,
        cwd=harness.ROOT,
        check=True,
    )
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        own = Path(tmp) / "own.csv"
        own.write_bytes(catalogue_csv(rows))
        mapping = Path(tmp) / "mapping.json"
        mapping.write_text(json.dumps({**MAPPING, "category": ""}), encoding="utf-8")
        jobs = [
            (label, [str(DATA / name), "--school", school, "--preset", preset, "--publish"])
            for preset, name, school in FILES
            for label in [f"{school} ({preset} preset)"]
        ]
        jobs.append(
            (
                f"own file, {rows} rows (mapping)",
                [str(own), "--school", "Own school", "--mapping", str(mapping), "--default-category", "spanish"],
            )
        )
        for label, args in jobs:
            for run in ("create", "update"):
                out, wall = _import(env, *args)
                match = LINE.search(out)
                summary = match.group(0) if match else out.strip().splitlines()[-1]
                results.append((label, run, summary, wall))
                load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
                print(f"  {engine:8} {label:34} {run:6} {summary}  (process {wall:.1f} s; load {load})", flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    if not DATA.exists():
        print(f"The public catalogues are not at {DATA}", file=sys.stderr)
        return 1
    for engine in args.engines:
        if engine == "postgres" and not harness.postgres_available():
            print("PostgreSQL: no server answers; skipped")
            continue
        bench_engine(engine, args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
