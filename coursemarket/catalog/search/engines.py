"""The two engines' SQL: the same question asked of SQLite FTS5 (BM25 with
column weights) and of PostgreSQL (a weighted tsvector, ts_rank_cd, GIN).

A question is a list of groups, one per query word, each the word's index
forms (its stems) and its typo corrections' forms. The engines return, per
course, the text score and whether every word matched without a typo.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from ..models import SearchDocument

# SQLite: weights of title, summary, body, skills, category, school, people,
# city (course_id is not indexed). PostgreSQL: {D, C, B, A} for body; category,
# school, people, city; summary and skills; title.
BM25_WEIGHTS = "10.0, 4.0, 1.0, 4.0, 2.0, 2.0, 2.0, 2.0, 0.0"
PG_WEIGHTS = "'{0.1, 0.2, 0.4, 1.0}'"
LIMIT = 300  # hits scored and ranked; beyond them the listing filters by the full match
INDEX_VERSION_KEY = "catalog:search:index"
TITLES = "catalog_search_titles"  # SQLite: autocomplete's FTS5 table of titles (migration 0014)
IDS_CACHE_SECONDS = 600


@dataclass(frozen=True)
class Group:
    forms: tuple[str, ...]  # exact: the word's stems
    fuzzy: tuple[str, ...]  # its corrections' stems


@dataclass(frozen=True)
class Question:
    groups: tuple[Group, ...]  # all must match (or any, with `any_word`)
    soft: tuple[str, ...]  # level words: rank up, never required
    any_word: bool = False


@dataclass(frozen=True)
class Hit:
    course_id: int
    score: float  # 0..1
    exact: bool  # every word as typed (no typo needed)


def prefix_form(word: str) -> str:
    """A form matching every term that starts with `word` (one CJK character)."""
    return f"{word}*"


def is_prefix(form: str) -> bool:
    return form.endswith("*")  # never in a word: the analyser keeps letters and digits only


def found_in(forms: Iterable[str], tokens: set[str]) -> bool:
    """Whether one of `forms` (exact or prefix) is among `tokens`, as the engines match them."""
    for form in forms:
        if form in tokens or (is_prefix(form) and any(token.startswith(form[:-1]) for token in tokens)):
            return True
    return False


def _fts_or(forms: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f'"{form[:-1]}"*' if is_prefix(form) else f'"{form}"' for form in forms) + ")"


def _pg_or(forms: tuple[str, ...], weight: str = "") -> str:
    suffix = f":{weight}" if weight else ""
    terms = (f"'{form[:-1]}':*{weight}" if is_prefix(form) else f"'{form}'{suffix}" for form in forms)
    return "(" + " | ".join(terms) + ")"


def _joined(parts: list[str], any_word: bool, *, sqlite: bool) -> str:
    if sqlite:
        return (" OR " if any_word else " AND ").join(parts)
    return (" | " if any_word else " & ").join(parts)


def match_sql(question: Question) -> tuple[str, list[str]]:
    """SQL for the ids of the matching courses (a subquery for the listing)."""
    if connection.vendor == "postgresql":
        expr = _joined([_pg_or(g.forms + g.fuzzy) for g in question.groups], question.any_word, sqlite=False)
        return (
            "SELECT course_id FROM catalog_searchdocument WHERE vector @@ to_tsquery('simple', %s)",
            [expr],
        )
    expr = _joined([_fts_or(g.forms + g.fuzzy) for g in question.groups], question.any_word, sqlite=True)
    return "SELECT course_id FROM catalog_search_fts WHERE catalog_search_fts MATCH %s", [expr]


def _ranked(match: str, limit: int) -> list[tuple[int, float]]:
    """(course id, text score) of the best `limit` courses matching `match`,
    taken straight from the engine: SQLite's FTS5 sorts by its `rank` (bm25
    with our column weights) and stops at the limit, nothing is grouped or
    materialised; a course's documents in other languages are dropped after
    the first (its best). PostgreSQL ranks its bounded candidate set.

    SQLite: FTS5 gives the documents' rowids alone and their courses are read
    by id in a second query. Asking FTS5 for `course_id` made it fetch each
    hit's whole row from its external content (descriptions included) to
    return one integer: for the 600 best, more than the ranking itself."""
    sqlite = connection.vendor != "postgresql"
    if sqlite:
        sql = (
            "SELECT rowid, rank FROM catalog_search_fts "
            "WHERE catalog_search_fts MATCH %s AND rank MATCH %s ORDER BY rank LIMIT %s"
        )
        params: list[str | int] = [match, f"bm25({BM25_WEIGHTS})", limit * 2]
    else:
        sql = (
            f"SELECT course_id, ts_rank_cd({PG_WEIGHTS}, vector, query, 2) AS score "  # noqa: S608 - constants only
            "FROM catalog_searchdocument, to_tsquery('simple', %s) query WHERE vector @@ query "
            "ORDER BY 2 DESC, 1 LIMIT %s"
        )
        params = [match, limit * 2]
    best: dict[int, float] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if sqlite and rows:
            table = SearchDocument._meta.db_table
            cursor.execute(
                f'SELECT id, course_id FROM "{table}" WHERE id IN (SELECT value FROM json_each(%s))',  # noqa: S608
                [json.dumps([row[0] for row in rows])],
            )
            courses = dict(cursor.fetchall())
            rows = [(courses[rowid], rank) for rowid, rank in rows if rowid in courses]
        for course_id, score in rows:
            if course_id not in best:  # rows come best first
                best[course_id] = -float(score) if sqlite else float(score)
    return list(best.items())[:limit]


def matching_ids(question: Question) -> list[int]:
    """The ids of every course matching `question` (every word or a typo of
    it), read from the engine once and cached per question and index
    version: the listing's total (the same on every page) and the set the
    page, its count and the facets filter by, without asking the engine
    again in each of those queries."""
    sql, params = match_sql(question)
    digest = hashlib.sha256(f"{connection.vendor}|{sql}|{params}".encode()).hexdigest()
    key = f"catalog:search:ids:{digest}:{index_version()}"
    found: list[int] | None = cache.get(key)
    if found is None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT DISTINCT course_id FROM ({sql}) matched ORDER BY 1", params)  # noqa: S608
            else:  # the documents' rowids from FTS5, their courses by id (see _ranked)
                table = SearchDocument._meta.db_table
                cursor.execute(
                    f'SELECT DISTINCT d.course_id FROM "{table}" d WHERE d.id IN ('  # noqa: S608
                    "SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH %s) ORDER BY 1",
                    params,
                )
            found = [row[0] for row in cursor.fetchall()]
        cache.set(key, found, IDS_CACHE_SECONDS)
    return found


def ids_sql(ids: list[int]) -> tuple[str, list[str]]:
    """A subquery of these ids, one parameter whatever their number."""
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", ["{" + ",".join(str(int(i)) for i in ids) + "}"]
    return "SELECT value FROM json_each(%s)", [json.dumps(ids)]


def index_version() -> str:
    """Changes whenever a document is written (catalog.search.index)."""
    version = cache.get(INDEX_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(INDEX_VERSION_KEY, version, None)
        version = cache.get(INDEX_VERSION_KEY, version)
    return str(version)


def _scaled(rows: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Scores to 0..1, the best at 1."""
    if not rows:
        return []
    top = max(score for _id, score in rows) or 1e-9
    return [(cid, max(score, 0.0) / top) for cid, score in rows]


