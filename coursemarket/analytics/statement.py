"""The school's monthly statement, a PDF made with WeasyPrint: revenue,
refunds, discounts, platform fees and net per currency, and per course.
It reads the same rollups as the dashboard (selectors.school_dashboard), so
a month's statement equals the dashboard's figures for that month."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from babel.dates import format_skeleton
from django import forms
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from coursemarket.core.money import babel_locale

from .periods import Period

MONTHS_OFFERED = 24


def month_start(day: date, back: int = 0) -> date:
    """The first day of the month `back` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def month_period(first: date, today: date) -> Period:
    """A calendar month of the school's days, up to today for the current one."""
    last = month_start(first, -1) - timedelta(days=1)
    return Period(first, min(last, today))


def month_label(first: date) -> str:
    """ "November 2026" in the active language."""
    return format_skeleton("yMMMM", first, locale=babel_locale(translation.get_language()))


class StatementForm(forms.Form):
    """Which month: one of the last 24 of the school's calendar, this one included."""

    month = forms.ChoiceField(label=_("Month"), widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        months = [month_start(today, back) for back in range(MONTHS_OFFERED)]
        field = self.fields["month"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(f"{m:%Y-%m}", month_label(m)) for m in months]
        self.fields["month"].initial = f"{month_start(today, 1):%Y-%m}"  # the last complete month

    def first_day(self) -> date:
        year, month = self.cleaned_data["month"].split("-")
        return date(int(year), int(month), 1)


def statement_pdf(*, request: HttpRequest, context: dict[str, Any]) -> bytes:
    """The statement's HTML (analytics/statement.html) as PDF bytes."""
    # Imported here, not at the top: WeasyPrint takes 1-2 s to import (Pango, its
    # default style sheets), which every web process and test worker would pay at start.
    from weasyprint import HTML

    html = render_to_string("analytics/statement.html", {**context, "generated_at": timezone.now()}, request=request)
    return bytes(HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf())
