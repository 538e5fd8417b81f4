"""What the analytics pages share: the period they show, read from the query
string the same way on every page, the context of the period form they all
include (analytics/_period_form.html), and the answer to a download asked
for with a bad period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _

from .forms import PeriodForm
from .periods import Period

PERIOD_KEYS = ("period", "start", "end")


@dataclass(frozen=True)
class ChosenPeriod:
    """The period form and, when its input is good, the period it chose and the one it is compared with."""

    form: PeriodForm
    preset: str = ""
    period: Period | None = None  # None when the input is bad: the page says why, with status 400
    previous: Period | None = None


def period_of(request: HttpRequest, *, today: date) -> ChosenPeriod:
    """The period asked for in ?period= (and ?start=&end= for a custom one), in
    the calendar whose today is `today`; without ?period= the default preset."""
    form = PeriodForm(request.GET if "period" in request.GET else None, today=today)
    if form.is_bound and not form.is_valid():
        return ChosenPeriod(form)
    preset, period, previous = form.periods()
    return ChosenPeriod(form, preset, period, previous)


def preset_links() -> list[tuple[str, str]]:
    """The presets offered as buttons (the custom period has its own fields)."""
    return [("7", _("7 days")), ("30", _("30 days")), ("90", _("90 days")), ("year", _("This year"))]


def period_query(query: QueryDict) -> str:
    """The period part of a query string, for links that keep the period (sorting, exports, cohorts)."""
    kept = QueryDict(mutable=True)
    for key in PERIOD_KEYS:
        if key in query:
            kept.setlist(key, query.getlist(key))
    return kept.urlencode()


def period_form_context(chosen: ChosenPeriod, *, action: str, keep: dict[str, str] | None = None) -> dict[str, Any]:
    """What analytics/_period_form.html reads. `keep`: other parameters of the
    page that its preset links and custom form carry along (the audience's cohort span)."""
    return {
        "form": chosen.form,
        "preset": chosen.preset,
        "presets": preset_links(),
        "period_action": action,
        "period_keep": sorted((keep or {}).items()),
        "shown_period": chosen.period,
    }


def bad_input(form: forms.Form) -> HttpResponse:
    """A download asked for with bad input: the form's own (translated) errors, as text, status 400."""
    errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
