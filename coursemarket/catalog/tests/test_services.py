from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coursemarket.audit.models import AuditEntry
from coursemarket.catalog import services
from coursemarket.catalog.models import Course, CourseStatus, Session, SessionStatus
from coursemarket.catalog.services import MeetingInput, SessionInput
from coursemarket.schools.models import Role

from .factories import CourseFactory, InstructorFactory, LocationFactory, RoomFactory, SchoolFactory, category, staff

pytestmark = pytest.mark.django_db


def session_input(location, **overrides):
    data = dict(
        timezone="Europe/Madrid",
        capacity=8,
        location=location,
        meetings=[
            MeetingInput(datetime(2031, 3, 4, 18, 0), datetime(2031, 3, 4, 20, 0)),
            MeetingInput(datetime(2031, 3, 11, 18, 0), datetime(2031, 3, 11, 20, 0)),
        ],
    )
    data.update(overrides)
    return SessionInput(**data)


def test_owner_creates_and_publishes_a_course_with_an_audit_trail():
    school = SchoolFactory()
    owner = staff(school)
    course = services.course_create(
        actor=owner,
        school=school,
        title="Cerámica para principiantes",
        description="Torno y modelado.",
        category=category("pottery"),
        price=Decimal("95"),
        currency="EUR",
        skill_tags=["Wheel throwing", "glazing"],
    )
    assert course.language == "es"  # the school's language
    assert course.status == CourseStatus.DRAFT
    services.course_publish(actor=owner, course=course)
    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED and course.published_at is not None
    assert sorted(s.slug for s in course.skills.all()) == ["glazing", "wheel-throwing"]
    assert list(AuditEntry.objects.filter(object_id=str(course.pk)).values_list("action", flat=True)) == [
        "course.published",
        "course.created",
    ]


def test_publishing_needs_title_description_category_and_price():
    school = SchoolFactory()
    owner = staff(school)
    course = services.course_create(actor=owner, school=school, title="Draft only")
    with pytest.raises(ValidationError) as error:
        services.course_publish(actor=owner, course=course)
    assert set(error.value.message_dict) == {"description", "category", "price"}
    course.refresh_from_db()
    assert course.status == CourseStatus.DRAFT


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER])
def test_staff_with_course_rights_may_write(role):
    school = SchoolFactory()
    course = CourseFactory(school=school)
    services.course_update(actor=staff(school, role), course=course, title="New title")
    course.refresh_from_db()
    assert course.title == "New title"


def test_instructors_students_and_other_schools_are_refused_and_nothing_changes():
    school = SchoolFactory()
    course = CourseFactory(school=school, title="Original")
    other_owner = staff(SchoolFactory())
    for actor in (staff(school, Role.INSTRUCTOR), other_owner, staff(SchoolFactory(), Role.MANAGER)):
        with pytest.raises(PermissionDenied):
            services.course_update(actor=actor, course=course, title="Hijacked")
        with pytest.raises(PermissionDenied):
            services.course_archive(actor=actor, course=course)
        with pytest.raises(PermissionDenied):
            services.session_create(actor=actor, course=course, data=session_input(LocationFactory(school=school)))
    course.refresh_from_db()
    assert course.title == "Original" and course.status == CourseStatus.PUBLISHED
    assert not Session.objects.exists()


def test_duplicate_is_a_draft_copy_with_translations():
    school = SchoolFactory()
    owner = staff(school)
    course = CourseFactory(school=school)
    services.course_translation_save(actor=owner, course=course, language="es", title="Español conversacional")
    copy = services.course_duplicate(actor=owner, course=course)
    assert copy.pk != course.pk and copy.slug != course.slug
    assert copy.status == CourseStatus.DRAFT
    assert copy.translations.get(language="es").title == "Español conversacional"


def test_session_meetings_are_stored_in_utc_from_the_sessions_wall_clock():
    school = SchoolFactory()
    course = CourseFactory(school=school)
    session = services.session_create(
        actor=staff(school), course=course, data=session_input(LocationFactory(school=school))
    )
    meetings = list(session.meetings.order_by("starts_at"))
    # 4 March 2031 is winter time in Madrid (UTC+1).
    assert meetings[0].starts_at == datetime(2031, 3, 4, 17, 0, tzinfo=UTC)
    assert session.starts_at == meetings[0].starts_at and session.ends_at == meetings[-1].ends_at


