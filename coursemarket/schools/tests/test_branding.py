"""A school's brand colour is darkened until text in it, and white text on it, read at WCAG AA (4.5:1) on
every background the design system puts them on."""

from __future__ import annotations

import pytest

from coursemarket.schools.branding import CANVAS, WHITE, _rgb, contrast, mark_color, theme_variables
from coursemarket.schools.models import School


@pytest.mark.parametrize("colour", ["#f59e0b", "#fde047", "#ffffff", "#22c55e", "#06b6d4", "#c2410c", "#4338ca"])
def test_brand_colours_read_on_white_the_canvas_and_their_own_tint(colour):
    school = School(name="Escuela", slug="escuela", brand_primary_color=colour)
    theme = theme_variables(school)
    primary, soft = _rgb(theme["--cm-primary"]), _rgb(theme["--cm-primary-soft"])
    assert min(contrast(primary, WHITE), contrast(primary, CANVAS), contrast(primary, soft)) >= 4.5
    assert mark_color(school) == theme["--cm-primary"]  # the initials mark uses the same readable colour


def test_a_dark_brand_colour_is_kept_as_it_is():
    assert theme_variables(School(brand_primary_color="#4338ca"))["--cm-primary"] == "#4338ca"


def test_no_brand_colour_no_theme():
    school = School(name="Escuela", slug="escuela")
    assert theme_variables(school) == {} and mark_color(school) == ""
