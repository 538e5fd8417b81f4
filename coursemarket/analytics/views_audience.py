"""The school's Audience page (staff with VIEW_ANALYTICS): who its students
are, in groups they chose to be counted in, and how often they come back."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from coursemarket.core.demographics import SMALLEST_GROUP
from coursemarket.core.money import format_number
from coursemarket.core.times import format_day, zone_name
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import SchoolAccess
from coursemarket.schools.views.staff import render_dashboard, staff_view

from .audience import (
    COHORT_SPANS,
    TABLES,
    WINDOWS,
    Audience,
    Breakdown,
    month_label,
    school_audience,
    table_rows,
    window_label,
)
from .exports import XLSX, as_csv, as_workbook, attachment
from .selectors import dashboard_context, percent
from .tabs import analytics_tabs
from .views_common import ChosenPeriod, bad_input, period_form_context, period_of, period_query


def _audience(request: HttpRequest, access: SchoolAccess) -> tuple[ChosenPeriod, Audience | None, int]:
    """The period, the figures of a valid one (None when the input is bad) and the cohort span."""
    zone, today = dashboard_context(school=access.school)
    chosen = period_of(request, today=today)
    span = int(request.GET["cohorts"]) if request.GET.get("cohorts") in {str(n) for n in COHORT_SPANS} else 12
    if chosen.period is None:
        return chosen, None, span
    audience = school_audience(school=access.school, period=chosen.period, zone=zone, today=today, cohort_months=span)
    return chosen, audience, span


@staff_view(Perm.VIEW_ANALYTICS)
@require_GET
def audience(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    chosen, figures, span = _audience(request, access)
    action = reverse("analytics:audience", kwargs={"slug": access.school.slug})
    context: dict[str, Any] = {
        **period_form_context(chosen, action=action, keep={"cohorts": str(span)}),
        "audience": figures, "span": span,
        "tabs": analytics_tabs(slug=access.school.slug, current="audience"),
        "smallest_group": SMALLEST_GROUP,
    }  # fmt: skip
    if figures is None:
        return render_dashboard(request, access, "analytics/audience.html", context, section="analytics", status=400)
    context.update(
        zone_label=zone_name(figures.zone),
        start_label=format_day(figures.period.start),
        end_label=format_day(figures.period.end),
        period_query=period_query(request.GET),
        export_query=request.GET.urlencode(),
        summary=_summary(figures),
        breakdowns=[(b, _breakdown_summary(b)) for b in figures.breakdowns],
        windows=[window_label(months) for months, _days in WINDOWS],
        window_days=[days for _months, days in WINDOWS],
        cohort_rows=[(month_label(c.month), c) for c in figures.cohorts],
        cohort_summary=_cohort_summary(figures),
        spans=COHORT_SPANS,
    )
    return render_dashboard(request, access, "analytics/audience.html", context, section="analytics")


@staff_view(Perm.VIEW_ANALYTICS)
@require_GET
def audience_export(request: HttpRequest, access: SchoolAccess, table: str, fmt: str = "csv") -> HttpResponse:
    """One table as CSV, or every table as one workbook (table "all" in .xlsx)."""
    if (table, fmt) != ("all", "xlsx") and (table not in TABLES or fmt != "csv"):
        raise Http404
    chosen, figures, _span = _audience(request, access)
    if figures is None:
        return bad_input(chosen.form)
    period = figures.period
    name = f"audience-{access.school.slug}-{period.start.isoformat()}-{period.end.isoformat()}"
    if table == "all":
        titles = {b.key: b.title for b in figures.breakdowns} | {"cohorts": str(_("Cohorts"))}
        workbook = as_workbook([(titles[t], table_rows(figures, t)) for t in TABLES])
        return attachment(workbook, XLSX, f"{name}.xlsx")
    return attachment(as_csv(table_rows(figures, table)), "text/csv; charset=utf-8", f"{name}-{table}.csv")


def _n(value: int) -> str:
    return format_number(value)


def _summary(audience: Audience) -> str:
    if not audience.students:
        return _("Nobody booked with the school in this period.")
    parts = [
        ngettext(
            "%(students)s student booked with the school in this period.",
            "%(students)s students booked with the school in this period.",
            audience.students,
        ) % {"students": _n(audience.students)},
        ngettext(
            "%(count)s student chose not to share their details and is counted under “Not shared”.",
            "%(count)s students chose not to share their details and are counted under “Not shared”.",
            audience.not_sharing,
        ) % {"count": _n(audience.not_sharing)},
        ngettext(
            "Repeat students: %(repeat)s student had booked with the school before (%(share)s%%).",
            "Repeat students: %(repeat)s students had booked with the school before (%(share)s%%).",
            audience.repeat,
        ) % {"repeat": _n(audience.repeat), "share": format_number(audience.repeat_share or 0)},
    ]  # fmt: skip
    return " ".join(parts)


def _breakdown_summary(breakdown: Breakdown) -> str:
    largest = breakdown.largest
    if largest is None:
        return _("No group is large enough to show.")
    return ngettext(
        "The largest group shown: %(label)s, %(count)s student (%(share)s%%).",
        "The largest group shown: %(label)s, %(count)s students (%(share)s%%).",
        largest.students,
    ) % {"label": largest.label, "count": _n(largest.students), "share": format_number(largest.share or 0)}


def _cohort_summary(audience: Audience) -> str:
    first = sum(c.students for c in audience.cohorts)
    text = ngettext(
        "%(count)s student booked with the school for the first time in these %(months)s months.",
        "%(count)s students booked with the school for the first time in these %(months)s months.",
        first,
    ) % {"count": _n(first), "months": _n(len(audience.cohorts))}
    known = [(c.students, c.again[0].students) for c in audience.cohorts if c.again[0].students is not None]
    whole = sum(n for n, _again in known)
    if whole:
        again = sum(a or 0 for _n_, a in known)
        text += " " + ngettext(
            "Of the %(whole)s student whose first 90 days have passed, %(again)s booked again within them "
            "(%(share)s%%).",
            "Of the %(whole)s students whose first 90 days have passed, %(again)s booked again within them "
            "(%(share)s%%).",
            whole,
        ) % {"whole": _n(whole), "again": _n(again), "share": format_number(percent(again, whole) or 0)}
    return text
