"""The school's analytics dashboard and its exports (staff with VIEW_ANALYTICS)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from babel.dates import format_interval, format_skeleton
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from coursemarket.core.money import babel_locale, format_money, format_number, money_formatter
from coursemarket.core.times import format_day, zone_name
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import SchoolAccess
from coursemarket.schools.views.staff import render_dashboard, staff_view

from .exports import BUILDERS, KPI_LABELS, TABLES, as_csv, as_xlsx
from .selectors import SORTS, SPARK_DAYS, Dashboard, DayPoint, Money, dashboard_context, school_dashboard, weekly_series
from .sessions import ROWS_SHOWN, SESSION_SORTS, sort_sessions
from .statement import StatementForm, month_label, month_period, month_start, statement_pdf
from .tabs import analytics_tabs
from .views_common import ChosenPeriod, bad_input, period_form_context, period_of, period_query

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Shown:
    chosen: ChosenPeriod
    board: Dashboard | None  # None when the input is bad
    sort: str = "revenue"
    descending: bool = True


def _board(request: HttpRequest, access: SchoolAccess, *, weekly: bool = False) -> Shown:
    """The period and the figures of a valid one (None when the input is bad);
    `weekly`: the series per week when the period is longer than SPARK_DAYS
    (the page), else always per day (the exports)."""
    zone, today = dashboard_context(school=access.school)
    chosen = period_of(request, today=today)
    if chosen.period is None or chosen.previous is None:
        return Shown(chosen, None)
    sort = request.GET.get("sort", "revenue")
    sort = sort if sort in SORTS else "revenue"
    descending = request.GET.get("dir", "asc" if sort == "title" else "desc") != "asc"
    board = school_dashboard(school=access.school, period=chosen.period, previous=chosen.previous, zone=zone,
                             today=today, sort=sort, descending=descending,
                             weekly=weekly and weekly_series(chosen.period))  # fmt: skip
    return Shown(chosen, board, sort, descending)


@staff_view(Perm.VIEW_ANALYTICS)
@require_GET
def dashboard(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    # A period longer than three months is charted per week (a year per day was 365 table rows in up to
    # nine currencies); the "Per day" export stays per day, and its days summed by week are the page's weeks.
    shown = _board(request, access, weekly=True)
    board = shown.board
    context: dict[str, Any] = {
        **period_form_context(shown.chosen, action=reverse("analytics:dashboard", kwargs={"slug": access.school.slug})),
        "board": board,
        "tabs": analytics_tabs(slug=access.school.slug, current="overview"),
    }
    if board is None:
        return render_dashboard(request, access, "analytics/dashboard.html", context, section="analytics", status=400)
    ssort = request.GET.get("ssort", "starts")
    ssort = ssort if ssort in SESSION_SORTS else "starts"
    sdescending = request.GET.get("sdir", "asc" if ssort in ("starts", "course") else "desc") != "asc"
    sessions = sort_sessions(board.sessions, ssort, sdescending)
    context.update(
        kpis=[{"kpi": kpi, "label": KPI_LABELS[kpi.key]} for kpi in board.kpis()],
        zone_label=zone_name(board.zone),
        start_label=format_day(board.period.start),
        end_label=format_day(board.period.end),
        previous_start_label=format_day(board.previous.start),
        previous_end_label=format_day(board.previous.end),
        chart=(chart := _chart_data(board)),
        day_tables=_day_tables(board, chart),
        summary=_summary_text(board),
        period_query=period_query(request.GET),
        sort=shown.sort,
        descending=shown.descending,
        sort_columns=_sort_columns(),
        statement_form=StatementForm(today=board.today),
        weekly_sparks=board.period.days > SPARK_DAYS,
        sessions_shown=sessions[:ROWS_SHOWN],
        sessions_total=len(sessions),
        ssort=ssort,
        sdescending=sdescending,
        session_columns=_session_columns(),
    )
    return render_dashboard(request, access, "analytics/dashboard.html", context, section="analytics")


@staff_view(Perm.VIEW_ANALYTICS)
@require_GET
def export(request: HttpRequest, access: SchoolAccess, table: str, fmt: str) -> HttpResponse:
    if (fmt == "csv" and table not in TABLES) or (fmt == "xlsx" and table != "all") or fmt not in ("csv", "xlsx"):
        raise Http404
    shown = _board(request, access)
    board = shown.board
    if board is None:
        return bad_input(shown.chosen.form)
    name = f"analytics-{access.school.slug}-{board.period.start.isoformat()}-{board.period.end.isoformat()}"
    if fmt == "xlsx":
        response = HttpResponse(as_xlsx(board), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(as_csv(BUILDERS[table](board)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{table}.csv"'
    return response


@staff_view(Perm.VIEW_ANALYTICS)
@require_GET
def statement(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    """The monthly statement of ?month=YYYY-MM as a PDF."""
    zone, today = dashboard_context(school=access.school)
    form = StatementForm(request.GET, today=today)
    if not form.is_valid():
        return bad_input(form)
    first = form.first_day()
    period = month_period(first, today)
    board = school_dashboard(school=access.school, period=period, previous=month_period(month_start(first, 1), today),
                             zone=zone, today=today, sort="title", descending=False)  # fmt: skip
    context = {
        "school": access.school,
        "board": board,
        "moneys": [board.current.money.get(currency) or Money(currency) for currency in board.currencies],
        "month_label": month_label(first),
        "zone_label": zone_name(zone),
        "start_label": format_day(period.start),
        "end_label": format_day(period.end),
        "month_running": period.end < month_start(first, -1) - timedelta(days=1),
    }
    response = HttpResponse(statement_pdf(request=request, context=context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statement-{access.school.slug}-{first:%Y-%m}.pdf"'
    return response


def _sort_columns() -> list[tuple[str, str]]:
    return [
        ("title", _("Course")), ("views", _("Views")), ("conversion", _("Views → bookings")),
        ("bookings", _("Bookings")), ("seats", _("Seats")), ("cancellations", _("Cancellations")),
        ("fill", _("Fill rate")), ("rating", _("Rating")), ("revenue", _("Revenue")),
    ]  # fmt: skip


def _session_columns() -> list[tuple[str, str]]:
    return [
        ("starts", _("Starts")), ("course", _("Course")), ("fill", _("Fill rate")), ("bookings", _("Bookings")),
        ("cancellations", _("Cancellations")), ("waitlist", _("Waitlist")), ("revenue", _("Booked revenue")),
        ("rating", _("Rating")),
    ]  # fmt: skip


def _point_label(board: Dashboard, point: DayPoint, skeleton: str = "MMMd") -> str:
    """A point of the series: its day ("Jan 5"), or its week's days ("Jan 1 – 7")."""
    locale = babel_locale(translation.get_language())
    if not board.weekly:
        return format_skeleton(skeleton, point.day, locale=locale)
    return format_interval(point.day, board.point_end(point), skeleton, locale=locale)


