"""Bookings' own scripts live in the app (static/bookings/) and resolve through
the hashed manifest production serves (CompressedManifestStaticFilesStorage
refuses a name it has no entry for, as the plain manifest storage here does)."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.urls import reverse

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.catalog.tests.factories import CourseFactory, make_session

from .test_checkout import hold, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def manifest_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)


def assert_loads(page: str, name: str) -> None:
    hashed = staticfiles_storage.stored_name(name)  # ValueError: no such file in the manifest
    assert hashed != name and f'src="/static/{hashed}"' in page


def test_the_checkout_page_loads_the_card_step_and_checkout_scripts_from_bookings(manifest_storage):
    booking = hold(UserFactory())
    page = login(booking.student).get(reverse("bookings:checkout", kwargs={"reference": booking.reference}))
    assert page.status_code == 200
    for name in ("bookings/stripe-init.js", "bookings/checkout.js"):
        assert_loads(page.content.decode(), name)


def test_the_course_page_loads_the_booking_form_script_from_bookings(manifest_storage):
    course = CourseFactory()
    make_session(course, capacity=4)
    page = login(UserFactory()).get(reverse("catalog:course_detail", args=[course.slug]))
    assert_loads(page.content.decode(), "bookings/book-form.js")
