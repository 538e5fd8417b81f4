import re

import pytest
from django import forms
from django.template import engines
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_bare_address_redirects_to_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"


def test_language_cookie_wins_over_browser(client):
    client.cookies["django_language"] = "de"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/de/"


@pytest.mark.parametrize(
    ("language", "direction", "css"), [("en", "ltr", "bootstrap.min.css"), ("ar", "rtl", "bootstrap.rtl.min.css")]
)
def test_html_lang_and_direction(client, language, direction, css):
    html = client.get(f"/{language}/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert css in html


def test_home_has_landmarks_skip_link_and_hreflang(client):
    html = client.get("/en/").content.decode()
    for landmark in ('role="banner"', '<main id="main"', 'role="contentinfo"', 'class="skip-link" href="#main"'):
        assert landmark in html
    hreflangs = set(re.findall(r'hreflang="([a-z]+)" href="http://testserver/([a-z]+)/"', html))
    assert hreflangs == {(code, code) for code in ("en", "es", "de", "fr", "ar")}


def test_language_switch_sets_cookie_and_lands_on_translated_address(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/en/"})
    assert response.status_code == 302
    assert response["Location"] == "/es/"
    assert response.cookies["django_language"].value == "es"


def test_unknown_language_is_refused_without_change(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/en/"})
    assert "django_language" not in response.cookies


def test_404_page_is_in_the_design_and_the_language(client):
    response = client.get("/ar/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert "error-code" in html
    assert 'name="robots" content="noindex"' in html


def test_403_and_400_pages_render_in_the_design(rf):
    from coursemarket.web import views

    request = rf.get("/en/")
    assert b"error-code" in views.permission_denied(request).content
    assert views.permission_denied(request).status_code == 403
    assert views.bad_request(request).status_code == 400


def test_500_page_renders_without_a_request():
    from coursemarket.web import views

    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"error-code" in response.content


def test_security_headers(client):
    response = client.get("/en/")
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


class SampleForm(forms.Form):
    email = forms.EmailField(label="Email", help_text="We never share it.")


def test_forms_render_inline_errors_tied_to_their_field():
    form = SampleForm(data={"email": "not-an-email"})
    html = engines["django"].from_string("{{ form }}").render({"form": form})
    assert 'class="invalid-feedback d-block" id="id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert "id_email_helptext" in html


def test_seed_demo_is_idempotent():
    from datetime import timedelta

    from django.core.management import call_command
    from django.db.models import F
    from django.utils import timezone

    from coursemarket.accounts.models import User
    from coursemarket.bookings.models import Booking
    from coursemarket.catalog.models import Course, CourseStatus, CourseTranslation, Session
    from coursemarket.payments.models import Payment

    call_command("seed_demo", verbosity=0)
    first = User.objects.count()
    courses = Course.objects.count()
    bookings = Booking.objects.count()
    payments = Payment.objects.count()
    call_command("seed_demo", verbosity=0)
    assert User.objects.count() == first >= 4
    assert Course.objects.count() == courses
    assert Booking.objects.count() == bookings
    assert Payment.objects.count() == payments
    assert User.objects.filter(is_staff=True, email="operator@coursemarket.test").exists()
    # A living catalog: 150+ published courses across the tree, sessions over the next 90 days,
    # some full, some online, several currencies, some translated.
    published = Course.objects.filter(status=CourseStatus.PUBLISHED)
    assert published.count() >= 150
    assert published.values("category__parent").distinct().count() >= 8
    assert Course.objects.filter(status=CourseStatus.DRAFT).exists()
    assert published.values("currency").distinct().count() >= 4
    assert CourseTranslation.objects.exclude(language="en").values("course").distinct().count() >= 20
    now = timezone.now()
    upcoming = Session.objects.filter(course__in=published, starts_at__gt=now)
    assert upcoming.count() >= 300
    assert not upcoming.filter(starts_at__gt=now + timedelta(days=91)).exists()
    assert upcoming.filter(is_online=True).exists() and upcoming.filter(is_online=False).exists()
    assert upcoming.filter(seats_taken=F("capacity")).exists()
    assert upcoming.filter(seats_taken__lt=F("capacity")).count() > upcoming.count() // 2
    _assert_demo_bookings(upcoming)


def _assert_demo_bookings(upcoming):
    from django.db.models import F, Q, Sum
    from django.db.models.functions import Coalesce

    from coursemarket.accounts.models import User
    from coursemarket.bookings import selectors
    from coursemarket.bookings.models import SEAT_TAKING_STATES, Booking, BookingState, CancelledBy
    from coursemarket.catalog.models import Session

    # Real bookings in every state (an expired hold may or may not have happened yet).
    states = set(Booking.objects.values_list("state", flat=True).distinct())
    assert set(BookingState.values) - {BookingState.EXPIRED} <= states
    # Every session's seat counter is exactly the seats of its seat-taking bookings.
    booked = Coalesce(Sum("bookings__seats", filter=Q(bookings__state__in=SEAT_TAKING_STATES)), 0)
    assert not Session.objects.annotate(booked=booked).exclude(booked=F("seats_taken")).exists()
    assert upcoming.filter(seats_taken=F("capacity"), bookings__state=BookingState.WAITLISTED).exists()
    assert upcoming.filter(seats_taken=0).count() < upcoming.count() // 4
    # The main demo student's "My bookings": something in each tab, every kind of upcoming booking.
    student = User.objects.get(email="student@coursemarket.test")
    shown = {tab: selectors.student_bookings(student=student, tab=tab) for tab in selectors.TABS}
    assert {b.state for b in shown["upcoming"]} == {
        BookingState.CONFIRMED, BookingState.PENDING_PAYMENT, BookingState.HELD,
        BookingState.WAITLISTED, BookingState.OFFERED,
    }  # fmt: skip
    assert any(b.seats > 1 and len(b.attendees) == b.seats for b in shown["upcoming"])
    assert any(b.total == 0 for b in shown["upcoming"] if b.state == BookingState.CONFIRMED)
    assert shown["past"] and all(b.state == BookingState.COMPLETED for b in shown["past"])
    cancelled = {b.cancelled_by: b for b in shown["cancelled"]}
    assert 0 < cancelled[CancelledBy.STUDENT].refunded_amount < cancelled[CancelledBy.STUDENT].total
    assert cancelled[CancelledBy.SCHOOL].refunded_amount == cancelled[CancelledBy.SCHOOL].total
    # Academia Sol Madrid's owner has transfers to confirm and a past session with attendance taken.
    sol = Booking.objects.filter(session__school__slug="academia-sol-madrid")
    assert sol.filter(state=BookingState.PENDING_PAYMENT).exists()
    assert sol.filter(state=BookingState.COMPLETED, attended_at__isnull=False).exists()


def test_uploaded_files_are_served_by_the_embedded_setup(client, settings):
    """A school's logo uploaded on a single machine shows without a web server in front."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("schools/logos/test-logo.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"0" * 32))
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get("/media/schools/logos/missing.png").status_code == 404
