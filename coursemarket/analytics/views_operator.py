"""Operators (platform staff): the platform's analytics dashboard, in UTC
days, and its tables as CSV."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.dates import format_skeleton
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from coursemarket.core.money import babel_locale, format_money, format_number
from coursemarket.core.times import format_day

from .exports import as_csv
from .platform import ZERO_QUERY_MIN_VISITORS, PlatformBoard, platform_dashboard, utc_today
from .platform_exports import BUILDERS, KPI_LABELS, minutes
from .views_common import ChosenPeriod, bad_input, period_form_context, period_of, period_query


def _board(request: HttpRequest) -> tuple[ChosenPeriod, PlatformBoard | None]:
    """The period, and the figures of a valid one (None when the input is bad), in UTC days."""
    today = utc_today()
    chosen = period_of(request, today=today)
    if chosen.period is None or chosen.previous is None:
        return chosen, None
    board = platform_dashboard(period=chosen.period, previous=chosen.previous, today=today,
                               no_category=_("No category"), online=_("Online"))  # fmt: skip
    return chosen, board


@staff_member_required
@require_GET
def operator_dashboard(request: HttpRequest) -> HttpResponse:
    chosen, board = _board(request)
    context: dict[str, Any] = {
        **period_form_context(chosen, action=reverse("analytics:operator")),
        "board": board,
        "min_visitors": ZERO_QUERY_MIN_VISITORS,
    }
    if board is None:
        return render(request, "analytics/operator.html", context, status=400)
    context.update(
        kpis=[{"kpi": kpi, "label": KPI_LABELS[kpi.key]} for kpi in board.kpis()],
        start_label=format_day(board.period.start),
        end_label=format_day(board.period.end),
        previous_start_label=format_day(board.previous.start),
        previous_end_label=format_day(board.previous.end),
        chart=(chart := _chart_data(board)),
        day_rows=list(zip(chart["labels"], board.series, strict=True)),
        summary=_summary_text(board),
        period_query=period_query(request.GET),
        outbox_minutes=minutes(board.outbox.oldest_waiting),
        tasks_minutes=minutes(board.tasks.oldest_waiting) if board.tasks else None,
        exports=[
            ("summary", _("Key figures (CSV)")), ("daily", _("Per day (CSV)")),
            ("categories", _("Top categories (CSV)")), ("cities", _("Top cities (CSV)")),
            ("zero_queries", _("Searches with no results (CSV)")), ("health", _("Queues (CSV)")),
        ],
    )  # fmt: skip
    return render(request, "analytics/operator.html", context)


@staff_member_required
@require_GET
def operator_export(request: HttpRequest) -> HttpResponse:
    """One table of the dashboard as CSV: ?table=summary|daily|categories|cities|zero_queries|health."""
    table = request.GET.get("table", "")
    if table not in BUILDERS:
        raise Http404
    chosen, board = _board(request)
    if board is None:
        return bad_input(chosen.form)
    name = f"platform-{board.period.start.isoformat()}-{board.period.end.isoformat()}-{table}"
    response = HttpResponse(as_csv(BUILDERS[table](board)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _day_label(day: Any) -> str:
    return format_skeleton("MMMd", day, locale=babel_locale(translation.get_language()))


def _chart_data(board: PlatformBoard) -> dict[str, Any]:
    """What the charts draw (numbers as plain strings; the page formats them)."""
    return {
        "labels": [_day_label(point.day) for point in board.series],
        "bookings": [point.bookings for point in board.series],
        "gmv": {c: [str(point.gmv[c]) for point in board.series] for c in board.currencies},
        "bookingsLabel": _("Bookings"),
        "gmvLabel": _("GMV"),
        "categories": {"labels": [row.name for row in board.categories],
                       "bookings": [row.bookings for row in board.categories]},
        "cities": {"labels": [row.name for row in board.cities], "bookings": [row.bookings for row in board.cities]},
        "locale": babel_locale(translation.get_language()).replace("_", "-") + "-u-nu-latn",
    }  # fmt: skip


def _summary_text(board: PlatformBoard) -> dict[str, str]:
    """One sentence per chart, for people who do not see it."""
    language = translation.get_language()
    parts = []
    for currency in board.currencies:
        gmv = board.now.money_in(currency).gross
        best = max(board.series, key=lambda p: (p.gmv[currency], p.day), default=None)
        if best is None or best.gmv[currency] <= 0:
            parts.append(_("GMV %(total)s.") % {"total": format_money(gmv, currency, language=language)})
        else:
            parts.append(
                _("GMV %(total)s; the best day was %(day)s with %(best)s.")
                % {
                    "total": format_money(gmv, currency, language=language),
                    "day": format_day(best.day),
                    "best": format_money(best.gmv[currency], currency, language=language),
                }
            )
    total = board.now.bookings
    bookings = (
        ngettext("%(total)s booking in this period.", "%(total)s bookings in this period.", total)
        % {"total": format_number(total, language=language)}
        if total
        else _("No bookings in this period.")
    )
    return {
        "gmv": " ".join([bookings, *parts]) if parts else bookings,
        "categories": _top_sentence(board.categories, language),
        "cities": _top_sentence(board.cities, language),
    }


def _top_sentence(rows: list[Any], language: str) -> str:
    if not rows or not rows[0].bookings:
        return _("No bookings in this period.")
    first = rows[0]
    share = Decimal(first.bookings) * 100 / sum(Decimal(row.bookings) for row in rows)
    return ngettext(
        "%(name)s comes first with %(count)s booking (%(share)s%% of the bookings of those listed).",
        "%(name)s comes first with %(count)s bookings (%(share)s%% of the bookings of those listed).",
        first.bookings,
    ) % {
        "name": first.name,
        "count": format_number(first.bookings, language=language),
        "share": format_number(share.quantize(Decimal("0.1")), language=language),
    }
