"""The comparison issue's "Done when", in Chromium: three courses added from
search results, the tray, differences only, one removed and one added from a
course page, the shared address signed out, the phone layout (sticky names and
headers, sideways swipe), axe-core in English and Arabic, and screenshots."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from coursemarket.catalog.models import Level
from coursemarket.core.testing import axe_violations

from .factories import course_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "compare"
PHONE = {"width": 390, "height": 844}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def courses():
    made = []
    for index, (title, price) in enumerate(
        [("Spanish for travellers", "120"), ("Spanish conversation club", "180"), ("Spanish grammar bootcamp", "240"),
         ("Spanish for business", "300")]
    ):  # fmt: skip
        made.append(
            course_with(
                title=title, price=Decimal(price), sessions=2, reviews=1 if index == 0 else 0,
                skills=("Speaking", f"Topic {index}"), level=Level.BEGINNER if index < 3 else Level.ADVANCED,
            )
        )  # fmt: skip
    return made


def table_text(page) -> str:
    return page.locator("table").inner_text()


def test_three_from_search_differences_remove_add_share_and_phone(page, browser):
    travellers, club, bootcamp, business = courses()
    page.goto(page.base_url + "/en/courses/?q=Spanish")
    for course in (travellers, club, bootcamp):
        button = page.get_by_role("button", name=f"Compare {course.title}")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
    tray = page.get_by_role("region", name="Compare: 3 of 4 courses chosen")
    expect(tray).to_be_visible()
    page.get_by_text("Compare: 3 of 4 courses chosen").click()  # open the tray
    expect(tray.get_by_role("link", name=travellers.title)).to_be_visible()
    shot(page, "tray-desktop-en")

    # A fifth is refused with a clear message (after a fourth fills the tray), and undone.
    page.get_by_role("button", name=f"Compare {business.title}").click()
    expect(page.get_by_role("region", name="Compare: 4 of 4 courses chosen")).to_be_visible()
    page.get_by_text("Compare: 4 of 4 courses chosen").click()
    page.get_by_role("button", name=f"Remove {business.title}").click()
    expect(page.get_by_role("region", name="Compare: 3 of 4 courses chosen")).to_be_visible()

    page.get_by_role("link", name="Compare now").click()
    page.wait_for_url("**/compare/?courses=*")
    expect(page.locator("thead").get_by_role("columnheader")).to_have_count(3)
    expect(page.get_by_role("rowheader", name="Level")).to_be_visible()
    shot(page, "comparison-desktop-en")
    assert not axe_violations(page)

    page.get_by_label("Show differences only").check()
    expect(page.get_by_role("rowheader", name="Level")).to_be_hidden()  # all three are for beginners
    expect(page.get_by_role("rowheader", name="Total price")).to_be_visible()
    assert "diff=1" in page.url
    shot(page, "differences-only-desktop-en")
    page.get_by_label("Show differences only").uncheck()
    expect(page.get_by_role("rowheader", name="Level")).to_be_visible()

    # Remove one from the tray, add one from a course page, compare again.
    page.get_by_text("Compare: 3 of 4 courses chosen").click()
    page.get_by_role("button", name=f"Remove {club.title}").click()
    expect(page.get_by_role("region", name="Compare: 2 of 4 courses chosen")).to_be_visible()
    page.goto(page.base_url + f"/en/courses/{business.slug}/")
    toggle = page.get_by_role("button", name=f"Compare {business.title}")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.get_by_role("link", name="Compare now").click()
    page.wait_for_url("**/compare/?courses=*")
    headers = page.locator("thead").get_by_role("columnheader")
    expect(headers).to_have_count(3)
    expect(page.get_by_role("rowheader", name="Level")).to_be_visible()  # business is advanced: it differs now
    page.get_by_label("Show differences only").check()
    expect(page.get_by_role("rowheader", name="Level")).to_be_visible()
    shared_url = page.url
    seen = table_text(page)
    assert club.title not in seen and business.title in seen

    # The shared address, in a signed-out browser, shows the same table.
    other = browser.new_context(viewport={"width": 1366, "height": 900})
    stranger = other.new_page()
    stranger.goto(shared_url)
    assert table_text(stranger) == seen
    other.close()

    # On a phone: two columns in view, names and headers stay while the table scrolls.
    phone_context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    phone.goto(shared_url.replace("&diff=1", "").replace("diff=1&", ""))
    scroller = phone.get_by_role("region", name="Courses compared side by side")
    name_cell = phone.get_by_role("rowheader", name="Total price")
    first_head = phone.locator("thead").get_by_role("columnheader").first
    before_name = name_cell.bounding_box()
    before_head = first_head.bounding_box()
    third_head = phone.locator("thead").get_by_role("columnheader").nth(2).bounding_box()
    # Two columns in view beside the names; the third only peeks in from the side.
    assert before_head["x"] + before_head["width"] <= PHONE["width"]
    assert third_head["x"] + third_head["width"] / 2 > PHONE["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the page itself does not scroll
    shot(phone, "comparison-phone-en")
    scroller.evaluate("(el) => el.scrollBy({left: 400, top: 300})")
    phone.wait_for_timeout(200)
    after_name = name_cell.bounding_box()
    after_head = first_head.bounding_box()
    assert scroller.evaluate("(el) => el.scrollLeft") > 0
    assert after_name["x"] == pytest.approx(before_name["x"], abs=1)  # attribute names stay on the side
    assert after_head["y"] == pytest.approx(before_head["y"], abs=1)  # course headers stay on top
    assert after_head["x"] < before_head["x"]  # the columns moved sideways
    shot(phone, "comparison-phone-en-scrolled")
    phone_context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_comparison_page_has_a_real_table_and_no_serious_axe_violation(page, browser, language):
    made = courses()
    slugs = ",".join(c.slug for c in made[:3])
    # The tray, on a phone, in this language.
    phone_context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=language)
    phone = phone_context.new_page()
    phone.goto(page.base_url + f"/{language}/courses/")
    toggles = phone.locator("[data-compare-toggle] button")
    for index in range(2):
        toggles.nth(index).click()
        expect(toggles.nth(index)).to_have_attribute("aria-pressed", "true")
    phone.evaluate("window.scrollTo(0, 0)")
    assert not axe_violations(phone)  # the listing with its toggles and the closed tray
    phone.locator(".compare-tray summary").click()
    expect(phone.locator(".compare-tray-go")).to_be_visible()
    shot(phone, f"tray-phone-{language}")
    phone.locator(".compare-tray-go").click()
    phone.wait_for_url("**/compare/?courses=*")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, f"comparison-phone-{language}")
    phone_context.close()
    page.goto(page.base_url + f"/{language}/compare/?courses={slugs}&city=Madrid")
    expect(page.get_by_role("table")).to_have_count(1)
    expect(page.locator("thead").get_by_role("columnheader")).to_have_count(3)
    assert page.get_by_role("rowheader").count() > 10
    shot(page, f"comparison-desktop-{language}")
    assert not axe_violations(page)
    page.get_by_role("switch").check()
    shot(page, f"differences-only-desktop-{language}")
    assert not axe_violations(page)
    page.goto(page.base_url + f"/{language}/compare/sessions/{made[0].slug}/")
    expect(page.locator("thead").get_by_role("columnheader")).to_have_count(2)
    assert not axe_violations(page)
    assert not page.js_errors
