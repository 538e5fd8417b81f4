"""A student finds Python beginner courses through a misspelt search: the header
suggests as they type (a keyboard-navigable combobox), the results put Python
beginner courses first and say why each matched."""

import pytest
from playwright.sync_api import expect

from coursemarket.catalog.models import Level
from coursemarket.catalog.search.index import rebuild

from .factories import CourseFactory, SchoolFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue():
    school = SchoolFactory(name="Northwind Academy")
    for title, level in [
        ("Python for absolute beginners", Level.BEGINNER),
        ("Advanced Python: concurrency", Level.ADVANCED),
        ("Watercolour for beginners", Level.BEGINNER),
        ("Spanish conversation", Level.ELEMENTARY),
    ]:
        CourseFactory(school=school, title=title, level=level, summary="A course.", description="Practice.")
    rebuild()


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_student_types_a_misspelt_query_sees_suggestions_and_finds_python_for_beginners(page, catalogue):
    page.goto(page.base_url + "/en/")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    box = page.get_by_role("combobox", name="Search courses")
    box.press_sequentially("pyhton for beginers", delay=20)
    options = page.get_by_role("listbox", name="Suggestions").get_by_role("option")
    expect(options.first).to_contain_text("Python for absolute beginners")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#site-search-status")).to_contain_text("suggestion")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "site-search-option-1")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Enter")  # submits the search itself
    page.wait_for_url("**/courses/?q=pyhton+for+beginers")
    first = page.locator(".course-result").first
    expect(first.locator(".course-card-title")).to_have_text("Python for absolute beginners")
    expect(first.locator(".search-why")).to_contain_text("“pyhton” read as “python”")
    titles = page.locator(".course-card-title").all_text_contents()
    assert titles.index("Python for absolute beginners") < titles.index("Advanced Python: concurrency")
    assert "Spanish conversation" not in titles


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_a_japanese_visitor_searches_in_japanese_and_finds_a_course_translated_into_japanese(page):
    from coursemarket.catalog.models import CourseTranslation

    course = CourseFactory(
        school=SchoolFactory(name="Estudio Acuarela"), title="Acuarela para principiantes", language="es",
        summary="Pinta paisajes con agua.", description="Cuatro tardes de práctica.",
    )  # fmt: skip
    CourseTranslation.objects.create(
        course=course, language="ja", title="はじめての水彩画", summary="水で風景を描きます。",
        description="四回の夕方の実習です。",
    )  # fmt: skip
    CourseFactory(title="Python for absolute beginners", summary="A course.", description="Practice.")
    rebuild()
    page.goto(page.base_url + "/ja/")
    box = page.locator("#site-search-input, input[name=q]").first
    box.fill("水彩")  # a word inside the title: Japanese has no spaces between words
    box.press("Enter")
    page.wait_for_url("**/ja/courses/?q=*")
    titles = page.locator(".course-card-title").all_text_contents()
    assert [t.strip() for t in titles] == ["はじめての水彩画"]
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    assert page.js_errors == []
