"""The dashboard's import: upload → columns → preview → background import →
summary; refusals and bad files change nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.catalog.models import Course, CourseStatus, Skill
from coursemarket.catalog.tests.factories import CourseFactory, SchoolFactory, category, staff
from coursemarket.imports.models import ImportJob, ImportMapping, ImportStatus
from coursemarket.schools.models import Role

from .catalogue import BAD, MAPPING, catalogue_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """The worker's task runs at once, in process."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def school():
    category("spanish")
    return SchoolFactory()


@pytest.fixture
def owner(client, school):
    user = staff(school)
    client.force_login(user)
    return user


def _upload(client, school, data: bytes, name: str = "catalogue.csv"):
    return client.post(reverse("imports:upload", args=[school.slug]), {"file": SimpleUploadedFile(name, data)})


def _run(client, school, data: bytes, commits, *, publish: bool = False, name: str = "catalogue.csv"):
    response = _upload(client, school, data, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("created_at")
    response = client.post(reverse("imports:columns", args=[school.slug, job.pk]), MAPPING)
    assert response.status_code == 302
    preview = client.get(reverse("imports:preview", args=[school.slug, job.pk]))
    assert preview.status_code == 200
    with commits(execute=True):  # the task is queued once the transaction commits
        response = client.post(
            reverse("imports:preview", args=[school.slug, job.pk]),
            {"publish": "1" if publish else "0", "default_category": "", "action": "import"},
        )
    assert response.status_code == 302
    job.refresh_from_db()
    return job, preview


def test_preview_names_row_column_and_problem_of_each_bad_row_and_writes_nothing(client, school, owner):
    _upload(client, school, catalogue_csv(20))
    job = ImportJob.objects.get()
    # The mapping is guessed from the column names where it can be.
    assert job.columns["title"] == "Course name"
    client.post(reverse("imports:columns", args=[school.slug, job.pk]), MAPPING)
    page = client.get(reverse("imports:preview", args=[school.slug, job.pk])).content.decode()
    assert "17 courses can be imported." in page
    assert "3 rows have problems and will be skipped." in page
    for row, (column, _value, message) in BAD.items():
        assert f"<td>{row}</td><td>{column} " in page
        assert message in page
    assert not Course.objects.exists()


def test_import_runs_in_the_background_and_reimport_updates(client, school, owner, django_capture_on_commit_callbacks):
    commits = django_capture_on_commit_callbacks
    job, _preview = _run(client, school, catalogue_csv(30), commits, publish=True)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.skipped_count) == (27, 0, 3)
    assert Course.objects.filter(school=school, status=CourseStatus.PUBLISHED).count() == 27
    course = Course.objects.get(external_id="SP-0003")
    assert course.title == "Spanish for travellers 3"
    assert course.price == Decimal("103.50")
    assert course.level == "intermediate"  # every third row
    assert course.category.slug == "spanish"
    assert set(course.skills.values_list("slug", flat=True)) == {"listening", "small-talk"}
    page = client.get(reverse("imports:job", args=[school.slug, job.pk])).content.decode()
    assert "Import finished." in page and "27 courses created" in page and "3 rows skipped" in page
    assert "“cheap” is not a price" in page
    # The school's mapping is remembered and preselected for the next file.
    assert ImportMapping.objects.get(school=school).columns == MAPPING
    again, _preview = _run(client, school, catalogue_csv(30, bad=False, title_prefix="Spanish on the road"), commits)
    assert (again.created_count, again.updated_count, again.skipped_count) == (3, 27, 0)
    assert Course.objects.filter(school=school).count() == 30
    course.refresh_from_db()
    assert course.title == "Spanish on the road 3"
    assert course.status == CourseStatus.PUBLISHED  # an update as drafts leaves the status alone
    assert Skill.objects.filter(slug="listening").count() == 1


def test_progress_is_polled_with_htmx_and_the_page_works_without(client, school, owner):
    _upload(client, school, catalogue_csv(5, bad=False))
    job = ImportJob.objects.get()
    client.post(reverse("imports:columns", args=[school.slug, job.pk]), MAPPING)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, to_write=5, processed=2)
    url = reverse("imports:job", args=[school.slug, job.pk])
    page = client.get(url).content.decode()
    assert 'http-equiv="refresh"' in page  # inside <noscript>
    assert f'hx-get="{url}"' in page and 'aria-valuenow="40"' in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "Importing: 2 of 5 courses" in fragment


