"""The school's translation pages for a course (staff with MANAGE_COURSES):
each language's completeness and state, the side-by-side editor, and the
files for professional translators."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coursemarket.core.texts import TranslationOrigin
from coursemarket.core.translation_files import TranslationFileForm
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import SchoolAccess
from coursemarket.schools.views.staff import attach_errors, render_dashboard, staff_view

from . import services, translation_files
from .dashboard_forms import TranslationForm
from .models import Course, CourseTranslation
from .translations import course_translation_overview, language_status


def _course(access: SchoolAccess, course_id: int) -> Course:
    return get_object_or_404(Course, pk=course_id, school=access.school)


def _target_language(course: Course, language: str) -> str:
    if language == course.language or language not in dict(settings.LANGUAGES):
        raise Http404
    return language


@staff_view(Perm.MANAGE_COURSES)
def course_translation_list(request: HttpRequest, access: SchoolAccess, course_id: int) -> HttpResponse:
    course = _course(access, course_id)
    return render_dashboard(
        request,
        access,
        "catalog/dashboard/course_translation_list.html",
        {"course": course, "rows": course_translation_overview(course), "file_form": TranslationFileForm()},
        section="courses",
    )


@staff_view(Perm.MANAGE_COURSES)
def course_translations(request: HttpRequest, access: SchoolAccess, course_id: int, language: str) -> HttpResponse:
    """The side-by-side editor: the original on the left, read-only; the
    translation on the right, with the fields whose original changed marked."""
    course = _course(access, course_id)
    language = _target_language(course, language)
    existing = CourseTranslation.objects.filter(course=course, language=language).first()
    machine_draft = bool(existing and existing.origin == TranslationOrigin.MACHINE)
    initial = {f: getattr(existing, f) for f in CourseTranslation.SOURCE_FIELDS} if existing else {}
    if existing and machine_draft:
        initial["approved"] = existing.approved
    form = TranslationForm(request.POST or None, initial=initial, machine_draft=machine_draft)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        approved = data.pop("approved", None) if machine_draft else None
        try:
            services.course_translation_save(
                actor=request.user, course=course, language=language, approved=approved, **data
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Translation saved."))
            return redirect(
                "catalog:dashboard_course_translations", slug=access.school.slug, course_id=course.pk, language=language
            )
    status = language_status(course, language, existing)
    originals = [
        (form[f], getattr(course, f), f in status.outdated) for f in CourseTranslation.SOURCE_FIELDS if f in form.fields
    ]
    return render_dashboard(
        request,
        access,
        "catalog/dashboard/course_translations.html",
        {
            "course": course,
            "form": form,
            "language": language,
            "language_name": status.name,
            "original_name": dict(settings.LANGUAGES).get(course.language, course.language),
            "status": status,
            "originals": originals,
            "rtl": language in settings.LANGUAGES_BIDI,
            "original_rtl": course.language in settings.LANGUAGES_BIDI,
        },
        section="courses",
        status=400 if form.errors else 200,
    )


@staff_view(Perm.MANAGE_COURSES)
def course_translation_export(
    request: HttpRequest, access: SchoolAccess, course_id: int, language: str, file_format: str
) -> HttpResponse:
    course = _course(access, course_id)
    language = _target_language(course, language)
    if file_format == "xlf":
        body, content_type = translation_files.export_xliff(course, language), "application/x-xliff+xml"
    elif file_format == "po":
        body, content_type = translation_files.export_po(course, language), "text/x-gettext-translation"
    else:
        raise Http404
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}.{language}.{file_format}"'
    return response


@require_POST
@staff_view(Perm.MANAGE_COURSES)
def course_translation_import(
    request: HttpRequest, access: SchoolAccess, course_id: int, language: str
) -> HttpResponse:
    course = _course(access, course_id)
    language = _target_language(course, language)
    form = TranslationFileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            translation_files.import_translation_file(
                actor=request.user,
                course=course,
                language=language,
                name=upload.name or "",
                data=upload.read(translation_files.MAX_FILE_BYTES + 1),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The translation file is imported."))
            return redirect(
                "catalog:dashboard_course_translations", slug=access.school.slug, course_id=course.pk, language=language
            )
    return render_dashboard(
        request,
        access,
        "catalog/dashboard/course_translation_list.html",
        {"course": course, "rows": course_translation_overview(course), "file_form": form, "file_language": language},
        section="courses",
        status=400,
    )
