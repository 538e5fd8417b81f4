"""The school dashboard's catalog import (staff with MANAGE_COURSES):
upload → columns → preview → the job's progress and summary."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from coursemarket.catalog.models import DeliveryMode, Level
from coursemarket.catalog.selectors import category_nodes
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import SchoolAccess
from coursemarket.schools.views.staff import attach_errors, render_dashboard, staff_view

from . import services
from .fields import Options, RowError
from .forms import MappingForm, OptionsForm, UploadForm
from .models import ImportJob, ImportStatus
from .reading import Table
from .running import import_job_check, job_table

SHOWN_ERRORS = 500


def _job(access: SchoolAccess, job_id: int) -> ImportJob:
    return get_object_or_404(ImportJob, pk=job_id, school=access.school)


def _table_or_none(request: HttpRequest, job: ImportJob) -> Table | None:
    try:
        return job_table(job)
    except (ValidationError, OSError):
        messages.error(request, _("The uploaded file can no longer be read. Please upload it again."))
        return None


@staff_view(Perm.MANAGE_COURSES)
def upload(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job, _table = services.import_job_create(
                actor=request.user, school=access.school, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("imports:columns", slug=access.school.slug, job_id=job.pk)
    jobs = ImportJob.objects.filter(school=access.school).select_related("created_by")[:10]
    return render_dashboard(
        request,
        access,
        "imports/upload.html",
        {"form": form, "jobs": jobs},
        section="courses",
        status=400 if form.errors else 200,
    )


@staff_view(Perm.MANAGE_COURSES)
def columns(request: HttpRequest, access: SchoolAccess, job_id: int) -> HttpResponse:
    job = _job(access, job_id)
    if job.status != ImportStatus.UPLOADED:
        return redirect("imports:job", slug=access.school.slug, job_id=job.pk)
    table = _table_or_none(request, job)
    if table is None:
        return redirect("imports:upload", slug=access.school.slug)
    samples = {
        h: next((r[i].strip() for r in table.rows[:20] if r[i].strip()), "") for i, h in enumerate(table.headers)
    }
    form = MappingForm(request.POST or None, headers=table.headers, samples=samples, initial=job.columns)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_mapping_set(actor=request.user, job=job, columns=form.columns(), headers=table.headers)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("imports:preview", slug=access.school.slug, job_id=job.pk)
    return render_dashboard(
        request,
        access,
        "imports/columns.html",
        {"job": job, "form": form, "table": table},
        section="courses",
        status=400 if form.errors else 200,
    )


def _sample(rows: list[Any]) -> list[dict[str, Any]]:
    names = category_nodes()
    levels, modes = dict(Level.choices), dict(DeliveryMode.choices)
    sample = []
    for row in rows[:10]:
        fields = row.fields
        category = names.get(fields.get("category") or 0)
        sample.append(
            {
                "row": row.index,
                "external_id": row.external_id,
                "title": fields.get("title", ""),
                "category": category.name if category else "",
                "level": levels.get(fields.get("level", ""), ""),
                "delivery": modes.get(fields.get("delivery_mode", ""), ""),
                "price": fields.get("price"),
                "currency": fields.get("currency", ""),
                "skills": ", ".join(row.skill_tags or []),
            }
        )
    return sample


@staff_view(Perm.MANAGE_COURSES)
def preview(request: HttpRequest, access: SchoolAccess, job_id: int) -> HttpResponse:
    job = _job(access, job_id)
    if job.status != ImportStatus.UPLOADED:
        return redirect("imports:job", slug=access.school.slug, job_id=job.pk)
    if not job.columns.get("title"):
        return redirect("imports:columns", slug=access.school.slug, job_id=job.pk)
    form = OptionsForm(request.POST or None)
    options = Options()
    if request.method == "POST" and form.is_valid():
        options = Options(
            publish=form.cleaned_data["publish"], default_category_id=form.cleaned_data["default_category"]
        )
    try:
        checked = import_job_check(job=job, options=options)
    except ValidationError:
        messages.error(request, _("The uploaded file can no longer be read. Please upload it again."))
        return redirect("imports:upload", slug=access.school.slug)
    if request.method == "POST" and form.is_valid() and request.POST.get("action") == "import":
        if not checked.rows:
            form.add_error(None, _("No row can be imported. Correct the file or the columns, then try again."))
        else:
            try:
                services.import_job_start(
                    actor=request.user,
                    job=job,
                    publish=form.cleaned_data["publish"],
                    default_category=form.category(),
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return redirect("imports:job", slug=access.school.slug, job_id=job.pk)
    return render_dashboard(
        request,
        access,
        "imports/preview.html",
        {
            "job": job,
            "form": form,
            "checked": checked,
            "errors": checked.errors[:SHOWN_ERRORS],
            "more_errors": max(0, len(checked.errors) - SHOWN_ERRORS),
            "sample": _sample(checked.rows),
        },
        section="courses",
        status=400 if form.errors else 200,
    )


@staff_view(Perm.MANAGE_COURSES)
def job(request: HttpRequest, access: SchoolAccess, job_id: int) -> HttpResponse:
    job = _job(access, job_id)
    if job.status == ImportStatus.UPLOADED:
        return redirect("imports:columns", slug=access.school.slug, job_id=job.pk)
    errors = [RowError.from_json(e) for e in job.errors[:SHOWN_ERRORS]]
    context = {"job": job, "errors": errors, "more_errors": max(0, len(job.errors) - SHOWN_ERRORS)}
    if getattr(request, "htmx", False):
        return render(request, "imports/_progress.html", {**context, "school": access.school})
    return render_dashboard(request, access, "imports/job.html", context, section="courses")