def test_xlsx_files_import_like_csv(client, school, owner, django_capture_on_commit_callbacks):
    book = Workbook()
    sheet = book.active
    sheet.append(["Code", "Course name", "About", "Subject", "Fee", "Hours"])
    sheet.append(["X-1", "Tapas evening", "Cook six tapas.", "spanish", 45, 3])
    sheet.append(["X-2", "Paella day", "Rice, saffron, patience.", "Spanish", 60.5, 6])
    out = io.BytesIO()
    book.save(out)
    _upload(client, school, out.getvalue(), "menu.xlsx")
    job = ImportJob.objects.get()
    assert job.format == "xlsx" and job.total_rows == 2
    mapping = {"external_id": "Code", "title": "Course name", "description": "About", "category": "Subject"}
    client.post(
        reverse("imports:columns", args=[school.slug, job.pk]), {**mapping, "price": "Fee", "duration_hours": "Hours"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:preview", args=[school.slug, job.pk]), {"publish": "0", "action": "import"})
    assert sorted(Course.objects.values_list("title", "price", "duration_hours")) == [
        ("Paella day", Decimal("60.50"), Decimal("6.0")),
        ("Tapas evening", Decimal("45.00"), Decimal("3.0")),
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.pdf", b"%PDF-1.4", "is not a CSV or XLSX file"),
        ("catalogue.csv", b"", "The submitted file is empty."),
        ("catalogue.csv", b"Code,Course name\n", "has a header row but no courses under it"),
        ("catalogue.csv", "Code,Course name\n1,Café crème\n".encode("latin-1"), "The file is not in UTF-8"),
        ("catalogue.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "This file is not a CSV text file"),
        ("catalogue.xlsx", b"Code,Course name\n1,Tapas\n", "This file is not an Excel workbook"),
    ],
)
def test_bad_files_get_a_clear_error_and_nothing_is_kept(client, school, owner, name, data, message):
    response = _upload(client, school, data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists() and not Course.objects.exists()


def test_a_file_over_the_limit_is_refused(client, school, owner, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = _upload(client, school, catalogue_csv(50))
    assert response.status_code == 400
    assert "The file is too big" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_with_too_many_rows_is_refused(client, school, owner, settings):
    settings.IMPORT_MAX_ROWS = 5
    response = _upload(client, school, catalogue_csv(6))
    assert response.status_code == 400
    assert "The file has more than 5 rows" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_file_gets_a_name_nobody_guesses_and_goes_once_imported(
    client, school, owner, django_capture_on_commit_callbacks
):
    _upload(client, school, catalogue_csv(3, bad=False), "prices-2027.csv")
    job = ImportJob.objects.get()
    assert job.filename == "prices-2027.csv"
    assert "prices" not in job.file.name and len(job.file.name.rsplit("/", 1)[1]) > 20
    path = job.file.path
    client.post(reverse("imports:columns", args=[school.slug, job.pk]), MAPPING)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:preview", args=[school.slug, job.pk]), {"publish": "0", "action": "import"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and not job.file
    import os

    assert not os.path.exists(path)


def test_errors_are_worded_in_the_readers_language_when_shown(client, school, owner):
    """A row's error is kept as a code and worded for whoever reads it (this
    message already has a Spanish translation, in catalog's catalogue)."""
    data = catalogue_csv(3, bad=False).replace(b"103.50", b"-3")
    _upload(client, school, data)
    job = ImportJob.objects.get()
    client.post(reverse("imports:columns", args=[school.slug, job.pk]), MAPPING)
    url = reverse("imports:preview", args=[school.slug, job.pk])
    assert "The price cannot be negative." in client.get(url).content.decode()
    spanish = client.get(url.replace("/en/", "/es/", 1)).content.decode()
    assert "El precio no puede ser negativo." in spanish


@pytest.mark.parametrize("who", ["anonymous", "student", "other_school_owner", "instructor"])
def test_other_schools_and_roles_without_course_rights_are_refused(client, school, who):
    owner = staff(school)
    client.force_login(owner)
    _upload(client, school, catalogue_csv(5, bad=False))
    job = ImportJob.objects.get()
    client.post(reverse("imports:columns", args=[school.slug, job.pk]), MAPPING)
    client.logout()
    expected = {"anonymous": 302, "student": 404, "other_school_owner": 404, "instructor": 403}[who]
    if who == "student":
        client.force_login(UserFactory())
    elif who == "other_school_owner":
        client.force_login(staff(SchoolFactory()))
    elif who == "instructor":
        client.force_login(staff(school, Role.INSTRUCTOR))
    s = school.slug
    for method, url, data in [
        ("get", reverse("imports:upload", args=[s]), {}),
        ("post", reverse("imports:upload", args=[s]), {"file": SimpleUploadedFile("c.csv", catalogue_csv(3))}),
        ("get", reverse("imports:columns", args=[s, job.pk]), {}),
        ("post", reverse("imports:columns", args=[s, job.pk]), MAPPING),
        ("get", reverse("imports:preview", args=[s, job.pk]), {}),
        ("post", reverse("imports:preview", args=[s, job.pk]), {"publish": "1", "action": "import"}),
        ("get", reverse("imports:job", args=[s, job.pk]), {}),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == expected, (method, url)
    assert ImportJob.objects.count() == 1 and not Course.objects.exists()
    assert ImportJob.objects.get().status == ImportStatus.UPLOADED


def test_a_job_of_another_school_is_not_found_through_ones_own_school(client, school, owner):
    other = SchoolFactory()
    client.force_login(staff(other))
    _upload(client, other, catalogue_csv(3, bad=False))
    theirs = ImportJob.objects.get(school=other)
    client.force_login(owner)
    for name in ("imports:job", "imports:columns", "imports:preview"):
        assert client.get(reverse(name, args=[school.slug, theirs.pk])).status_code == 404


def test_reimport_matches_only_the_schools_own_courses(client, school, owner, django_capture_on_commit_callbacks):
    elsewhere = CourseFactory(external_id="SP-0001")  # another school's course with the same code
    job, _preview = _run(client, school, catalogue_csv(3, bad=False), django_capture_on_commit_callbacks)
    assert job.created_count == 3
    elsewhere.refresh_from_db()
    assert elsewhere.title.startswith("Conversational Spanish")
    assert Course.objects.filter(external_id="SP-0001").count() == 2


def test_the_course_list_links_to_the_import(client, school, owner):
    page = client.get(reverse("catalog:dashboard_courses", args=[school.slug])).content.decode()
    assert reverse("imports:upload", args=[school.slug]) in page
