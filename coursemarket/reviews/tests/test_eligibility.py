"""Who may review, and bad input: refused clearly, nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coursemarket.audit.models import AuditEntry
from coursemarket.bookings.models import BookingState
from coursemarket.catalog.tests.factories import make_session, staff
from coursemarket.reviews import services
from coursemarket.reviews.models import RatingSummary, Review, ReviewStatus

from .factories import completed_booking, past_session, review_input

pytestmark = pytest.mark.django_db


def _nothing_written() -> None:
    assert Review.objects.count() == 0
    assert not RatingSummary.objects.filter(count__gt=0).exists()
    assert not AuditEntry.objects.filter(action__startswith="review.").exists()


def test_the_student_of_a_completed_booking_reviews_it_once():
    booking = completed_booking()
    review = services.review_create(author=booking.student, booking=booking, data=review_input(rating=4))
    assert review.status == ReviewStatus.PUBLISHED
    assert review.course_id == booking.session.course_id and review.session_id == booking.session_id
    assert list(review.instructors.all()) == list(booking.session.instructors.all())
    assert RatingSummary.objects.get(course=review.course).count == 1
    with pytest.raises(ValidationError, match="already reviewed"):
        services.review_create(author=booking.student, booking=booking, data=review_input())
    assert Review.objects.count() == 1


@pytest.mark.parametrize("state", [BookingState.CONFIRMED, BookingState.CANCELLED, BookingState.REFUNDED])
def test_a_booking_that_is_not_completed_cannot_be_reviewed(state):
    booking = completed_booking(state=state)
    with pytest.raises(ValidationError):
        services.review_create(author=booking.student, booking=booking, data=review_input())
    _nothing_written()


def test_a_session_that_has_not_ended_cannot_be_reviewed_even_if_marked_completed():
    session = past_session()
    future = make_session(session.course, days=5)
    booking = completed_booking(session=future)
    with pytest.raises(ValidationError, match="ended"):
        services.review_create(author=booking.student, booking=booking, data=review_input())
    _nothing_written()


def test_another_students_booking_cannot_be_reviewed():
    booking = completed_booking()
    intruder = completed_booking(session=booking.session).student
    with pytest.raises(PermissionDenied):
        services.review_create(author=intruder, booking=booking, data=review_input())
    _nothing_written()


def test_school_staff_cannot_review_their_own_schools_course():
    session = past_session()
    member = staff(session.school)
    booking = completed_booking(student=member, session=session)
    with pytest.raises(PermissionDenied, match="Staff"):
        services.review_create(author=member, booking=booking, data=review_input())
    _nothing_written()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "4.5"}, "rating"),
        ({"rating": None}, "rating"),
        ({"rating_value": 9}, "rating_value"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"text": ""}, "text"),
        ({"text": "Too short"}, "text"),
        ({"text": "y" * 5001}, "text"),
        ({"language": "xx"}, "language"),
        ({"name_style": "everyone"}, "name_style"),
    ],
)
def test_bad_input_is_refused_with_a_message_on_the_field(overrides, field):
    booking = completed_booking()
    with pytest.raises(ValidationError) as caught:
        services.review_create(author=booking.student, booking=booking, data=review_input(**overrides))
    assert field in caught.value.message_dict
    assert caught.value.message_dict[field][0]
    _nothing_written()


def test_html_in_a_review_is_stored_as_text_and_shown_escaped(client):
    booking = completed_booking()
    script = "<script>alert('x')</script><b>Bold</b> claims, but a fine course overall."
    services.review_create(author=booking.student, booking=booking, data=review_input(text=script, title="<i>Hi</i>"))
    page = client.get(f"/en/courses/{booking.session.course.slug}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;i&gt;Hi&lt;/i&gt;" in page


def test_the_author_edits_within_30_days_and_not_after():
    booking = completed_booking()
    review = services.review_create(author=booking.student, booking=booking, data=review_input(rating=5))
    services.review_update(actor=booking.student, review=review, data=review_input(rating=3))
    summary = RatingSummary.objects.get(course=review.course)
    assert (summary.count, summary.total, summary.stars_3, summary.stars_5) == (1, 3, 1, 0)
    later = timezone.now() + timedelta(days=31)
    with pytest.raises(ValidationError, match="30 days"):
        services.review_update(actor=booking.student, review=review, data=review_input(rating=1), now=later)
    review.refresh_from_db()
    assert review.rating == 3


def test_only_the_author_edits():
    booking = completed_booking()
    review = services.review_create(author=booking.student, booking=booking, data=review_input())
    other = completed_booking(session=booking.session).student
    with pytest.raises(PermissionDenied):
        services.review_update(actor=other, review=review, data=review_input(rating=1))
    review.refresh_from_db()
    assert review.rating == 5


def test_a_review_with_contact_details_waits_and_does_not_count_until_published():
    booking = completed_booking()
    review = services.review_create(
        author=booking.student, booking=booking, data=review_input(text="Lovely course! Write me at ana@example.com")
    )
    assert review.status == ReviewStatus.PENDING
    assert "contact" in review.held_for
    assert not RatingSummary.objects.filter(course=review.course, count__gt=0).exists()
    # The author removes the address: the automatic hold lifts and it counts.
    services.review_update(actor=booking.student, review=review, data=review_input())
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED
    assert RatingSummary.objects.get(course=review.course).count == 1


def test_the_blocklist_comes_from_settings(settings):
    settings.REVIEW_BLOCKLIST = ["pineapple"]
    booking = completed_booking()
    review = services.review_create(
        author=booking.student, booking=booking, data=review_input(text="The pineapple workshop was a fun evening.")
    )
    assert review.status == ReviewStatus.PENDING and review.held_for == ["blocklist"]
