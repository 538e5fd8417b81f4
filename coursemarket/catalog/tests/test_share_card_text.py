"""A share card's facts are really drawn (issue 18, "text present ... a
rendering test"): each fact, left out, changes the card exactly where it is
written, by as much as that text is wide in the card's font."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image, ImageChops

from coursemarket.catalog import sharecards

FACTS = sharecards.ShareFacts(
    "en", "Paella workshop for beginners", "Academia Sol Madrid", "Sat 12 Dec 2026, 10:00 (Madrid)", "€90.00",
    "4.8 (23)", "3 seats left", "", (50, 50),
)  # fmt: skip
TEXT_PANEL = (64, 1200 - 500 - 64)  # left to right: the cover takes the right 500 pixels of a left-to-right card


def drawn(facts: sharecards.ShareFacts) -> Image.Image:
    with Image.open(io.BytesIO(sharecards.render_card(facts))) as card:
        assert (card.format, card.size) == ("PNG", (1200, 630))
        return card.convert("RGB")


@pytest.mark.parametrize(
    ("field", "size", "bold"),
    [("school", 30, True), ("when", 28, False), ("seats", 28, True), ("price", 46, True)],
)
def test_each_fact_is_drawn_in_the_text_panel_as_wide_as_its_text(field, size, bold):
    full = drawn(FACTS)
    without = drawn(replace(FACTS, **{field: ""}))
    box = ImageChops.difference(full, without).getbbox()
    assert box is not None, f"{field} is not on the card"
    left, _top, right, _bottom = box
    assert TEXT_PANEL[0] - 2 <= left and right <= TEXT_PANEL[1] + 2, box
    expected = sharecards._measure(getattr(FACTS, field), size, bold, False)
    assert abs((right - left) - expected) <= 6, (field, right - left, expected)


def test_the_title_and_rating_are_drawn():
    full = drawn(FACTS)
    for field, band in (("title", (110, 260)), ("rating", (480, 560))):
        box = ImageChops.difference(full, drawn(replace(FACTS, **{field: ""}))).getbbox()
        assert box is not None and band[0] <= box[1] <= band[1], (field, box)
