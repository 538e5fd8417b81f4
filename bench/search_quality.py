"""Search quality: nDCG@10 on a judged query set over the three real catalogues.

`bench/search_judgments.tsv` holds graded judgments (query, school, the
course's external_id in that catalogue, grade 0–3; unjudged results count 0).
The catalogues (edX, Udemy, Coursera from ../shared/data/) are imported as
schools with `manage.py import_courses --preset … --publish` into a database
of their own, the index rebuilt, then three systems answer every query:

- bm25: plain BM25 over title + summary (an FTS5 table, no stemming, no
  typo tolerance, any word) — the baseline;
- ours/sqlite and ours/postgres: the listing's search (apply_text_search,
  ordered by relevance) on each engine.

    python -m bench.search_quality [--engines sqlite,postgres] [--reuse] [--pool QUERY]

`--reuse` keeps an already loaded database; `--pool` prints every system's top
10 for one query with the current grades (for judging new queries).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
JUDGMENTS = Path(__file__).with_name("search_judgments.tsv")
SQLITE_PATH = ROOT / "var" / "bench-search-quality.sqlite3"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_search_quality")
CATALOGUES = [("edx_courses.csv", "edX", "edx"), ("udemy_courses.csv", "Udemy", "udemy"),
              ("coursera_catalog.csv", "Coursera", "coursera")]  # fmt: skip
K = 10


def read_judgments() -> dict[str, dict[tuple[str, str], int]]:
    judged: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    with JUDGMENTS.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if not row or row[0].startswith("#"):
                continue
            query, school, external_id, grade = row
            judged[query][(school, external_id)] = int(grade)
    return judged


def ndcg(ranked: list[tuple[str, str]], grades: dict[tuple[str, str], int]) -> float:
    def dcg(gains: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:K]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(key, 0) for key in ranked]) / ideal if ideal else 0.0


def load(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [*manage, "shell", "-c", "from coursemarket.demo.categories import seed; seed()"], env=env, check=True
    )
    for filename, school, preset in CATALOGUES:
        path = DATA / filename
        subprocess.run([*manage, "import_courses", str(path), "--school", school, "--preset", preset, "--publish",
                        "--show-errors", "0"], env=env, check=True)  # fmt: skip
    subprocess.run([*manage, "search_index", "--rebuild"], env=env, check=True)


def answer_all(url: str, queries: list[str], *, baseline: bool) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """Run in a child process per database: {system: {query: [(school, external_id)]}}."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "coursemarket.config.settings"}
    code = "import json, sys; from bench.search_quality import _answers; " \
           f"print(json.dumps(_answers(json.load(sys.stdin), baseline={baseline!r})))"  # fmt: skip
    import json

    done = subprocess.run([sys.executable, "-c", code], env=env, input=json.dumps(queries), capture_output=True,
                          text=True, check=True, cwd=ROOT)  # fmt: skip
    raw = json.loads(done.stdout.strip().splitlines()[-1])
    return {system: {q: [tuple(hit) for hit in hits] for q, hits in by_q.items()} for system, by_q in raw.items()}


