"""Writes to the catalog. Every function checks the actor's role in the
school, validates, writes in one transaction and leaves an audit entry."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record, changes_between
from coursemarket.scheduling.conflicts import schedule_check
from coursemarket.scheduling.services import meetings_sync
from coursemarket.schools.models import Instructor, Location, Room, School
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import user_can

from .models import Course, CourseStatus, CourseTranslation, Meeting, Session, SessionStatus, Skill
from .pagecache import catalog_changed
from .taxonomy import normalise_skill
from .timeutil import local_to_utc, zone

COURSE_FIELDS = (
    "title",
    "summary",
    "description",
    "language",
    "category",
    "level",
    "teaching_language",
    "delivery_mode",
    "duration_hours",
    "price",
    "currency",
    "included",
    "prerequisites",
    "audience",
    "min_group_size",
    "max_group_size",
    "cancellation_policy",
)


def _require(actor: Any, school: School, perm: Perm = Perm.MANAGE_COURSES) -> None:
    if not user_can(user=actor, school=school, permission=perm):
        raise PermissionDenied


def _snapshot(course: Course) -> dict[str, Any]:
    return {f: getattr(course, f + "_id" if f == "category" else f) for f in COURSE_FIELDS}


@transaction.atomic
def skills_from_tags(*, tags: list[str]) -> list[Skill]:
    """Map free tags onto the shared vocabulary, creating entries as needed."""
    skills: dict[str, Skill] = {}
    for tag in tags:
        name, slug = normalise_skill(tag)
        if not slug or slug in skills:
            continue
        skills[slug], _created = Skill.objects.get_or_create(slug=slug, defaults={"name": name})
    return list(skills.values())


def _unique_slug(title: str, *, exclude_id: int | None = None) -> str:
    base = (slugify(title) or "course")[:100]
    slug = base
    taken = Course.objects.filter(slug=slug)
    if exclude_id is not None:
        taken = taken.exclude(id=exclude_id)
    while taken.exists():
        slug = f"{base}-{secrets.token_hex(2)}"
        taken = Course.objects.filter(slug=slug)
    return slug


def _check_course(course: Course) -> None:
    if course.min_group_size > course.max_group_size:
        raise ValidationError(
            {"min_group_size": _("The minimum group size cannot be larger than the maximum.")}, code="group_sizes"
        )
    if course.price is not None and course.price < 0:
        raise ValidationError({"price": _("The price cannot be negative.")}, code="negative_price")


@transaction.atomic
def course_create(*, actor: Any, school: School, skill_tags: list[str] | None = None, **fields: Any) -> Course:
    _require(actor, school)
    course = Course(school=school, **{k: v for k, v in fields.items() if k in COURSE_FIELDS or k == "cover_image"})
    if "language" not in fields:
        course.language = school.default_language
    course.slug = _unique_slug(course.title)
    _check_course(course)
    course.save()
    if skill_tags is not None:
        course.skills.set(skills_from_tags(tags=skill_tags))
    audit_record(actor=actor, action="course.created", target=course, school_id=school.id, changes=_snapshot(course))
    return course


@transaction.atomic
def course_update(*, actor: Any, course: Course, skill_tags: list[str] | None = None, **fields: Any) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    _require(actor, course.school)
    before = _snapshot(course)
    for key, value in fields.items():
        if key in COURSE_FIELDS or key == "cover_image":
            setattr(course, key, value)
    _check_course(course)
    if course.status == CourseStatus.PUBLISHED:
        _check_publishable(course)
    course.save()
    if skill_tags is not None:
        course.skills.set(skills_from_tags(tags=skill_tags))
    catalog_changed(course.pk)
    audit_record(
        actor=actor,
        action="course.updated",
        target=course,
        school_id=course.school_id,
        changes=changes_between(before, _snapshot(course)),
    )
    return course


def _check_publishable(course: Course) -> None:
    missing = {}
    if not course.title.strip():
        missing["title"] = _("A published course needs a title.")
    if not course.description.strip():
        missing["description"] = _("A published course needs a description.")
    if course.category_id is None:
        missing["category"] = _("A published course needs a category.")
    if course.price is None:
        missing["price"] = _("A published course needs a price (0 for a free course).")
    if missing:
        raise ValidationError(missing, code="not_publishable")


@transaction.atomic
def course_publish(*, actor: Any, course: Course) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    _require(actor, course.school)
    _check_publishable(course)
    course.status = CourseStatus.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    catalog_changed(course.pk)
    audit_record(actor=actor, action="course.published", target=course, school_id=course.school_id)
    return course


@transaction.atomic
def course_archive(*, actor: Any, course: Course) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    _require(actor, course.school)
    course.status = CourseStatus.ARCHIVED
    course.save(update_fields=["status", "updated_at"])
    catalog_changed(course.pk)
    audit_record(actor=actor, action="course.archived", target=course, school_id=course.school_id)
    return course


@transaction.atomic
def course_duplicate(*, actor: Any, course: Course) -> Course:
    """A draft copy with the same texts, translations and skills (no sessions)."""
    _require(actor, course.school)
    copy = Course.objects.get(pk=course.pk)
    copy.pk = None
    copy.title = _("Copy of %(title)s") % {"title": course.title}
    copy.title = copy.title[:140]
    copy.slug = _unique_slug(copy.title)
    copy.status = CourseStatus.DRAFT
    copy.published_at = None
    copy.created_at = timezone.now()
    copy.save()
    copy.skills.set(course.skills.all())
    CourseTranslation.objects.bulk_create(
        CourseTranslation(course=copy, language=t.language, title=t.title, summary=t.summary, description=t.description)
        for t in course.translations.all()
    )
    audit_record(
        actor=actor,
        action="course.duplicated",
        target=copy,
        school_id=course.school_id,
        changes={"from": course.pk},
    )
    return copy


@transaction.atomic
def course_translation_save(
    *, actor: Any, course: Course, language: str, title: str, summary: str = "", description: str = ""
) -> CourseTranslation | None:
    """Add or change the course's texts in `language`; empty texts remove it."""
    _require(actor, course.school)
    if language == course.language:
        raise ValidationError(
            {"language": _("This is the course's own language: edit the course itself.")}, code="own_language"
        )
    if not title.strip():
        deleted, _details = CourseTranslation.objects.filter(course=course, language=language).delete()
        if deleted:
            catalog_changed(course.pk)
            audit_record(
                actor=actor,
                action="course.translation_removed",
                target=course,
                school_id=course.school_id,
                changes={"language": language},
            )
        return None
    translation, _created = CourseTranslation.objects.update_or_create(
        course=course, language=language, defaults={"title": title, "summary": summary, "description": description}
    )
    catalog_changed(course.pk)
    audit_record(
        actor=actor,
        action="course.translated",
        target=course,
        school_id=course.school_id,
        changes={"language": language},
    )
    return translation


