"""Right to left is a layout, not an attribute: the key pages drawn by Chromium
in Arabic and in English, and their geometry compared. The logo sits on the
right half in Arabic and the left in English; an arrow pointing "onwards"
follows its text and points the way the line reads (mirrored in Arabic); the
analytics charts draw time from right to left. (The share card's right-to-left
drawing is checked on the image itself in catalog/tests/test_pictures.py.)"""

from __future__ import annotations

from decimal import Decimal

import pytest

from coursemarket.bookings.tests.after_purchase import school_world
from coursemarket.core.testing import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["home", "listing", "course", "dashboard"]


def logo_centre(page) -> float:  # type: ignore[no-untyped-def]
    box = page.locator("header .navbar-brand").first.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2


def onwards_arrow(page) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The "All courses" link's arrow: where it is against its words, and
    which way its glyph is drawn (the computed transform's x scale)."""
    return page.evaluate(
        """() => {
          const icon = document.querySelector('.section-head a .bi-arrow-right');
          const link = icon.closest('a');
          const range = document.createRange();
          range.selectNodeContents(link.firstChild);
          const words = range.getBoundingClientRect(), glyph = icon.getBoundingClientRect();
          const m = getComputedStyle(icon).transform;
          const scale = m === 'none' ? 1 : new DOMMatrix(m).a;
          return {wordsLeft: words.left, wordsRight: words.right, iconLeft: glyph.left, iconRight: glyph.right, scale};
        }"""
    )


def time_axis(page, chart: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Where the chart draws its first and last day, in pixels."""
    page.wait_for_function(f"() => !!document.getElementById('{chart}').chart")
    return page.evaluate(
        """id => {
          const x = document.getElementById(id).chart.scales.x;
          return {first: x.getPixelForTick(0), last: x.getPixelForTick(x.ticks.length - 1)};
        }""",
        chart,
    )


@pytest.mark.parametrize("which", PAGES)
def test_arabic_pages_are_laid_out_right_to_left_and_english_left_to_right(page, which):
    w = school_world(price=Decimal("80.00"))
    paths = {
        "home": "/{lang}/",
        "listing": "/{lang}/courses/",
        "course": "/{lang}/courses/" + w.course.slug + "/",
        "dashboard": "/{lang}/dashboard/schools/" + w.school.slug + "/analytics/?period=30",
    }
    if which == "dashboard":
        browser_sign_in(page, w.owner.email)
    width = page.viewport_size["width"]
    seen = {}
    for lang in ("en", "ar"):
        page.goto(page.base_url + paths[which].format(lang=lang))
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        seen[lang] = {"logo": logo_centre(page)}
        if which == "home":
            seen[lang]["arrow"] = onwards_arrow(page)
        if which == "dashboard":
            seen[lang]["axis"] = time_axis(page, "bookings-chart")
    assert seen["en"]["logo"] < width / 2 < seen["ar"]["logo"]

    if which == "home":
        en, ar = seen["en"]["arrow"], seen["ar"]["arrow"]
        assert en["iconLeft"] >= en["wordsRight"] - 1 and en["scale"] == 1  # "All courses →"
        assert ar["iconRight"] <= ar["wordsLeft"] + 1 and ar["scale"] == -1  # "← كل الدورات", read from the right
    if which == "dashboard":
        assert seen["en"]["axis"]["first"] < seen["en"]["axis"]["last"]
        assert seen["ar"]["axis"]["first"] > seen["ar"]["axis"]["last"]
    assert page.js_errors == []