def _answers(queries: list[str], *, baseline: bool) -> dict[str, dict[str, list[list[str]]]]:
    import django

    django.setup()
    from django.db import connection
    from django.utils import translation

    from coursemarket.catalog.models import Course, CourseStatus
    from coursemarket.catalog.search.query import apply_text_search

    translation.activate("en")
    published = Course.objects.filter(status=CourseStatus.PUBLISHED)
    ours: dict[str, list[list[str]]] = {}
    for q in queries:
        found, _info = apply_text_search(published, q, language="en")
        rows = found.order_by("-relevance", "-id").values_list("school__name", "external_id")[:K]
        ours[q] = [list(row) for row in rows]
    answers = {f"ours/{connection.vendor}": ours}
    if baseline and connection.vendor == "sqlite":
        import re

        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS temp.plain_bm25")
            cursor.execute("CREATE VIRTUAL TABLE temp.plain_bm25 USING fts5(title, summary, course_id UNINDEXED)")
            cursor.executemany(
                "INSERT INTO temp.plain_bm25(title, summary, course_id) VALUES (?, ?, ?)",
                list(published.values_list("title", "summary", "id")),
            )
            plain: dict[str, list[list[str]]] = {}
            for q in queries:
                terms = [t for t in re.findall(r"\w+", q.lower())]
                if not terms:
                    plain[q] = []
                    continue
                cursor.execute(
                    "SELECT course_id FROM temp.plain_bm25 WHERE plain_bm25 MATCH ? ORDER BY bm25(plain_bm25) LIMIT ?",
                    [" OR ".join(f'"{t}"' for t in terms), K],
                )
                ids = [row[0] for row in cursor.fetchall()]
                keys = {
                    c.id: [c.school.name, c.external_id] for c in published.filter(id__in=ids).select_related("school")
                }
                plain[q] = [keys[i] for i in ids]
        answers["bm25"] = plain
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--reuse", action="store_true", help="Use the databases already loaded.")
    parser.add_argument("--pool", help="Print every system's top 10 for this query.")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"Skipped: {DATA} is absent (the real catalogues live there).")
    engines = args.engines.split(",")
    urls = {"sqlite": f"sqlite:///{SQLITE_PATH}", "postgres": PG_URL}
    judged = read_judgments()
    queries = [args.pool] if args.pool else list(judged)
    results: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for engine in engines:
        if not args.reuse:
            if engine == "sqlite":
                SQLITE_PATH.parent.mkdir(exist_ok=True)
                SQLITE_PATH.unlink(missing_ok=True)
            else:
                subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", PG_URL.rsplit("/", 1)[1]])
                subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_URL.rsplit("/", 1)[1]], check=True)
            load(urls[engine])
        results.update(answer_all(urls[engine], queries, baseline=engine == "sqlite"))
    if args.pool:
        _print_pool(args.pool, results, judged.get(args.pool, {}), urls[engines[0]])
        return
    systems = sorted(results)
    print(f"nDCG@{K} over {len(queries)} judged queries")
    print(f"{'query':44} " + " ".join(f"{s:>14}" for s in systems))
    totals: dict[str, list[float]] = defaultdict(list)
    for q in queries:
        scores = [ndcg(results[s].get(q, []), judged[q]) for s in systems]
        for s, score in zip(systems, scores, strict=True):
            totals[s].append(score)
        print(f"{q[:44]:44} " + " ".join(f"{score:14.3f}" for score in scores))
    print(f"{'MEAN':44} " + " ".join(f"{sum(totals[s]) / len(totals[s]):14.3f}" for s in systems))


def _print_pool(query: str, results: dict[str, dict[str, list[tuple[str, str]]]], grades: dict[tuple[str, str], int],
                url: str) -> None:  # fmt: skip
    seen: dict[tuple[str, str], list[str]] = {}
    for system, by_q in sorted(results.items()):
        for rank, key in enumerate(by_q.get(query, []), 1):
            seen.setdefault(key, []).append(f"{system}#{rank}")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "coursemarket.config.settings"}
    import json

    code = ("import json,sys,django; django.setup(); from coursemarket.catalog.models import Course; "
            "keys=json.load(sys.stdin); out={}\n"
            "for s,e in keys:\n"
            " c=Course.objects.filter(school__name=s, external_id=e).first()\n"
            " out[s+'\\t'+e]=(c.title, c.level, c.summary[:90]) if c else ('?','','')\n"
            "print(json.dumps(out))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], env=env, input=json.dumps([list(k) for k in seen]),
                          capture_output=True, text=True, check=True, cwd=ROOT)  # fmt: skip
    info = json.loads(done.stdout.strip().splitlines()[-1])
    for key, where in seen.items():
        title, level, summary = info["\t".join(key)]
        print(
            f"{query}\t{key[0]}\t{key[1]}\t{grades.get(key, '?')}\t| {title} [{level}] {summary} ({', '.join(where)})"
        )


if __name__ == "__main__":
    main()
