"""The school's "Funnel & demand" page: the funnel per course and channel on
hand-built views, bookings and payments; searches shown only when 3+
visitors made them; sessions at risk at the threshold's boundary; the at-risk
email sent once through a real SMTP server; who may open the page; a bad
threshold changes nothing; the CSV exports equal the page."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.activity.models import Channel, Event, Kind
from coursemarket.analytics.demand import is_at_risk, upcoming_sessions_at_risk
from coursemarket.analytics.funnel import Steps, compute_funnel_days, school_funnel
from coursemarket.analytics.models import AtRiskAlert, FunnelDay, SchoolAnalyticsSettings
from coursemarket.analytics.selectors import Period
from coursemarket.analytics.services import at_risk_alerts_send, at_risk_threshold_set, rollup_days, rollup_recent
from coursemarket.analytics.tasks import send_at_risk_alerts
from coursemarket.analytics.zones import local_today, school_zone
from coursemarket.audit.models import AuditEntry
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.tests.after_purchase import SchoolWorld, school_world
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.config.schedule import periodic_jobs
from coursemarket.notifications.testing import body_text
from coursemarket.payments.models import Payment, PaymentState
from coursemarket.promotions.models import Referral
from coursemarket.schools.models import Membership, Role

pytestmark = pytest.mark.django_db
_keys = itertools.count()
HOURS_2 = timedelta(hours=2)


def view(course: Any, channel: str, *, user: Any = None, visitor: str = "", ago: timedelta = HOURS_2) -> None:
    Event.objects.create(
        kind=Kind.COURSE_VIEW, object_type="catalog.course", object_id=course.pk, school_id=course.school_id,
        channel=channel, user=user, anonymous_id=visitor, created_at=timezone.now() - ago,
    )  # fmt: skip


def booking(session: Any, *, state: str, channel: str = "", student: Any = None, total: str = "80.00",
            payment: str | None = None, ago: timedelta = timedelta(hours=1)) -> Booking:  # fmt: skip
    made = timezone.now() - ago
    confirmed = state in (BookingState.CONFIRMED, BookingState.COMPLETED)
    b = Booking.objects.create(
        student=student or UserFactory(), session=session, seats=1, state=state, request_key=f"k{next(_keys)}",
        unit_price=Decimal(total), currency="EUR", total=Decimal(total), channel=channel, created_at=made,
        confirmed_at=made + timedelta(minutes=5) if confirmed else None,
    )  # fmt: skip
    if payment is not None:
        Payment.objects.create(
            payable_type=ContentType.objects.get_for_model(Booking), payable_id=b.pk, school_id=session.school_id,
            provider="stripe", amount=b.total, currency="EUR", state=payment, idempotency_key=f"p{next(_keys)}",
            succeeded_at=made + timedelta(minutes=5) if payment == PaymentState.SUCCEEDED else None,
        )  # fmt: skip
    return b


def funnel_world() -> SchoolWorld:
    """Course views and bookings of every channel on the world's course."""
    w = school_world(price=Decimal("80.00"))
    course, session = w.course, w.session
    from_search, from_our_pages, invited = UserFactory(), UserFactory(), UserFactory()
    Referral.objects.create(referrer=UserFactory(), referred=invited, code="FRIEND", first_touch_at=timezone.now())
    for n in range(3):
        view(course, Channel.SEARCH, visitor=f"s{n}")
    view(course, Channel.SEARCH, user=from_search)
    view(course, Channel.INTERNAL, visitor="i1")
    view(course, Channel.INTERNAL, visitor="i2")
    view(course, Channel.INTERNAL, user=from_our_pages)
    view(course, Channel.REFERRAL, visitor="r1")
    view(course, Channel.REFERRAL, visitor="r2")
    view(course, Channel.CAMPAIGN, visitor="c1")
    view(course, Channel.DIRECT, visitor="d1")
    view(course, Channel.DIRECT, visitor="d2")
    view(course, Channel.DIRECT, visitor="old", ago=timedelta(days=45))  # before the period
    # A campaign link's paid booking: referral, all the way.
    booking(session, state=BookingState.CONFIRMED, channel=Channel.CAMPAIGN, payment=PaymentState.SUCCEEDED)
    # Came from a search engine (signed in), still holding seats: search, started only.
    booking(session, state=BookingState.HELD, student=from_search)
    # Came from our own pages, its card payment failed and the hold expired: checkout, not paid.
    booking(session, state=BookingState.EXPIRED, channel=Channel.DIRECT, student=from_our_pages,
            payment=PaymentState.FAILED)  # fmt: skip
    # An invited account's free booking: referral, confirmed without a payment.
    booking(session, state=BookingState.CONFIRMED, student=invited, total="0.00")
    # Nothing known: direct, paid by card.
    booking(session, state=BookingState.CONFIRMED, payment=PaymentState.SUCCEEDED)
    # Not in the funnel: a waitlist place, a booking before the period, another school's booking.
    booking(session, state=BookingState.WAITLISTED)
    booking(session, state=BookingState.CONFIRMED, ago=timedelta(days=45), payment=PaymentState.SUCCEEDED)
    other = make_session(CourseFactory())
    view(other.course, Channel.SEARCH, visitor="x")
    booking(other, state=BookingState.CONFIRMED, payment=PaymentState.SUCCEEDED)
    today = local_today(school_zone(w.school))
    rollup_days(start=today - timedelta(days=60), end=today, school=w.school)  # the hourly job has run
    return w


