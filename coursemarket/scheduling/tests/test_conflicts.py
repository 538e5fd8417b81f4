from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from coursemarket.audit.models import AuditEntry
from coursemarket.catalog.models import Meeting
from coursemarket.catalog.services import SessionInput, session_update
from coursemarket.catalog.tests.factories import InstructorFactory, RoomFactory, staff
from coursemarket.catalog.timeutil import local_to_utc
from coursemarket.core.testing import text_of
from coursemarket.scheduling import services
from coursemarket.scheduling.conflicts import ConflictError
from coursemarket.scheduling.models import MeetingRevision
from coursemarket.schools.models import Role

from .helpers import next_weekday, weekly, world

pytestmark = pytest.mark.django_db


def test_instructor_double_booked_across_two_courses_is_refused_with_the_clash_listed():
    w = world()
    tuesday = next_weekday(1)
    taken = weekly(w, w.course_a, first=tuesday, weeks=3)
    with pytest.raises(ConflictError) as exc:
        weekly(w, w.course_b, first=tuesday + timedelta(weeks=2), at=time(19), weeks=2)
    [conflict] = exc.value.conflicts
    assert conflict.kind == "instructor"
    assert conflict.other == taken.meetings.order_by("starts_at")[2]
    assert "Spanish A1" in conflict.message and w.instructor.name in conflict.message
    assert f"/calendar/meetings/{conflict.other.pk}/" in conflict.url(w.school.slug)
    assert w.course_b.sessions.count() == 0  # nothing written


def test_room_double_booked_across_two_courses_is_refused():
    w = world()
    thursday = next_weekday(3)
    other_teacher = InstructorFactory(school=w.school)
    weekly(w, w.course_a, first=thursday, room=w.room)
    with pytest.raises(ConflictError) as exc:
        weekly(w, w.course_b, first=thursday, at=time(19), room=w.room, instructors=(other_teacher,))
    assert [c.kind for c in exc.value.conflicts] == ["room"]
    # Another room at the same time is fine.
    weekly(w, w.course_b, first=thursday, at=time(19), room=RoomFactory(location=w.room.location),
           instructors=(other_teacher,))  # fmt: skip


def test_back_to_back_meetings_and_cancelled_ones_do_not_clash():
    w = world()
    monday = next_weekday(0)
    session = weekly(w, w.course_a, first=monday, weeks=2)
    weekly(w, w.course_b, first=monday, at=time(20), weeks=1)  # starts when the other ends
    first = session.meetings.order_by("starts_at").first()
    services.meeting_cancel(actor=w.owner, meeting=first, reason="Teacher ill")
    weekly(w, w.course_b, first=monday, at=time(18, 30), hours=1, weeks=1)


def test_owner_override_is_audited_and_a_manager_cannot_override():
    w = world()
    tuesday = next_weekday(1)
    weekly(w, w.course_a, first=tuesday)
    manager = staff(w.school, Role.MANAGER)
    with pytest.raises(ConflictError, match="Only an owner"):
        weekly(w, w.course_b, first=tuesday, override="We need it", actor=manager)
    session = weekly(w, w.course_b, first=tuesday, override="Co-teaching the first class")
    entry = AuditEntry.objects.get(action="schedule.conflict_overridden")
    assert entry.actor_id == w.owner.pk and entry.object_id == str(session.pk)
    assert entry.changes["reason"] == "Co-teaching the first class"
    assert entry.changes["conflicts"][0]["kind"] == "instructor"


def test_closure_refuses_a_meeting_on_that_day_for_that_location_only():
    w = world()
    day = next_weekday(2)
    services.closure_create(
        actor=w.owner, school=w.school, location=w.room.location, starts_on=day, ends_on=day, reason="Public holiday"
    )
    with pytest.raises(ConflictError) as exc:
        weekly(w, w.course_a, first=day)
    assert exc.value.conflicts[0].kind == "closure"
    assert "Public holiday" in exc.value.conflicts[0].message
    other_place = RoomFactory(location__school=w.school, location__timezone="Europe/Berlin")
    w.room = other_place
    weekly(w, w.course_a, first=day)


TUESDAY = date(2031, 1, 14)


