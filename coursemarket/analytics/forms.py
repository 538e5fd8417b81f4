from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .selectors import Period, previous_period

MAX_DAYS = 366
EARLIEST = date(2000, 1, 1)
PRESETS = ("7", "30", "90", "year", "custom")
DEFAULT = "30"


class PeriodForm(forms.Form):
    """The dashboard's period: a preset, or two days of the school's calendar."""

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("7", _("Last 7 days")),
            ("30", _("Last 30 days")),
            ("90", _("Last 90 days")),
            ("year", _("This year")),
            ("custom", _("Custom")),
        ],
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        preset = data.get("period") or DEFAULT
        data["period"] = preset
        if preset != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if start is None or end is None:
            raise forms.ValidationError(_("Choose both the first and the last day."), code="missing")
        if end < start:
            raise forms.ValidationError(_("The last day must not be before the first."), code="order")
        if end > self.today:
            raise forms.ValidationError(_("The last day must not be in the future."), code="future")
        if start < EARLIEST:
            raise forms.ValidationError(_("The first day is too far in the past."), code="past")
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(
                ngettext(
                    "A period can be at most %(count)d day long.", "A period can be at most %(count)d days long.",
                    MAX_DAYS,
                ) % {"count": MAX_DAYS},
                code="too_long",
            )  # fmt: skip
        return data

    def periods(self) -> tuple[str, Period, Period]:
        """(preset, period, compared period) of valid data, else the default."""
        data: dict[str, Any] = self.cleaned_data if self.is_bound and self.is_valid() else {"period": DEFAULT}
        start: date | None = data.get("start")
        end: date | None = data.get("end")
        return periods_for(str(data["period"]), start, end, today=self.today)


def periods_for(preset: str, start: date | None, end: date | None, *, today: date) -> tuple[str, Period, Period]:
    if preset == "custom" and start and end:
        period = Period(start, end)
    elif preset == "year":
        period = Period(today.replace(month=1, day=1), today)
        return preset, period, previous_period(period, year_to_date=True)
    else:
        preset = preset if preset in ("7", "30", "90") else DEFAULT
        period = Period(today - timedelta(days=int(preset) - 1), today)
    return preset, period, previous_period(period)


class ThresholdForm(forms.Form):
    """The school's at-risk threshold, in per cent of a session's seats."""

    threshold = forms.IntegerField(
        label=_("At-risk threshold (%)"),
        min_value=0,
        max_value=100,
        help_text=_("A session starting within 7 days with a lower share of its seats taken is at risk."),
        error_messages={
            "required": _("Enter a whole number from 0 to 100."),
            "invalid": _("Enter a whole number from 0 to 100."),
            "min_value": _("Enter a whole number from 0 to 100."),
            "max_value": _("Enter a whole number from 0 to 100."),
        },
    )
