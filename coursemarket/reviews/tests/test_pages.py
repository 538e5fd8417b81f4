"""The pages: course page section (with and without htmx), JSON-LD, the
listing's rating sort, school/instructor aggregates, the dashboard prompt,
the forms, and query counts pinned for the course section and the queue."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.catalog.tests.factories import CourseFactory, staff
from coursemarket.core.testing import assert_queries
from coursemarket.reviews import services
from coursemarket.reviews.models import Review, ReviewStatus

from .factories import completed_booking, past_session, review_input

pytestmark = pytest.mark.django_db


def _reviews(session, ratings, **extra):
    made = []
    for rating in ratings:
        booking = completed_booking(session=session)
        made.append(
            services.review_create(author=booking.student, booking=booking, data=review_input(rating=rating, **extra))
        )
    return made


def _json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1))


def test_course_page_shows_average_distribution_and_verified_reviews(client):
    session = past_session()
    _reviews(session, [5, 4, 4, 1])
    html = client.get(f"/en/courses/{session.course.slug}/").content.decode()
    assert 'data-testid="course-average">3.5<' in html
    assert "4 verified reviews" in html and "Verified booking" in html
    data = _json_ld(html)
    assert data["aggregateRating"]["ratingValue"] == "3.50" and data["aggregateRating"]["reviewCount"] == 4
    assert len(data["review"]) == 4 and data["review"][0]["reviewRating"]["bestRating"] == 5


def test_course_without_reviews_has_no_rating_in_json_ld(client):
    course = CourseFactory()
    html = client.get(f"/en/courses/{course.slug}/").content.decode()
    assert "aggregateRating" not in html and "No reviews yet" in html


def test_filters_sort_and_pages_work_with_htmx_and_without_js(client):
    session = past_session()
    reviews = _reviews(session, [5] * 8 + [2] * 5)
    Review.objects.filter(pk=reviews[0].pk).update(language="es")
    url = f"/en/courses/{session.course.slug}/reviews/"
    fragment = client.get(url, {"stars": "2"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and fragment.count('class="review-card"') == 5
    page = client.get(url, {"sort": "lowest"}).content.decode()
    assert "<html" in page and "Page 1 of 2" in page
    first_stars = re.findall(r"(\d) out of 5 stars", page)
    assert first_stars[:5] == ["2"] * 5
    second = client.get(url, {"sort": "lowest", "page": "2"}).content.decode()
    assert second.count('class="review-card"') == 3
    spanish = client.get(url, {"lang": "es"}, headers={"HX-Request": "true"}).content.decode()
    assert spanish.count('class="review-card"') == 1
    junk = client.get(url, {"stars": "9", "sort": "bogus", "page": "x"})
    assert junk.status_code == 200


def test_helpful_vote_by_htmx_and_by_plain_form():
    session = past_session()
    (review,) = _reviews(session, [4])
    reader = Client()
    reader.force_login(UserFactory())
    response = reader.post(f"/en/reviews/{review.pk}/helpful/", {"helpful": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Helpful · 1" in response.content.decode()
    response = reader.post(f"/en/reviews/{review.pk}/helpful/", {"helpful": "0", "next": "/en/courses/x/"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.helpful_count == 0


def test_listing_sorts_by_rating(client):
    good, bad = CourseFactory(title="Good one"), CourseFactory(title="Bad one")
    CourseFactory(title="No reviews")
    _reviews(past_session(good), [5, 5])
    _reviews(past_session(bad), [2])
    html = client.get("/en/courses/", {"sort": "rating"}).content.decode()
    order = [html.index(title) for title in ("Good one", "Bad one", "No reviews")]
    assert order == sorted(order)
    assert "Best rated" in html


def test_school_and_instructor_pages_show_their_aggregates(client):
    session = past_session()
    _reviews(session, [5, 3])
    instructor = session.instructors.first()
    school_html = client.get(f"/en/schools/{session.school.slug}/").content.decode()
    assert "Ratings from students" in school_html and "2 verified reviews" in school_html
    instructor_html = client.get(f"/en/instructors/{instructor.slug}/").content.decode()
    assert "Ratings from students" in instructor_html and ">4.0<" in instructor_html


def test_dashboard_asks_for_a_review_then_the_form_publishes_it(client):
    booking = completed_booking()
    client.force_login(booking.student)
    dashboard = client.get("/en/account/").content.decode()
    assert "How was your course?" in dashboard and f"/en/reviews/write/{booking.reference}/" in dashboard
    bad = client.post(f"/en/reviews/write/{booking.reference}/", {"rating": "6", "title": "", "text": "short"})
    assert bad.status_code == 400 and not Review.objects.exists()
    good = client.post(
        f"/en/reviews/write/{booking.reference}/",
        {"rating": "4", "rating_value": "5", "title": "Worth it", "text": review_input().text, "language": "en",
         "name_style": "initial"},
    )  # fmt: skip
    assert good.status_code == 302
    review = Review.objects.get()
    assert (review.rating, review.rating_value, review.status) == (4, 5, ReviewStatus.PUBLISHED)
    assert "How was your course?" not in client.get("/en/account/").content.decode()
    again = client.get(f"/en/reviews/write/{booking.reference}/")
    assert again.status_code == 409


def test_school_staff_answer_shows_on_the_course_page(client):
    session = past_session()
    (review,) = _reviews(session, [3])
    client.force_login(staff(session.school))
    listing = client.get(f"/en/dashboard/schools/{session.school.slug}/reviews/").content.decode()
    assert review.title in listing
    client.post(f"/en/dashboard/schools/{session.school.slug}/reviews/{review.pk}/answer/", {"text": "Thanks, noted!"})
    page = Client().get(f"/en/courses/{session.course.slug}/").content.decode()
    assert "Thanks, noted!" in page and "Answer from" in page


def _count(client, url, **kwargs) -> tuple[int, int]:
    """(all queries, queries reading review tables) of one request. Sign-in
    middleware adds its own queries; the review part is pinned exactly."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    return len(sql), sum(1 for q in sql if "reviews_" in q)