def steps(row: Any) -> tuple[int, int, int, int]:
    s = row.steps
    return (s.views, s.started, s.checkout, s.paid)


def test_the_funnel_counts_each_step_per_course_and_channel():
    w = funnel_world()
    zone = school_zone(w.school)
    today = local_today(zone)
    funnel = school_funnel(school=w.school, period=Period(today - timedelta(days=29), today), zone=zone)
    by_channel = {row.channel: steps(row) for row in funnel.channels}
    assert by_channel == {
        "search": (4, 1, 0, 0),
        "recommendation": (3, 1, 1, 0),
        "referral": (3, 2, 2, 2),
        "direct": (2, 1, 1, 1),
    }
    assert steps(funnel.total) == (12, 5, 4, 3)
    [course] = funnel.courses
    assert course.total.course_id == w.course.pk and steps(course.total) == (12, 5, 4, 3)
    conversions = [(stage.key, stage.conversion) for stage in funnel.total.stages]
    assert conversions == [("views", None), ("started", Decimal("41.7")), ("checkout", Decimal("80.0")),
                           ("paid", Decimal("75.0"))]  # fmt: skip
    search = next(row for row in funnel.channels if row.channel == "search")
    assert [stage.conversion for stage in search.stages][2:] == [Decimal("0.0"), None]  # nothing to convert from


def test_the_page_shows_the_funnel_and_its_bars(client, django_assert_max_num_queries):
    w = funnel_world()
    client.force_login(w.manager)
    for visitor in ("a", "b", "c"):  # a search shown, with its category's name
        search("evening spanish", visitor=visitor, category="spanish")
    url = reverse("analytics:funnel", kwargs={"slug": w.school.slug}) + "?period=30"
    client.get(url)  # warm the content-type cache
    with django_assert_max_num_queries(21) as small:
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for n in range(5):  # more courses, sessions at risk, waitlists, views and bookings: no more queries
        more = make_session(CourseFactory(school=w.school), days=2 + n, seats_taken=n)
        view(more.course, Channel.INTERNAL, visitor=f"v{n}")
        booking(more, state=BookingState.CONFIRMED, payment=PaymentState.SUCCEEDED)
        booking(more, state=BookingState.WAITLISTED)
        search("morning spanish", visitor=f"v{n}", category="spanish")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    assert 'data-total-step="paid" data-count="3"' in html
    row = re.search(r'<tr data-row="referral">(.*?)</tr>', html, re.S)
    assert row is not None
    assert 'data-step="paid" data-count="2"' in row.group(1)
    label = "Course views: 3, Booking started: 2, Checkout: 2, Paid or confirmed: 2"
    assert f'role="img" aria-label="{label}"' in row.group(1)
    assert 'style="--w: 66.7%"' in row.group(1)  # 2 of the row's widest step (3)


def search(query: str, *, visitor: str, found: int = 0, **filters: str) -> None:
    Event.objects.create(
        kind=Kind.SEARCH, query=query, filters=filters, result_count=found, anonymous_id=visitor,
        created_at=timezone.now() - timedelta(hours=3),
    )  # fmt: skip


def test_a_search_is_shown_only_when_three_visitors_made_it(client):
    w = school_world()  # a Spanish course in Madrid
    for visitor in ("a", "b", "c"):
        search("evening spanish", visitor=visitor, category="spanish")
    search("spanish for kids", visitor="d", found=1, category="spanish")
    search("spanish for kids", visitor="d", found=2, category="spanish")  # the same person again
    search("spanish for kids", visitor="e", found=0, category="spanish")
    for visitor in ("f", "g", "h"):
        search("yoga madrid", visitor=visitor)  # a city of the school in the words
        search("", visitor=visitor, found=2, city="madrid")  # filters only
        search("evening spanish", visitor=visitor, found=3, category="spanish")  # found enough
        search("pottery", visitor=visitor, category="pottery")  # not the school's category
    client.force_login(w.owner)
    html = client.get(reverse("analytics:funnel", kwargs={"slug": w.school.slug}) + "?period=7").content.decode()
    shown = re.findall(r'<tr data-search="([^"]*)">', html)
    assert sorted(shown) == ["", "evening spanish", "yoga madrid"]
    assert "spanish for kids" not in html and "pottery" not in html
    assert 'data-hidden-searches="3"' in html


