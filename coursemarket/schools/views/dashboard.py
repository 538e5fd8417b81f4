"""My schools, creating a school, the overview, profile & branding, deleting, leaving."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..checklist import ChecklistStep, school_checklist
from ..context_processors import remember_school_staff
from ..forms import DeleteSchoolForm, SchoolForm
from ..models import Role
from ..permissions import Perm
from ..selectors import SchoolAccess
from .staff import attach_errors, render_dashboard, staff_view


@login_required
def my_schools(request: HttpRequest) -> HttpResponse:
    schools = list(selectors.schools_for_user(user=request.user))
    remember_school_staff(request, bool(schools))
    invitations = selectors.invitations_for_user(user=request.user)
    return render(request, "schools/dashboard/my_schools.html", {"schools": schools, "invitations": invitations})


@login_required
def school_create(request: HttpRequest) -> HttpResponse:
    form = SchoolForm(request.POST or None, request.FILES or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            school = services.school_create(user=request.user, **form.service_data())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Your school is ready. Next: add a location where you teach."))
            return redirect("schools:dashboard", slug=school.slug)
    return render(request, "schools/dashboard/school_create.html", {"form": form})


@staff_view(Perm.VIEW_DASHBOARD)
def overview(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    school = access.school
    counts = selectors.dashboard_counts(school=school)
    own_steps = [
        (10, ChecklistStep(
            _("Describe your school"), bool(school.description and school.tagline), Perm.EDIT_PROFILE, "schools:profile"
        )),
        (20, ChecklistStep(
            _("Add a logo and a cover photo"), bool(school.logo and school.cover_image), Perm.EDIT_PROFILE,
            "schools:profile",
        )),
        (30, ChecklistStep(
            _("Add a location where you teach"), counts["locations"] > 0, Perm.MANAGE_LOCATIONS,
            "schools:location_create",
        )),
        (40, ChecklistStep(
            _("Introduce your instructors"), counts["instructors"] > 0, Perm.MANAGE_INSTRUCTORS, "schools:instructors"
        )),
        # 50, 60: a first course and a published one (catalog registers them)
        (70, ChecklistStep(_("Invite your team"), counts["members"] > 1, Perm.INVITE_INSTRUCTORS, "schools:members")),
    ]  # fmt: skip
    visible = [step for step in school_checklist(school=school, own_steps=own_steps) if access.can(step.perm)]
    context = {
        "counts": counts,
        "checklist": visible,
        "checklist_done": sum(1 for step in visible if step.done),
        # A school's only owner cannot leave it (membership_leave refuses): not offered.
        "can_leave": access.role != Role.OWNER or counts["owners"] > 1,
    }
    return render_dashboard(request, access, "schools/dashboard/overview.html", context, section="overview")


@staff_view(Perm.EDIT_PROFILE)
def profile(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    # The form works on a copy: a rejected edit must not show in the page header.
    form = SchoolForm(request.POST or None, request.FILES or None, instance=copy.copy(access.school), branding=True)
    if request.method == "POST" and form.is_valid():
        try:
            school = services.school_update(actor=request.user, school=access.school, data=form.service_data())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Your school's profile is saved."))
            return redirect("schools:profile", slug=school.slug)
    status = 400 if form.errors else 200
    return render_dashboard(
        request, access, "schools/dashboard/profile.html", {"form": form}, section="profile", status=status
    )


@staff_view(Perm.DELETE_SCHOOL)
def school_delete(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    form = DeleteSchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.school_delete(
                actor=request.user, school=access.school, confirm_slug=form.cleaned_data["confirm_slug"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The school has been deleted."))
            return redirect("schools:my_schools")
    status = 400 if form.errors else 200
    return render_dashboard(
        request, access, "schools/dashboard/school_delete.html", {"form": form}, section="profile", status=status
    )


@require_POST
@staff_view(Perm.VIEW_DASHBOARD)
def leave(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    try:
        services.membership_leave(user=request.user, school=access.school)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("schools:dashboard", slug=access.school.slug)
    messages.success(request, _("You have left %(school)s.") % {"school": access.school.name})
    return redirect("schools:my_schools")
