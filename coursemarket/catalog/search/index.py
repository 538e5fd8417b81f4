"""Keeping the search index current.

`reindex_courses` is called by catalog's services wherever a course's
searchable texts change (the course, its translations, skills, category,
status, its sessions' places and instructors), inside their transaction;
`reindex_school` by the `schools.changes.school_texts` registry when a
school's name, a location's city or an instructor's name changes.
`rebuild` (manage.py search_index --rebuild) writes the whole index and the
vocabulary again in bulk.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction

from ..models import (
    Category,
    Course,
    CourseStatus,
    CourseTranslation,
    SearchDocument,
    SearchTerm,
    Session,
    SessionStatus,
)
from .engines import INDEX_VERSION_KEY, TITLES
from .normalise import STOP_WORDS, stem, words

VOCABULARY_VERSION_KEY = "catalog:search:vocabulary"
FIELDS = ("title", "summary", "body", "skills", "category", "school", "people", "city")
CHUNK = 2000
FTS_TABLES = ("catalog_search_fts", TITLES)  # SQLite: fed by triggers on the documents


@dataclass
class _Facts:
    """What a batch of courses shares with its documents, read in bulk."""

    skills: dict[int, list[str]]
    people: dict[int, list[str]]
    cities: dict[int, list[str]]
    translations: dict[int, list[CourseTranslation]]
    categories: dict[int, dict[str, str]]  # category id → language → name (with its parent's)


def _category_names() -> dict[int, dict[str, str]]:
    model = Category._parler_meta.root_model
    names: dict[int, dict[str, str]] = defaultdict(dict)
    for master_id, language, name in model.objects.values_list("master_id", "language_code", "name"):
        names[master_id][language] = name
    parents = dict(Category.objects.values_list("id", "parent_id"))
    full: dict[int, dict[str, str]] = {}
    for category_id, by_language in names.items():
        parent = names.get(parents.get(category_id) or 0, {})
        full[category_id] = {
            lang: f"{name} {parent.get(lang) or next(iter(parent.values()), '')}".strip()
            for lang, name in by_language.items()
        }
    return full


def _facts(course_ids: list[int], categories: dict[int, dict[str, str]]) -> _Facts:
    skills: dict[int, list[str]] = defaultdict(list)
    for course_id, name in Course.skills.through.objects.filter(course_id__in=course_ids).values_list(
        "course_id", "skill__name"
    ):
        skills[course_id].append(name)
    people: dict[int, list[str]] = defaultdict(list)
    rows = Session.instructors.through.objects.filter(
        session__course_id__in=course_ids, session__status=SessionStatus.SCHEDULED, instructor__is_active=True
    ).values_list("session__course_id", "instructor__name")
    for course_id, name in rows.distinct():
        people[course_id].append(name)
    cities: dict[int, list[str]] = defaultdict(list)
    places = Session.objects.filter(course_id__in=course_ids, status=SessionStatus.SCHEDULED, location__isnull=False)
    for course_id, city in places.values_list("course_id", "location__city").distinct():
        cities[course_id].append(city)
    translations: dict[int, list[CourseTranslation]] = defaultdict(list)
    for text in CourseTranslation.objects.filter(course_id__in=course_ids):
        translations[text.course_id].append(text)
    return _Facts(skills, people, cities, translations, categories)


def _analysed(text: str, language: str, vocabulary: set[str]) -> str:
    kept = [word for word in words(text) if word not in STOP_WORDS]
    vocabulary.update(kept)
    return " ".join(stem(word, language) for word in kept)


def _documents(course: Course, facts: _Facts, vocabulary: set[str]) -> Iterator[SearchDocument]:
    texts = [(course.language, course.title, course.summary, course.description)]
    for text in facts.translations.get(course.id, []):
        if text.language != course.language:
            texts.append(
                (text.language, text.title, text.summary or course.summary, text.description or course.description)
            )
    category_names = facts.categories.get(course.category_id or 0, {})
    for language, title, summary, description in texts:
        category = category_names.get(language) or category_names.get("en") or next(iter(category_names.values()), "")
        yield SearchDocument(
            course_id=course.id,
            language=language,
            title=_analysed(title, language, vocabulary),
            summary=_analysed(summary, language, vocabulary),
            body=_analysed(description, language, vocabulary),
            skills=_analysed(" ".join(facts.skills.get(course.id, [])), language, vocabulary),
            category=_analysed(category, language, vocabulary),
            school=_analysed(course.school.name, language, vocabulary),
            people=_analysed(" ".join(facts.people.get(course.id, [])), language, vocabulary),
            city=_analysed(" ".join(facts.cities.get(course.id, [])), language, vocabulary),
        )


def _build(course_ids: list[int], categories: dict[int, dict[str, str]]) -> tuple[list[SearchDocument], Counter[str]]:
    courses = (
        Course.objects.filter(id__in=course_ids, status=CourseStatus.PUBLISHED)
        .select_related("school")
        .only("id", "language", "title", "summary", "description", "category_id", "school__name")
    )
    facts = _facts(course_ids, categories)
    documents: list[SearchDocument] = []
    counts: Counter[str] = Counter()
    for course in courses:
        vocabulary: set[str] = set()
        documents.extend(_documents(course, facts, vocabulary))
        counts.update(vocabulary)
    return documents, counts


def index_changed() -> None:
    """Cached match counts (engines.count) are for the previous index: a new
    version now, and again once the writing transaction commits (a count
    read meanwhile saw the old documents)."""
    cache.set(INDEX_VERSION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(INDEX_VERSION_KEY, uuid.uuid4().hex, None))


def vocabulary_changed() -> None:
    """Every process reloads the vocabulary on its next search."""
    cache.set(VOCABULARY_VERSION_KEY, uuid.uuid4().hex, None)


@transaction.atomic
def reindex_courses(course_ids: Iterable[int]) -> None:
    """Write again the documents of these courses (none for an unpublished
    one); new words join the vocabulary."""
    ids = sorted(set(course_ids))
    if not ids:
        return
    SearchDocument.objects.filter(course_id__in=ids).delete()
    documents, counts = _build(ids, _category_names())
    SearchDocument.objects.bulk_create(documents)
    index_changed()
    known = set(SearchTerm.objects.filter(word__in=list(counts)).values_list("word", flat=True))
    new = [SearchTerm(word=word[:100], documents=n) for word, n in counts.items() if word not in known]
    if new:
        SearchTerm.objects.bulk_create(new, ignore_conflicts=True)
        vocabulary_changed()


def reindex_school(school_id: int | None = None) -> None:
    """A school's name, a place's city or an instructor's name changed."""
    courses = Course.objects.filter(status=CourseStatus.PUBLISHED)
    if school_id is not None:
        courses = courses.filter(school_id=school_id)
    ids = list(courses.values_list("id", flat=True))
    for start in range(0, len(ids), CHUNK):
        reindex_courses(ids[start : start + CHUNK])


