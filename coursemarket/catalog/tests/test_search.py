"""The search engine on both engines (the suite runs on SQLite and, with
DATABASE_URL, on PostgreSQL): analysis, ranking, typos, suggestions, upkeep
by the services, the listing's query count and its JSON answer."""

from __future__ import annotations

import pytest

from coursemarket.catalog.models import Course, CourseStatus, Level, SearchDocument
from coursemarket.catalog.search.index import rebuild, reindex_courses
from coursemarket.catalog.search.normalise import analyse, fold, words
from coursemarket.catalog.search.query import apply_text_search
from coursemarket.catalog.search.typo import typos_allowed

from .factories import CourseFactory, SchoolFactory

pytestmark = pytest.mark.django_db

CORPUS = [
    # title, summary, level, language
    ("Python for absolute beginners", "Write your first programs step by step.", Level.BEGINNER, "en"),
    ("Advanced Python: concurrency and performance", "Threads, asyncio and profiling.", Level.ADVANCED, "en"),
    ("Data analysis with pandas", "Clean and explore data in Python notebooks.", Level.INTERMEDIATE, "en"),
    ("React for web applications", "Components, hooks and state.", Level.INTERMEDIATE, "en"),
    ("Reach your audience with email marketing", "Newsletters that people open.", Level.ALL, "en"),
    ("Café culture and pastry", "Crème brûlée, croissants and espresso.", Level.ALL, "fr"),
    ("اللغة العربيّة للمبتدئين", "تعلّم القراءة والكتابة خطوة بخطوة.", Level.BEGINNER, "ar"),
    ("Watercolour painting", "Landscapes and light in watercolour.", Level.BEGINNER, "en"),
    ("Introduction to machine learning", "Models, features and evaluation with Python.", Level.BEGINNER, "en"),
    ("Spanish conversation", "Speak with confidence in everyday situations.", Level.ELEMENTARY, "es"),
]


@pytest.fixture
def corpus() -> dict[str, Course]:
    school = SchoolFactory(name="Northwind Academy")
    courses = {}
    for title, summary, level, language in CORPUS:
        courses[title] = CourseFactory(
            school=school, title=title, summary=summary, level=level, language=language, description="A course."
        )
    rebuild()
    return courses


def titles(q: str, language: str = "en") -> list[str]:
    found, _info = apply_text_search(Course.objects.filter(status=CourseStatus.PUBLISHED), q, language=language)
    return list(found.order_by("-relevance", "-id").values_list("title", flat=True))


def test_folding_handles_case_accents_and_arabic_forms():
    assert fold("Crème BRÛLÉE") == "creme brulee"
    # alef forms, teh marbuta, alef maksura, diacritics and tatweel
    assert fold("إِسْلامـيّة") == fold("اسلاميه")
    assert fold("مستشفى") == fold("مستشفي")
    assert words("日本語入門", query=True) == ["日本", "本語", "語入", "入門"]
    assert words("日本語入門") == ["日本", "本語", "語入", "入門", "門"]  # the index: each run's last character too
    assert analyse("The beginners", "en") == "beginn"  # stop word out, stemmed


def test_typo_rule_follows_meilisearch():
    assert [typos_allowed(w) for w in ("java", "pytho", "beginners", "javascript")] == [0, 1, 2, 2]


def test_words_find_their_courses_and_the_title_weighs_most(corpus):
    assert titles("python")[0] in {"Python for absolute beginners", "Advanced Python: concurrency and performance"}
    assert set(titles("python")) == {
        "Python for absolute beginners",
        "Advanced Python: concurrency and performance",
        "Data analysis with pandas",
        "Introduction to machine learning",
    }
    # in the title ranks above in the summary only
    assert titles("python")[-1:] != ["Python for absolute beginners"]
    assert titles("northwind") != []  # the school's name
    assert titles("cafe creme") == ["Café culture and pastry"]
    assert titles("CAFÉ") == ["Café culture and pastry"]


