"""A school's first day, in Chromium: a new user signs up and verifies the
email, creates a school with a location picked from the city typeahead,
invites a manager, and the manager (in another browser) signs up with the
invited address, accepts and lands in the dashboard."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from coursemarket.notifications.delivery import deliver_due
from coursemarket.schools.models import Location, Membership, Role, School

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and new passphrase"


def _link_in_mail(to: str, pattern: str) -> str:
    deliver_due()  # what the worker does: the outbox rows the live server wrote are sent
    for message in reversed(mail.outbox):
        if to in message.to:
            found = re.search(pattern, message.body)
            if found:
                return found.group(0)
    raise AssertionError(f"no email to {to} matching {pattern}")


def _sign_up(page, *, name: str, email: str) -> None:
    """allauth's sign-up page (restyled by the accounts app): by label and role."""
    page.get_by_label(re.compile("name", re.I)).first.fill(name)
    page.get_by_label(re.compile(r"^e-?mail", re.I)).fill(email)
    page.get_by_label(re.compile(r"^Password\W*$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"Password \(again\)")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("create account|sign up", re.I)).click()
    page.wait_for_url("**/account/confirm-email/**")
    link = _link_in_mail(email, r"https?://\S+/account/confirm-email/\S+/")
    page.goto(link)
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_create_a_school_and_bring_in_a_manager(page, browser):
    base = page.base_url

    # 1. A new user signs up and verifies the address.
    page.goto(f"{base}/en/account/signup/")
    _sign_up(page, name="Olga Owner", email="olga@example.com")
    page.wait_for_load_state()

    # 2. …who belongs to no school has no "My schools" in the header, and
    #    creates one from the home page.
    page.goto(f"{base}/en/")
    assert page.locator("#site-nav").get_by_role("link", name="My schools", include_hidden=True).count() == 0
    page.get_by_role("link", name="Create your school").click()
    page.wait_for_load_state()  # the page's scripts have run (the slug follows the name)
    page.get_by_role("textbox", name="Name", exact=True).fill("Academia Prueba Valencia")
    page.get_by_role("textbox", name="Tagline", exact=True).fill("Spanish by the sea")
    page.get_by_role("checkbox", name="Spanish").check()
    assert (
        page.get_by_role("textbox", name="Web address", exact=True).input_value() == "academia-prueba-valencia"
    )  # filled from the name
    page.get_by_role("button", name="Create school").click()
    page.wait_for_url("**/en/dashboard/schools/academia-prueba-valencia/")
    assert page.get_by_role("heading", name="Overview").is_visible()
    assert page.locator("#site-nav").get_by_role("link", name="My schools", include_hidden=True).count() == 1
    # Getting started asks for a first course; the only owner is not offered to leave.
    checklist = page.locator(".checklist")
    assert checklist.get_by_role("link", name="Create your first course").is_visible()
    assert checklist.get_by_role("link", name="Publish a course, so students can book it").is_visible()
    assert page.get_by_role("button", name="Leave this school").count() == 0
    assert _no_sideways_scroll(page)

    # 3. …adds a location, picking the city from the offline gazetteer.
    page.get_by_role("link", name="Add a location").first.click()
    page.get_by_role("searchbox", name="City name").fill("Valenc")
    page.locator(".city-result", has_text="Valencia").filter(has_text="Spain").first.click()
    assert page.get_by_role("textbox", name="City", exact=True).input_value() == "Valencia"
    assert page.get_by_role("combobox", name="Country").input_value() == "ES"
    assert page.get_by_role("textbox", name="Latitude").input_value().startswith("39.4")
    page.get_by_role("textbox", name="Name", exact=True).fill("Centro")
    page.get_by_role("textbox", name="Street address").fill("Carrer de Colón 20")
    page.get_by_role("button", name="Add location").click()
    assert page.get_by_text("Europe/Madrid").first.is_visible()
    page.get_by_role("textbox", name="Name", exact=True).last.fill("Aula Mar")
    page.get_by_role("spinbutton", name="Capacity").fill("12")
    page.get_by_role("button", name="Add room").click()
    assert page.get_by_text("Aula Mar").first.is_visible()
    location = Location.objects.get(school__slug="academia-prueba-valencia")
    assert (location.city, location.country, location.timezone) == ("Valencia", "ES", "Europe/Madrid")
    assert location.rooms.get().capacity == 12

    # 4. …invites a manager by email; the link is also shown for copying.
    page.goto(f"{base}/en/dashboard/schools/academia-prueba-valencia/members/")
    page.get_by_role("textbox", name="Email address").fill("mario@example.com")
    page.get_by_role("combobox", name="Role", exact=True).select_option("manager")
    page.get_by_role("button", name="Send invitation").click()
    copied = page.get_by_label("Invitation link for mario@example.com").input_value()
    emailed = _link_in_mail("mario@example.com", r"https?://\S+/invitations/\S+/")
    assert copied == emailed
    assert _no_sideways_scroll(page)
    assert page.js_errors == []

    # 5. The manager, in another browser, opens the link, signs up with the
    #    invited address, comes back to the invitation and accepts it.
    context = browser.new_context(viewport=page.viewport_size, is_mobile=page.viewport_size["width"] < 500)
    context.set_default_timeout(10_000)
    other = context.new_page()
    try:
        other.goto(emailed.replace(emailed.split("/en/")[0], base))
        assert other.get_by_text("mario@example.com").first.is_visible()
        other.get_by_role("link", name="Create an account").click()
        _sign_up(other, name="Mario Manager", email="mario@example.com")
        other.wait_for_url("**/invitations/**")
        other.get_by_role("button", name="Accept invitation").click()
        other.wait_for_url("**/en/dashboard/schools/academia-prueba-valencia/")
        assert other.get_by_text("Welcome to Academia Prueba Valencia!").is_visible()
        assert other.get_by_role("heading", name="Overview").is_visible()
        assert other.locator(".dash-school-meta").get_by_text("Manager").is_visible()
        assert other.get_by_role("button", name="Leave this school").is_visible()  # an owner remains
        assert _no_sideways_scroll(other)
    finally:
        context.close()

    school = School.objects.get(slug="academia-prueba-valencia")
    assert Membership.objects.get(school=school, user__email="mario@example.com").role == Role.MANAGER
    assert Membership.objects.get(school=school, user__email="olga@example.com").role == Role.OWNER
