"""The results page's cards are joined in Python (views._results_grid), not
by a loop in the template: the page must be the same, byte for byte, as the
loop with its include per card rendered it (kept here as the reference)."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from coursemarket.catalog.models import Course, CourseStatus
from coursemarket.catalog.search.index import rebuild
from coursemarket.catalog.search.query import apply_text_search
from coursemarket.catalog.selectors import attach_texts
from coursemarket.catalog.views import _results_grid

from .factories import CourseFactory, SchoolFactory

pytestmark = pytest.mark.django_db

# What _results.html and catalog/includes/search_why.html said before.
REFERENCE = (
    "{% load site %}{% for course in courses %}{% if listing.search %}"
    '<div class="course-result">{{ cards|get_item:course.id }}'
    '{% with line=why|get_item:course.id %}{% if line %}<p class="search-why">'
    '<i class="bi bi-info-circle" aria-hidden="true"></i> <span class="visually-hidden">'
    '{% translate "Why this result:" %} </span>{{ line }}</p>{% endif %}{% endwith %}\n'
    "</div>{% else %}{{ cards|get_item:course.id }}{% endif %}{% endfor %}"
)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_grid_is_the_templates_markup(language):
    school = SchoolFactory(name="Northwind <Academy> & Co")
    for title in ["Python for beginners", "Advanced Python & <b>tricks</b>", "Watercolour painting"]:
        CourseFactory(school=school, title=title, summary="Step by step.", description="A course.")
    rebuild()
    published = Course.objects.filter(status=CourseStatus.PUBLISHED)
    found, info = apply_text_search(published, "pyhton", language=language)
    courses = attach_texts(found.order_by("-relevance", "-id"))
    assert len(courses) == 2
    why = info.why([c.id for c in courses])
    why[courses[1].id] = 'a line with <markup> & "quotes"'  # escaped alike
    cards = {course.id: mark_safe(f"<article>{course.text.title}</article>") for course in courses}  # noqa: S308
    reference = engines["django"].from_string(REFERENCE)
    with translation.override(language):
        searched = reference.render({"courses": courses, "cards": cards, "why": why, "listing": {"search": info}})
        assert str(_results_grid(courses, cards, why)) == searched
        assert searched.count('class="search-why"') == 2 and "&lt;markup&gt; &amp; &quot;quotes&quot;" in searched
        listed = reference.render({"courses": courses, "cards": cards, "why": {}, "listing": {"search": None}})
        assert str(_results_grid(courses, cards, None)) == listed == "".join(cards.values())
