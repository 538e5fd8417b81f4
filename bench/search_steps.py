"""In-process figures of the search's three costly parts, on the database
`bench.search` loaded (`var/bench/search.sqlite3`, or PostgreSQL's
`coursemarket_bench_search`), with production settings and the page cache
off, so a change to one part can be measured alone and quickly:

- autocomplete: `suggest()` for each prefix (bench.search's and a few more),
  wall and thread CPU per call, queries per call, and the suggestions made
  (written to the JSON output, to compare two versions' answers);
- search: `apply_text_search` + the first 20 ids by relevance, first asked
  (a new index version: nothing cached) and asked again, as bench.search's
  in-process mode does;
- results page: `django.test.Client().get("/en/courses/?q=…")` for the text
  and typo queries, each address warmed twice, then timed; the page's HTML
  (the CSP nonce blanked) is hashed per address, to check that two versions
  answer the same page.

    python -m bench.search_steps [--engine sqlite|postgres] [--database NAME] [--rounds 3] [--out FILE]
                                 [--only autocomplete,search,page]

Run `python -m bench.search --engines sqlite --courses 100000` once first
(it loads the database); this script never writes to it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from urllib.parse import quote_plus

from bench import harness
from bench.search import PREFIXES, TEXT_QUERIES, TYPO_QUERIES

MORE_PREFIXES = ["p", "d", "python f", "intro", "mach learn", "pyhton for beginers", "excel d", "harvard c"]
NONCE = re.compile(r'nonce="[^"]*"')


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 2),
    }


def _timed(kind: str, figures: dict, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    began, began_cpu = time.perf_counter(), time.thread_time()
    result = fn(*args, **kwargs)
    figures.setdefault(kind, {"wall": [], "cpu": []})
    figures[kind]["wall"].append((time.perf_counter() - began) * 1000)
    figures[kind]["cpu"].append((time.thread_time() - began_cpu) * 1000)
    return result


def child() -> None:
    import django

    django.setup()
    import hashlib
    import uuid

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from coursemarket.catalog.models import Course, CourseStatus
    from coursemarket.catalog.search.autocomplete import suggest
    from coursemarket.catalog.search.engines import INDEX_VERSION_KEY
    from coursemarket.catalog.search.query import apply_text_search

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="autocomplete,search,page")
    args = parser.parse_args(sys.argv[2:])
    parts = set(args.only.split(","))
    translation.activate("en")
    timings: dict[str, dict[str, list[float]]] = {}
    out: dict[str, object] = {}

    if "autocomplete" in parts:
        prefixes = PREFIXES + MORE_PREFIXES
        answers = {}
        queries = {}
        for prefix in prefixes:  # warm: vocabulary, name lists
            suggest(prefix, language="en")
        for prefix in prefixes:
            with CaptureQueriesContext(connection) as ctx:
                found = suggest(prefix, language="en")
            answers[prefix] = [(o.kind, o.label) for o in found.options]
            queries[prefix] = len(ctx.captured_queries)
        for _round in range(args.rounds * 3):
            for prefix in prefixes:
                _timed("autocomplete", timings, suggest, prefix, language="en")
        out["suggestions"] = answers
        out["autocomplete queries"] = queries

    if "search" in parts:
        published = Course.objects.filter(status=CourseStatus.PUBLISHED)

        def search(q: str) -> list[int]:
            found, _info = apply_text_search(published, q, language="en")
            return list(found.order_by("-relevance", "-id").values_list("id", flat=True)[:20])

        tops = {}
        for q in TEXT_QUERIES + TYPO_QUERIES:
            tops[q] = search(q)
        for _round in range(args.rounds):
            for kind, queries in (("search", TEXT_QUERIES), ("typo", TYPO_QUERIES)):
                for q in queries:
                    cache.set(INDEX_VERSION_KEY, uuid.uuid4().hex, None)
                    _timed(f"{kind}, first asked", timings, search, q)
                    _timed(f"{kind}, asked again", timings, search, q)
        out["top 20"] = tops

    if "page" in parts:
        client = Client()
        addresses = [f"/en/courses/?q={quote_plus(q)}" for q in TEXT_QUERIES + TYPO_QUERIES]
        pages = {}
        for address in addresses:
            for _warm in range(2):
                response = client.get(address)
                assert response.status_code == 200, (address, response.status_code)
            html = NONCE.sub('nonce=""', response.content.decode())
            pages[address] = hashlib.sha256(html.encode()).hexdigest()
        for _round in range(args.rounds):
            for address in addresses:
                _timed("results page", timings, client.get, address)
        out["pages"] = pages

    out["figures"] = {
        kind: {"wall": _percentiles(v["wall"]), "cpu": _percentiles(v["cpu"])} for kind, v in timings.items()
    }
    print(json.dumps(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="sqlite")
    parser.add_argument("--database", default="coursemarket_bench_search", help="PostgreSQL: the database's name")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="autocomplete,search,page")
    parser.add_argument("--out", help="write the figures, suggestions, top ids and page hashes as JSON")
    args = parser.parse_args()
    env = harness.engine_env(args.engine, name="search", database=args.database)
    env.update(CATALOG_PAGE_CACHE_SECONDS="0", ALLOWED_HOSTS="127.0.0.1,testserver")
    env["PYTHONPATH"] = os.environ.get("BENCH_CODE", str(harness.ROOT))  # another checkout's code, to compare
    command = [harness.PY, "-m", "bench.search_steps", "_child", "--rounds", str(args.rounds), "--only", args.only]
    done = subprocess.run(command, env=env, cwd=env["PYTHONPATH"], check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{'part':<22} {'wall p50':>9} {'wall p95':>9} {'CPU p50':>8} {'CPU p95':>8}  (ms)")
    for kind, values in result["figures"].items():
        wall, cpu = values["wall"], values["cpu"]
        print(f"{kind:<22} {wall['p50']:9.2f} {wall['p95']:9.2f} {cpu['p50']:8.2f} {cpu['p95']:8.2f}")
    if args.out:
        with open(args.out, "w") as out:
            json.dump(result, out, indent=1, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        child()
    else:
        sys.exit(main())
