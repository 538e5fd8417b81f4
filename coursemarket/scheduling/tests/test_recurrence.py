from datetime import UTC, date, datetime, time

import pytest
from django.core.exceptions import ValidationError

from coursemarket.scheduling.models import Closure
from coursemarket.scheduling.recurrence import RecurrenceRule, expand


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_berlin_evening_class_keeps_local_time_across_the_spring_change():
    # Tue/Thu 18:00–20:00 from Tue 3 March 2026 for 8 weeks; clocks go forward on 29 March.
    rule = RecurrenceRule(weekdays=(1, 3), start_time=time(18), end_time=time(20), first_date=date(2026, 3, 3), weeks=8)
    occurrences = expand(rule, tz_name="Europe/Berlin")
    assert len(occurrences) == 16
    assert all(o.starts_local.hour == 18 and o.ends_local.hour == 20 for o in occurrences)
    before = next(o for o in occurrences if o.starts_local.date() == date(2026, 3, 26))
    after = next(o for o in occurrences if o.starts_local.date() == date(2026, 3, 31))
    assert before.starts_utc == utc(2026, 3, 26, 17)  # CET, UTC+1
    assert after.starts_utc == utc(2026, 3, 31, 16)  # CEST, UTC+2
    assert occurrences[-1].starts_local.date() == date(2026, 4, 23)


def test_new_york_class_keeps_local_time_across_both_changes():
    # US clocks change on 8 March and 1 November 2026.
    rule = RecurrenceRule(
        weekdays=(0,), start_time=time(9, 30), end_time=time(11), first_date=date(2026, 3, 2), weeks=2
    )
    spring = expand(rule, tz_name="America/New_York")
    assert [o.starts_utc for o in spring] == [utc(2026, 3, 2, 14, 30), utc(2026, 3, 9, 13, 30)]
    autumn_rule = RecurrenceRule(
        weekdays=(4,), start_time=time(19), end_time=time(21), first_date=date(2026, 10, 30), until=date(2026, 11, 6)
    )
    autumn = expand(autumn_rule, tz_name="America/New_York")
    assert [o.starts_utc for o in autumn] == [utc(2026, 10, 30, 23), utc(2026, 11, 7, 0)]


def test_exdate_removes_a_day_and_the_rule_is_rfc5545_text():
    rule = RecurrenceRule(
        weekdays=(1, 3),
        start_time=time(18),
        end_time=time(20),
        first_date=date(2026, 3, 3),
        weeks=8,
        exceptions=(date(2026, 4, 14),),
    )
    days = [o.starts_local.date() for o in expand(rule, tz_name="Europe/Berlin")]
    assert len(days) == 15
    assert date(2026, 4, 14) not in days and date(2026, 4, 16) in days
    text = rule.as_rfc5545()
    assert "RRULE:FREQ=WEEKLY;UNTIL=20260427T180000;BYDAY=TU,TH" in text
    assert "EXDATE:20260414T180000" in text


def test_a_time_the_clocks_skip_is_marked_not_silently_shifted():
    rule = RecurrenceRule(
        weekdays=(6,), start_time=time(2, 30), end_time=time(3, 30), first_date=date(2026, 3, 22), weeks=2
    )
    occurrences = expand(rule, tz_name="Europe/Berlin")
    assert occurrences[0].kept
    assert not occurrences[1].kept and "does not exist" in occurrences[1].skipped


@pytest.mark.django_db
def test_closure_days_are_skipped_with_their_reason():
    closure = Closure(starts_on=date(2026, 4, 2), ends_on=date(2026, 4, 6), reason="Easter")
    rule = RecurrenceRule(weekdays=(3,), start_time=time(18), end_time=time(20), first_date=date(2026, 3, 26), weeks=3)
    occurrences = expand(rule, tz_name="Europe/Berlin", closures=[closure])
    assert [o.kept for o in occurrences] == [True, False, True]
    assert "Easter" in occurrences[1].skipped


def test_bad_rules_are_refused_with_clear_errors():
    with pytest.raises(ValidationError) as exc:
        expand(
            RecurrenceRule(weekdays=(), start_time=time(20), end_time=time(18), first_date=date(2026, 3, 3)),
            tz_name="UTC",
        )
    assert set(exc.value.message_dict) == {"weekdays", "end_time", "weeks"}
