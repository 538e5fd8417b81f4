"""The "Taught in" filter (`language`, the course's teaching language):
in the form, the address, the facet counts, the JSON answer and saved
searches; language names in the reader's language; unknown codes left out
with a message, regional variants read as their language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.alerts.selectors import listing_filters, matching_sessions
from coursemarket.alerts.services import saved_search_create
from coursemarket.catalog.forms import ListingForm
from coursemarket.catalog.search.index import rebuild
from coursemarket.catalog.selectors import ListingFilters, course_listing

from .factories import CourseFactory, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses():
    made = {
        "ja": CourseFactory(title="Tea ceremony in Kyoto", teaching_language="ja", language="en"),
        "ja2": CourseFactory(title="Calligraphy", teaching_language="ja", language="ja"),
        "en": CourseFactory(title="Tea tasting for beginners", teaching_language="en", language="en"),
        "pt": CourseFactory(title="Tea and pastries", teaching_language="pt", language="pt-br"),
    }
    for course in made.values():
        make_session(course, days=5)
    rebuild()
    return made


def titles(**filters: object) -> set[str]:
    return {c.title for c in course_listing(ListingFilters(**filters)).courses}  # type: ignore[arg-type]


def test_the_filter_keeps_the_courses_taught_in_that_language(courses):
    assert len(titles()) == 4
    assert titles(language="ja") == {"Tea ceremony in Kyoto", "Calligraphy"}
    # with words: the filter narrows the search's matches too
    assert titles(q="tea") == {"Tea ceremony in Kyoto", "Tea tasting for beginners", "Tea and pastries"}
    assert titles(q="tea", language="ja") == {"Tea ceremony in Kyoto"}
    # the facet's count is what a click lists
    facets = course_listing(ListingFilters(q="tea"), facets=True).facets["language"]
    assert (facets["ja"], facets["en"], facets["pt"]) == (1, 1, 1)


def test_the_page_and_the_json_answer_apply_it(client, courses):
    html = client.get("/en/courses/", {"language": "ja"}).content.decode()
    assert "Tea ceremony in Kyoto" in html and "Tea tasting for beginners" not in html
    assert "Taught in: Japanese" in html  # the removable chip
    answer = client.get("/en/courses/", {"language": "ja"}, headers={"accept": "application/json"}).json()
    assert answer["count"] == 2 and {hit["taught_in"] for hit in answer["results"]} == {"ja"}
    assert answer["ignored"] == {}


def test_language_names_are_in_the_readers_language(client, courses):
    html = client.get("/ja/courses/").content.decode()
    assert '<option value="ja">日本語 (2)</option>' in html
    assert '<option value="pt">ポルトガル語 (1)</option>' in html
    html = client.get("/de/courses/", {"language": "ja"}).content.decode()
    assert "Japanisch" in html


def test_an_unknown_language_is_left_out_with_a_message(client, courses):
    form = ListingForm({"language": "klingon"})
    assert not form.is_valid()
    assert form.errors["language"] == ["“klingon” is not a language courses are taught in, so every language is shown."]
    assert form.filters().language == ""
    html = client.get("/en/courses/", {"language": "klingon"}).content.decode()
    assert "Some filters were not valid and were left out." in html and "klingon" in html
    assert all(course.title in html for course in courses.values())  # every language listed
    answer = client.get("/en/courses/", {"language": "klingon"}, headers={"accept": "application/json"}).json()
    assert answer["count"] == 4 and list(answer["ignored"]) == ["language"]


@pytest.mark.parametrize(("typed", "read"), [("JA", "ja"), ("pt-br", "pt"), ("pt_BR", "pt"), ("zh", "zh-hans")])
def test_a_regional_or_script_variant_reads_as_its_language(typed, read):
    form = ListingForm({"language": typed})
    assert form.is_valid(), form.errors
    assert form.filters().language == read


def test_a_saved_search_keeps_the_filter(client, courses):
    student = UserFactory()
    saved = saved_search_create(
        user=student, name="Japanese tea", query_string="q=tea&language=ja&page=2", frequency="instant"
    )
    assert saved.query_string == "language=ja&q=tea"
    _form, filters = listing_filters(saved.query_string)
    assert filters.language == "ja"
    # its alerts: a new session of the Japanese-taught course, not of the English one
    new_ja = make_session(courses["ja"], days=12)
    make_session(courses["en"], days=12)
    later = timezone.now() + timedelta(minutes=5)
    assert [m.session_id for m in matching_sessions(saved, now=later) if m.session_id == new_ja.pk] == [new_ja.pk]
    assert {m.session_id for m in matching_sessions(saved, now=later)} <= set(
        courses["ja"].sessions.values_list("pk", flat=True)
    )
    # the account page's link runs it again with the filter
    client.force_login(student)
    page = client.get("/en/account/saved-searches/").content.decode()
    assert "language=ja" in page
