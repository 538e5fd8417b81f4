"""The school's "Funnel & demand" page, its CSV exports and the at-risk
threshold form (staff with VIEW_ANALYTICS: owners and managers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coursemarket.core.times import format_day, zone_name
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import SchoolAccess
from coursemarket.schools.views.staff import render_dashboard, staff_view

from .demand import (
    AT_RISK_DAYS,
    FEW_RESULTS,
    MIN_VISITORS,
    SearchSignals,
    SessionAtRisk,
    WaitingSession,
    at_risk_threshold,
    category_names,
    search_signals,
    upcoming_sessions_at_risk,
    waiting_sessions,
)
from .exports import XLSX, Cell, as_csv, as_workbook, attachment, cell
from .forms import ThresholdForm
from .funnel import STEP_LABELS, STEPS, Funnel, FunnelRow, school_funnel
from .selectors import dashboard_context
from .services import at_risk_threshold_set
from .tabs import analytics_tabs
from .views_common import ChosenPeriod, bad_input, period_form_context, period_of, period_query

EXPORTS = ("channels", "courses", "searches", "waitlists", "at_risk")


@dataclass
class Report:
    chosen: ChosenPeriod
    funnel: Funnel | None = None  # None when the period is bad
    searches: SearchSignals | None = None
    categories: dict[str, str] | None = None
    waiting: list[WaitingSession] | None = None
    at_risk: list[SessionAtRisk] | None = None
    threshold: int = 0
    zone: Any = None


def _report(request: HttpRequest, access: SchoolAccess) -> Report:
    zone, today = dashboard_context(school=access.school)
    chosen = period_of(request, today=today)
    period = chosen.period
    if period is None:
        return Report(chosen)
    school = access.school
    searches = search_signals(school=school, period=period, zone=zone)
    return Report(
        chosen=chosen,
        funnel=school_funnel(school=school, period=period, zone=zone),
        searches=searches,
        categories=category_names(sorted({s.category for s in searches.shown if s.category})),
        waiting=waiting_sessions(school=school),
        at_risk=upcoming_sessions_at_risk(school=school),
        threshold=at_risk_threshold(school=school),
        zone=zone,
    )


@staff_view(Perm.VIEW_ANALYTICS)
@require_http_methods(["GET", "POST"])
def funnel(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    threshold_form = ThresholdForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if threshold_form.is_valid():
            try:
                at_risk_threshold_set(
                    actor=request.user, school=access.school, threshold=threshold_form.cleaned_data["threshold"]
                )
            except ValidationError as error:
                threshold_form.add_error("threshold", error)
            else:
                messages.success(request, _("The at-risk threshold is saved."))
                return redirect(reverse("analytics:funnel", kwargs={"slug": access.school.slug}) + "#at-risk-title")
        status = 400
    report = _report(request, access)
    if report.funnel is None:
        status = 400
    action = reverse("analytics:funnel", kwargs={"slug": access.school.slug})
    context: dict[str, Any] = {
        **period_form_context(report.chosen, action=action),
        "report": report,
        "threshold_form": threshold_form,
        "tabs": analytics_tabs(slug=access.school.slug, current="funnel"),
    }
    if report.funnel is not None:
        period = report.funnel.period
        if not threshold_form.is_bound:
            threshold_form.initial = {"threshold": report.threshold}
        context.update(
            funnel=report.funnel,
            step_labels=[str(STEP_LABELS[step]) for step in STEPS],
            zone_label=zone_name(report.zone),
            start_label=format_day(period.start),
            end_label=format_day(period.end),
            period_query=period_query(request.GET),
            few_results=FEW_RESULTS,
            min_visitors=MIN_VISITORS,
            at_risk_days=AT_RISK_DAYS,
            exports=[(name, label) for name, label in _export_labels().items()],
        )
    return render_dashboard(request, access, "analytics/funnel.html", context, section="analytics", status=status)


@staff_view(Perm.VIEW_ANALYTICS)
@require_GET
def funnel_export(request: HttpRequest, access: SchoolAccess, table: str, fmt: str = "csv") -> HttpResponse:
    """One table as CSV, or every table as one workbook (table "all" in .xlsx)."""
    if (table, fmt) != ("all", "xlsx") and (table not in EXPORTS or fmt != "csv"):
        raise Http404
    report = _report(request, access)
    if report.funnel is None:
        return bad_input(report.chosen.form)
    period = report.funnel.period
    name = f"funnel-{access.school.slug}-{period.start.isoformat()}-{period.end.isoformat()}"
    if table == "all":
        labels = _sheet_titles()
        return attachment(as_workbook([(labels[t], ROWS[t](report)) for t in EXPORTS]), XLSX, f"{name}.xlsx")
    return attachment(as_csv(ROWS[table](report)), "text/csv; charset=utf-8", f"{name}-{table}.csv")


def _sheet_titles() -> dict[str, str]:
    return {
        "channels": _("By channel"), "courses": _("By course and channel"), "searches": _("Few results"),
        "waitlists": _("Waitlists"), "at_risk": _("At risk"),
    }  # fmt: skip


def _export_labels() -> dict[str, str]:
    return {
        "channels": _("Funnel by channel (CSV)"),
        "courses": _("Funnel by course and channel (CSV)"),
        "searches": _("Searches with few results (CSV)"),
        "waitlists": _("Waitlists (CSV)"),
        "at_risk": _("Sessions at risk (CSV)"),
    }


# --- the tables as rows: the same figures the page shows, unformatted ---------


def _funnel_header(first: list[Cell]) -> list[Cell]:
    header = list(first)
    for index, step in enumerate(STEPS):
        header.append(str(STEP_LABELS[step]))
        if index:
            header.append(_("%(step)s: conversion %%") % {"step": STEP_LABELS[step]})
    return header


def _funnel_cells(row: FunnelRow) -> list[Cell]:
    cells: list[Cell] = []
    for index, stage in enumerate(row.stages):
        cells.append(stage.count)
        if index:
            cells.append(stage.conversion)
    return cells


def channel_rows(report: Report) -> list[list[Cell]]:
    assert report.funnel is not None
    rows = [_funnel_header([_("Channel")])]
    for row in [*report.funnel.channels, report.funnel.total]:
        rows.append([row.channel_label, *_funnel_cells(row)])
    return rows


def course_rows(report: Report) -> list[list[Cell]]:
    assert report.funnel is not None
    rows = [_funnel_header([_("Course"), _("Channel")])]
    for row in report.funnel.table_rows():
        rows.append([cell(row.title), row.channel_label, *_funnel_cells(row)])
    return rows


def search_rows(report: Report) -> list[list[Cell]]:
    assert report.searches is not None
    names = report.categories or {}
    rows: list[list[Cell]] = [[_("Search words"), _("Category"), _("City"), _("Searches"), _("Found nothing"),
                               _("Visitors")]]  # fmt: skip
    for signal in report.searches.shown:
        rows.append([cell(signal.query), cell(names.get(signal.category, signal.category)), cell(signal.city),
                     signal.searches, signal.nothing_found, signal.visitors])  # fmt: skip
    return rows


def waitlist_rows(report: Report) -> list[list[Cell]]:
    assert report.waiting is not None
    rows: list[list[Cell]] = [[_("Course"), _("Starts (UTC)"), _("Seats"), _("Seats taken"), _("People waiting"),
                               _("Seats wanted")]]  # fmt: skip
    for waiting in report.waiting:
        rows.append([cell(waiting.course_title), waiting.starts_at.isoformat(), waiting.capacity,
                     waiting.seats_taken, waiting.waiting, waiting.waiting_seats])  # fmt: skip
    return rows


def at_risk_rows(report: Report) -> list[list[Cell]]:
    assert report.at_risk is not None
    rows: list[list[Cell]] = [[_("Course"), _("Starts (UTC)"), _("Seats"), _("Seats taken"), _("Fill %")]]
    for session in report.at_risk:
        rows.append([cell(session.course_title), session.starts_at.isoformat(), session.capacity,
                     session.seats_taken, session.fill])  # fmt: skip
    return rows


ROWS = {
    "channels": channel_rows,
    "courses": course_rows,
    "searches": search_rows,
    "waitlists": waitlist_rows,
    "at_risk": at_risk_rows,
}
