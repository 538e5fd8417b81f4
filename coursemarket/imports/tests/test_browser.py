"""A school imports a 200-row catalogue with three bad rows, in the browser:
the preview names the three problems, the worker imports the rest while the
page shows progress, and the same file again updates the courses."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from coursemarket.catalog.models import Course, CourseStatus
from coursemarket.catalog.tests.factories import SchoolFactory, category, staff
from coursemarket.catalog.tests.test_browser import sign_in
from coursemarket.imports.models import ImportJob

from .catalogue import BAD, MAPPING, catalogue_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _work() -> None:
    """The worker, in process: run what is queued, then stop."""
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def _upload_and_check(page, school, path) -> None:
    page.goto(page.base_url + f"/en/dashboard/schools/{school.slug}/courses/")
    page.get_by_role("link", name="Import courses").click()
    page.get_by_label("Catalogue file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and choose columns").click()
    # Columns the file names plainly are preselected; the others are chosen here.
    expect(page.get_by_label("Title")).to_have_value("Course name")
    for field, label in [("external_id", "External ID (your own course code)"), ("summary", "Summary")]:
        page.get_by_label(label).select_option(MAPPING[field])
    page.get_by_label("Description").select_option(MAPPING["description"])
    page.get_by_label("Skills").select_option(MAPPING["skills"])
    page.get_by_label("Level").select_option(MAPPING["level"])
    page.get_by_label("Delivery").select_option(MAPPING["delivery_mode"])
    page.get_by_label("Price").select_option(MAPPING["price"])
    page.get_by_label("Currency").select_option(MAPPING["currency"])
    page.get_by_label("Total hours").select_option(MAPPING["duration_hours"])
    page.get_by_label("Category").select_option(MAPPING["category"])
    page.get_by_role("button", name="Check the rows").click()


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_a_school_imports_200_courses_with_three_bad_rows_and_reimports(page, tmp_path):
    school = SchoolFactory(name="Academia Sol", default_language="en")
    category("spanish")
    owner = staff(school)
    path = tmp_path / "catalogue.csv"
    path.write_bytes(catalogue_csv(200))

    sign_in(page, owner.email)
    _upload_and_check(page, school, path)
    expect(page.get_by_text("197 courses can be imported.")).to_be_visible()
    problems = page.locator("table.import-errors tbody tr")
    expect(problems).to_have_count(3)
    for index, (row, (column, _value, message)) in enumerate(sorted(BAD.items())):
        expect(problems.nth(index)).to_contain_text(str(row))
        expect(problems.nth(index)).to_contain_text(column)
        expect(problems.nth(index)).to_contain_text(message)
    page.get_by_label("Published, on the public site at once").check()
    page.get_by_role("button", name="Import 197 courses").click()

    # Queued: the page shows the progress bar and polls it until the worker is done.
    expect(page.get_by_role("progressbar", name="Import progress")).to_be_visible()
    assert not Course.objects.exists()
    _work()
    summary = page.locator(".import-summary")
    expect(summary).to_contain_text("Import finished.", timeout=15_000)
    expect(summary).to_contain_text("197 courses created")
    expect(summary).to_contain_text("0 updated")
    expect(summary).to_contain_text("3 rows skipped")
    expect(page.locator("table.import-errors tbody tr")).to_have_count(3)
    assert Course.objects.filter(school=school, status=CourseStatus.PUBLISHED).count() == 197

    # The same file again: the mapping is remembered, the courses are updated.
    page.goto(page.base_url + f"/en/dashboard/schools/{school.slug}/courses/import/")
    page.get_by_label("Catalogue file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and choose columns").click()
    expect(page.get_by_label("External ID (your own course code)")).to_have_value("Code")
    expect(page.get_by_label("Price")).to_have_value("Fee")
    page.get_by_role("button", name="Check the rows").click()
    page.get_by_role("button", name="Import 197 courses").click()
    expect(page.get_by_role("progressbar", name="Import progress")).to_be_visible()
    _work()
    expect(summary).to_contain_text("0 courses created", timeout=15_000)
    expect(summary).to_contain_text("197 updated")
    assert Course.objects.filter(school=school).count() == 197
    assert ImportJob.objects.filter(school=school).count() == 2
    assert page.js_errors == []
