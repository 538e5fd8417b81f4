"""The school dashboard's course and session editor (staff with MANAGE_COURSES)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coursemarket.core import images
from coursemarket.core.redirects import next_url
from coursemarket.scheduling.editor import first_meeting_from, override_reason, repeat_step
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import SchoolAccess
from coursemarket.schools.views.staff import attach_errors, render_dashboard, staff_view

from . import services
from .dashboard_forms import (
    CancelSessionForm,
    CourseForm,
    MeetingFormSet,
    PictureEditForm,
    PictureUploadForm,
    SessionForm,
    session_input,
)
from .models import Course, CourseImage, Session, SessionStatus, default_teaching_language
from .timeutil import utc_to_local
from .translations import course_translation_overview


def _course(access: SchoolAccess, course_id: int) -> Course:
    return get_object_or_404(Course, pk=course_id, school=access.school)


def _session(access: SchoolAccess, course: Course, session_id: int) -> Session:
    return get_object_or_404(Session, pk=session_id, course=course, school=access.school)


@staff_view(Perm.MANAGE_COURSES)
def course_list(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    now = timezone.now()
    courses = (
        Course.objects.filter(school=access.school)
        .select_related("category")
        .annotate(upcoming=Count("sessions", filter=Q(sessions__starts_at__gt=now, sessions__status="scheduled")))
        .order_by("status", "-created_at")
    )
    return render_dashboard(
        request, access, "catalog/dashboard/course_list.html", {"courses": courses}, section="courses"
    )


@staff_view(Perm.MANAGE_COURSES)
def course_create(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    form = CourseForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "language": access.school.default_language,
            "teaching_language": default_teaching_language(
                languages_taught=access.school.languages_taught, content_language=access.school.default_language
            ),
            "currency": settings.DEFAULT_CURRENCY,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                actor=request.user,
                school=access.school,
                skill_tags=form.skill_list(),
                **form.service_fields(),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Course saved as a draft. Add its dates, then publish it."))
            return redirect("catalog:dashboard_course_edit", slug=access.school.slug, course_id=course.pk)
    return render_dashboard(
        request,
        access,
        "catalog/dashboard/course_form.html",
        {"form": form},
        section="courses",
        status=400 if form.errors else 200,
    )


@staff_view(Perm.MANAGE_COURSES)
def course_edit(request: HttpRequest, access: SchoolAccess, course_id: int) -> HttpResponse:
    course = _course(access, course_id)
    form = CourseForm(request.POST or None, request.FILES or None, instance=Course.objects.get(pk=course.pk))
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            services.course_update(actor=request.user, course=course, skill_tags=form.skill_list(), **fields)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("catalog:dashboard_course_edit", slug=access.school.slug, course_id=course.pk)
    sessions = course.sessions.select_related("location", "room").prefetch_related("instructors").order_by("starts_at")
    return render_dashboard(
        request,
        access,
        "catalog/dashboard/course_form.html",
        {
            "form": form,
            "course": course,
            "sessions": sessions,
            "translated": set(course.translations.values_list("language", flat=True)),
            "outdated": {row.code for row in course_translation_overview(course) if row.state == "outdated"},
        },
        section="courses",
        status=400 if form.errors else 200,
    )


def _course_action(request: HttpRequest, access: SchoolAccess, course_id: int, action: str) -> HttpResponse:
    course = _course(access, course_id)
    try:
        if action == "publish":
            services.course_publish(actor=request.user, course=course)
            messages.success(request, _("The course is published: students can find and book it."))
        elif action == "archive":
            services.course_archive(actor=request.user, course=course)
            messages.success(request, _("The course is archived and no longer listed."))
        else:
            copy = services.course_duplicate(actor=request.user, course=course)
            messages.success(request, _("A draft copy was created."))
            return redirect("catalog:dashboard_course_edit", slug=access.school.slug, course_id=copy.pk)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("catalog:dashboard_course_edit", slug=access.school.slug, course_id=course.pk)


@require_POST
@staff_view(Perm.MANAGE_COURSES)
def course_publish(request: HttpRequest, access: SchoolAccess, course_id: int) -> HttpResponse:
    return _course_action(request, access, course_id, "publish")


@require_POST
@staff_view(Perm.MANAGE_COURSES)
def course_archive(request: HttpRequest, access: SchoolAccess, course_id: int) -> HttpResponse:
    return _course_action(request, access, course_id, "archive")


@require_POST
@staff_view(Perm.MANAGE_COURSES)
def course_duplicate(request: HttpRequest, access: SchoolAccess, course_id: int) -> HttpResponse:
    return _course_action(request, access, course_id, "duplicate")


def _meeting_initial(session: Session) -> list[dict[str, object]]:
    rows = []
    for meeting in session.meetings.order_by("starts_at"):
        start, end = utc_to_local(meeting.starts_at, session.timezone), utc_to_local(meeting.ends_at, session.timezone)
        rows.append({"date": start.date(), "start": start.time(), "end": end.time()})
    return rows


def _session_form_page(
    request: HttpRequest, access: SchoolAccess, course: Course, session: Session | None
) -> HttpResponse:
    initial: dict[str, object]
    meeting_initial: list[dict[str, object]]
    if session is None:
        initial = {"capacity": course.max_group_size, "is_online": course.delivery_mode == "online"}
        meeting_initial = first_meeting_from(request)  # a slot picked on the calendar, if any
    else:
        deadline = utc_to_local(session.booking_deadline, session.timezone) if session.booking_deadline else None
        initial = {
            "is_online": session.is_online,
            "location": session.location_id,
            "room": session.room_id,
            "timezone": session.timezone,
            "capacity": session.capacity,
            "price_override": session.price_override,
            "booking_deadline": deadline.replace(tzinfo=None) if deadline else None,
            "instructors": list(session.instructors.values_list("pk", flat=True)),
        }
        meeting_initial = _meeting_initial(session)
    form = SessionForm(request.POST or None, school=access.school, initial=initial)
    meetings = MeetingFormSet(request.POST or None, prefix="meetings", initial=meeting_initial)
    meetings, schedule = repeat_step(
        request, school=access.school, session=session, meetings=meetings, formset_class=MeetingFormSet
    )
    if request.method == "POST" and not schedule["previewing"] and form.is_valid() and meetings.is_valid():
        try:
            data = replace(session_input(form, meetings), conflict_override=override_reason(request))
            if session is None:
                services.session_create(actor=request.user, course=course, data=data)
                messages.success(request, _("Session added."))
            else:
                services.session_update(actor=request.user, session=session, data=data)
                messages.success(request, _("Session updated."))
        except ValidationError as exc:
            attach_errors(form, exc)
            schedule["conflicts"] = getattr(exc, "conflicts", None)
        else:
            return redirect("catalog:dashboard_course_edit", slug=access.school.slug, course_id=course.pk)
    return render_dashboard(
        request,
        access,
        "catalog/dashboard/session_form.html",
        {"course": course, "session": session, "form": form, "meetings": meetings, **schedule},
        section="courses",
        status=400 if form.errors or meetings.total_error_count() else 200,
    )


@staff_view(Perm.MANAGE_COURSES)
def session_create(request: HttpRequest, access: SchoolAccess, course_id: int) -> HttpResponse:
    return _session_form_page(request, access, _course(access, course_id), None)


@staff_view(Perm.MANAGE_COURSES)
def session_edit(request: HttpRequest, access: SchoolAccess, course_id: int, session_id: int) -> HttpResponse:
    course = _course(access, course_id)
    session = _session(access, course, session_id)
    if session.status != SessionStatus.SCHEDULED:
        messages.error(request, _("Only a scheduled session can be changed."))
        return redirect("catalog:dashboard_course_edit", slug=access.school.slug, course_id=course.pk)
    return _session_form_page(request, access, course, session)


@staff_view(Perm.MANAGE_COURSES)
def session_cancel(request: HttpRequest, access: SchoolAccess, course_id: int, session_id: int) -> HttpResponse:
    course = _course(access, course_id)
    session = _session(access, course, session_id)
    # Back to where the cancel was started (the roster or the course editor).
    back_url = next_url(
        request,
        reverse("catalog:dashboard_course_edit", kwargs={"slug": access.school.slug, "course_id": course.pk}),
    )
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(actor=request.user, session=session, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The session is cancelled."))
            return redirect(back_url)
    return render_dashboard(
        request,
        access,
        "catalog/dashboard/session_cancel.html",
        {"course": course, "session": session, "form": form, "back_url": back_url},
        section="courses",
        status=400 if form.errors else 200,
    )


# --- pictures: the cover and the gallery -------------------------------------


def _picture_languages(course: Course) -> list[tuple[str, str]]:
    """The languages the course is translated into, for the descriptions' translations."""
    names = dict(settings.LANGUAGES)
    codes = sorted(course.translations.values_list("language", flat=True))
    return [(code, str(names.get(code, code))) for code in codes]


