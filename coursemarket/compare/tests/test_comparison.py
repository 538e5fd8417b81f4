"""The comparison: rows, differences, best values (ties), the clash check,
bad input, and its queries (pinned, the same with more sessions and reviews)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.catalog.models import CourseStatus, Meeting
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.compare.selectors import compared_courses, compared_sessions, place_named
from coursemarket.compare.slugs import parse_courses
from coursemarket.compare.table import Cell, Row, course_table, mark_best, session_table
from coursemarket.core.testing import assert_queries, text_of

from .factories import course_with

pytestmark = pytest.mark.django_db


def rows_of(sections):
    return {row.id: row for section in sections for row in section.rows}


def test_best_value_is_marked_on_every_tied_cell_and_only_when_two_can_be_compared():
    row = Row("price", "Price", [Cell("money", value=Decimal(v)) for v in ("90", "120", "90")], best="min")
    mark_best(row)
    assert [c.best for c in row.cells] == [True, False, True]
    row = Row("rating", "Rating", [Cell("rating", value=Decimal(v)) for v in ("4.5", "4.8")], best="max")
    mark_best(row)
    assert [c.best for c in row.cells] == [False, True]
    lonely = Row("price", "Price", [Cell("money", value=Decimal("90")), Cell("money", value=None)], best="min")
    mark_best(lonely)
    assert not any(c.best for c in lonely.cells)


def test_rows_compare_prices_in_one_currency_only_and_mark_differences():
    cheap = course_with(price=Decimal("100.00"), skills=("Speaking", "Grammar"), duration_hours=Decimal("20"))
    dear = course_with(price=Decimal("300.00"), skills=("Speaking", "Writing"), duration_hours=Decimal("30"))
    columns, unknown = compared_courses(slugs=[cheap.slug, dear.slug], user=None)
    assert unknown == 0
    rows = rows_of(course_table(columns, place=None, signed_in=False))
    assert [c.best for c in rows["price"].cells] == [True, False]
    assert [c.value for c in rows["per-hour"].cells] == [Decimal("5.00"), Decimal("10.00")]
    assert rows["level"].same and not rows["price"].same
    skill_rows = [row for row in rows.values() if row.id.startswith("skill-")]
    assert skill_rows[0].label == "Speaking" and not skill_rows[0].unique and skill_rows[0].same  # shared first
    assert {r.label for r in skill_rows if r.unique} == {"Grammar", "Writing"}
    assert rows["prerequisites"].cells[0].missing  # "Not provided", never empty

    pounds = course_with(price=Decimal("50.00"), currency="GBP")
    columns, _ = compared_courses(slugs=[cheap.slug, pounds.slug], user=None)
    rows = rows_of(course_table(columns, place=None, signed_in=False))
    assert not any(c.best for c in rows["price"].cells)
    assert "different currencies" in rows["price"].note


def test_soonest_start_nearest_place_and_highest_rating_are_marked():
    soon = course_with(reviews=2)
    later = CourseFactory()
    session = make_session(later, days=30)
    session.location.city = "Barcelona"
    session.location.latitude, session.location.longitude = Decimal("41.385064"), Decimal("2.173404")
    session.location.save()
    columns, _ = compared_courses(slugs=[soon.slug, later.slug], user=None)
    place = place_named("barcelona")
    assert place is not None and place.city == "Barcelona"
    rows = rows_of(course_table(columns, place=place, signed_in=False))
    assert [c.best for c in rows["start"].cells] == [True, False]
    assert [c.best for c in rows["distance"].cells] == [False, True]
    assert rows["distance"].cells[1].data == Decimal("0.0")
    assert rows["distance"].cells[0].data > Decimal("400")  # Madrid
    assert rows["rating"].cells[0].data["count"] == 2 and rows["rating"].cells[1].missing
    assert len(rows["snippets"].cells[0].data) == 2
    assert place_named("Atlantis") is None


def test_a_session_that_clashes_with_the_students_booking_is_flagged():
    student = UserFactory()
    booked_course = course_with()
    booked = booked_course.sessions.get()
    Booking.objects.create(
        student=student, session=booked, seats=1, state=BookingState.CONFIRMED, request_key="k1",
        unit_price=Decimal("1"), currency="EUR", total=Decimal("1"),
    )  # fmt: skip
    other = CourseFactory()
    clashing = make_session(other, days=10)
    # Its second meeting starts an hour into the booked session's second one.
    booked_second = booked.meetings.order_by("starts_at")[1]
    Meeting.objects.filter(pk=clashing.meetings.order_by("starts_at")[1].pk).update(
        starts_at=booked_second.starts_at + timedelta(hours=1), ends_at=booked_second.ends_at + timedelta(hours=1)
    )
    Meeting.objects.filter(pk=clashing.meetings.order_by("starts_at")[0].pk).update(
        starts_at=booked_second.starts_at - timedelta(days=3),
        ends_at=booked_second.starts_at - timedelta(days=3, hours=-2),
    )
    free = make_session(other, days=40)
    columns = compared_sessions(slug=other.slug, user=student)
    assert set(columns.clashes) == {clashing.id}
    assert columns.clashes[clashing.id].booked.session_id == booked.id
    rows = rows_of(session_table(columns, place=None, signed_in=True))
    assert [bool(c.data) for c in rows["clash"].cells] == [True, False]
    assert free.id not in columns.clashes
    own, _ = compared_courses(slugs=[booked_course.slug, other.slug], user=student)
    assert own[0].clashes[booked.id].own
    assert compared_sessions(slug=other.slug, user=None).clashes == {}


def test_the_courses_parameter_is_read_safely():
    asked = parse_courses(" a , b,,a, دورة ,c,d,e,f")
    assert asked.slugs == ["a", "b", "c", "d"] and asked.malformed == 1 and asked.too_many == 2


def test_bad_input_gets_clear_messages_and_no_crash(client):
    one, two = course_with(), course_with()
    draft = CourseFactory(status=CourseStatus.DRAFT)
    response = client.get(f"/en/compare/?courses={one.slug},{draft.slug},missing,%D8%AF%D9%88%D8%B1%D8%A9")
    text = text_of(response.content.decode())
    assert response.status_code == 200
    assert "3 courses could not be found or are no longer published." in text
    assert "Choose at least two courses to compare" in text
    assert draft.title not in text
    many = [course_with().slug for _ in range(3)]
    response = client.get("/en/compare/?courses=" + ",".join([one.slug, two.slug, *many]))
    text = text_of(response.content.decode())
    assert "up to four courses at a time: the first four are shown" in text
    assert response.content.decode().count('scope="col"') == 4
    assert client.get("/en/compare/?courses=").status_code == 200
    assert client.get("/en/compare/?courses=" + "a," * 5000).status_code in (200, 400)
    response = client.get(f"/en/compare/?courses={one.slug},{two.slug}&city=Atlantis&diff=yes")
    assert "distances are not shown" in text_of(response.content.decode())
    assert client.get("/en/compare/sessions/missing/").status_code == 404
    assert client.get(f"/en/compare/sessions/{draft.slug}/").status_code == 404
    assert client.post(f"/en/compare/?courses={one.slug}").status_code == 405


def test_the_page_shows_every_row_and_hides_identical_ones_with_diff(client):
    one = course_with(price=Decimal("100.00"), reviews=1)
    two = course_with(price=Decimal("200.00"))
    html = client.get(f"/en/compare/?courses={one.slug},{two.slug}").content.decode()
    text = text_of(html)
    for label in (
        "Total price", "Price per contact hour", "Total hours", "Number of meetings", "Next start", "Schedule",
        "Seats left", "Delivery", "Taught in", "Level", "Prerequisites", "What is included", "Cancellation policy",
        "Rating", "Most helpful reviews", "School", "Not provided", "Best",
    ):  # fmt: skip
        assert label in text, label
    assert 'property="og:title"' in html and "Compare: " in html
    assert 'data-row="level" data-same' in html and "data-same hidden" not in html
    diff = client.get(f"/en/compare/?courses={one.slug},{two.slug}&diff=1").content.decode()
    assert 'data-row="level" data-same hidden' in diff
    assert 'data-row="price" hidden' not in diff
    arabic = client.get(f"/ar/compare/?courses={one.slug},{two.slug}")
    assert arabic.status_code == 200 and 'dir="rtl"' in arabic.content.decode()


@pytest.mark.parametrize(("sessions", "reviews"), [(1, 1), (4, 5)])
def test_the_comparison_page_reads_a_fixed_number_of_queries(client, sessions, reviews):
    slugs = [course_with(sessions=sessions, reviews=reviews, skills=("Speaking", f"S{i}")).slug for i in range(3)]
    client.get("/en/compare/?courses=" + ",".join(slugs))  # the cities list is cached: a warm page
    # courses (+ summaries), texts, skills, next sessions, their meetings, review snippets
    with assert_queries(6):
        response = client.get("/en/compare/?courses=" + ",".join(slugs))
    assert response.status_code == 200


@pytest.mark.parametrize("sessions", [2, 6])
def test_the_sessions_page_reads_a_fixed_number_of_queries(client, sessions):
    course = course_with(sessions=sessions)
    client.get(f"/en/compare/sessions/{course.slug}/")
    with assert_queries(6):  # course (+ summaries), skills, texts, sessions, meetings, instructors
        response = client.get(f"/en/compare/sessions/{course.slug}/")
    assert response.content.decode().count('scope="col"') == sessions


def test_each_comparison_view_is_recorded_in_the_activity_log(client):
    from coursemarket.activity import buffer
    from coursemarket.activity.models import Event, Kind

    one, two = course_with(), course_with()
    buffer.discard()
    browser = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"}
    client.get(f"/en/compare/?courses={one.slug},{two.slug}", **browser)
    client.get(f"/en/compare/?courses={one.slug}", **browser)  # one course is no comparison
    buffer.flush()
    events = list(Event.objects.filter(kind=Kind.COMPARE))
    assert [e.object_ids for e in events] == [[one.id, two.id]]
