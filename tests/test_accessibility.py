"""The key pages as axe-core (WCAG 2.2 A/AA), a phone and a keyboard see them, in English and Arabic.

A small marketplace is built with the factories and services: a school with a long name and a bright brand
colour, a course with an open and a full session, a review, a student holding seats and the school's owner.
Each test walks every key page once as a visitor, the student and the owner, in one browser tab, and fails
with the whole list of what it found (rule, impact, elements, page), not just the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import BookingState
from coursemarket.bookings.services.holds import HoldRequest, booking_hold
from coursemarket.bookings.tests.test_browser import card_payments  # noqa: F401 - a fixture (Stripe.js stand-in)
from coursemarket.catalog.tests.factories import (
    CourseFactory,
    InstructorFactory,
    RoomFactory,
    SchoolFactory,
    category,
    make_session,
    staff,
)
from coursemarket.core.testing import axe_violations, browser_sign_in
from coursemarket.reviews import services as reviews
from coursemarket.reviews.tests.factories import completed_booking, past_session, review_input

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Marketplace:
    student: str
    owner: str
    pages: dict[str, list[tuple[str, str]]]  # who signs in ("" for a visitor) → (page name, address without language)


def marketplace() -> Marketplace:
    school = SchoolFactory(
        name="Escuela Internacional de Idiomas y Cultura Hispánica de Madrid",
        slug="escuela-internacional",
        tagline="Spanish in small groups, a minute from Puerta del Sol",
        brand_primary_color="#f59e0b",  # bright amber: the theme must darken it for text
        is_verified=True,
    )
    room = RoomFactory(location__school=school, location__name="Sede Sol", name="Aula Cervantes")
    instructor = InstructorFactory(
        school=school, name="Lucía Fernández", slug="lucia-fernandez", headline="DELE examiner"
    )
    course = CourseFactory(
        school=school,
        slug="spanish-for-travellers",
        title="Spanish for travellers",
        category=category("spanish"),
        price=Decimal("180.00"),
    )
    open_session = make_session(course, days=12, meetings=3, capacity=8, location=room.location)
    full_session = make_session(course, days=40, meetings=2, capacity=4, seats_taken=4, location=room.location)
    for session in (open_session, full_session):
        session.instructors.add(instructor)

    past = past_session(course, location=room.location)
    past.instructors.add(instructor)
    reviewed = completed_booking(session=past)
    reviews.review_create(author=reviewed.student, booking=reviewed, data=review_input(rating=4))

    student = UserFactory(first_name="Amira", last_name="Haddad")
    held = booking_hold(
        student=student,
        request=HoldRequest(
            session_id=open_session.pk, seats=2, attendees=["Amira Haddad", "Omar Haddad"], request_key="a11y"
        ),
    )
    completed_booking(session=open_session, state=BookingState.CONFIRMED)
    ticket = completed_booking(student=student, session=full_session, state=BookingState.CONFIRMED)
    owner = staff(school)

    dash = f"/dashboard/schools/{school.slug}"
    return Marketplace(
        student=student.email,
        owner=owner.email,
        pages={
            "": [
                ("home", "/"),
                ("course list", "/courses/"),
                ("course page", f"/courses/{course.slug}/"),
                ("category page", "/categories/spanish/"),
                ("school directory", "/schools/"),
                ("school page", f"/schools/{school.slug}/"),
                ("instructor page", f"/instructors/{instructor.slug}/"),
                ("sign-in", "/account/login/"),
                ("sign-up", "/account/signup/"),
            ],
            student.email: [
                ("account settings", "/account/settings/"),
                ("my bookings", "/account/bookings/"),
                ("ticket", f"/account/bookings/{ticket.reference}/ticket/"),
                ("checkout", f"/checkout/{held.reference}/"),
            ],
            owner.email: [
                ("school dashboard", f"{dash}/"),
                ("course editor", f"{dash}/courses/{course.pk}/"),
                ("roster", f"{dash}/bookings/sessions/{open_session.pk}/"),
                ("calendar", f"{dash}/calendar/"),
            ],
        },
    )


def visit(page, language: str, path: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(f"{page.base_url}/{language}{path}")
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    page.wait_for_load_state("networkidle")  # scripts ran, the calendar fetched its events


def walk(page, site: Marketplace):  # type: ignore[no-untyped-def]
    """Each page once, signed in as the person who uses it."""
    for who, pages in site.pages.items():
        if who:
            browser_sign_in(page, who)
        else:
            page.context.clear_cookies()
        yield from pages


SIDEWAYS = """() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    // The innermost elements past either edge that no scroller clips (an absolutely positioned element
    // escapes the scrollers between it and its containing block).
    const clipped = (el) => {
        let escaping = getComputedStyle(el).position === "absolute";
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const style = getComputedStyle(p);
            if (escaping && style.position === "static") continue;
            escaping = false;
            if (style.overflowX !== "visible") return true;
        }
        return false;
    };
    const out = (el) => { const r = el.getBoundingClientRect(); const left = r.left + window.scrollX;
        return r.width > 0 && (left + r.width > width + 0.5 || left < -0.5) && !clipped(el); };
    const found = [...document.body.querySelectorAll("*")].filter((el) => out(el) && ![...el.children].some(out));
    return [`page is ${document.documentElement.scrollWidth}px wide on a ${width}px screen`,
            ...found.slice(0, 5).map((el) => el.outerHTML.slice(0, 120))];
}"""

CURRENT_TAB_HIDDEN = """() => [...document.querySelectorAll("nav [aria-current=page]")].filter((tab) => {
    if (!tab.checkVisibility()) return false;
    const r = tab.getBoundingClientRect();
    return r.left < -0.5 || r.right > document.documentElement.clientWidth + 0.5;
}).map((tab) => tab.textContent.trim())"""


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_key_pages_pass_axe_and_fit_the_screen(page, language, card_payments):  # noqa: F811
    page.context.set_default_timeout(30_000)  # a loaded machine is slow to serve the first page
    site = marketplace()
    viewport = page.viewport_size
    problems: list[str] = []
    for name, path in walk(page, site):
        visit(page, language, path)
        assert page.locator("html").get_attribute("lang") == language
        problems += axe_violations(page)
        problems += [
            f"{name}: the current tab “{tab}” is scrolled out of view" for tab in page.evaluate(CURRENT_TAB_HIDDEN)
        ]
        problems += [f"{name}: {line}" for line in page.evaluate(SIDEWAYS)]
        if viewport["width"] < 400:  # and on the narrowest screen WCAG 1.4.10 (reflow) asks for, 320 px
            page.set_viewport_size({**viewport, "width": 320})
            problems += [f"{name} at 320 px: {line}" for line in page.evaluate(SIDEWAYS)]
            page.set_viewport_size(viewport)
    assert not problems, "\n".join(problems)
    assert page.js_errors == []


# Every control a keyboard can reach, in document order: what Tab should stop at (one stop per radio group).
CONTROLS = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])'
)].filter((el) => !el.disabled && el.tabIndex >= 0 && el.checkVisibility({ visibilityProperty: true })
    && !el.closest("[inert]"))
  .filter((el) => {
    if (el.type !== "radio") return true;
    const group = [...(el.form || document).querySelectorAll(`input[type=radio][name="${el.name}"]`)];
    return el.checked || (!group.some((radio) => radio.checked) && group[0] === el);
  })
  .map((el) => el.outerHTML.slice(0, 100))"""

