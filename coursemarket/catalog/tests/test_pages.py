import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coursemarket.catalog.models import CourseStatus, CourseTranslation, Meeting, Session
from coursemarket.core.testing import assert_queries, text_of

from .factories import CourseFactory, InstructorFactory, LocationFactory, category, make_session

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json" nonce="[^"]*">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_course_page_shows_texts_sessions_and_valid_schema_org(client):
    course = CourseFactory(title="Tapas & <Pintxos>", summary="Cook like in San Sebastián")
    session = make_session(course, capacity=10, seats_taken=7)
    session.instructors.add(InstructorFactory(school=course.school, name="Iñaki Etxeberria"))
    html = client.get(f"/en/courses/{course.slug}/").content.decode()
    assert "Tapas &amp; &lt;Pintxos&gt;" in html
    assert "3 seats left" in html
    data = json_ld(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Course"
    assert data["name"] == "Tapas & <Pintxos>"  # escaped in the page, intact once parsed
    assert data["provider"]["@type"] == "Organization" and data["provider"]["name"] == course.school.name
    (instance,) = data["hasCourseInstance"]
    assert instance["@type"] == "CourseInstance" and instance["courseMode"] == "onsite"
    assert instance["offers"] == {
        "@type": "Offer",
        "price": "180.00",
        "priceCurrency": "EUR",
        "category": "Paid",
        "availability": "https://schema.org/InStock",
        "url": f"http://testserver/en/courses/{course.slug}/",
    }
    assert instance["location"]["address"]["addressLocality"] == "Madrid"
    assert instance["instructor"] == [{"@type": "Person", "name": "Iñaki Etxeberria"}]
    assert datetime.fromisoformat(instance["startDate"]) == session.starts_at
    assert '<link rel="canonical" href="http://testserver/en/courses/' in html
    assert 'hreflang="ar" href="http://testserver/ar/courses/' in html
    assert '<meta property="og:title" content="Tapas &amp; &lt;Pintxos&gt;">' in html


def test_markdown_is_rendered_and_scripts_are_not(client):
    course = CourseFactory(description="**Bold** <script>alert(1)</script> [x](javascript:alert(1))")
    html = client.get(f"/en/courses/{course.slug}/").content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "javascript:alert" not in html


def test_draft_and_archived_courses_are_not_public(client):
    for status in (CourseStatus.DRAFT, CourseStatus.ARCHIVED):
        course = CourseFactory(status=status)
        assert client.get(f"/en/courses/{course.slug}/").status_code == 404


def test_tokyo_session_shown_to_a_madrid_viewer_in_both_zones(client):
    course = CourseFactory()
    tokyo = LocationFactory(school=course.school, city="Tokyo", country="JP", timezone="Asia/Tokyo")
    session = make_session(course, location=tokyo, tz="Asia/Tokyo", meetings=1)
    start = datetime(2031, 6, 2, 10, 0, tzinfo=UTC)  # 19:00 in Tokyo, 12:00 in Madrid (summer)
    Session.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=2))
    Meeting.objects.filter(session=session).update(starts_at=start, ends_at=start + timedelta(hours=2))
    client.cookies["cm_tz"] = "Europe/Madrid"
    html = client.get(f"/en/courses/{course.slug}/").content.decode()
    page = text_of(html)
    assert "Mon, Jun 2, 7:00 – 9:00 PM Tokyo time (JST) · 12:00 – 2:00 PM Madrid time (CEST)" in page
    assert "Starts at 7:00 PM Tokyo time (JST) · 12:00 PM Madrid time (CEST)" in page
    assert 'datetime="2031-06-02T19:00:00+09:00"' in html
    assert "Your time zone: Madrid time (" in page


def test_course_falls_back_to_its_own_language_and_uses_a_translation(client):
    course = CourseFactory(title="Conversational Spanish", language="en")
    CourseTranslation.objects.create(course=course, language="es", title="Español conversacional")
    assert "Español conversacional" in client.get(f"/es/courses/{course.slug}/").content.decode()
    german = client.get(f"/de/courses/{course.slug}/").content.decode()
    assert "Conversational Spanish" in german and 'lang="en"' in german


def test_course_page_query_count_does_not_grow_with_sessions_instructors_and_skills(client):
    course = CourseFactory()
    make_session(course)
    client.get(f"/en/courses/{course.slug}/")  # warm the category cache
    with assert_queries(0, at_most=True) as first:
        pass
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(f"/en/courses/{course.slug}/")
    for n in range(6):
        session = make_session(course, days=20 + n, meetings=4)
        session.instructors.add(InstructorFactory(school=course.school))
    from coursemarket.catalog.services import skills_from_tags

    course.skills.set(skills_from_tags(tags=["Listening", "Speaking", "Grammar", "Pronunciation"]))
    with assert_queries(len(small.captured_queries)):
        response = client.get(f"/en/courses/{course.slug}/")
    assert response.status_code == 200
    assert first is not None


