from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PERIODS = [("30", _("Last 30 days")), ("7", _("Last 7 days")), ("90", _("Last 90 days")), ("custom", _("Custom"))]
MAX_DAYS = 366


class HistoryPreferenceForm(forms.Form):
    keep_history = forms.BooleanField(
        label=_("Keep my search and viewing history"),
        required=False,
        help_text=_("Your recent searches and the courses you looked at, shown only to you."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
    )


class ReportPeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"), choices=PERIODS, required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Choose both dates of a custom period."))
            if start > end:
                self.add_error("end", _("The end date must be on or after the start date."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("end", _("Choose a period of at most a year."))
        return data

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware moments in the viewer's zone (call after is_valid())."""
        data = getattr(self, "cleaned_data", {}) or {}
        zone = timezone.get_current_timezone()
        if data.get("period") == "custom" and data.get("start") and data.get("end") and not self.errors:
            first: date = data["start"]
            last: date = data["end"]
        else:
            days = int(data.get("period") or 30) if (data.get("period") or "30") != "custom" else 30
            last = timezone.localdate()
            first = last - timedelta(days=days - 1)
        start = datetime.combine(first, time.min, tzinfo=zone)
        end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
        return start, end
