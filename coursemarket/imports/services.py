"""Writes of the catalog import: the uploaded file, its column mapping, the
start of the background import and the import itself (which writes courses
through catalog's `courses_import`). Staff need MANAGE_COURSES in the school."""

from __future__ import annotations

import logging
import secrets
from functools import partial
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.catalog.models import Category
from coursemarket.core.money import format_items
from coursemarket.schools.models import School
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import user_can

from .checking import Checked, Source, Written, check_table, guess_mapping, write_rows
from .fields import FIELDS, Options
from .models import ImportJob, ImportMapping, ImportStatus
from .presets import Preset
from .reading import Table, check_size, file_format, read_table
from .tasks import run_import

logger = logging.getLogger(__name__)


def _require(actor: Any, school: School) -> None:
    if not user_can(user=actor, school=school, permission=Perm.MANAGE_COURSES):
        raise PermissionDenied


def import_job_create(*, actor: Any, school: School, upload: Any) -> tuple[ImportJob, Table]:
    """Keep an uploaded file for import once it reads as a table (CSV or XLSX
    with a header and at least one row); else a ValidationError and nothing kept."""
    _require(actor, school)
    fmt = file_format(upload.name)
    check_size(upload.size)
    data = upload.read()
    table = read_table(data, fmt=fmt)
    saved = ImportMapping.objects.filter(school=school).values_list("columns", flat=True).first() or {}
    job = ImportJob(
        school=school,
        created_by=actor,
        filename=Path(upload.name).name[:200],
        format=fmt,
        total_rows=len(table.rows),
        columns=guess_mapping(table.headers, saved),
    )
    # A name nobody can guess: the file is the school's until it is imported.
    job.file.save(f"{secrets.token_urlsafe(18)}.{fmt}", ContentFile(data), save=False)
    job.save()
    audit_record(actor=actor, action="import.uploaded", target=job, school_id=school.pk, changes={"file": job.filename})
    return job, table


@transaction.atomic
def import_mapping_set(*, actor: Any, job: ImportJob, columns: dict[str, str], headers: list[str]) -> ImportJob:
    """The job's column mapping (field → column of the file), remembered as
    the school's mapping for its next file."""
    _require(actor, job.school)
    if job.status != ImportStatus.UPLOADED:
        raise ValidationError(_("This import has already started; upload the file again to change it."))
    clean = {name: header for name, header in columns.items() if header and name in FIELDS}
    unknown = [header for header in clean.values() if header not in headers]
    if unknown:
        raise ValidationError(_("The file has no column “%(name)s”.") % {"name": unknown[0]}, code="column")
    if "title" not in clean:
        raise ValidationError({"title": _("Choose the column that holds the course titles.")}, code="no_title")
    job.columns = clean
    job.save(update_fields=["columns"])
    ImportMapping.objects.update_or_create(school=job.school, defaults={"columns": clean})
    return job


@transaction.atomic
def import_job_start(*, actor: Any, job: ImportJob, publish: bool, default_category: Category | None) -> ImportJob:
    """Queue the import of the file's valid rows; the worker runs it."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _require(actor, job.school)
    if job.status != ImportStatus.UPLOADED:
        raise ValidationError(_("This import has already started."), code="started")
    if not job.columns.get("title"):
        raise ValidationError(_("Choose the column that holds the course titles."), code="no_title")
    job.publish = publish
    job.default_category = default_category
    job.status = ImportStatus.QUEUED
    job.save(update_fields=["publish", "default_category", "status"])
    audit_record(
        actor=actor,
        action="import.started",
        target=job,
        school_id=job.school_id,
        changes={"publish": publish, "columns": job.columns},
    )
    transaction.on_commit(partial(run_import.enqueue, job.pk))
    return job


def catalogue_school(*, name: str) -> tuple[School, bool]:
    """The school a catalogue is loaded into from the shell, by name (or web
    address); created, with no staff, if there is none. (The operator's
    command: staff join through the usual invitations.)"""
    school = School.objects.filter(name__iexact=name).first() or School.objects.filter(slug=slugify(name)).first()
    if school is not None:
        return school, False
    school = School(name=name.strip(), slug=slugify(name)[:60] or "school", default_language="en")
    school.full_clean(exclude=["logo", "cover_image"])
    school.save()
    audit_record(actor=None, action="school.create", target=school, school_id=school.pk, changes={"name": school.name})
    return school, True


def import_file(
    *,
    school: School,
    data: bytes,
    fmt: str,
    preset: Preset | None,
    columns: dict[str, str] | None,
    options: Options,
) -> tuple[Checked, Written]:
    """The shell's import (`manage.py import_courses`), in the foreground, by
    the operator: the same checks and writes as a school's background import."""
    table = read_table(data, fmt=fmt)
    if preset is not None:
        missing = [h for h in preset.headers if h not in table.headers]
        if missing:
            raise ValidationError(
                _("This file is not a %(preset)s catalogue: it has no column %(columns)s.")
                % {"preset": preset.label, "columns": format_items(missing)}
            )
        source = Source(preset=preset)
    else:
        source = Source(columns=columns or {})
        if not source.columns.get("title"):
            raise ValidationError(_("Choose the column that holds the course titles."))
    checked = check_table(table, source=source, options=options)
    written = write_rows(
        actor=None,
        school=school,
        rows=checked.rows,
        publish=options.publish,
        columns=source.column_names(),
    )
    return checked, written
