"""Meetings from a rule (RFC 5545 RRULE + EXDATE semantics via dateutil).

The rule is expanded in naive wall-clock time of the session's zone and only
then converted to UTC, so "Tuesdays 18:00" stays 18:00 local on both sides of
a daylight-saving change (the UTC instant moves by an hour instead)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil import rrule
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coursemarket.catalog.timeutil import local_to_utc

from .models import Closure

MAX_MEETINGS = 200
WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


@dataclass(frozen=True)
class RecurrenceRule:
    weekdays: tuple[int, ...]  # 0 = Monday … 6 = Sunday
    start_time: time
    end_time: time
    first_date: date
    weeks: int | None = None
    until: date | None = None
    exceptions: tuple[date, ...] = ()
    interval: int = 1  # every n weeks

    def last_date(self) -> date:
        if self.until is not None:
            return self.until
        assert self.weeks is not None
        return self.first_date + timedelta(weeks=self.weeks * self.interval) - timedelta(days=1)

    def as_rfc5545(self) -> str:
        """The rule as iCalendar text (DTSTART, RRULE and EXDATE lines)."""
        return str(self._ruleset_text())

    def _rrule(self) -> rrule.rrule:
        return rrule.rrule(
            rrule.WEEKLY,
            interval=self.interval,
            byweekday=[WEEKDAYS[d] for d in sorted(set(self.weekdays))],
            dtstart=datetime.combine(self.first_date, self.start_time),
            until=datetime.combine(self.last_date(), self.start_time),
        )

    def _ruleset_text(self) -> str:
        lines = [str(self._rrule())]
        if self.exceptions:
            stamps = ",".join(datetime.combine(d, self.start_time).strftime("%Y%m%dT%H%M%S") for d in self.exceptions)
            lines.append("EXDATE:" + stamps)
        return "\n".join(lines)


@dataclass
class Occurrence:
    starts_local: datetime
    ends_local: datetime
    starts_utc: datetime | None = None
    ends_utc: datetime | None = None
    skipped: str = ""  # why it is not created: a closure, a non-existent local time
    conflicts: list = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return not self.skipped


def validate_rule(rule: RecurrenceRule) -> None:
    errors: dict[str, str] = {}
    if not rule.weekdays:
        errors["weekdays"] = _("Choose at least one day of the week.")
    if rule.end_time <= rule.start_time:
        errors["end_time"] = _("A meeting must end after it starts.")
    if (rule.weeks is None) == (rule.until is None):
        errors["weeks"] = _("Give either a number of weeks or a last date.")
    elif rule.until is not None and rule.until < rule.first_date:
        errors["until"] = _("The last date cannot be before the first date.")
    elif rule.weeks is not None and not 1 <= rule.weeks <= 104:
        errors["weeks"] = _("Between 1 and 104 weeks.")
    if errors:
        raise ValidationError(errors)


def expand(rule: RecurrenceRule, *, tz_name: str, closures: Sequence[Closure] = ()) -> list[Occurrence]:
    """Every occurrence of the rule, in order, EXDATEs removed; occurrences on a
    closure day or at a local time the clocks skip are kept but marked skipped."""
    validate_rule(rule)
    ruleset = rrule.rruleset()
    ruleset.rrule(rule._rrule())
    for day in rule.exceptions:
        ruleset.exdate(datetime.combine(day, rule.start_time))
    length = datetime.combine(date.min, rule.end_time) - datetime.combine(date.min, rule.start_time)
    occurrences: list[Occurrence] = []
    for start in ruleset:
        if len(occurrences) >= MAX_MEETINGS:
            raise ValidationError(
                {
                    "weeks": ngettext(
                        "At most %(count)d meeting at once.", "At most %(count)d meetings at once.", MAX_MEETINGS
                    )
                    % {"count": MAX_MEETINGS}
                },
                code="too_many",
            )
        occurrence = Occurrence(starts_local=start, ends_local=start + length)
        closed = next((c for c in closures if c.starts_on <= start.date() <= c.ends_on), None)
        if closed is not None:
            occurrence.skipped = _("Closed: %(reason)s") % {"reason": closed.reason}
        try:
            occurrence.starts_utc = local_to_utc(occurrence.starts_local, tz_name)
            occurrence.ends_utc = local_to_utc(occurrence.ends_local, tz_name)
        except ValidationError as exc:
            occurrence.skipped = occurrence.skipped or exc.messages[0]
        occurrences.append(occurrence)
    return occurrences