@pytest.mark.parametrize(("taken", "at_risk"), [(2, True), (3, False), (4, False)])
def test_a_session_is_at_risk_below_the_threshold_not_at_it(taken, at_risk):
    w = school_world()
    soon = make_session(w.course, days=3, capacity=10, seats_taken=taken)
    make_session(w.course, days=9, capacity=10, seats_taken=0)  # more than a week away
    found = [s.session_id for s in upcoming_sessions_at_risk(school=w.school)]
    assert found == ([soon.pk] if at_risk else [])
    assert is_at_risk(seats_taken=taken, capacity=10, threshold=30) is at_risk
    SchoolAnalyticsSettings.objects.create(school=w.school, at_risk_threshold=taken * 10 + 1)
    assert [s.session_id for s in upcoming_sessions_at_risk(school=w.school)] == [soon.pk]


def test_the_at_risk_email_goes_once_to_owners_and_managers(smtp):
    w = school_world()
    soon = make_session(w.course, days=2, capacity=10, seats_taken=1)
    make_session(w.course, days=2, capacity=10, seats_taken=5)  # half full: fine
    assert at_risk_alerts_send() == 1
    send_at_risk_alerts.call()  # the periodic job again: nothing new
    assert any(job[0] == "analytics.at_risk_alerts" for job in periodic_jobs())
    messages = smtp.deliver()
    assert sorted(m["To"] for m in messages) == sorted([w.owner.email, w.manager.email])  # not the instructor
    message = next(m for m in messages if m["To"] == w.owner.email)
    assert "1 session starting soon is still empty" in message["Subject"]
    text = body_text(message)
    assert w.course.title in text and "1 of 10 seats taken (10%)" in text
    assert f"/sessions/{soon.pk}/" in text
    html = message.get_body(("html",)).get_content()
    assert f"/sessions/{soon.pk}/" in html and w.course.title in html
    assert AtRiskAlert.objects.filter(session=soon, threshold=30).count() == 1
    smtp.clear()
    assert at_risk_alerts_send() == 0 and smtp.deliver() == []
    # A higher threshold is a new crossing: told once more.
    at_risk_threshold_set(actor=w.owner, school=w.school, threshold=60)
    assert at_risk_alerts_send() == 2  # both sessions are now below 60 %
    assert len(smtp.deliver()) == 2


def urls(slug: str) -> list[str]:
    return [
        reverse("analytics:funnel", kwargs={"slug": slug}),
        *(reverse("analytics:funnel_export", kwargs={"slug": slug, "table": t})
          for t in ("channels", "courses", "searches", "waitlists", "at_risk")),
    ]  # fmt: skip


@pytest.mark.parametrize("actor", ["other_owner", "other_manager", "instructor", "manager", "owner"])
def test_other_schools_get_404_and_instructors_403(client, actor):
    w = funnel_world()
    other_manager = UserFactory()
    Membership.objects.create(school=CourseFactory().school, user=other_manager, role=Role.MANAGER)
    people = {"other_owner": w.other_owner, "other_manager": other_manager, "instructor": w.instructor,
              "manager": w.manager, "owner": w.owner}  # fmt: skip
    client.force_login(people[actor])
    expected = {"other_owner": 404, "other_manager": 404, "instructor": 403}.get(actor, 200)
    for url in urls(w.school.slug):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 404:
            assert w.course.title not in response.content.decode("utf-8", "replace")
    posted = client.post(urls(w.school.slug)[0], {"threshold": "50"})
    assert posted.status_code == (expected if expected != 200 else 302)
    assert SchoolAnalyticsSettings.objects.filter(at_risk_threshold=50).exists() is (expected == 200)


@pytest.mark.parametrize("value", ["101", "-1", "thirty", "", "12.5"])
def test_a_bad_threshold_gets_a_clear_error_and_changes_nothing(client, value):
    w = school_world()
    at_risk_threshold_set(actor=w.owner, school=w.school, threshold=40)
    audits = AuditEntry.objects.count()
    client.force_login(w.manager)
    page = client.post(reverse("analytics:funnel", kwargs={"slug": w.school.slug}), {"threshold": value})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Enter a whole number from 0 to 100." in html and 'id="threshold-errors" role="alert"' in html
    assert SchoolAnalyticsSettings.objects.get(school=w.school).at_risk_threshold == 40
    assert AuditEntry.objects.count() == audits