def test_meeting_across_the_dst_change_keeps_its_wall_clock_time():
    school = SchoolFactory()
    course = CourseFactory(school=school)
    data = session_input(
        LocationFactory(school=school),
        meetings=[
            MeetingInput(datetime(2031, 3, 25, 18, 0), datetime(2031, 3, 25, 20, 0)),  # before 30 March: UTC+1
            MeetingInput(datetime(2031, 4, 1, 18, 0), datetime(2031, 4, 1, 20, 0)),  # after: UTC+2
        ],
    )
    session = services.session_create(actor=staff(school), course=course, data=data)
    first, second = session.meetings.order_by("starts_at")
    assert first.starts_at.hour == 17 and second.starts_at.hour == 16  # same 18:00 in Madrid


def test_a_time_skipped_by_daylight_saving_is_refused():
    school = SchoolFactory()
    course = CourseFactory(school=school)
    data = session_input(
        LocationFactory(school=school),
        meetings=[MeetingInput(datetime(2031, 3, 30, 2, 30), datetime(2031, 3, 30, 4, 0))],
    )
    with pytest.raises(ValidationError) as error:
        services.session_create(actor=staff(school), course=course, data=data)
    assert error.value.message_dict["meetings"] == [
        "Sun, Mar 30, 2031, 2:30\u202fAM does not exist in Madrid time (CEST): "
        "the clocks skip it for daylight saving time."
    ]
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"meetings": []}, "meetings"),
        ({"meetings": [MeetingInput(datetime(2031, 3, 4, 20, 0), datetime(2031, 3, 4, 18, 0))]}, "meetings"),
        ({"price_override": Decimal("-1")}, "price_override"),
        ({"booking_deadline_local": datetime(2031, 3, 5, 0, 0)}, "booking_deadline"),
        ({"timezone": "Mars/Olympus_Mons"}, None),
    ],
)
def test_bad_session_input_is_refused_and_nothing_is_saved(overrides, field):
    school = SchoolFactory()
    course = CourseFactory(school=school)
    with pytest.raises(ValidationError) as error:
        services.session_create(
            actor=staff(school), course=course, data=session_input(LocationFactory(school=school), **overrides)
        )
    if field:
        assert field in error.value.message_dict
    assert not Session.objects.exists()


def test_capacity_cannot_exceed_the_room_and_places_must_be_the_schools():
    school = SchoolFactory()
    course = CourseFactory(school=school)
    room = RoomFactory(location__school=school, capacity=6)
    owner = staff(school)
    with pytest.raises(ValidationError) as error:
        services.session_create(actor=owner, course=course, data=session_input(room.location, room=room, capacity=7))
    assert "capacity" in error.value.message_dict
    foreign = LocationFactory()  # another school's
    with pytest.raises(ValidationError) as error:
        services.session_create(actor=owner, course=course, data=session_input(foreign))
    assert "location" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.session_create(
            actor=owner, course=course, data=session_input(room.location, instructors=(InstructorFactory(),))
        )
    assert "instructors" in error.value.message_dict
    assert not Session.objects.exists()


def test_cancelling_a_session_needs_a_reason_and_is_audited():
    school = SchoolFactory()
    course = CourseFactory(school=school)
    owner = staff(school)
    session = services.session_create(actor=owner, course=course, data=session_input(LocationFactory(school=school)))
    with pytest.raises(ValidationError):
        services.session_cancel(actor=owner, session=session, reason="  ")
    services.session_cancel(actor=owner, session=session, reason="The teacher is ill")
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert AuditEntry.objects.filter(action="session.cancelled", object_id=str(session.pk)).exists()
    with pytest.raises(ValidationError):
        services.session_cancel(actor=owner, session=session, reason="again")


def test_database_refuses_an_oversold_session():
    from django.db import IntegrityError, transaction

    course = CourseFactory()
    from .factories import make_session

    session = make_session(course, capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(seats_taken=3)
    assert Course.objects.count() == 1