# What has focus now (once its transitions and the scroll to it end): its markup, whether a focus ring shows,
# and whether the sticky header covers it (WCAG 2.4.11).
FOCUSED = """async () => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    await Promise.all(el.getAnimations().map((animation) => animation.finished));
    const frame = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    for (let y = null; y !== scrollY; await frame()) y = scrollY;  // the (smooth) scroll to it has ended
    const style = getComputedStyle(el);
    const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none";
    const r = el.getBoundingClientRect();
    const clamp = (v, max) => Math.min(Math.max(v, 0), max - 1);
    const onTop = document.elementFromPoint(
        clamp(r.left + r.width / 2, innerWidth), clamp(r.top + r.height / 2, innerHeight));
    const hidden = !el.closest(".site-header") && !!onTop && !!onTop.closest(".site-header");
    return { html: el.outerHTML.slice(0, 100), ring, hidden };
}"""


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_the_keyboard_reaches_every_control_with_a_visible_focus(page, card_payments):  # noqa: F811
    page.context.set_default_timeout(30_000)
    site = marketplace()
    problems: list[str] = []
    for name, path in walk(page, site):
        visit(page, "en", path)
        expected = page.evaluate(CONTROLS)
        reached: list[str] = []
        previous = None
        for _ in range(3 * len(expected) + 10):  # a date field takes a Tab per part (day, month, year, picker)
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused is None or (reached and focused["html"] == reached[0] != previous):
                break  # past the last control, or round again
            previous = focused["html"]
            if previous not in reached:
                reached.append(previous)
            found = []
            if not focused["ring"]:
                found.append(f"{name}: no visible focus on {previous}")
            if focused["hidden"]:
                found.append(f"{name}: the sticky header hides the focused {previous}")
            problems += [line for line in found if line not in problems]
        problems += [f"{name}: Tab never reaches {html}" for html in expected if html not in reached]
    assert not problems, "\n".join(problems)
