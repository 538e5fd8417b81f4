"""Forms of the scheduling pages: the session editor's repeat panel, moving
and cancelling one meeting, closures."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from coursemarket.schools.models import Instructor, Location, School

from .recurrence import RecurrenceRule


class RepeatForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"),
        coerce=int,
        choices=[(day, WEEKDAYS[day]) for day in range(7)],
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    first_date = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    weeks = forms.IntegerField(label=_("For how many weeks"), min_value=1, max_value=104, required=False)
    until = forms.DateField(label=_("Or until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
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


class MeetingMoveForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}))
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
    starts_on = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
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
