"""Forms of the scheduling pages: the session editor's repeat panel, a new
session from a slot of the calendar, moving and cancelling one meeting,
closures."""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from coursemarket.catalog.models import Course, CourseStatus
from coursemarket.schools.models import Instructor, Location, School

from .recurrence import RecurrenceRule


class RepeatForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"),
        coerce=int,
        choices=[(day, WEEKDAYS[day]) for day in range(7)],
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    first_date = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    weeks = forms.IntegerField(label=_("For how many weeks"), min_value=1, max_value=104, required=False)
    until = forms.DateField(
        label=_("Or until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    exceptions = forms.CharField(
        label=_("Except on"),
        required=False,
        max_length=2000,
        help_text=_("Dates to skip, e.g. 2026-04-14, 2026-05-01. Closures of the location are skipped anyway."),
    )

    def clean_exceptions(self) -> tuple[date, ...]:
        text = self.cleaned_data.get("exceptions") or ""
        days = []
        for token in re.split(r"[\s,;]+", text.strip()):
            if not token:
                continue
            try:
                days.append(date.fromisoformat(token))
            except ValueError as exc:
                raise ValidationError(
                    _("“%(value)s” is not a date like 2026-04-14."), params={"value": token}, code="bad_date"
                ) from exc
        return tuple(sorted(set(days)))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("weeks") is None and data.get("until") is None and not self.errors:
            self.add_error("weeks", _("Give either a number of weeks or a last date."))
        if data.get("weeks") is not None and data.get("until") is not None:
            self.add_error("until", _("Give either a number of weeks or a last date, not both."))
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("A meeting must end after it starts."))
        return data

    def rule(self) -> RecurrenceRule:
        data = self.cleaned_data
        return RecurrenceRule(
            weekdays=tuple(data["weekdays"]),
            start_time=data["start_time"],
            end_time=data["end_time"],
            first_date=data["first_date"],
            weeks=data.get("weeks"),
            until=data.get("until"),
            exceptions=data.get("exceptions") or (),
        )


MeetingRow = dict[str, Any]  # a row of the session editor's meetings: date, start, end


class SlotForm(forms.Form):
    """A day and, if chosen, the hours of a new session's first meeting: the
    free slot picked on the calendar (the session editor starts from it)."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(
        label=_("Starts"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("Ends"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("A meeting must end after it starts."))
        return data

    def first_meeting(self) -> MeetingRow:
        """The editor's first meeting row: the date, and the times when both are known."""
        data = self.cleaned_data
        row: MeetingRow = {"date": data["date"]}
        if data.get("start") and data.get("end"):
            row.update(start=data["start"], end=data["end"])
        return row


class NewSessionForm(SlotForm):
    """Which course a session picked on the calendar is for. The times are
    in `zone`, the time zone the calendar showed."""

    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none(), empty_label=_("Choose a course"))
    zone = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    field_order = ["course", "date", "start", "end", "zone"]

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "new-session-%s")  # the calendar page has other forms
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = (  # type: ignore[attr-defined]
            Course.objects.filter(school=school).exclude(status=CourseStatus.ARCHIVED).order_by("title", "pk")
        )

    def clean_zone(self) -> str:
        zone: str = self.cleaned_data.get("zone") or ""
        return zone if zone in zoneinfo.available_timezones() else ""

    def in_zone(self, target: str | None) -> MeetingRow:
        """The first meeting row with its times moved from the calendar's zone
        to `target` (the session's; None: unknown, left as they are); a range
        that would cross midnight there keeps only its date, for the school
        to complete."""
        data = self.cleaned_data
        source, day, start, end = data.get("zone"), data["date"], data.get("start"), data.get("end")
        if not (source and target and start and end) or source == target:
            return self.first_meeting()
        first, last = (
            datetime.combine(day, moment, tzinfo=zoneinfo.ZoneInfo(source)).astimezone(zoneinfo.ZoneInfo(target))
            for moment in (start, end)
        )
        if first.date() != last.date():
            return {"date": first.date()}
        return {"date": first.date(), "start": first.time(), "end": last.time()}


class MeetingMoveForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    override_reason = forms.CharField(
        label=_("Reason to schedule over the clash"),
        required=False,
        max_length=300,
        help_text=_("Owners only. Recorded in the audit log."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("A meeting must end after it starts."))
        return data


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, shown to the students"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClosureForm(forms.Form):
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("All locations"),
    )
    starts_on = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason"), max_length=140, help_text=_("For example “Easter holidays”."))

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(school=school)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data


class InstructorFeedForm(forms.Form):
    instructor = forms.ModelChoiceField(label=_("Instructor"), queryset=Instructor.objects.none())

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instructor"].queryset = Instructor.objects.filter(school=school)  # type: ignore[attr-defined]
