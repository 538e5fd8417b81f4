"""The operators' dashboard's tables as rows, for CSV: the same figures the
page shows, unformatted (plain decimals, per cent to one decimal)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .exports import Cell, cell
from .platform import PlatformBoard, QueueHealth, TopRow

KPI_LABELS: dict[str, str | Promise] = {
    "gmv": _("GMV (payments received)"),
    "refunds": _("Refunds"),
    "platform_fees": _("Platform fees"),
    "take_rate": _("Take rate"),
    "net": _("Net to schools"),
    "bookings": _("Bookings"),
    "average_order": _("Average order value"),
    "active_schools": _("Active schools"),
    "active_students": _("Active students"),
    "new_students": _("New sign-ups"),
    "payment_failure_rate": _("Payment failure rate"),
    "refund_rate": _("Refund rate"),
    "zero_result_rate": _("Searches with no results"),
    "rewards_redeemed": _("Referral rewards used"),
    "referral_cost": _("Referral cost (discount funded)"),
}


def summary_rows(board: PlatformBoard) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [str(_("Measure")), str(_("Currency")), str(_("This period")), str(_("Previous period")), str(_("Change %"))]
    ]
    for kpi in board.kpis():
        rows.append([str(KPI_LABELS[kpi.key]), kpi.currency, kpi.value, kpi.previous, kpi.change])
    return rows


def daily_rows(board: PlatformBoard) -> list[list[Cell]]:
    header: list[Cell] = [str(_("Day")), str(_("Bookings"))]
    header += [str(_("GMV (%(currency)s)") % {"currency": c}) for c in board.currencies]
    rows = [header]
    for point in board.series:
        rows.append([point.day.isoformat(), point.bookings, *(point.gmv[c] for c in board.currencies)])
    return rows


def _top_rows(board: PlatformBoard, top: list[TopRow], heading: str | Promise) -> list[list[Cell]]:
    header: list[Cell] = [str(heading), str(_("Bookings"))]
    header += [str(_("GMV (%(currency)s)") % {"currency": c}) for c in board.currencies]
    rows = [header]
    for row in top:
        rows.append([cell(row.name), row.bookings, *(row.gmv.get(c, 0) for c in board.currencies)])
    return rows


def category_rows(board: PlatformBoard) -> list[list[Cell]]:
    return _top_rows(board, board.categories, _("Category"))


def city_rows(board: PlatformBoard) -> list[list[Cell]]:
    return _top_rows(board, board.cities, _("City"))


def zero_query_rows(board: PlatformBoard) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[str(_("Search")), str(_("Searches with no results")), str(_("Visitors"))]]
    for row in board.zero_queries:
        rows.append([cell(row.query), row.searches, row.visitors])
    return rows


def minutes(age: timedelta | None) -> int | None:
    return None if age is None else int(age.total_seconds() // 60)


def health_rows(board: PlatformBoard) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [str(_("Queue")), str(_("Waiting")), str(_("Running")), str(_("Failed")),
         str(_("Oldest waiting (minutes)"))]
    ]  # fmt: skip
    queues: list[tuple[str | Promise, QueueHealth | None]] = [(_("Email outbox"), board.outbox)]
    queues.append((_("Task queue"), board.tasks))
    for label, health in queues:
        if health is not None:
            rows.append([str(label), health.waiting, health.running, health.failed, minutes(health.oldest_waiting)])
    return rows


BUILDERS: dict[str, Callable[[PlatformBoard], list[list[Cell]]]] = {
    "summary": summary_rows,
    "daily": daily_rows,
    "categories": category_rows,
    "cities": city_rows,
    "zero_queries": zero_query_rows,
    "health": health_rows,
}
