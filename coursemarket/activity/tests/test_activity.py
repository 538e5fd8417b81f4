"""The activity log: recorded outside the page cache (cached hits too), bots
left out, batched writes; a person's history (see, clear, switch off),
export and erasure; the operators' search report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.privacy import erase_user_data, export_user_data
from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.activity import buffer
from coursemarket.activity.models import Event, HistoryPreference, Kind
from coursemarket.activity.selectors import search_report
from coursemarket.alerts.services import saved_search_create
from coursemarket.catalog.search.index import rebuild
from coursemarket.catalog.tests.factories import CourseFactory, category, make_session

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"}


def events(**filters):  # type: ignore[no-untyped-def]
    buffer.flush()
    return list(Event.objects.filter(**filters).order_by("created_at", "id"))


@pytest.fixture
def course():  # type: ignore[no-untyped-def]
    course = CourseFactory(title="Conversational Spanish")
    make_session(course, days=10)
    return course


def test_searches_are_recorded_on_cache_hits_too_with_their_result_count(client, course):
    CourseFactory(title="Wheel pottery", summary="Clay", category=category("pottery"))
    rebuild()  # the factories write courses without the services that index them for search
    client.get("/en/courses/?q=Spanish&level=", **BROWSER)
    with CaptureQueriesContext(connection) as hit_queries:
        client.get("/en/courses/?q=Spanish&level=", **BROWSER)
    # The second was served from the page cache (a render runs many queries):
    # a hit costs the versions and nothing for the log, which writes later.
    assert len(hit_queries) <= 1
    found = events(kind=Kind.SEARCH)
    assert [(e.query, e.result_count, e.filters) for e in found] == [("spanish", 1, {}), ("spanish", 1, {})]
    assert all(e.user_id is None for e in found)
    client.get("/en/courses/?q=nothing-like-this", **BROWSER)
    assert events(query="nothing-like-this")[0].result_count == 0


def test_course_views_are_recorded_on_cache_hits(client, course):
    url = reverse("catalog:course_detail", kwargs={"slug": course.slug})
    client.get(url, **BROWSER)
    with CaptureQueriesContext(connection) as hit_queries:
        client.get(url, HTTP_REFERER="https://www.google.com/", **BROWSER)
    assert len(hit_queries) <= 1
    views = events(kind=Kind.COURSE_VIEW)
    assert [(e.object_type, e.object_id, e.school_id) for e in views] == [
        ("catalog.course", course.pk, course.school_id)
    ] * 2
    assert [e.channel for e in views] == ["direct", "search"]


def test_channels_bots_and_what_is_not_a_search(client, course):
    client.get("/en/courses/?q=spanish&utm_source=Newsletter", **BROWSER)
    client.get("/en/courses/?q=spanish", HTTP_REFERER="https://blog.example.org/post", **BROWSER)
    client.get("/en/courses/?q=spanish&page=2", **BROWSER)  # the same search, turned over
    client.get("/en/courses/", **BROWSER)  # browsing, not a search
    client.get("/en/courses/?q=spanish", HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")
    client.get("/en/courses/?q=spanish")  # no user agent: a script
    found = events(kind=Kind.SEARCH)
    assert [(e.channel, e.utm_source, e.referrer_host) for e in found] == [
        ("utm", "newsletter", ""),
        ("referral", "", "blog.example.org"),
    ]


def test_category_pages_are_searches_in_their_category(client, course):
    client.get(f"/en/categories/{course.category.slug}/?city=Madrid", **BROWSER)
    (event,) = events(kind=Kind.SEARCH)
    assert event.filters == {"category": course.category.slug, "city": "Madrid"}
    assert event.result_count == 1


def test_writes_are_batched(client, course, settings):
    settings.ACTIVITY_BATCH_SIZE = 3
    url = reverse("catalog:course_detail", kwargs={"slug": course.slug})
    client.get(url, **BROWSER)
    client.get(url, **BROWSER)
    assert Event.objects.count() == 0 and buffer.pending() == 2
    client.get(url, **BROWSER)
    assert Event.objects.count() == 3 and buffer.pending() == 0


def test_a_student_sees_and_clears_their_history(client, course):
    student = UserFactory()
    client.force_login(student)
    client.get("/en/courses/?q=spanish", **BROWSER)
    client.get(reverse("catalog:course_detail", kwargs={"slug": course.slug}), **BROWSER)
    page = client.get(reverse("activity:history"))
    html = page.content.decode()
    assert "Conversational Spanish" in html and f"/en/courses/{course.slug}/" in html
    assert "/en/courses/?q=spanish" in html
    assert len(events(user=student)) == 2
    client.post(reverse("activity:history_clear"))
    assert events(user=student) == []
    assert b'data-testid="history-empty"' in client.get(reverse("activity:history")).content


def test_history_switched_off_links_nothing_to_the_student(client, course):
    student = UserFactory()
    client.force_login(student)
    client.get("/en/courses/?q=spanish", **BROWSER)
    client.post(reverse("activity:history_preference"), {})  # the box unticked: off
    assert HistoryPreference.objects.get(user=student).keep_history is False
    assert events(user=student) == []  # what was kept is cleared
    client.get("/en/courses/?q=spanish", **BROWSER)
    client.get(reverse("catalog:course_detail", kwargs={"slug": course.slug}), **BROWSER)
    assert events(user=student) == []
    assert len(events(user__isnull=True, anonymous_id="")) == 2  # still counted, linked to nobody
    assert b'data-testid="history-off"' in client.get(reverse("activity:history")).content
    client.post(reverse("activity:history_preference"), {"keep_history": "on"})
    client.get("/en/courses/?q=spanish", **BROWSER)
    assert len(events(user=student)) == 1


def test_anonymous_history_stays_with_the_session(client, course):
    session = client.session
    session["seen"] = True
    session.save()
    client.get("/en/courses/?q=spanish", **BROWSER)
    (event,) = events(kind=Kind.SEARCH)
    assert event.user_id is None and len(event.anonymous_id) == 32
    assert event.anonymous_id != session.session_key  # a hash, never the key


def test_export_and_erasure(client, course):
    student = UserFactory()
    client.force_login(student)
    client.get("/en/courses/?q=spanish", **BROWSER)
    saved_search_create(user=student, name="Spanish", query_string="q=spanish", frequency="weekly")
    data = export_user_data(user=student)
    assert data["history"]["keep_history"] is True
    assert [e["query"] for e in data["history"]["events"]] == ["spanish"]
    assert [s["name"] for s in data["saved_searches"]] == ["Spanish"]
    erase_user_data(user=student)
    assert not Event.objects.filter(user=student).exists()
    assert export_user_data(user=student)["saved_searches"] == []


def test_the_operator_report_counts_queries_and_zero_results(client):
    now = timezone.now()
    rows = [("spanish", 4), ("spanish", 2), ("klingon", 0), ("klingon", 0), ("pottery", 0), ("pottery", 3), ("x", None)]
    Event.objects.bulk_create(Event(kind=Kind.SEARCH, query=q, result_count=n, created_at=now) for q, n in rows)
    Event.objects.create(kind=Kind.SEARCH, query="old", result_count=0, created_at=now - timedelta(days=40))
    Event.objects.create(kind=Kind.SEARCH, query="", filters={"city": "Madrid"}, result_count=0, created_at=now)
    report = search_report(start=now - timedelta(days=30), end=now + timedelta(seconds=1))
    assert (report.searches, report.counted, report.zero) == (7, 6, 3)
    assert report.zero_rate == 0.5
    assert [(r.query, r.searches) for r in report.top[:3]] == [("klingon", 2), ("pottery", 2), ("spanish", 2)]
    assert [(r.query, r.zero_results) for r in report.top_zero] == [("klingon", 2), ("pottery", 1)]

    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    page = client.get(reverse("activity:search_report"), {"period": "30"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="zero-rate">50 %' in html and "klingon" in html
    bad = client.get(
        reverse("activity:search_report"), {"period": "custom", "start": "2026-05-01", "end": "2026-01-01"}
    )
    assert bad.status_code == 400


def test_the_report_is_for_operators_only(client):
    client.force_login(UserFactory())
    response = client.get(reverse("activity:search_report"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_a_full_batch_is_written_by_its_own_thread(rf, settings):
    """With the timer on (production), the request that fills a batch does not
    write it: a thread does, at once."""
    import time

    from django.contrib.auth.models import AnonymousUser

    from coursemarket.activity.services import activity_record

    settings.ACTIVITY_FLUSH_SECONDS = 30
    settings.ACTIVITY_BATCH_SIZE = 2
    request = rf.get("/en/courses/?q=x", HTTP_USER_AGENT=BROWSER["HTTP_USER_AGENT"])
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        activity_record(request=request, kind=Kind.SEARCH, query="x")
        activity_record(request=request, kind=Kind.SEARCH, query="y")
    assert len(queries) == 0
    deadline = time.monotonic() + 10
    while Event.objects.count() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(Event.objects.values_list("query", flat=True)) == ["x", "y"]
