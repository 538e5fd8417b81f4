"""The demo's data files: consistent with each other and with the domains'
vocabularies, and a malformed entry is an error rather than a quiet gap."""

import re

import pytest

from coursemarket.catalog.models import TEACHING_LANGUAGES
from coursemarket.demo import course_library, courses
from coursemarket.demo.accounts import DEMO_STUDENTS, DEMO_USERS, email_of
from coursemarket.demo.content import read_json
from coursemarket.demo.course_library import LIBRARY, template_from

CATEGORIES = {
    slug for root in read_json("categories.json") for slug in [root["slug"], *(c["slug"] for c in root["children"])]
}


def test_the_course_library_is_read_whole_from_its_data_file():
    rows = read_json("courses.json")
    assert len(LIBRARY) == len(rows) >= 120
    first = LIBRARY[0]
    assert first.description == "\n".join(rows[0]["description"]) and "\n\n" in first.description
    assert first.tr and all(len(entry) == 3 for entry in first.tr)
    assert len({t.title for t in LIBRARY}) == len(LIBRARY)  # a course is recognised by its title


def test_every_course_fits_the_category_tree_and_the_catalogs_vocabularies():
    for template in LIBRARY:
        assert template.category in CATEGORIES, template.title
        assert not template.teach or template.teach in TEACHING_LANGUAGES, template.title
        assert template.meetings >= 1 and float(template.hours) > 0 and template.price >= 0, template.title
        assert template.group[0] <= template.group[1], template.title
        assert {language for language, _t, _s in template.tr} <= set(TEACHING_LANGUAGES), template.title


def test_the_fit_rules_name_known_groups_and_categories():
    grouped = {slug for slugs in course_library.GROUPS.values() for slug in slugs}
    assert grouped <= CATEGORIES
    assert set(course_library.LANGUAGE_SUBS.values()) <= CATEGORIES
    for pattern, group, category, weight in course_library.KEYWORDS:
        re.compile(pattern)
        assert group in course_library.GROUPS and weight > 0
        assert category is None or category in course_library.GROUPS[group], pattern
    assert set(courses.CURRENCIES.values()) <= set(courses.PRICE_SCALE)


def test_people_in_the_data_files_are_consistent():
    role_accounts = [row["email"] for row in DEMO_USERS]
    students = [email_of(row) for row in DEMO_STUDENTS]
    assert len(set(role_accounts)) == len(role_accounts) and len(set(students)) == len(students)
    # A student row names its email only for a role account: the main student's profile.
    assert [row["email"] for row in DEMO_STUDENTS if row["email"]] == ["student@coursemarket.test"]
    assert "student@coursemarket.test" in role_accounts
    for row in DEMO_STUDENTS:
        assert set(row["interests"].split()) <= CATEGORIES, row["first_name"]
    assert {row["is_staff"] for row in DEMO_USERS} == {"yes", "no"}


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"level": "expert"}, ValueError),
        ({"modes": ["by_post"]}, ValueError),
        ({"slot": "midnight"}, ValueError),
        ({"colour": "red"}, TypeError),
    ],
)
def test_a_malformed_course_is_refused(change, error):
    row = {**read_json("courses.json")[0], **change}
    with pytest.raises(error):
        template_from(row)
