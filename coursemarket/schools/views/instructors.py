"""Instructor profiles and credentials in the dashboard."""

from __future__ import annotations

import copy

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import CredentialForm, InstructorForm
from ..models import Instructor
from ..permissions import Perm
from ..selectors import SchoolAccess, can_edit_instructor
from .staff import attach_errors, render_dashboard, staff_view


@staff_view(Perm.MANAGE_INSTRUCTORS)
def instructors(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    rows = list(selectors.school_instructors(school=access.school))
    return render_dashboard(
        request, access, "schools/dashboard/instructors.html", {"instructors": rows}, section="instructors"
    )


@staff_view(Perm.MANAGE_INSTRUCTORS)
def instructor_create(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    form = InstructorForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            instructor = services.instructor_create(actor=request.user, school=access.school, **form.service_data())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Instructor added. Add their credentials below."))
            return redirect("schools:instructor_edit", slug=access.school.slug, instructor_id=instructor.pk)
    status = 400 if form.errors else 200
    return render_dashboard(
        request,
        access,
        "schools/dashboard/instructor_form.html",
        {"form": form, "instructor": None},
        section="instructors",
        status=status,
    )


def _editable_instructor(request: HttpRequest, access: SchoolAccess, instructor_id: int) -> Instructor:
    instructor = selectors.school_instructor(school=access.school, instructor_id=instructor_id)
    if not can_edit_instructor(user=request.user, instructor=instructor, role=access.role):
        raise PermissionDenied
    return instructor


def _instructor_page(
    request: HttpRequest,
    access: SchoolAccess,
    instructor: Instructor,
    form: InstructorForm,
    credential_form: CredentialForm | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "instructor": instructor,
        "credentials": list(instructor.credentials.all()),
        "credential_form": credential_form or CredentialForm(prefix="credential"),
        "can_manage": access.can(Perm.MANAGE_INSTRUCTORS),
        # Their own profile: a link to the editor of their biography in another language.
        "bio_language": next(code for code, _name in settings.LANGUAGES if code != access.school.default_language),
    }
    status = 400 if form.errors or (credential_form is not None and credential_form.errors) else 200
    return render_dashboard(
        request, access, "schools/dashboard/instructor_form.html", context, section="instructors", status=status
    )


@staff_view(Perm.VIEW_DASHBOARD)
def instructor_edit(request: HttpRequest, access: SchoolAccess, instructor_id: int) -> HttpResponse:
    instructor = _editable_instructor(request, access, instructor_id)
    can_hide = access.can(Perm.MANAGE_INSTRUCTORS)
    form = InstructorForm(
        request.POST or None, request.FILES or None, instance=copy.copy(instructor), can_hide=can_hide
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.instructor_update(actor=request.user, instructor=instructor, data=form.service_data())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("schools:instructor_edit", slug=access.school.slug, instructor_id=instructor.pk)
    return _instructor_page(request, access, instructor, form)


@require_POST
@staff_view(Perm.MANAGE_INSTRUCTORS)
def instructor_delete(request: HttpRequest, access: SchoolAccess, instructor_id: int) -> HttpResponse:
    instructor = selectors.school_instructor(school=access.school, instructor_id=instructor_id)
    try:
        services.instructor_delete(actor=request.user, instructor=instructor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("schools:instructor_edit", slug=access.school.slug, instructor_id=instructor.pk)
    messages.success(request, _("%(name)s's profile was deleted.") % {"name": instructor.name})
    return redirect("schools:instructors", slug=access.school.slug)


@require_POST
@staff_view(Perm.VIEW_DASHBOARD)
def credential_create(request: HttpRequest, access: SchoolAccess, instructor_id: int) -> HttpResponse:
    instructor = _editable_instructor(request, access, instructor_id)
    form = CredentialForm(request.POST, prefix="credential")
    if form.is_valid():
        try:
            services.credential_create(actor=request.user, instructor=instructor, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Credential added."))
            return redirect("schools:instructor_edit", slug=access.school.slug, instructor_id=instructor.pk)
    profile_form = InstructorForm(instance=instructor, can_hide=access.can(Perm.MANAGE_INSTRUCTORS))
    return _instructor_page(request, access, instructor, profile_form, form)


@require_POST
@staff_view(Perm.VIEW_DASHBOARD)
def credential_delete(
    request: HttpRequest, access: SchoolAccess, instructor_id: int, credential_id: int
) -> HttpResponse:
    instructor = _editable_instructor(request, access, instructor_id)
    credential = selectors.instructor_credential(instructor=instructor, credential_id=credential_id)
    services.credential_delete(actor=request.user, credential=credential)
    messages.success(request, _("Credential removed."))
    return redirect("schools:instructor_edit", slug=access.school.slug, instructor_id=instructor.pk)
