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

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coursemarket.audit.services import audit_record, changes_between
from coursemarket.core import images
from coursemarket.core.texts import TranslationOrigin, fingerprints
from coursemarket.schools.models import Instructor, Location, Room, School
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import user_can

from .models import Course, CourseImage, CourseStatus, CourseTranslation, Meeting, Session, SessionStatus, Skill
from .pagecache import catalog_changed
from .places import place_label
from .search.index import CHUNK as SEARCH_CHUNK
from .search.index import reindex_courses
from .session_events import Slot, schedule_keepers, session_followers
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
    reindex_courses([course.pk])  # its searchable texts, status or skills
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
    reindex_courses([course.pk])  # its searchable texts, status or skills
    audit_record(actor=actor, action="course.published", target=course, school_id=course.school_id)
    return course


@transaction.atomic
def course_archive(*, actor: Any, course: Course) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    _require(actor, course.school)
    course.status = CourseStatus.ARCHIVED
    course.save(update_fields=["status", "updated_at"])
    catalog_changed(course.pk)
    reindex_courses([course.pk])  # its searchable texts, status or skills
    audit_record(actor=actor, action="course.archived", target=course, school_id=course.school_id)
    return course


@transaction.atomic
def course_duplicate(*, actor: Any, course: Course) -> Course:
    """A draft copy with the same texts, translations, skills, cover and
    gallery (no sessions). The pictures' stored files and renditions are
    shared: deleting a picture removes its row, never the file."""
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
        CourseTranslation(
            course=copy,
            language=t.language,
            title=t.title,
            summary=t.summary,
            description=t.description,
            cover_alt=t.cover_alt,
            source_fingerprints=t.source_fingerprints,
            origin=t.origin,
            approved=t.approved,
            updated_at=t.updated_at,
        )
        for t in course.translations.all()
    )
    CourseImage.objects.bulk_create(
        CourseImage(
            course=copy,
            image=picture.image.name,
            width=picture.width,
            height=picture.height,
            caption=picture.caption,
            alt_text=picture.alt_text,
            alt_translations=picture.alt_translations,
            focus_x=picture.focus_x,
            focus_y=picture.focus_y,
            position=picture.position,
        )
        for picture in course.images.all()
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
def _texts_changed(course: Course) -> None:
    """The course's page changed in one language: it counts as a change of the
    course (its `updated_at` is the sitemap's lastmod)."""
    course.updated_at = timezone.now()
    Course.objects.filter(pk=course.pk).update(updated_at=course.updated_at)
    catalog_changed(course.pk)
    reindex_courses([course.pk])  # its searchable texts, status or skills


TRANSLATION_LIMITS = {"title": 140, "summary": 300, "cover_alt": 200}


def _check_translation(texts: dict[str, str]) -> None:
    errors = {}
    for field, limit in TRANSLATION_LIMITS.items():
        if len(texts.get(field) or "") > limit:
            errors[field] = ngettext("Keep it to %(limit)d character.", "Keep it to %(limit)d characters.", limit) % {
                "limit": limit
            }
    if errors:
        raise ValidationError(errors, code="too_long")


@transaction.atomic
def course_translation_save(
    *,
    actor: Any,
    course: Course,
    language: str,
    title: str,
    summary: str = "",
    description: str = "",
    cover_alt: str | None = None,
    origin: str | None = None,
    approved: bool | None = None,
) -> CourseTranslation | None:
    """Add or change the course's texts in `language`; empty texts remove it.
    The translation remembers the fingerprints of the course's texts as they
    are now: it becomes outdated when someone edits the original.
    `origin` None keeps the current one (human for a new translation); a
    machine draft stays unapproved until `approved=True`."""
    _require(actor, course.school)
    if language == course.language:
        raise ValidationError(
            {"language": _("This is the course's own language: edit the course itself.")}, code="own_language"
        )
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the site's languages.")}, code="unknown_language")
    if not title.strip():
        deleted, _details = CourseTranslation.objects.filter(course=course, language=language).delete()
        if deleted:
            _texts_changed(course)
            audit_record(
                actor=actor,
                action="course.translation_removed",
                target=course,
                school_id=course.school_id,
                changes={"language": language},
            )
        return None
    texts = {"title": title.strip(), "summary": summary.strip(), "description": description.strip()}
    if cover_alt is not None:  # None: keep the translated cover description as it is
        texts["cover_alt"] = cover_alt.strip()
    _check_translation(texts)
    course = Course.objects.get(pk=course.pk)  # the original as it is now, not as the caller last read it
    existing = CourseTranslation.objects.select_for_update().filter(course=course, language=language).first()
    translation = existing or CourseTranslation(course=course, language=language)
    before = {
        f: getattr(translation, f) for f in ("title", "summary", "description", "cover_alt", "origin", "approved")
    }
    for field, value in texts.items():
        setattr(translation, field, value)
    if origin is not None:
        translation.origin = origin
    if approved is not None:
        translation.approved = approved
    elif translation.origin == TranslationOrigin.HUMAN:
        translation.approved = True
    elif existing is None:
        translation.approved = False  # a new machine draft waits for a person
    made_from = dict(translation.source_fingerprints or {})
    made_from.update(fingerprints({f: getattr(course, f) for f in texts}))
    translation.source_fingerprints = made_from
    translation.updated_at = timezone.now()
    translation.save()
    _texts_changed(course)
    after = {f: getattr(translation, f) for f in before}
    audit_record(
        actor=actor,
        action="course.translated",
        target=course,
        school_id=course.school_id,
        changes={"language": language, **changes_between(before, after)},
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
                ngettext(
                    "The room “%(room)s” has %(seats)d seat; the session cannot have more.",
                    "The room “%(room)s” has %(seats)d seats; the session cannot have more.",
                    data.room.capacity,
                )
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
    schedule_keepers.check(actor=actor, session=session, slots=meetings, override_reason=data.conflict_override)
    catalog_changed(session.course_id)
    reindex_courses([session.course_id])  # the cities and instructors it is found by
    audit_record(
        actor=actor,
        action="session.created",
        target=session,
        school_id=course.school_id,
        changes=_session_snapshot(session),
    )
    return session


def _meetings_sync(*, session: Session, slots: list[Slot]) -> list[int]:
    """Make the session's meetings match `slots` while keeping the rows (and
    so the calendar UIDs) of meetings that stay or move; the schedule keepers
    hear which meetings' times changed. Returns their ids."""
    wanted = sorted(slots)
    existing = list(session.meetings.order_by("starts_at", "id"))
    unmatched = []
    for meeting in existing:
        key = (meeting.starts_at, meeting.ends_at)
        if key in wanted:
            wanted.remove(key)
        else:
            unmatched.append(meeting)
    changed = []
    for meeting, (start, end) in zip(unmatched, wanted, strict=False):
        meeting.starts_at, meeting.ends_at = start, end
        meeting.save(update_fields=["starts_at", "ends_at"])
        changed.append(meeting.pk)
    Meeting.objects.filter(pk__in=[m.pk for m in unmatched[len(wanted) :]]).delete()
    Meeting.objects.bulk_create(Meeting(session=session, starts_at=s, ends_at=e) for s, e in wanted[len(unmatched) :])
    schedule_keepers.meetings_moved(meeting_ids=changed)
    return changed


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
                "capacity": ngettext(
                    "%(taken)d seat is already taken; the session cannot have fewer.",
                    "%(taken)d seats are already taken; the session cannot have fewer.",
                    session.seats_taken,
                )
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
    _meetings_sync(session=session, slots=meetings)
    schedule_keepers.check(actor=actor, session=session, slots=meetings, override_reason=data.conflict_override)
    catalog_changed(session.course_id)
    reindex_courses([session.course_id])  # the cities and instructors it is found by
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
    """A changed time or place reaches everyone booked (in the same transaction):
    the apps that follow sessions (bookings) are told through `session_followers`."""
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
        session_followers.changed(session, change_key=hashlib.sha256(key.encode()).hexdigest()[:24], changes=changes)


@transaction.atomic
def session_cancel(*, actor: Any, session: Session, reason: str) -> Session:
    """Cancel a whole session: the apps that follow sessions hear of it in this
    transaction (bookings cancels every open booking, refunds it in full and
    tells its student; see `session_events`)."""
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
    reindex_courses([session.course_id])  # the cities and instructors it is found by
    audit_record(
        actor=actor,
        action="session.cancelled",
        target=session,
        school_id=session.school_id,
        changes={"reason": session.cancelled_reason},
    )
    session_followers.cancelled(actor=actor, session=session, reason=session.cancelled_reason)
    return session


@dataclass
class ImportedCourse:
    """One course row of an import, already parsed and validated by the
    importer: `fields` holds only the course fields the file gives (a field
    it does not map keeps its value on an update); `skill_tags` None leaves
    the skills alone. `index` is the caller's own row reference."""

    index: int
    external_id: str
    fields: dict[str, Any]
    skill_tags: list[str] | None = None


@dataclass
class ImportOutcome:
    created: list[int]
    updated: list[int]
    # (row index, field, message) for rows that were not written.
    skipped: list[tuple[int, str, str]]


# What an import may set: the course's own first fields (COURSE_FIELDS up to
# the currency), not what a school writes on the page afterwards.
IMPORT_FIELDS = frozenset(COURSE_FIELDS[: COURSE_FIELDS.index("currency") + 1])


def _bulk_slugs(titles: list[str]) -> list[str]:
    """A free, unique web address per title, in a couple of queries."""
    bases = [(slugify(title) or "course")[:100] for title in titles]
    taken = set(Course.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    result: list[str] = []
    used: set[str] = set()
    for base in bases:
        slug = base
        while slug in taken or slug in used:
            slug = f"{base}-{secrets.token_hex(3)}"
        used.add(slug)
        result.append(slug)
    randoms = [slug for slug, base in zip(result, bases, strict=True) if slug != base]
    if randoms and Course.objects.filter(slug__in=randoms).exists():  # a random suffix met an old slug
        return _bulk_slugs(titles)
    return result


def _bulk_skills(tag_lists: list[list[str]]) -> list[list[int]]:
    """Skill ids per tag list, creating vocabulary entries as needed (one
    query to read, one to add)."""
    wanted: dict[str, str] = {}
    per_row: list[list[str]] = []
    normalised: dict[str, tuple[str, str]] = {}  # catalogues repeat the same tags
    for tags in tag_lists:
        slugs: list[str] = []
        for tag in tags:
            if tag not in normalised:
                normalised[tag] = normalise_skill(tag)
            name, slug = normalised[tag]
            if slug and slug not in slugs:
                slugs.append(slug)
                wanted.setdefault(slug, name)
        per_row.append(slugs)
    ids = dict(Skill.objects.filter(slug__in=wanted).values_list("slug", "id"))
    missing = [Skill(slug=slug, name=name) for slug, name in wanted.items() if slug not in ids]
    if missing:
        Skill.objects.bulk_create(missing, ignore_conflicts=True)
        ids.update(Skill.objects.filter(slug__in=[s.slug for s in missing]).values_list("slug", "id"))
    return [[ids[slug] for slug in slugs] for slugs in per_row]


def _import_problem(course: Course, publish: bool) -> tuple[str, str] | None:
    try:
        _check_course(course)
        if publish or course.status == CourseStatus.PUBLISHED:
            _check_publishable(course)
    except ValidationError as exc:
        field, errors = next(iter(exc.message_dict.items()))
        return field, errors[0]
    return None


@transaction.atomic
def courses_import(*, actor: Any | None, school: School, rows: list[ImportedCourse], publish: bool) -> ImportOutcome:
    """Create or update many courses of `school` at once (the catalog import).

    A row whose `external_id` matches a course of the school updates it, any
    other row creates a course (a draft, or published with `publish`; an
    update leaves the status alone unless `publish`). Rows are checked one by
    one with the rules of course_create/course_update/course_publish; a row
    that breaks one is skipped and reported, the others are written with bulk
    queries. `actor` is the staff member importing; None only for the shell's
    `import_courses` command (the operator). One audit entry per call; the
    public pages get new versions once it commits."""
    if actor is not None:
        _require(actor, school)
    now = timezone.now()
    ids = [row.external_id for row in rows if row.external_id]
    existing = {c.external_id: c for c in Course.objects.filter(school=school, external_id__in=ids)} if ids else {}
    outcome = ImportOutcome(created=[], updated=[], skipped=[])
    to_create: list[tuple[ImportedCourse, Course]] = []
    to_update: list[tuple[ImportedCourse, Course]] = []
    for row in rows:
        course = existing.get(row.external_id) if row.external_id else None
        is_new = course is None
        if course is None:
            course = Course(
                school=school,
                external_id=row.external_id,
                language=school.default_language,
                status=CourseStatus.DRAFT,
                created_at=now,
                updated_at=now,
            )
        for key, value in row.fields.items():
            if key in IMPORT_FIELDS:
                setattr(course, key if key != "category" else "category_id", value)
        problem = _import_problem(course, publish)
        if problem is not None:
            outcome.skipped.append((row.index, problem[0], problem[1]))
            if not is_new:  # leave the stored course as it was
                existing[row.external_id] = Course.objects.get(pk=course.pk)
            continue
        if publish and course.status != CourseStatus.PUBLISHED:
            course.status = CourseStatus.PUBLISHED
            course.published_at = course.published_at or now
        course.updated_at = now
        (to_create if is_new else to_update).append((row, course))
    if to_create:
        slugs = _bulk_slugs([course.title for _row, course in to_create])
        for (_row, course), slug in zip(to_create, slugs, strict=True):
            course.slug = slug
        Course.objects.bulk_create([course for _row, course in to_create])
        outcome.created = [course.pk for _row, course in to_create]
    if to_update:
        fields = sorted({"category_id" if f == "category" else f for f in IMPORT_FIELDS})
        # An upsert on the primary key: one INSERT … ON CONFLICT DO UPDATE per
        # batch, much cheaper than bulk_update's CASE WHEN per field.
        Course.objects.bulk_create(
            [course for _row, course in to_update],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=[*fields, "status", "published_at", "updated_at"],
            batch_size=500,
        )
        outcome.updated = [course.pk for _row, course in to_update]
    with_skills = [(row, course) for row, course in [*to_create, *to_update] if row.skill_tags is not None]
    if with_skills:
        through = Course.skills.through
        skill_ids = _bulk_skills([row.skill_tags or [] for row, _course in with_skills])
        if to_update:
            through.objects.filter(course_id__in=[course.pk for _row, course in with_skills]).delete()
        links = [
            (course.pk, skill_id)
            for (_row, course), ids_ in zip(with_skills, skill_ids, strict=True)
            for skill_id in ids_
        ]
        # Tens of thousands of links for a big catalogue: plain parameter
        # rows, not a model instance each (bulk_create spends seconds on those).
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.executemany(
                # Only the model's own table and column names, quoted; the values are parameters.
                f"INSERT INTO {quote(through._meta.db_table)} ({quote('course_id')}, {quote('skill_id')}) "  # noqa: S608
                "VALUES (%s, %s)",
                links,
            )
    if outcome.created or outcome.updated:
        # Many courses at once: every listing and course page gets a new version.
        catalog_changed()
        changed_ids = [*outcome.created, *outcome.updated]
        for start in range(0, len(changed_ids), SEARCH_CHUNK):  # their search documents, in bulk
            reindex_courses(changed_ids[start : start + SEARCH_CHUNK])
        audit_record(
            actor=actor,
            action="courses.imported",
            school_id=school.pk,
            changes={"created": outcome.created, "updated": outcome.updated, "published": publish},
        )
    return outcome


# --- pictures: the cover and the gallery (coursemarket.core.images) ---------

MASTER_MAX_SIDE = 2400  # the stored original; every rendition is made from it
GALLERY_MAX = 12


def _alt(text: str, *, field: str = "alt_text") -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {
                field: _(
                    "Describe the picture for people who cannot see it (for example “Students at a pottery wheel”)."
                )
            },
            code="alt_required",
        )
    if len(text) > 200:
        raise ValidationError({field: _("Keep the description under 200 characters.")}, code="alt_too_long")
    return text


def _focus(x: int | float, y: int | float) -> tuple[int, int]:
    try:
        fx, fy = round(float(x)), round(float(y))
    except (TypeError, ValueError):
        fx, fy = -1, -1
    if not (0 <= fx <= 100 and 0 <= fy <= 100):
        raise ValidationError({"focus": _("Pick the focal point on the picture.")}, code="bad_focus")
    return fx, fy


def _translated_alts(course: Course, alts: dict[str, str] | None) -> dict[str, str]:
    """Only the languages the course is translated into, blank ones dropped."""
    languages = set(course.translations.values_list("language", flat=True))
    return {lang: text.strip()[:200] for lang, text in (alts or {}).items() if lang in languages and text.strip()}


def _pictures_changed(course: Course) -> None:
    catalog_changed(course.pk)


@transaction.atomic
def course_cover_set(
    *, actor: Any, course: Course, upload: Any, alt: str, focus_x: int = 50, focus_y: int = 50
) -> Course:
    """Replace the course's cover: checked, cleaned (no EXIF/GPS), stored once,
    its renditions made. A refused picture changes nothing."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    _require(actor, course.school)
    alt = _alt(alt, field="cover_alt")
    point = _focus(focus_x, focus_y)
    master = images.clean_image(upload, max_side=MASTER_MAX_SIDE, name=f"{course.slug[:60]}-cover", min_side=200)
    before = course.cover_image.name
    course.cover_image.save(master.name or "cover.jpg", master, save=False)
    course.cover_alt, (course.cover_focus_x, course.cover_focus_y) = alt, point
    course.save(update_fields=["cover_image", "cover_alt", "cover_focus_x", "cover_focus_y", "updated_at"])
    images.generate_renditions(course.cover_image, focus=point, kinds=(images.CARD, images.HERO), share=True)
    _pictures_changed(course)
    audit_record(
        actor=actor,
        action="course.cover_changed",
        target=course,
        school_id=course.school_id,
        changes={"cover_image": [before, course.cover_image.name]},
    )
    return course


@transaction.atomic
def course_cover_update(
    *, actor: Any, course: Course, alt: str, focus_x: int, focus_y: int, alt_translations: dict[str, str] | None = None
) -> Course:
    """Change the cover's description (and its translations) and focal point."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    _require(actor, course.school)
    if not course.cover_image:
        raise ValidationError(_("This course has no cover yet."), code="no_cover")
    course.cover_alt = _alt(alt, field="cover_alt")
    course.cover_focus_x, course.cover_focus_y = _focus(focus_x, focus_y)
    course.save(update_fields=["cover_alt", "cover_focus_x", "cover_focus_y", "updated_at"])
    for language, text in _translated_alts(course, alt_translations).items():
        CourseTranslation.objects.filter(course=course, language=language).update(cover_alt=text)
    images.generate_renditions(
        course.cover_image, focus=(course.cover_focus_x, course.cover_focus_y), kinds=(images.CARD, images.HERO),
        share=True,
    )  # fmt: skip
    _pictures_changed(course)
    audit_record(actor=actor, action="course.cover_updated", target=course, school_id=course.school_id, changes={})
    return course


@transaction.atomic
def course_cover_remove(*, actor: Any, course: Course) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    _require(actor, course.school)
    before = course.cover_image.name
    course.cover_image, course.cover_alt = "", ""
    course.save(update_fields=["cover_image", "cover_alt", "updated_at"])
    _pictures_changed(course)
    audit_record(
        actor=actor,
        action="course.cover_removed",
        target=course,
        school_id=course.school_id,
        changes={"cover_image": [before, ""]},
    )
    return course


@transaction.atomic
def course_image_add(
    *, actor: Any, course: Course, upload: Any, alt_text: str, alt_translations: dict[str, str] | None = None
) -> CourseImage:
    """Add a picture at the end of the gallery."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    _require(actor, course.school)
    alt_text = _alt(alt_text)
    count = course.images.count()
    if count >= GALLERY_MAX:
        raise ValidationError(
            _("A gallery holds at most %(count)s pictures. Delete one first.") % {"count": GALLERY_MAX},
            code="gallery_full",
        )
    master = images.clean_image(upload, max_side=MASTER_MAX_SIDE, name=f"{course.slug[:60]}", min_side=200)
    image = CourseImage(
        course=course, alt_text=alt_text, alt_translations=_translated_alts(course, alt_translations), position=count
    )
    image.image.save(master.name or "picture.jpg", master, save=False)
    image.save()
    images.generate_renditions(image.image, kinds=(images.GALLERY,))
    _pictures_changed(course)
    audit_record(
        actor=actor,
        action="course.picture_added",
        target=course,
        school_id=course.school_id,
        changes={"image": image.image.name},
    )
    return image


def _gallery_image(actor: Any, image: CourseImage) -> CourseImage:
    locked = CourseImage.objects.select_for_update().select_related("course__school").get(pk=image.pk)
    _require(actor, locked.course.school)
    return locked


@transaction.atomic
def course_image_update(
    *,
    actor: Any,
    image: CourseImage,
    alt_text: str,
    focus_x: int,
    focus_y: int,
    alt_translations: dict[str, str] | None = None,
) -> CourseImage:
    image = _gallery_image(actor, image)
    image.alt_text = _alt(alt_text)
    image.focus_x, image.focus_y = _focus(focus_x, focus_y)
    image.alt_translations = _translated_alts(image.course, alt_translations)
    image.save(update_fields=["alt_text", "focus_x", "focus_y", "alt_translations"])
    images.generate_renditions(image.image, focus=(image.focus_x, image.focus_y), kinds=(images.GALLERY,))
    _pictures_changed(image.course)
    audit_record(
        actor=actor, action="course.picture_updated", target=image.course, school_id=image.course.school_id, changes={}
    )
    return image


@transaction.atomic
def course_image_move(*, actor: Any, image: CourseImage, offset: int) -> None:
    """Move a gallery picture `offset` places (−1 earlier, +1 later); positions are renumbered 0…n−1."""
    image = _gallery_image(actor, image)
    ordered = list(CourseImage.objects.select_for_update().filter(course=image.course).order_by("position", "id"))
    index = next(i for i, other in enumerate(ordered) if other.pk == image.pk)
    target = min(max(0, index + offset), len(ordered) - 1)
    ordered.insert(target, ordered.pop(index))
    for position, other in enumerate(ordered):
        other.position = position
    CourseImage.objects.bulk_update(ordered, ["position"])
    _pictures_changed(image.course)
    audit_record(
        actor=actor,
        action="course.pictures_reordered",
        target=image.course,
        school_id=image.course.school_id,
        changes={"order": [other.pk for other in ordered]},
    )


@transaction.atomic
def course_image_delete(*, actor: Any, image: CourseImage) -> None:
    image = _gallery_image(actor, image)
    course = image.course
    name = image.image.name
    image.delete()
    for position, other in enumerate(CourseImage.objects.filter(course=course).order_by("position", "id")):
        if other.position != position:
            CourseImage.objects.filter(pk=other.pk).update(position=position)
    _pictures_changed(course)
    audit_record(
        actor=actor, action="course.picture_deleted", target=course, school_id=course.school_id, changes={"image": name}
    )
