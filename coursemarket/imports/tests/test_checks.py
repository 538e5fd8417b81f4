"""Cells → values, the mapping's guesses, the per-row checks, and catalog's
bulk courses_import (fixed queries however many rows)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from coursemarket.catalog.models import Course, CourseStatus, Skill
from coursemarket.catalog.services import ImportedCourse, courses_import
from coursemarket.catalog.tests.factories import CourseFactory, SchoolFactory, category, staff
from coursemarket.core.testing import assert_queries
from coursemarket.imports import fields
from coursemarket.imports.checking import Source, check_table, guess_mapping
from coursemarket.imports.fields import CellError, Options
from coursemarket.imports.reading import Table, read_table

from .catalogue import MAPPING, catalogue_csv


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("49.90", Decimal("49.90")),
        ("1,234.50", Decimal("1234.50")),
        ("49,90", Decimal("49.90")),
        ("€ 120", Decimal("120.00")),
        ("FREE-Add a Verified Certificate for $49 USD", Decimal("0.00")),
        ("free", Decimal("0.00")),
        ("0", Decimal("0.00")),
    ],
)
def test_prices(raw, value):
    assert fields.parse_price(raw) == value


@pytest.mark.parametrize(("raw", "code"), [("cheap", "bad_price"), ("-5", "negative_price"), ("1.2.3", "bad_price")])
def test_bad_prices(raw, code):
    with pytest.raises(CellError) as caught:
        fields.parse_price(raw)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("raw", "level"),
    [
        ("Introductory", "beginner"),
        ("Beginner Level", "beginner"),
        ("All Levels", "all"),
        ("Mixed", "all"),
        ("Expert Level", "advanced"),
        ("upper-intermediate", "upper_intermediate"),
        ("Principiante", "beginner"),
        ("Fortgeschritten", "advanced"),
    ],
)
def test_levels_in_the_words_catalogues_use(raw, level):
    assert fields.parse_level(raw) == level


@pytest.mark.parametrize(
    ("raw", "code"), [("English", "en"), ("Español", "es"), ("中文", "zh-hans"), ("اللغة العربية", "ar"), ("de", "de")]
)
def test_teaching_languages_by_code_or_name(raw, code):
    assert fields.parse_teaching_language(raw) == code


def test_hours_currency_delivery_and_skills():
    assert fields.parse_hours("12 hours") == Decimal("12.0")
    assert fields.parse_hours("1,5") == Decimal("1.5")
    with pytest.raises(CellError):
        fields.parse_hours("0.2")
    assert fields.parse_currency("usd") == "USD"
    assert fields.parse_currency("€") == "EUR"
    with pytest.raises(CellError):
        fields.parse_currency("XYZ")
    assert fields.parse_delivery("Self-paced") == "online"
    assert fields.parse_delivery("In person") == "in_person"
    assert fields.parse_skills("Python; SQL |  data , ") == ["Python", "SQL", "data"]


def test_the_mapping_prefers_the_schools_saved_choice_then_the_column_names():
    headers = ["Course name", "Fee", "Code", "Description", "Old price"]
    guessed = guess_mapping(headers, saved={"price": "Old price", "level": "Not in this file"})
    assert guessed["price"] == "Old price"
    assert guessed["title"] == "Course name"
    assert guessed["description"] == "Description"
    assert guessed["external_id"] == "Code"
    assert "level" not in guessed


@pytest.mark.django_db
def test_every_problem_of_a_row_is_named_with_its_row_and_column():
    category("spanish")
    table = Table(
        headers=["Code", "Course name", "Fee", "Difficulty", "Subject", "Hours"],
        rows=[
            ["A", "Good", "10", "Beginner", "Spanish", "2"],
            ["B", "", "ten", "godlike", "Spanish", "2"],
            ["A", "Same code", "10", "Beginner", "spanish", "2"],
            ["C", "Unknown subject", "10", "Beginner", "Astrology", "0"],
        ],
    )
    columns = {
        "external_id": "Code",
        "title": "Course name",
        "price": "Fee",
        "level": "Difficulty",
        "category": "Subject",
        "duration_hours": "Hours",
    }
    checked = check_table(table, source=Source(columns=columns), options=Options())
    assert [row.external_id for row in checked.rows] == ["A"]
    found = [(e.row, e.column, e.code) for e in checked.errors]
    assert found == [
        (3, "Course name", "required"),
        (3, "Difficulty", "unknown_level"),
        (3, "Fee", "bad_price"),
        (4, "Code", "duplicate_id"),
        (5, "Subject", "unknown_category"),
        (5, "Hours", "bad_hours"),
    ]
    assert checked.bad_rows == 3
    assert checked.errors[3].message == "The same external ID as row 2; each course needs its own."
    # A chosen default category takes the unknown subject.
    default = category("english")
    again = check_table(table, source=Source(columns=columns), options=Options(default_category_id=default.pk))
    assert [(e.row, e.code) for e in again.errors if e.row == 5] == [(5, "bad_hours")]


@pytest.mark.django_db
def test_publishing_needs_what_a_published_course_needs():
    table = read_table(b"Course name,Fee\nTapas,\n", fmt="csv")
    checked = check_table(
        table, source=Source(columns={"title": "Course name", "price": "Fee"}), options=Options(publish=True)
    )
    assert {e.field for e in checked.errors} == {"description", "category", "price"}
    drafts = check_table(table, source=Source(columns={"title": "Course name", "price": "Fee"}), options=Options())
    assert drafts.errors == [] and len(drafts.rows) == 1


def _rows(count: int, prefix: str = "Course") -> list[ImportedCourse]:
    spanish = category("spanish")
    return [
        ImportedCourse(
            index=n + 2,
            external_id=f"X-{n}",
            fields={"title": f"{prefix} {n}", "description": "d", "category": spanish.pk, "price": Decimal("10")},
            skill_tags=["Listening", f"topic {n % 3}"],
        )
        for n in range(count)
    ]


# ...and the search index of the chunk's courses, rewritten in a savepoint: the
# old documents, categories ×2, skills, instructors, cities, translations,
# the courses, the new documents, the vocabulary ×2 (catalog.search.index)
REINDEX_QUERIES = 13
CREATE_QUERIES = (
    11 + REINDEX_QUERIES
)  # savepoint, membership, existing, slugs, insert, skills ×3, links, audit, release
UPDATE_QUERIES = 9 + REINDEX_QUERIES  # savepoint, membership, existing, upsert, skills, links ×2, audit, release


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 60])
def test_courses_import_runs_the_same_queries_for_5_or_60_rows(count):
    school = SchoolFactory()
    owner = staff(school)
    rows = _rows(count)
    with assert_queries(CREATE_QUERIES):
        outcome = courses_import(actor=owner, school=school, rows=rows, publish=True)
    assert len(outcome.created) == count
    renamed = _rows(count, "Renamed")
    with assert_queries(UPDATE_QUERIES):
        again = courses_import(actor=owner, school=school, rows=renamed, publish=False)
    assert len(again.updated) == count and again.created == []
    assert Course.objects.filter(school=school, status=CourseStatus.PUBLISHED).count() == count
    assert Skill.objects.filter(slug="listening").count() == 1
    assert Course.objects.get(external_id="X-1").title == "Renamed 1"


@pytest.mark.django_db
def test_courses_import_refuses_someone_without_course_rights_and_writes_nothing():
    from django.core.exceptions import PermissionDenied

    school = SchoolFactory()
    with pytest.raises(PermissionDenied):
        courses_import(actor=staff(SchoolFactory()), school=school, rows=_rows(2), publish=True)
    assert not Course.objects.exists()


@pytest.mark.django_db
def test_a_row_breaking_a_course_rule_is_skipped_and_the_stored_course_kept():
    school = SchoolFactory()
    kept = CourseFactory(school=school, external_id="X-0", title="Kept", status=CourseStatus.PUBLISHED)
    rows = _rows(2)
    rows[0].fields["description"] = ""  # a published course needs one
    outcome = courses_import(actor=None, school=school, rows=rows, publish=False)
    assert [(index, name) for index, name, _message in outcome.skipped] == [(2, "description")]
    kept.refresh_from_db()
    assert kept.title == "Kept" and kept.description
    assert len(outcome.created) == 1


@pytest.mark.django_db
def test_an_imported_published_course_without_dates_is_listed_as_such():
    """Today's listing shows it, marked as having no dates; a session filter
    (a city) leaves it out."""
    school = SchoolFactory()
    courses_import(actor=None, school=school, rows=_rows(1, "Imported tapas"), publish=True)
    client = Client()
    page = client.get("/en/courses/").content.decode()
    assert "Imported tapas 0" in page
    assert "No dates yet" in page
    filtered = client.get("/en/courses/", {"city": "Madrid"}).content.decode()
    assert "Imported tapas 0" not in filtered


def test_a_large_catalogue_file_is_read(settings):
    table = read_table(catalogue_csv(300), fmt="csv")
    assert len(table.rows) == 300 and table.headers[1] == "Course name"
    assert set(MAPPING.values()) <= set(table.headers)