def test_arabic_query_matches_other_spellings(corpus):
    assert titles("العربية", language="ar") == ["اللغة العربيّة للمبتدئين"]
    assert titles("اللغه العربيه") == ["اللغة العربيّة للمبتدئين"]


def test_typos_widen_but_rank_below_exact(corpus):
    found = titles("pyhton for beginers")
    assert found[0] == "Python for absolute beginners"
    # "react" (5 letters) also reaches "reach" by one typo, below the exact match
    assert titles("react")[:2] == ["React for web applications", "Reach your audience with email marketing"]
    assert titles("jaav") == []  # 4 letters: no typo allowed


def test_level_words_rank_but_do_not_narrow(corpus):
    found = titles("python beginner")
    assert found[0] == "Python for absolute beginners"
    assert "Advanced Python: concurrency and performance" in found
    # python only in the summary of both: the beginner course above the intermediate one
    assert found.index("Introduction to machine learning") < found.index("Data analysis with pandas")


def test_did_you_mean_comes_from_the_vocabulary(corpus):
    _found, info = apply_text_search(Course.objects.all(), "watercolur paintng", language="en")
    assert info.suggestion == "watercolour painting"
    _found, info = apply_text_search(Course.objects.all(), "python", language="en")
    assert info.suggestion is None


def test_why_names_fields_and_typos(corpus):
    _found, info = apply_text_search(Course.objects.all(), "pyhton", language="en")
    course = corpus["Python for absolute beginners"]
    line = info.why([course.id])[course.id]
    assert "title" in line and "“pyhton” read as “python”" in line


def test_totals_are_the_same_on_every_page(corpus):
    found, _info = apply_text_search(Course.objects.all(), "pyhton", language="en")
    ordered = list(found.order_by("-relevance", "-id").values_list("id", flat=True))
    pages = [ordered[:2], ordered[2:]]
    assert sum(len(p) for p in pages) == found.count() == 4


def test_services_keep_the_index_current(corpus, django_capture_on_commit_callbacks):
    from coursemarket.catalog.services import course_archive, course_translation_save, course_update
    from coursemarket.schools.services.schools import school_update

    from .factories import staff

    course = corpus["Watercolour painting"]
    owner = staff(course.school)
    course_update(actor=owner, course=course, title="Oil painting")
    assert titles("oil") == ["Oil painting"] and titles("watercolour") == ["Oil painting"]  # its summary
    course_translation_save(actor=owner, course=course, language="es", title="Pintura al óleo")
    assert titles("pintura", language="es") == ["Oil painting"]
    assert SearchDocument.objects.filter(course=course).count() == 2
    school_update(actor=owner, school=course.school, data={"name": "Southwind Studio"})
    assert "Oil painting" in titles("southwind")
    course_archive(actor=owner, course=course)
    assert titles("oil") == []


def test_engines_agree_on_a_fixed_corpus(corpus):
    """The same top results on both engines: this list is what each engine
    must answer (the suite runs on each)."""
    assert titles("python beginners")[:1] == ["Python for absolute beginners"]
    assert titles("python")[3:] == ["Data analysis with pandas"]
    assert titles("machine learning python")[:1] == ["Introduction to machine learning"]
    assert titles("data pandas")[:1] == ["Data analysis with pandas"]
    # Japanese (pairs of characters on both engines), next to the same corpus
    school = corpus["Python for absolute beginners"].school
    for title, summary in [
        ("Python入門", "初心者のためのプログラミング講座。"),
        ("機械学習の基礎", "Pythonで学ぶ機械学習とデータ分析。"),
        ("データ分析入門", "表計算からはじめるデータ分析。"),
    ]:
        CourseFactory(school=school, title=title, summary=summary, language="ja", description="講座")
    rebuild()
    assert titles("機械学習", language="ja") == ["機械学習の基礎"]
    assert titles("データ分析", language="ja") == ["データ分析入門", "機械学習の基礎"]  # title above summary
    assert titles("入門", language="ja") == ["Python入門", "データ分析入門"]  # in both titles: the shorter first
    # in a title, Japanese first for its readers (the reader's language among equals)
    assert titles("python", language="ja")[:1] == ["Python入門"]


