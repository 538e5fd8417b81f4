"""sitemap.xml is an index of paginated sections; every URL carries its
language alternates and, for things, when they last changed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from coursemarket.catalog.models import Course, CourseStatus
from coursemarket.catalog.services import course_translation_save
from coursemarket.catalog.tests.factories import CourseFactory, category
from coursemarket.catalog.tests.factories import staff as catalog_staff
from coursemarket.schools.tests.factories import InstructorFactory, SchoolFactory
from coursemarket.web.sitemap import CourseSitemap

pytestmark = pytest.mark.django_db

# Every interface language, Brazilian Portuguese, Italian and Japanese included.
LANGUAGES = ("en", "es", "de", "fr", "ar", "pt-br", "it", "ja")
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def xml(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own response


def section_urls(client, section: str, page: int | None = None) -> dict[str, ET.Element]:
    path = f"/sitemap-{section}.xml" + (f"?p={page}" if page else "")
    root = xml(client.get(path))
    return {url.findtext("sm:loc", namespaces=NS): url for url in root.findall("sm:url", NS)}


def test_the_index_lists_every_section_and_robots_txt_points_at_it(client):
    CourseFactory()
    root = xml(client.get("/sitemap.xml"))
    locations = [entry.findtext("sm:loc", namespaces=NS) for entry in root.findall("sm:sitemap", NS)]
    assert locations == [
        f"http://testserver/sitemap-{section}.xml"
        for section in ("pages", "categories", "courses", "schools", "instructors")
    ]
    courses = root.findall("sm:sitemap", NS)[2]
    assert courses.findtext("sm:lastmod", namespaces=NS)  # the latest change among the courses
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_a_course_appears_in_every_language_with_alternates_and_its_last_change(client):
    course = CourseFactory(slug="conversational-spanish")
    changed = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    Course.objects.filter(pk=course.pk).update(updated_at=changed)

    urls = section_urls(client, "courses")
    expected = {f"http://testserver/{code}/courses/conversational-spanish/" for code in LANGUAGES}
    assert set(urls) == expected
    url = urls["http://testserver/ar/courses/conversational-spanish/"]
    assert url.findtext("sm:lastmod", namespaces=NS) == "2026-03-01"
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in url.findall("xhtml:link", NS)
        if link.get("rel") == "alternate"
    }
    assert alternates == {
        **{code: f"http://testserver/{code}/courses/conversational-spanish/" for code in LANGUAGES},
        "x-default": "http://testserver/courses/conversational-spanish/",
    }


def test_drafts_archived_courses_and_hidden_instructors_are_absent(client):
    CourseFactory(slug="published-one")
    CourseFactory(slug="a-draft", status=CourseStatus.DRAFT)
    CourseFactory(slug="an-archived-one", status=CourseStatus.ARCHIVED)
    InstructorFactory(slug="shown-teacher")
    InstructorFactory(slug="hidden-teacher", is_active=False)

    courses = " ".join(section_urls(client, "courses"))
    assert "/published-one/" in courses
    assert "/a-draft/" not in courses and "/an-archived-one/" not in courses
    instructors = " ".join(section_urls(client, "instructors"))
    assert "/shown-teacher/" in instructors and "/hidden-teacher/" not in instructors


def test_schools_categories_and_pages_have_their_sections(client):
    SchoolFactory(slug="escuela-sol")
    category("pottery")
    schools = section_urls(client, "schools")
    assert "http://testserver/fr/schools/escuela-sol/" in schools
    assert schools["http://testserver/fr/schools/escuela-sol/"].findtext("sm:lastmod", namespaces=NS)
    assert "http://testserver/de/categories/pottery/" in section_urls(client, "categories")
    assert {"http://testserver/en/", "http://testserver/en/courses/", "http://testserver/en/schools/"} <= set(
        section_urls(client, "pages")
    )


def test_past_the_page_limit_a_second_page_appears(client, monkeypatch):
    monkeypatch.setattr(CourseSitemap, "limit", 16)  # two courses in eight languages fill a page
    for n in range(3):
        CourseFactory(slug=f"course-{n}")
    root = xml(client.get("/sitemap.xml"))
    locations = [entry.findtext("sm:loc", namespaces=NS) for entry in root.findall("sm:sitemap", NS)]
    assert "http://testserver/sitemap-courses.xml" in locations
    assert "http://testserver/sitemap-courses.xml?p=2" in locations
    assert len(section_urls(client, "courses")) == 16
    second = section_urls(client, "courses", page=2)
    assert len(second) == len(LANGUAGES) and all("/course-2/" in loc for loc in second)
    assert client.get("/sitemap-courses.xml?p=3").status_code == 404


def test_editing_a_translation_moves_the_courses_lastmod():
    course = CourseFactory()
    Course.objects.filter(pk=course.pk).update(updated_at=datetime(2026, 1, 1, tzinfo=UTC))
    course.refresh_from_db()
    owner = catalog_staff(course.school)
    course_translation_save(actor=owner, course=course, language="es", title="Español conversacional")
    course.refresh_from_db()
    assert course.updated_at > timezone.now() - timedelta(minutes=1)


def test_an_unknown_section_is_a_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_served_again_from_the_page_cache_unchanged(client, django_assert_max_num_queries):
    CourseFactory()
    first = client.get("/sitemap-courses.xml")
    with django_assert_max_num_queries(2):  # the page versions, nothing rebuilt
        again = client.get("/sitemap-courses.xml")
    assert again.content == first.content
    for response in (first, again):
        assert re.match(r"noindex", response["X-Robots-Tag"])
        assert response["Content-Type"].startswith("application/xml")