def _sqlite_triggers_off() -> list[str]:
    """Drop the FTS table's triggers (inside the caller's transaction); returns
    the SQL that creates them again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'catalog_searchdocument'"
        )
        found = cursor.fetchall()
        for name, _sql in found:
            cursor.execute(f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in found]


def rebuild() -> tuple[int, int]:
    """The whole index and vocabulary again; returns (documents, words)."""
    categories = _category_names()
    ids = list(Course.objects.filter(status=CourseStatus.PUBLISHED).order_by("id").values_list("id", flat=True))
    counts: Counter[str] = Counter()
    total = 0
    sqlite = connection.vendor == "sqlite"
    tuned = sqlite and not connection.in_atomic_block  # SQLite refuses these inside a transaction
    if tuned:  # rebuilt from the catalogue if interrupted: no fsync, a large page cache
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
    try:
        with transaction.atomic():
            if sqlite:  # fill the FTS table once at the end, not row by row through its triggers
                triggers = _sqlite_triggers_off()
            SearchDocument.objects.all().delete()
            SearchTerm.objects.all().delete()
            for start in range(0, len(ids), CHUNK):
                documents, chunk_counts = _build(ids[start : start + CHUNK], categories)
                _insert(documents)
                counts.update(chunk_counts)
                total += len(documents)
            SearchTerm.objects.bulk_create(
                [SearchTerm(word=word[:100], documents=n) for word, n in counts.items()],
                batch_size=5000,
                ignore_conflicts=True,
            )
            if sqlite:
                with connection.cursor() as cursor:
                    for table in FTS_TABLES:  # the documents' index and autocomplete's titles
                        cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")  # noqa: S608
                    for sql in triggers:
                        cursor.execute(sql)
            vocabulary_changed()
            index_changed()
    finally:
        if tuned:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous = NORMAL")
                cursor.execute("PRAGMA cache_size = -20000")  # as settings.DATABASES sets it
    with connection.cursor() as cursor:
        if sqlite:
            # Table statistics for the planner (SQLite keeps none by itself):
            # without them a search's `id IN (matches)` is checked against
            # every published course through the status index instead of
            # reading the matches by id.
            cursor.execute("ANALYZE")
        elif not connection.in_atomic_block:
            # VACUUM too (it refuses to run in a transaction): it empties the
            # GIN indexes' pending lists (the documents' vectors and
            # autocomplete's titles) that a rebuild's inserts filled, which
            # every search would otherwise scan (a title prefix: ~9 ms
            # instead of ~2 at 30,000 courses).
            cursor.execute("VACUUM ANALYZE catalog_searchdocument")
        else:
            cursor.execute("ANALYZE catalog_searchdocument")
    return total, len(counts)


def _insert(documents: list[SearchDocument]) -> None:
    """Many documents in one statement per batch, without the ORM's per-object work."""
    table = SearchDocument._meta.db_table
    columns = ("course_id", "language", *FIELDS)
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})'  # noqa: S608
    rows = [tuple(getattr(document, column) for column in columns) for document in documents]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])