def _pictures_url(access: SchoolAccess, course: Course) -> str:
    return reverse("catalog:dashboard_course_pictures", kwargs={"slug": access.school.slug, "course_id": course.pk})


def _cover_form(course: Course, languages: list[tuple[str, str]], data: Any = None) -> PictureEditForm:
    translated = dict(course.translations.values_list("language", "cover_alt"))
    initial: dict[str, Any] = {"alt_text": course.cover_alt, "focus_x": course.cover_focus_x}
    initial["focus_y"] = course.cover_focus_y
    initial.update({f"alt_{code}": translated.get(code, "") for code, _name in languages})
    return PictureEditForm(data, languages=languages, initial=initial, prefix="cover")


def _image_form(image: CourseImage, languages: list[tuple[str, str]], data: Any = None) -> PictureEditForm:
    initial: dict[str, Any] = {"alt_text": image.alt_text, "focus_x": image.focus_x, "focus_y": image.focus_y}
    initial.update({f"alt_{code}": image.alt_translations.get(code, "") for code, _name in languages})
    return PictureEditForm(data, languages=languages, initial=initial, prefix=f"image-{image.pk}")


def _gallery_picture(image: CourseImage) -> images.Picture | None:
    return images.picture(image.image, images.GALLERY, alt=image.alt_text, focus=(image.focus_x, image.focus_y))