@dataclass(frozen=True)
class MeetingInput:
    """A meeting as the school enters it: wall-clock times in the session's zone."""

    starts_local: datetime
    ends_local: datetime


@dataclass(frozen=True)
class SessionInput:
    timezone: str
    capacity: int
    meetings: list[MeetingInput]
    is_online: bool = False
    location: Location | None = None
    room: Room | None = None
    instructors: tuple[Instructor, ...] = ()
    price_override: Decimal | None = None
    booking_deadline_local: datetime | None = None
    conflict_override: str = ""  # an owner's reason to schedule over a clash (audited)


def _validated_meetings(course: Course, data: SessionInput) -> list[tuple[datetime, datetime]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    zone(data.timezone)
    if data.capacity < 1:
        add("capacity", _("A session needs at least one seat."))
    if data.price_override is not None and data.price_override < 0:
        add("price_override", _("The price cannot be negative."))
    if data.is_online and course.delivery_mode == "in_person":
        add("is_online", _("This course is taught in person: choose a location."))
    if not data.is_online:
        if course.delivery_mode == "online":
            add("is_online", _("This course is taught online."))
        if data.location is None:
            add("location", _("Choose where the session takes place."))
        elif data.location.school_id != course.school_id:
            add("location", _("That location belongs to another school."))
    if data.room is not None:
        if data.location is None or data.room.location_id != data.location.id:
            add("room", _("That room is not at the chosen location."))
        elif data.capacity > data.room.capacity:
            add(
                "capacity",
                _("The room “%(room)s” has %(seats)d seats; the session cannot have more.")
                % {"room": data.room.name, "seats": data.room.capacity},
            )
    for instructor in data.instructors:
        if instructor.school_id != course.school_id:
            add("instructors", _("%(name)s does not teach at this school.") % {"name": instructor.name})
    if not data.meetings:
        add("meetings", _("Add at least one meeting."))
    converted = []
    for meeting in data.meetings:
        try:
            start = local_to_utc(meeting.starts_local, data.timezone)
            end = local_to_utc(meeting.ends_local, data.timezone)
        except ValidationError as exc:
            add("meetings", exc.messages[0])
            continue
        if end <= start:
            add("meetings", _("Each meeting must end after it starts."))
            continue
        converted.append((start, end))
    converted.sort()
    for (_s1, end1), (start2, _e2) in itertools.pairwise(converted):
        if start2 < end1:
            add("meetings", _("Two meetings of the session overlap."))
            break
    if data.booking_deadline_local is not None and converted:
        try:
            deadline = local_to_utc(data.booking_deadline_local, data.timezone)
        except ValidationError as exc:
            add("booking_deadline", exc.messages[0])
        else:
            if deadline > converted[0][0]:
                add("booking_deadline", _("The booking deadline must be before the first meeting."))
    if errors:
        raise ValidationError(errors)
    return converted


def _apply(session: Session, data: SessionInput, meetings: list[tuple[datetime, datetime]]) -> None:
    session.timezone = data.timezone
    session.capacity = data.capacity
    session.is_online = data.is_online
    session.location = None if data.is_online else data.location
    session.room = None if data.is_online else data.room
    session.price_override = data.price_override
    session.booking_deadline = (
        local_to_utc(data.booking_deadline_local, data.timezone) if data.booking_deadline_local else None
    )
    session.starts_at = meetings[0][0]
    session.ends_at = meetings[-1][1]


def _session_snapshot(session: Session) -> dict[str, Any]:
    return {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "capacity": session.capacity,
        "location": session.location_id,
        "room": session.room_id,
        "timezone": session.timezone,
        "price_override": session.price_override,
    }


@transaction.atomic
def session_create(*, actor: Any, course: Course, data: SessionInput) -> Session:
    _require(actor, course.school)
    meetings = _validated_meetings(course, data)
    session = Session(course=course, school_id=course.school_id)
    _apply(session, data, meetings)
    session.save()
    session.instructors.set(data.instructors)
    Meeting.objects.bulk_create(Meeting(session=session, starts_at=s, ends_at=e) for s, e in meetings)
    schedule_check(actor=actor, session=session, slots=meetings, override_reason=data.conflict_override)
    catalog_changed(session.course_id)
    audit_record(
        actor=actor,
        action="session.created",
        target=session,
        school_id=course.school_id,
        changes=_session_snapshot(session),
    )
    return session


@transaction.atomic
def session_update(*, actor: Any, session: Session, data: SessionInput) -> Session:
    session = Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    _require(actor, session.course.school)
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can be changed."), code="not_scheduled")
    meetings = _validated_meetings(session.course, data)
    if data.capacity < session.seats_taken:
        raise ValidationError(
            {
                "capacity": _("%(taken)d seats are already taken; the session cannot have fewer.")
                % {"taken": session.seats_taken}
            },
            code="capacity_below_taken",
        )
    before = _session_snapshot(session)
    before_meetings = list(
        session.meetings.filter(is_cancelled=False).order_by("starts_at").values_list("starts_at", "ends_at")
    )
    _apply(session, data, meetings)
    session.save()
    session.instructors.set(data.instructors)
    meetings_sync(session=session, slots=meetings)
    schedule_check(actor=actor, session=session, slots=meetings, override_reason=data.conflict_override)
    catalog_changed(session.course_id)
    after = _session_snapshot(session)
    audit_record(
        actor=actor,
        action="session.updated",
        target=session,
        school_id=session.school_id,
        changes=changes_between(before, after),
    )
    _tell_booked_students(session, before, after, before_meetings)
    return session


def _tell_booked_students(
    session: Session, before: dict[str, Any], after: dict[str, Any], before_meetings: list[tuple[Any, Any]]
) -> None:
    """A changed time or place reaches everyone booked (in the same transaction)."""
    from coursemarket.bookings import notifications
    from coursemarket.scheduling.ical import place_label

    now_meetings = list(
        session.meetings.filter(is_cancelled=False).order_by("starts_at").values_list("starts_at", "ends_at")
    )
    changes: list[dict[str, Any]] = []
    for (old_start, _old_end), (start, end) in zip(before_meetings, now_meetings, strict=False):
        if (old_start, _old_end) != (start, end):
            changes.append({"kind": "moved", "before": old_start, "starts_at": start, "ends_at": end})
    if (before["location"], before["room"]) != (after["location"], after["room"]):
        first = session.meetings.select_related("session__location", "session__room").first()
        if first is not None:
            changes.append({"kind": "place", "place": place_label(first)})
    if changes:
        key = "|".join(f"{c['kind']}:{c.get('starts_at', '')}:{c.get('place', '')}" for c in changes)
        notifications.session_changed(
            session, change_key=hashlib.sha256(key.encode()).hexdigest()[:24], changes=changes
        )


@transaction.atomic
def session_cancel(*, actor: Any, session: Session, reason: str) -> Session:
    """Cancel a whole session: every open booking is cancelled, refunded in
    full and its student told (bookings.services.cancellation), in this
    transaction."""
    session = Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    _require(actor, session.course.school)
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("This session is not scheduled any more."), code="not_scheduled")
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the students why the session is cancelled.")}, code="no_reason")
    session.status = SessionStatus.CANCELLED
    session.cancelled_reason = reason.strip()[:300]
    session.save(update_fields=["status", "cancelled_reason"])
    catalog_changed(session.course_id)
    audit_record(
        actor=actor,
        action="session.cancelled",
        target=session,
        school_id=session.school_id,
        changes={"reason": session.cancelled_reason},
    )
    from coursemarket.bookings.services.cancellation import session_bookings_cancel

    session_bookings_cancel(actor=actor, session=session, reason=session.cancelled_reason)
    return session
