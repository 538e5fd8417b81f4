"""The side-by-side editor for a school's own texts in other languages: the
profile (tagline, description), an instructor's biography, a location's
directions. Each kind needs the permission that edits the original (an
instructor also translates their own biography, from their profile). The
overview lists every text × every language with its state, and gives the
texts as one file for a professional translator (XLIFF or PO)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coursemarket.core.texts import TranslationOrigin, text_fingerprint
from coursemarket.core.translation_files import MAX_FILE_BYTES, TranslationFileForm

from .. import translation_files
from ..permissions import Perm
from ..selectors import SchoolAccess
from ..translations import (
    TRANSLATABLE,
    allowed_kinds,
    may_translate,
    profile_translation_save,
    rows_for,
    translation_overview,
)
from .staff import attach_errors, render_dashboard, staff_view


@staff_view(Perm.VIEW_DASHBOARD)
def profile_translation_edit(
    request: HttpRequest, access: SchoolAccess, kind: str, object_id: int, language: str
) -> HttpResponse:
    spec = TRANSLATABLE.get(kind)
    if spec is None or language not in dict(settings.LANGUAGES) or language == access.school.default_language:
        raise Http404
    obj = access.school if kind == "school" else get_object_or_404(spec.model, pk=object_id, school=access.school)
    if kind == "school" and object_id != access.school.pk:
        raise Http404
    if not may_translate(user=request.user, obj=obj, role=access.role):
        raise PermissionDenied
    rows = {r.field: r for r in rows_for(obj) if r.language == language}
    machine = any(r.origin == TranslationOrigin.MACHINE for r in rows.values())
    form = forms.Form(request.POST or None)
    for field in spec.fields:
        label = getattr(spec.model._meta.get_field(field), "verbose_name", field)
        height = 2 if field == "tagline" else 6  # a tagline is one line (160 characters)
        form.fields[field] = forms.CharField(
            label=str(label).capitalize(), required=False, widget=forms.Textarea(attrs={"rows": height})
        )
        form.fields[field].initial = rows[field].text if field in rows else ""
    if machine:
        form.fields["approved"] = forms.BooleanField(
            label=_("I have reviewed this machine translation"), required=False
        )
        form.fields["approved"].initial = all(r.approved for r in rows.values())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        approved = data.pop("approved", None) if machine else None
        try:
            profile_translation_save(actor=request.user, obj=obj, language=language, texts=data, approved=approved)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Translation saved."))
            return redirect("schools:profile_translation", access.school.slug, kind, object_id, language)
    pairs = [
        (
            form[field],
            getattr(obj, field),
            field in rows and rows[field].source_fingerprint != text_fingerprint(getattr(obj, field)),
        )
        for field in spec.fields
    ]
    languages = [(code, name) for code, name in settings.LANGUAGES if code != access.school.default_language]
    # An instructor translating their own biography may not open the overview: back to their profile.
    overview = bool(allowed_kinds(access.can))
    back = (
        (reverse("schools:translations", args=[access.school.slug]), _("Translations"))
        if overview
        else (reverse("schools:instructor_edit", args=[access.school.slug, obj.pk]), _("My instructor profile"))
    )
    return render_dashboard(
        request,
        access,
        "schools/dashboard/profile_translation.html",
        {
            "back_url": back[0],
            "back_label": back[1],
            "form": form,
            "pairs": pairs,
            "obj": obj,
            "kind": kind,
            "object_id": object_id,
            "language": language,
            "languages": languages,
            "rtl": language in settings.LANGUAGES_BIDI,
        },
        section="translations" if overview else "instructors",
        status=400 if form.errors else 200,
    )


def _kinds(access: SchoolAccess) -> list[str]:
    """The kinds of text this member may translate; none: 403."""
    kinds = allowed_kinds(access.can)
    if not kinds:
        raise PermissionDenied
    return kinds


def _target_language(access: SchoolAccess, language: str) -> str:
    if language not in dict(settings.LANGUAGES) or language == access.school.default_language:
        raise Http404
    return language


def _overview(
    request: HttpRequest, access: SchoolAccess, file_form: TranslationFileForm, *, file_language: str = ""
) -> HttpResponse:
    kinds = _kinds(access)
    rows = translation_overview(school=access.school, kinds=kinds)
    languages = [(code, name) for code, name in settings.LANGUAGES if code != access.school.default_language]
    return render_dashboard(
        request,
        access,
        "schools/dashboard/translations.html",
        {"rows": rows, "languages": languages, "file_form": file_form, "file_language": file_language},
        section="translations",
        status=400 if file_form.errors else 200,
    )


@staff_view(Perm.VIEW_DASHBOARD)
def translation_overview_page(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    """Every text the school wrote × every interface language, with its state."""
    return _overview(request, access, TranslationFileForm())


@staff_view(Perm.VIEW_DASHBOARD)
def translation_export(request: HttpRequest, access: SchoolAccess, language: str, file_format: str) -> HttpResponse:
    kinds = _kinds(access)
    language = _target_language(access, language)
    if file_format == "xlf":
        body, content_type = translation_files.export_xliff(access.school, language, kinds), "application/x-xliff+xml"
    elif file_format == "po":
        body, content_type = translation_files.export_po(access.school, language, kinds), "text/x-gettext-translation"
    else:
        raise Http404
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{access.school.slug}.{language}.{file_format}"'
    return response


@require_POST
@staff_view(Perm.VIEW_DASHBOARD)
def translation_import(request: HttpRequest, access: SchoolAccess, language: str) -> HttpResponse:
    kinds = _kinds(access)
    language = _target_language(access, language)
    form = TranslationFileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            translation_files.import_translation_file(
                actor=request.user,
                school=access.school,
                language=language,
                kinds=kinds,
                name=upload.name or "",
                data=upload.read(MAX_FILE_BYTES + 1),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The translation file is imported."))
            return redirect("schools:translations", access.school.slug)
    return _overview(request, access, form, file_language=language)