def hits(question: Question, *, limit: int | None = None) -> list[Hit]:
    """The best `limit` matching courses: those matching every word as typed
    first, scored by the engine on those words alone, then those reached
    only through typos (scored on the wider question). Scores are scaled
    within each part, so a typo never outranks an exact match."""
    limit = limit or LIMIT
    sqlite = connection.vendor != "postgresql"
    any_word = question.any_word
    if sqlite:
        exact = _joined([_fts_or(g.forms) for g in question.groups], any_word, sqlite=True)
        wide = _joined([_fts_or(g.forms + g.fuzzy) for g in question.groups], any_word, sqlite=True)
    else:
        exact = _joined([_pg_or(g.forms) for g in question.groups], any_word, sqlite=False)
        wide = _joined([_pg_or(g.forms + g.fuzzy) for g in question.groups], any_word, sqlite=False)
    found = [Hit(cid, score, True) for cid, score in _scaled(_ranked(exact, limit))]
    if wide != exact and len(found) < limit:
        seen = {hit.course_id for hit in found}
        rows = [row for row in _ranked(wide, limit) if row[0] not in seen][: limit - len(found)]
        found += [Hit(cid, score, False) for cid, score in _scaled(rows)]
    return found


def prefix_titles(forms: list[tuple[str, ...]], prefix: str, *, limit: int) -> list[int]:
    """Courses whose title has every word in `forms` and a word starting with
    `prefix` (autocomplete), best first. Asked of the titles' own index
    (migration catalog 0014), not of the whole documents': a prefix is
    expanded over the titles' words alone. SQLite: the FTS5 table of titles
    (prefix indexes of 1-3 characters), ranked by bm25 over the title;
    PostgreSQL: the GIN index of the titles' tsvector finds them, ranked as
    before on the document's weighted vector with the words as title words."""
    sqlite = connection.vendor != "postgresql"
    if sqlite:
        parts = [_fts_or(group) for group in forms]
        if prefix:
            parts.append(f'"{prefix}" *')
        expr = " AND ".join(parts)
        sql = f"SELECT course_id FROM {TITLES} WHERE {TITLES} MATCH %s ORDER BY rank LIMIT %s"  # noqa: S608
        params: list[str | int] = [expr, limit * 4]
    else:
        parts = [_pg_or(group) for group in forms]
        weighted = [_pg_or(group, "A") for group in forms]
        if prefix:
            parts.append(f"'{prefix}':*")
            weighted.append(f"'{prefix}':*A")
        expr = " & ".join(parts)
        sql = (
            "SELECT course_id FROM catalog_searchdocument "  # noqa: S608 - constants only
            "WHERE to_tsvector('simple'::regconfig, title) @@ to_tsquery('simple', %s) "
            f"GROUP BY course_id ORDER BY MAX(ts_rank_cd({PG_WEIGHTS}, vector, to_tsquery('simple', %s), 2)) DESC, 1 "
            "LIMIT %s"
        )
        params = [expr, " & ".join(weighted), limit]
    if not expr:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = dict.fromkeys(row[0] for row in cursor.fetchall())  # best first, a course once
    return list(found)[:limit]