def listing_ids(client, query: str = "") -> list[str]:
    html = client.get(f"/en/courses/?{query}").content.decode()
    return re.findall(r'href="/en/courses/([a-z0-9-]+)/"', html)


def test_listing_filters_by_category_city_mode_price_level_language_dates_and_seats(client):
    now = timezone.now()
    madrid = CourseFactory(slug="madrid", category=category("spanish"), price=Decimal("100"), level="beginner")
    make_session(madrid, days=5)
    online = CourseFactory(
        slug="online", category=category("spanish"), price=Decimal("50"), delivery_mode="online", teaching_language="es"
    )
    make_session(online, days=40, online=True)
    full = CourseFactory(slug="full", category=category("pottery"), price=Decimal("300"), level="advanced")
    make_session(full, days=3, capacity=4, seats_taken=4)
    CourseFactory(slug="draft", status=CourseStatus.DRAFT)

    assert listing_ids(client) == ["full", "madrid", "online"]  # soonest first, drafts hidden
    assert listing_ids(client, "category=spanish") == ["madrid", "online"]
    assert listing_ids(client, "category=languages") == ["madrid", "online"]  # a parent includes its children
    assert listing_ids(client, "city=online") == ["online"]
    assert listing_ids(client, "city=En+ligne") == ["online"]  # "online" typed in a visitor's own language
    assert listing_ids(client, "city=%D8%B9%D8%A8%D8%B1+%D8%A7%D9%84%D8%A5%D9%86%D8%AA%D8%B1%D9%86%D8%AA") == ["online"]
    assert listing_ids(client, "city=madrid") == ["full", "madrid"]
    assert listing_ids(client, "mode=online") == ["online"]
    assert listing_ids(client, "price_min=60&price_max=200") == ["madrid"]
    assert listing_ids(client, "level=advanced") == ["full"]
    assert listing_ids(client, "language=es") == ["online"]
    assert listing_ids(client, "has_seats=on") == ["madrid", "online"]
    day = (now + timedelta(days=30)).date().isoformat()
    assert listing_ids(client, f"date_from={day}") == ["online"]
    assert listing_ids(client, "sort=price") == ["online", "madrid", "full"]
    assert listing_ids(client, "sort=-price") == ["full", "madrid", "online"]
    from coursemarket.catalog.search.index import rebuild

    rebuild()  # the factories write courses without the services that index them
    assert listing_ids(client, "q=conversational&sort=soonest") == ["full", "madrid", "online"]


def test_invalid_filters_are_reported_and_left_out(client):
    CourseFactory(slug="a")
    response = client.get("/en/courses/?price_min=abc&date_from=2031-13-45&price_max=5&sort=nonsense")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters were not valid and were left out." in html
    assert 'href="/en/courses/a/"' not in html  # the valid price_max=5 still applies


def test_htmx_request_gets_only_the_results(client):
    CourseFactory(slug="a")
    response = client.get("/en/courses/?q=spanish", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'id="results-heading"' in html


def test_listing_query_count_is_constant_per_page(client):
    for n in range(3):
        make_session(CourseFactory(slug=f"c{n}"), days=n + 2)
    client.get("/en/courses/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/en/courses/")
    for n in range(15):
        course = CourseFactory(slug=f"more{n}")
        make_session(course, days=n + 2)
        make_session(course, days=n + 30)
    with assert_queries(len(few.captured_queries)):
        client.get("/en/courses/")


def test_unknown_category_is_404(client):
    assert client.get("/en/categories/no-such-thing/").status_code == 404


def test_category_page_lists_its_courses(client):
    course = CourseFactory(slug="clay", category=category("pottery"))
    make_session(course)
    html = client.get("/en/categories/pottery/").content.decode()
    assert 'href="/en/courses/clay/"' in html
    assert "<h1>Pottery</h1>" in html


@pytest.mark.parametrize(
    ("language", "price"),
    [("en", "€1,250.50"), ("de", "1.250,50\xa0€"), ("fr", "1\u202f250,50\xa0€"), ("ar", "\u200f1,250.50\xa0€")],
)
def test_prices_follow_the_readers_locale(client, language, price):
    course = CourseFactory(price=Decimal("1250.5"))
    make_session(course)
    html = client.get(f"/{language}/courses/{course.slug}/").content.decode()
    assert price in html


def test_yen_prices_have_no_minor_unit(client):
    course = CourseFactory(price=Decimal("4800"), currency="JPY")
    assert "¥4,800" in client.get(f"/en/courses/{course.slug}/").content.decode()