def test_unpublished_courses_are_not_indexed(corpus):
    draft = CourseFactory(title="Secret python draft", status=CourseStatus.DRAFT)
    reindex_courses([draft.id])
    assert not SearchDocument.objects.filter(course=draft).exists()


@pytest.fixture
def _render_every_time(settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 0


# The listings' page version (the facets, the matching ids and the engine's
# ranked hits with their scores are cached from the first request under it
# and the index version), page of courses + school + rating, their
# translations, the "why" lines' documents, their next sessions; no count
# (only words: the engine's count of the matches). (14 before the facets were
# cached: six facet queries and the count, and the page version was not read;
# 8 before the ranking was cached: the engine twice, the best hits' titles.)
SEARCH_LISTING_QUERIES = 5


def test_listing_with_a_query_has_pinned_queries_that_do_not_grow(client, corpus, _render_every_time):
    from coursemarket.core.testing import assert_queries

    url = "/en/courses/?q=pyhton"
    client.get(url)  # warm the category, city and vocabulary caches
    with assert_queries(SEARCH_LISTING_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    assert html.count('class="course-card"') == 4
    assert html.index("Python for absolute beginners") < html.index("Data analysis with pandas")
    assert "read as “python”" in html  # the why line
    school = corpus["Python for absolute beginners"].school
    for n in range(30):
        CourseFactory(school=school, title=f"Python workshop {n}", description="Python, practically.")
    rebuild()
    client.get(url)  # the vocabulary changed: reloaded once
    with assert_queries(SEARCH_LISTING_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('class="course-card"') == 20


def test_did_you_mean_shows_on_the_page(client, corpus, _render_every_time):
    html = client.get("/en/courses/?q=watercolur+paintng").content.decode()
    assert "Did you mean" in html and "watercolour painting" in html


def test_json_answer_lists_ranked_hits_with_why(client, corpus):
    response = client.get("/en/courses/?q=pyhton+for+beginers", headers={"accept": "application/json"})
    assert response["Content-Type"] == "application/json"
    assert "Accept" in response["Vary"]
    answer = response.json()
    assert answer["count"] == 4 and answer["page"] == 1 and answer["next"] is None
    first = answer["results"][0]
    course = corpus["Python for absolute beginners"]
    assert (first["id"], first["slug"], first["title"]) == (course.id, course.slug, course.title)
    assert first["school"]["name"] == "Northwind Academy"
    assert "“pyhton” read as “python”" in first["why"]
    # a browser asking the same address still gets the page (and the cache keeps them apart)
    html = client.get("/en/courses/?q=pyhton+for+beginers", headers={"accept": "text/html,*/*;q=0.8"})
    assert html["Content-Type"].startswith("text/html")


def test_json_answer_pages_by_twenty(client, corpus):
    school = corpus["Python for absolute beginners"].school
    for n in range(25):
        CourseFactory(school=school, title=f"Python clinic {n}", description="Python.")
    rebuild()
    first = client.get("/en/courses/?q=python", headers={"accept": "application/json"}).json()
    assert len(first["results"]) == 20 and first["count"] == 29 and first["pages"] == 2
    second = client.get(first["next"], headers={"accept": "application/json"}).json()
    assert len(second["results"]) == 9
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_bad_input_changes_nothing(client, corpus):
    for q in ['"', "*", "(", ")", "AND", "'; drop table", ":", "NEAR(", "{title}", "-", "a" * 100]:
        response = client.get("/en/courses/", {"q": q})
        assert response.status_code == 200
    assert SearchDocument.objects.count() == len(CORPUS)


def test_autocomplete_suggests_courses_categories_schools_and_cities(client, corpus):
    from coursemarket.catalog.search.autocomplete import suggest

    found = suggest("pyth", language="en")
    courses = [o.label for o in found.options if o.kind == "course"]
    assert courses[0] in {"Python for absolute beginners", "Advanced Python: concurrency and performance"}
    assert "Python for absolute beginners" in courses
    assert [o.label for o in suggest("northw", language="en").options if o.kind == "school"] == ["Northwind Academy"]
    # a whole word misspelt is read with the typo rule
    typo = [o.label for o in suggest("pyhton for beginers", language="en").options if o.kind == "course"]
    assert typo[0] == "Python for absolute beginners"
    html = client.get("/en/search/suggest/", {"q": "watercol"}).content.decode()
    assert 'role="option"' in html and "Watercolour painting" in html and "1 suggestion" in html
    assert client.get("/en/search/suggest/", {"q": "((("}).status_code == 200


def test_autocomplete_follows_a_renamed_course(corpus):
    """Autocomplete reads its own index of titles (migration catalog 0014),
    kept in step by the services that write the documents."""
    from coursemarket.catalog.search.autocomplete import suggest
    from coursemarket.catalog.services import course_translation_save, course_update

    from .factories import staff

    def courses(q: str, language: str = "en") -> list[str]:
        return [o.label for o in suggest(q, language=language).options if o.kind == "course"]

    course = corpus["Watercolour painting"]
    owner = staff(course.school)
    assert courses("watercol") == ["Watercolour painting"]
    course_update(actor=owner, course=course, title="Gouache landscapes")
    assert courses("gouach") == ["Gouache landscapes"]
    assert courses("watercol") == []  # the old title is gone (its summary still says watercolour)
    course_translation_save(actor=owner, course=course, language="es", title="Paisajes al gouache")
    assert courses("paisa", language="es") == ["Paisajes al gouache"]
    rebuild()  # the bulk path fills the titles' index again
    assert courses("gouach") == ["Gouache landscapes"] and courses("watercol") == []


def _listed(q: str) -> list[tuple[int, float]]:
    from coursemarket.catalog.selectors import ListingFilters, PagedCourses, course_listing

    courses = PagedCourses(course_listing(ListingFilters(q=q, sort="relevance")).courses)
    return [(course.id, round(course.relevance, 4)) for course in courses[0 : courses.count()]]


def test_beyond_the_scored_hits_the_listing_keeps_every_match_once(corpus, monkeypatch):
    """More matches than the engine scores: the rest are listed after the
    scored ones (by the cached id set), each once, the total exact."""
    from coursemarket.catalog.search import engines

    school = corpus["Python for absolute beginners"].school
    for n in range(12):
        CourseFactory(school=school, title=f"Python clinic {n}", description="Python.")
    rebuild()
    everything = _listed("python")
    ids = [course_id for course_id, _relevance in everything]
    assert len(ids) == len(set(ids)) >= 14
    monkeypatch.setattr(engines, "LIMIT", 5)
    bounded = _listed("python")
    assert sorted(course_id for course_id, _r in bounded) == sorted(ids)
    # the best five rank alike either way (equal scores may come in another order)
    assert [r for _id, r in bounded[:5]] == [r for _id, r in everything[:5]]
    assert all(r < bounded[4][1] for _id, r in bounded[5:])  # the unscored after them


def test_long_listings_read_in_two_steps_give_the_same_page(corpus, monkeypatch):
    from coursemarket.catalog import selectors
    from coursemarket.core.testing import assert_queries

    school = corpus["Python for absolute beginners"].school
    for n in range(6):
        CourseFactory(school=school, title=f"Python clinic {n}", description="Python.")
    rebuild()
    filters = selectors.ListingFilters(q="python", sort="relevance")
    listing = selectors.course_listing(filters)
    one_step = selectors.PagedCourses(selectors.with_texts(listing.courses))
    expected = [(c.id, c.next_start, c.from_price, c._texts) for c in one_step[2:6]]
    monkeypatch.setattr(selectors, "TWO_STEPS_FROM", 0)
    two_steps = selectors.PagedCourses(selectors.with_texts(listing.courses))
    two_steps.count()
    with assert_queries(3):  # the page's ids, those courses, their translations
        page = two_steps[2:6]
    assert [(c.id, c.next_start, c.from_price, c._texts) for c in page] == expected
    assert len(expected) == 4
    # Read by id without the match condition (the ids come from the listing): the same rows.
    by_id = selectors.PagedCourses(selectors.with_texts(listing.courses), by_id=listing.paging["by_id"])
    by_id.count()
    page = by_id[2:6]
    assert [(c.id, c.next_start, c.from_price, c._texts, c.relevance) for c in page] == [
        (c.id, c.next_start, c.from_price, c._texts, c.relevance) for c in one_step[2:6]
    ]


def test_a_cached_match_set_follows_the_index(corpus):
    from coursemarket.catalog.search import engines
    from coursemarket.catalog.search.query import parse, question_for

    question = question_for(parse("python", language="en"))
    before = engines.matching_ids(question)
    course = CourseFactory(school=corpus["Python for absolute beginners"].school, title="Python dojo")
    reindex_courses([course.id])
    assert engines.matching_ids(question) == sorted([*before, course.id])


def test_a_relevance_page_read_among_the_scored_hits_is_the_full_listings_page(corpus, monkeypatch):
    """More matches than scored: a page is read among the scored ones only
    when it provably is the page (full, above any unscored course), and the
    engine's count stands for the listing's when only words are given."""
    from coursemarket.catalog import selectors
    from coursemarket.catalog.search import engines

    school = corpus["Python for absolute beginners"].school
    for n in range(12):
        CourseFactory(school=school, title=f"Python clinic {n}", description="Python.")
    rebuild()
    monkeypatch.setattr(engines, "LIMIT", 6)
    monkeypatch.setattr(selectors, "TWO_STEPS_FROM", 0)
    listing = selectors.course_listing(selectors.ListingFilters(q="python", sort="relevance"))
    assert listing.paging["search"].scored and listing.paging["total"] == listing.courses.count()
    plain = selectors.PagedCourses(listing.courses)
    known = selectors.PagedCourses(listing.courses, **listing.paging)
    assert known._ids_among_scored(slice(0, 3)) is not None  # the best three: scored, above the rest
    assert known._ids_among_scored(slice(0, 10)) is None  # beyond the six scored: the full listing
    for page in (slice(0, 3), slice(3, 6), slice(0, 10), slice(10, 20)):
        assert [c.id for c in known[page]] == [c.id for c in plain[page]]
    # Another filter kept: scored courses it excludes stay out of the page read among the scored.
    beginner = selectors.course_listing(selectors.ListingFilters(q="python", sort="relevance", level=Level.BEGINNER))
    plain = selectors.PagedCourses(beginner.courses)
    known = selectors.PagedCourses(beginner.courses, **beginner.paging)
    assert [c.id for c in known[0:3]] == [c.id for c in plain[0:3]]
    assert {c.level for c in known[0:3]} == {Level.BEGINNER}


def test_a_cached_ranking_follows_the_index(corpus):
    """A query asked again is answered from the cache (no engine query), and
    any write to the index makes it ask the engine again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def ranked() -> tuple[list[str], list[str]]:
        with CaptureQueriesContext(connection) as ctx:
            found = titles("python")
        engine = [q["sql"] for q in ctx.captured_queries if "catalog_search_fts" in q["sql"] or "@@" in q["sql"]]
        return found, engine

    first, engine = ranked()
    assert engine and "Python for absolute beginners" in first
    again, engine = ranked()
    assert again == first and not engine
    course = CourseFactory(school=corpus["Python for absolute beginners"].school, title="Python", description="Python.")
    reindex_courses([course.id])
    after, engine = ranked()
    assert engine and after[0] == "Python" and after[1:] == first  # the title is the query: first


def test_portuguese_and_italian_texts_are_stemmed_in_their_language():
    """PostgreSQL indexes our analysed words with its `simple` configuration,
    so the per-language stemming is ours, the same on both engines: Brazilian
    Portuguese ("pt-br") and Italian with their Snowball stemmers."""
    assert analyse("cursos de programação", "pt-br") == analyse("curso programação", "pt") == "curs programaca"
    assert analyse("cursos", "pt-br") == analyse("curso", "pt-br")
    assert analyse("lezioni di cucina italiana", "it") == analyse("lezione cucina italiane", "it")