def _chart_data(board: Dashboard) -> dict[str, Any]:
    """What the charts draw: labels per day (or week), bookings, revenue per
    currency (numbers as plain strings; the page formats them in its own
    language)."""
    return {
        "labels": [_point_label(board, point) for point in board.series],
        "bookings": [point.bookings for point in board.series],
        "orders": [point.orders for point in board.series],
        "revenue": {c: [str(point.revenue[c]) for point in board.series] for c in board.currencies},
        "revenueTotal": {c: [str(total) for total in running_totals(board, c)] for c in board.currencies},
        "bookingsLabel": _("Bookings confirmed"),
        "ordersLabel": _("Bookings started"),
        "revenueLabel": _("Revenue"),
        "revenueTotalLabel": _("Revenue so far"),
        # The page's own numbers (Babel) are in Latin digits in every language we offer: the axes too.
        "locale": babel_locale(translation.get_language()).replace("_", "-") + "-u-nu-latn",
    }


def _day_tables(board: Dashboard, chart: dict[str, Any]) -> dict[str, SafeString]:
    """The rows of the two charts' data tables, written here rather than in
    the template: a year is 365 rows of 4 to 19 cells, which the template
    language took about 100 ms to draw (and `format_html_join`, escaping cell
    by cell, a third of that). Every cell is escaped here."""
    language = translation.get_language()
    cell = "<td>{}</td>".format  # aligned to the end by dashboard.css
    head = '<tr><th scope="row" class="fw-normal">{}</th>'.format
    counts = "".join(
        head(escape(label)) + "".join(cell(escape(format_number(n, language=language)))
                                      for n in (point.orders, point.bookings, point.seats)) + "</tr>"
        for label, point in zip(chart["labels"], board.series, strict=True)
    )  # fmt: skip
    columns = [(currency, money_formatter(currency, language=language), running_totals(board, currency))
               for currency in board.currencies]  # fmt: skip
    revenue = "".join(
        head(escape(label))
        + "".join(cell(escape(money(point.revenue[currency]))) + cell(escape(money(totals[n])))
                  for currency, money, totals in columns)
        + "</tr>"
        for n, (label, point) in enumerate(zip(chart["labels"], board.series, strict=True))
    )  # fmt: skip
    return {"counts": mark_safe(counts), "revenue": mark_safe(revenue)}  # noqa: S308 - every cell escaped above