def test_a_good_threshold_is_saved_and_audited(client):
    w = school_world()
    client.force_login(w.manager)
    response = client.post(reverse("analytics:funnel", kwargs={"slug": w.school.slug}), {"threshold": "45"})
    assert response.status_code == 302
    assert SchoolAnalyticsSettings.objects.get(school=w.school).at_risk_threshold == 45
    entry = AuditEntry.objects.get(action="analytics.at_risk_threshold_set")
    assert entry.changes == {"at_risk_threshold": [30, 45]}
    with pytest.raises(Exception, match="0 to 100"):
        at_risk_threshold_set(actor=w.owner, school=w.school, threshold=101)


def test_the_csv_exports_equal_the_page(client):
    w = funnel_world()
    make_session(w.course, days=2, capacity=10, seats_taken=1)  # at risk
    booking(w.session, state=BookingState.WAITLISTED)  # a second person waiting
    client.force_login(w.owner)
    query = "?period=30"
    html = client.get(reverse("analytics:funnel", kwargs={"slug": w.school.slug}) + query).content.decode()

    def on_page(table: str) -> list[list[str]]:
        body = re.search(rf'data-table="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
        assert body is not None
        rows = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S):
            cells = re.findall(r'data-count="(\d+)" data-conversion="([^"]*)"', row)
            rows.append([value for index, (count, rate) in enumerate(cells) for value in ([count, rate] if index
                         else [count])])  # fmt: skip
        return rows

    def exported(table: str, skip: int) -> list[list[str]]:
        url = reverse("analytics:funnel_export", kwargs={"slug": w.school.slug, "table": table})
        response = client.get(url + query)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        return [row[skip:] for row in rows[1:]]

    assert exported("channels", 1) == on_page("channels")
    assert exported("courses", 2) == on_page("courses")
    courses_csv = exported("courses", 0)
    title = w.course.title
    assert [row[:2] for row in courses_csv][:2] == [[title, "All channels"], [title, "Search engines"]]
    [risk] = exported("at_risk", 0)
    assert risk[0] == w.course.title and risk[2:] == ["10", "1", "10.0"] and 'data-fill="10.0"' in html
    [waiting] = exported("waitlists", 0)
    assert waiting[4] == "2" and 'data-waiting="2"' in html
    # Every table in one workbook: the same rows as the CSVs, numbers as numbers.
    workbook = client.get(reverse("analytics:funnel_workbook", kwargs={"slug": w.school.slug}) + query)
    book = load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames == ["By channel", "By course and channel", "Few results", "Waitlists", "At risk"]
    in_sheet = [["" if v is None else str(v) for v in row] for row in book["At risk"].iter_rows(values_only=True)]
    assert in_sheet[1][0] == w.course.title and in_sheet[1][2:4] == ["10", "1"]
    assert (
        client.get(reverse("analytics:funnel_export", kwargs={"slug": w.school.slug, "table": "all"})).status_code
        == 404
    )


def test_stored_days_and_today_live_equal_the_funnel_computed_from_the_truth():
    w = funnel_world()
    zone = school_zone(w.school)
    today = local_today(zone)
    for days in (3, 10, 20):  # more days before today, rolled up by the job
        view(w.course, Channel.SEARCH, visitor=f"past{days}", ago=timedelta(days=days))
        booking(w.session, state=BookingState.CONFIRMED, ago=timedelta(days=days), payment=PaymentState.SUCCEEDED)
    rollup_days(start=today - timedelta(days=60), end=today, school=w.school)
    period = Period(today - timedelta(days=29), today)
    live = compute_funnel_days(school=w.school, start=period.start, end=period.end, zone=zone)
    total = Steps()
    for steps_of_day in live.values():
        total.add(steps_of_day)
    assert steps(school_funnel(school=w.school, period=period, zone=zone).total) == (
        total.views, total.started, total.checkout, total.paid)  # fmt: skip
    assert FunnelDay.objects.filter(school=w.school, day__lt=today).exists()


def test_a_booking_paid_days_after_it_was_started_is_counted_paid_on_its_day_after_the_job():
    w = funnel_world()
    zone = school_zone(w.school)
    today = local_today(zone)
    late = booking(w.session, state=BookingState.HELD, ago=timedelta(days=5))
    rollup_days(start=today - timedelta(days=60), end=today, school=w.school)
    period = Period(today - timedelta(days=29), today)
    before = steps(school_funnel(school=w.school, period=period, zone=zone).total)
    # Paid by bank transfer today: the hourly job recomputes the day it was started.
    Booking.objects.filter(pk=late.pk).update(state=BookingState.CONFIRMED, confirmed_at=timezone.now())
    rollup_recent()
    after = steps(school_funnel(school=w.school, period=period, zone=zone).total)
    assert after == (before[0], before[1], before[2] + 1, before[3] + 1)
