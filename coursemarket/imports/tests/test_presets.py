"""The three presets on real rows of the public catalogues in ../shared/data."""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from coursemarket.catalog.models import Course, CourseStatus, DeliveryMode, Level
from coursemarket.catalog.tests.factories import category
from coursemarket.schools.models import School

DATA = Path(settings.BASE_DIR).parent / "shared" / "data"

pytestmark = pytest.mark.django_db


def _rows(name: str, picks: list[int]) -> tuple[list[str], list[list[str]]]:
    path = DATA / name
    if not path.exists():
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"{path} is missing (CI must have ../shared/data)")
        pytest.skip(f"the public catalogues are not at {DATA}")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    return header, [rows[i] for i in picks]


def _file(tmp_path: Path, name: str, picks: list[int]) -> Path:
    header, rows = _rows(name, picks)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def tree(db):
    """The platform's category nodes the presets map subjects onto."""
    for slug in ("programming", "data-science", "web-development", "design", "finance"):
        category(slug)
    roots = ("technology", "business", "music", "languages", "personal-development", "sports", "cooking", "arts-crafts")
    for root in roots:
        category(root)


def _import(path: Path, school: str, preset: str, *extra: str) -> str:
    out = io.StringIO()
    call_command("import_courses", str(path), "--school", school, "--preset", preset, *extra, stdout=out)
    return out.getvalue()


def test_edx_rows_become_online_courses_keyed_by_their_address(tree, tmp_path):
    path = _file(tmp_path, "edx_courses.csv", list(range(12)))
    output = _import(path, "edX", "edx", "--publish")
    assert "Created the school 'edX'" in output
    assert "12 courses: 12 created, 0 updated, 0 rows skipped" in output
    school = School.objects.get(name="edX")
    python = Course.objects.get(
        school=school, external_id__endswith="/programming-for-everybody-getting-started-with-pyt"
    )
    assert python.title == "Programming for Everybody (Getting Started with Python)"
    assert python.level == Level.BEGINNER  # "Introductory"
    assert python.delivery_mode == DeliveryMode.ONLINE
    assert python.price == Decimal("0.00")  # "FREE-Add a Verified Certificate for $49 USD"
    assert python.currency == "USD"
    assert python.duration_hours == Decimal("21.0")  # 2–4 hours per week × 7 weeks
    assert python.category.slug == "programming"  # Computer Science
    assert python.status == CourseStatus.PUBLISHED
    assert "Offered by The University of Michigan." in python.description
    assert "Instructors: Charles Severance." in python.description
    assert list(python.skills.values_list("name", flat=True)) == ["Computer science"]
    # The same file again: the same courses, updated.
    again = _import(path, "edX", "edx", "--publish")
    assert "Using the school 'edX'" in again
    assert "12 courses: 0 created, 12 updated" in again
    assert Course.objects.filter(school=school).count() == 12


def test_edx_spanish_course_is_taught_and_written_in_spanish(tree, tmp_path):
    _rows("edx_courses.csv", [0])  # skips without the data
    with (DATA / "edx_courses.csv").open(encoding="utf-8", newline="") as handle:
        spanish = [i for i, row in enumerate(csv.DictReader(handle)) if row["language"] == "Español"][:2]
    path = _file(tmp_path, "edx_courses.csv", spanish)
    _import(path, "edX", "edx")
    courses = Course.objects.filter(school__name="edX")
    assert {(c.teaching_language, c.language, c.status) for c in courses} == {("es", "es", CourseStatus.DRAFT)}


def test_udemy_rows_keep_price_hours_and_level(tree, tmp_path):
    path = _file(tmp_path, "udemy_courses.csv", list(range(10)))
    output = _import(path, "Udemy", "udemy", "--publish")
    assert "10 courses: 10 created" in output
    banking = Course.objects.get(school__name="Udemy", external_id="1070968")
    assert banking.title == "Ultimate Investment Banking Course"
    assert banking.price == Decimal("200.00")
    assert banking.duration_hours == Decimal("1.5")
    assert banking.level == Level.ALL  # "All Levels"
    assert banking.category.slug == "finance"  # Business Finance
    assert banking.teaching_language == "en"


def test_coursera_merges_rows_of_the_same_title_and_institution(tree, tmp_path):
    # Rows 976 and 1092 are the same Johns Hopkins course with other skills.
    path = _file(tmp_path, "coursera_catalog.csv", [0, 1, 976, 1092])
    output = _import(path, "Coursera", "coursera", "--publish")
    assert "4 rows read, 3 courses: 3 created" in output
    course = Course.objects.get(external_id="HTML, CSS, and Javascript for Web Developers | Johns Hopkins University")
    skills = set(course.skills.values_list("name", flat=True))
    assert {"Javascript", "Cascading style sheets (css)", "Html and css"} <= skills
    excel = Course.objects.get(external_id="Getting Started with Microsoft Excel | Coursera Project Network")
    assert excel.level == Level.INTERMEDIATE
    assert excel.duration_hours == Decimal("1.5")  # Less Than 2 Hours
    assert excel.category.slug == "business"


def test_a_file_of_another_layout_is_refused_by_the_preset(tree, tmp_path):
    path = _file(tmp_path, "udemy_courses.csv", [0])
    with pytest.raises(CommandError, match="not a edX catalogue: it has no column title, summary"):
        _import(path, "edX", "edx")
    assert not Course.objects.exists()