def running_totals(board: Dashboard, currency: str) -> list[Decimal]:
    """The period's revenue in `currency` summed day by day, or week by week (the cumulative line)."""
    total, totals = Decimal(0), []
    for point in board.series:
        total += point.revenue[currency]
        totals.append(total)
    return totals


def _summary_text(board: Dashboard) -> dict[str, str]:
    """One sentence per chart, for people who do not see it (of its busiest
    day, or week when the chart is per week)."""
    language = translation.get_language()

    def when(point: DayPoint) -> str:
        return _point_label(board, point, "yMMMd") if board.weekly else format_day(point.day)

    busiest = max(board.series, key=lambda p: (p.bookings, p.day), default=None)
    if busiest is None or not busiest.bookings:
        bookings = _("No bookings in this period.")
    else:
        total = board.current.bookings
        if board.weekly:
            busiest_text = ngettext(
                "The busiest week was %(week)s, with %(count)s booking.",
                "The busiest week was %(week)s, with %(count)s bookings.",
                busiest.bookings,
            ) % {"week": when(busiest), "count": format_number(busiest.bookings, language=language)}
        else:
            busiest_text = ngettext(
                "The busiest day was %(day)s, with %(count)s booking.",
                "The busiest day was %(day)s, with %(count)s bookings.",
                busiest.bookings,
            ) % {"day": when(busiest), "count": format_number(busiest.bookings, language=language)}
        bookings = " ".join(
            (
                ngettext("%(total)s booking in this period.", "%(total)s bookings in this period.", total)
                % {"total": format_number(total, language=language)},
                busiest_text,
            )
        )
    parts = []
    for currency in board.currencies:
        money = board.current.money.get(currency)
        revenue = money.revenue if money else Decimal(0)
        best = max(board.series, key=lambda p: (p.revenue[currency], p.day), default=None)
        if best is None or best.revenue[currency] <= 0:
            parts.append(_("Revenue %(total)s.") % {"total": format_money(revenue, currency, language=language)})
        elif board.weekly:
            parts.append(
                _("Revenue %(total)s; the best week was %(week)s with %(best)s.")
                % {
                    "total": format_money(revenue, currency, language=language),
                    "week": when(best),
                    "best": format_money(best.revenue[currency], currency, language=language),
                }
            )
        else:
            parts.append(
                _("Revenue %(total)s; the best day was %(day)s with %(best)s.")
                % {
                    "total": format_money(revenue, currency, language=language),
                    "day": when(best),
                    "best": format_money(best.revenue[currency], currency, language=language),
                }
            )
    return {"bookings": bookings, "revenue": " ".join(parts) or _("No revenue in this period.")}