def test_query_counts_of_the_course_reviews_section(client):
    session = past_session()
    _reviews(session, [5, 4, 3])
    url = f"/en/courses/{session.course.slug}/reviews/"
    htmx = {"headers": {"HX-Request": "true"}}
    client.get(url)  # warm caches (categories, templates)
    # course, summary, page count, page of reviews (author, session, place, answer joined), languages
    with assert_queries(5):
        client.get(url, **htmx)
    _reviews(past_session(session.course), [2, 1, 5, 4])
    with assert_queries(5):
        client.get(url, **htmx)
    reader = Client()
    reader.force_login(UserFactory())
    reader.get(url)
    total, own = _count(reader, url, **htmx)
    assert own == 4  # the viewer's votes come annotated on the page query
    _reviews(past_session(session.course), [3, 3])
    assert _count(reader, url, **htmx) == (total, own)
    # On the course page itself the section and the JSON-LD share the summary;
    # the course's own query joins its average and count for the share card
    # (a join, so it counts here, but not one query more).
    _page_total, page_own = _count(client, f"/en/courses/{session.course.slug}/")
    assert page_own == 6  # + the JSON-LD's top reviews, + the course's share-card join


def test_query_count_of_the_moderation_queue():
    operator = UserFactory(is_staff=True)
    client = Client()
    client.force_login(operator)
    session = past_session()
    for review in _reviews(session, [1, 2, 3]):
        services.review_report(actor=UserFactory(), review=review, reason="spam")
    url = "/en/moderation/reviews/?tab=reported"
    client.get(url)
    total, own = _count(client, url)
    assert own == 4  # counts per tab, page count, page (author, course, school, session joined), open reports
    assert client.get(url).content.decode().count("moderation-item ") == 3
    for review in _reviews(past_session(), [1, 1]):
        services.review_report(actor=UserFactory(), review=review, reason="spam")
    assert _count(client, url) == (total, own)


def test_operator_hides_from_the_queue_and_the_average_updates(client):
    session = past_session()
    low, _high = _reviews(session, [1, 5])
    client.force_login(UserFactory(is_staff=True))
    refused = client.post(f"/en/moderation/reviews/{low.pk}/decide/", {"decision": "hide", "reason": ""})
    assert refused.status_code == 400
    client.post(f"/en/moderation/reviews/{low.pk}/decide/", {"decision": "hide", "reason": "Not about this course"})
    html = Client().get(f"/en/courses/{session.course.slug}/").content.decode()
    assert 'data-testid="course-average">5.0<' in html
    detail = client.get(f"/en/moderation/reviews/{low.pk}/").content.decode()
    assert "Hidden by an operator" in detail and "Not about this course" in detail