@pytest.mark.parametrize(
    ("language", "when"),
    [
        ("en", "Tue, Jan 14, 2031, 6:00 – 8:00 PM Berlin time (CET)"),
        ("de", "Di., 14. Jan. 2031, 18:00–20:00 Uhr"),
        ("ar", "الثلاثاء، 14 يناير 2031، 6:00–8:00 م"),
    ],
)
def test_a_clash_names_the_other_meetings_time_as_everywhere_else_with_one_full_stop(language, when):
    w = world()
    weekly(w, w.course_a, first=TUESDAY)
    with pytest.raises(ConflictError) as exc:
        weekly(w, w.course_b, first=TUESDAY, at=time(19))
    with translation.override(language), timezone.override(timezone.get_fixed_timezone(60)):
        message = text_of(exc.value.conflicts[0].message)
    assert when in message and message.endswith(")." if language == "en" else ".")
    assert not message.endswith("..") and " · " not in message  # one clock: the reader's says the same
    with translation.override("en"), timezone.override(timezone.get_fixed_timezone(120)):
        assert text_of(exc.value.conflicts[0].message).endswith("Berlin time (CET) · 7:00 – 9:00 PM GMT+02:00.")


def test_a_closure_reason_ending_with_a_full_stop_is_not_followed_by_another():
    w = world()
    services.closure_create(
        actor=w.owner, school=w.school, location=None, starts_on=TUESDAY, ends_on=TUESDAY, reason="Public holiday."
    )
    with pytest.raises(ConflictError) as exc:
        weekly(w, w.course_a, first=TUESDAY)
    with timezone.override(timezone.get_fixed_timezone(60)):
        message = exc.value.conflicts[0].message
    assert message == "The school is closed on Tue, Jan 14, 2031: Public holiday."


def test_moving_one_meeting_keeps_the_others_bumps_its_sequence_and_checks_clashes():
    w = world()
    tuesday = next_weekday(1)
    session = weekly(w, w.course_a, first=tuesday, weeks=3)
    busy = weekly(w, w.course_b, first=tuesday + timedelta(days=1), weeks=1)
    first, second, third = session.meetings.order_by("starts_at")
    target = local_to_utc(datetime.combine(tuesday + timedelta(days=9), time(10)), "Europe/Berlin")
    services.meeting_move(actor=w.owner, meeting=second, starts_at=target, ends_at=target + timedelta(hours=2))
    second.refresh_from_db()
    assert second.starts_at == target
    assert list(session.meetings.order_by("starts_at").values_list("pk", flat=True)) == [first.pk, second.pk, third.pk]
    assert MeetingRevision.objects.get(meeting=second).sequence == 1
    assert not MeetingRevision.objects.filter(meeting__in=[first, third]).exists()
    assert AuditEntry.objects.filter(action="meeting.moved", object_id=str(session.pk)).count() == 1
    clash = busy.meetings.get()
    with pytest.raises(ConflictError):
        services.meeting_move(actor=w.owner, meeting=third, starts_at=clash.starts_at, ends_at=clash.ends_at)
    third.refresh_from_db()
    assert third.starts_at != clash.starts_at
    with pytest.raises(ValidationError, match="overlap"):
        services.meeting_move(actor=w.owner, meeting=third, starts_at=first.starts_at, ends_at=first.ends_at)


def test_editing_a_session_keeps_meeting_rows_so_calendar_uids_survive():
    w = world()
    tuesday = next_weekday(1)
    session = weekly(w, w.course_a, first=tuesday, weeks=2)
    ids = list(session.meetings.order_by("starts_at").values_list("pk", flat=True))
    from coursemarket.catalog.services import MeetingInput

    data = SessionInput(
        timezone="Europe/Berlin",
        capacity=10,
        location=w.room.location,
        instructors=(w.instructor,),
        meetings=[
            MeetingInput(datetime.combine(tuesday, time(18)), datetime.combine(tuesday, time(20))),
            MeetingInput(
                datetime.combine(tuesday + timedelta(days=8), time(18)),
                datetime.combine(tuesday + timedelta(days=8), time(20)),
            ),
        ],
    )
    session_update(actor=w.owner, session=session, data=data)
    assert list(Meeting.objects.filter(session=session).order_by("starts_at").values_list("pk", flat=True)) == ids
    assert MeetingRevision.objects.get(meeting_id=ids[1]).sequence == 1
    assert not MeetingRevision.objects.filter(meeting_id=ids[0]).exists()