@staff_view(Perm.MANAGE_COURSES)
def course_pictures(request: HttpRequest, access: SchoolAccess, course_id: int) -> HttpResponse:
    """The cover and the gallery: upload (POST here), and a form per picture
    for its description and focal point (posted to course_picture_edit)."""
    course = _course(access, course_id)
    languages = _picture_languages(course)
    upload = PictureUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload.is_valid():
        file, alt = upload.cleaned_data["image"], upload.cleaned_data["alt_text"]
        try:
            if upload.cleaned_data["as_cover"] or not course.cover_image:
                services.course_cover_set(actor=request.user, course=course, upload=file, alt=alt)
                messages.success(
                    request, _("The cover is saved. Pick its focal point below if the subject is not centred.")
                )
            else:
                services.course_image_add(actor=request.user, course=course, upload=file, alt_text=alt)
                messages.success(request, _("The picture is added to the gallery."))
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "cover_alt" in exc.error_dict:
                exc = ValidationError({"alt_text": exc.error_dict["cover_alt"]})
            attach_errors(upload, exc)
        else:
            return redirect(_pictures_url(access, course))
    gallery = list(course.images.all())
    context = {
        "course": course,
        "upload": upload,
        "cover_form": _cover_form(course, languages) if course.cover_image else None,
        "cover_picture": images.picture(
            course.cover_image, images.CARD, alt=course.cover_alt, focus=(course.cover_focus_x, course.cover_focus_y)
        ),
        "gallery": [(image, _image_form(image, languages), _gallery_picture(image)) for image in gallery],
        "gallery_max": services.GALLERY_MAX,
    }
    return render_dashboard(
        request,
        access,
        "catalog/dashboard/course_pictures.html",
        context,
        section="courses",
        status=400 if upload.errors else 200,
    )


@require_POST
@staff_view(Perm.MANAGE_COURSES)
def course_picture_edit(request: HttpRequest, access: SchoolAccess, course_id: int, image_id: int = 0) -> HttpResponse:
    """Save a picture's description and focal point (image_id 0: the cover),
    or, with `action`, move it, delete it or remove the cover."""
    course = _course(access, course_id)
    image = get_object_or_404(CourseImage, pk=image_id, course=course) if image_id else None
    action = request.POST.get("action", "save")
    try:
        if action in ("earlier", "later") and image is not None:
            services.course_image_move(actor=request.user, image=image, offset=-1 if action == "earlier" else 1)
            messages.success(request, _("The gallery's order is saved."))
        elif action == "delete":
            if image is None:
                services.course_cover_remove(actor=request.user, course=course)
                messages.success(request, _("The cover is removed."))
            else:
                services.course_image_delete(actor=request.user, image=image)
                messages.success(request, _("The picture is deleted."))
        else:
            languages = _picture_languages(course)
            form = (
                _cover_form(course, languages, request.POST)
                if image is None
                else _image_form(image, languages, request.POST)
            )
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, str(error))
                return redirect(_pictures_url(access, course))
            data = form.cleaned_data
            if image is None:
                services.course_cover_update(
                    actor=request.user,
                    course=course,
                    alt=data["alt_text"],
                    focus_x=data["focus_x"],
                    focus_y=data["focus_y"],
                    alt_translations=form.translations(),
                )
            else:
                services.course_image_update(
                    actor=request.user,
                    image=image,
                    alt_text=data["alt_text"],
                    focus_x=data["focus_x"],
                    focus_y=data["focus_y"],
                    alt_translations=form.translations(),
                )
            messages.success(request, _("The picture is saved."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(_pictures_url(access, course) + (f"#picture-{image.pk}" if image else "#cover"))
