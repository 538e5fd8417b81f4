"""The dashboard's tables as rows, for CSV and XLSX: the same figures the
page shows, unformatted (plain decimals, per cent to one decimal)."""

from __future__ import annotations

import csv
import io
import zoneinfo
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from .selectors import Dashboard

KPI_LABELS: dict[str, str | Promise] = {
    "bookings": _("Bookings"),
    "seats": _("Seats"),
    "gross": _("Gross revenue"),
    "refunds": _("Refunds"),
    "platform_fees": _("Platform fees"),
    "discounts": _("Discounts"),
    "net": _("Net revenue"),
    "average_order": _("Average order value"),
    "cancellation_rate": _("Cancellation rate"),
    "fill_rate": _("Fill rate"),
    "views": _("Course page views"),
    "conversion": _("Views → bookings"),
    "attendance_rate": _("Attendance rate"),
    "completion_rate": _("Completion rate"),
    "average_rating": _("Average rating"),
    "students": _("Students who booked"),
    "repeat_students": _("Repeat students"),
}
TABLES = ("summary", "daily", "courses", "sessions")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal | None


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    """A download: the file's bytes, its type and the name it is saved under."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def cell(value: Cell) -> Cell:
    """A text cell a spreadsheet would run as a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def summary_rows(board: Dashboard) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [str(_("Measure")), str(_("Currency")), str(_("This period")), str(_("Previous period")), str(_("Change %"))]
    ]
    for kpi in board.kpis():
        rows.append([str(KPI_LABELS[kpi.key]), kpi.currency, kpi.value, kpi.previous, kpi.change])
    return rows


def daily_rows(board: Dashboard) -> list[list[Cell]]:
    header: list[Cell] = [str(_("Day")), str(_("Bookings started")), str(_("Bookings")), str(_("Seats"))]
    header += [str(_("Revenue (%(currency)s)") % {"currency": c}) for c in board.currencies]
    rows = [header]
    for point in board.series:
        rows.append(
            [point.day.isoformat(), point.orders, point.bookings, point.seats,
             *(point.revenue[c] for c in board.currencies)]
        )  # fmt: skip
    return rows


def course_rows(board: Dashboard) -> list[list[Cell]]:
    header: list[Cell] = [
        str(_("Course")), str(_("Course page views")), str(_("Views → bookings %")), str(_("Bookings")),
        str(_("Seats")), str(_("Cancellations")), str(_("Fill rate %")), str(_("Average rating")),
    ]  # fmt: skip
    header += [str(_("Revenue (%(currency)s)") % {"currency": c}) for c in board.currencies]
    rows = [header]
    for row in board.courses:
        t = row.totals
        rows.append(
            [cell(row.title), t.views, t.conversion, t.bookings, t.seats, t.cancellations, t.fill_rate, row.rating,
             *(row.revenue_in(c) for c in board.currencies)]
        )  # fmt: skip
    return rows


def session_table_rows(board: Dashboard) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[
        str(_("Session start")), str(_("Time zone")), str(_("Course")), str(_("Seats offered")), str(_("Seats taken")),
        str(_("Fill rate %")), str(_("Bookings")), str(_("Cancellations")), str(_("Waitlist")), str(_("Currency")),
        str(_("Booked revenue")), str(_("Average rating")), str(_("Reviews")),
    ]]  # fmt: skip
    for row in board.sessions:
        rows.append(
            [row.starts_at.astimezone(zoneinfo.ZoneInfo(row.timezone)).isoformat(timespec="minutes"), row.timezone,
             cell(row.course_title), row.capacity, row.seats_taken, row.fill_rate, row.bookings, row.cancellations,
             row.waitlist, row.currency, row.revenue, row.rating, row.ratings]
        )  # fmt: skip
    return rows


BUILDERS = {"summary": summary_rows, "daily": daily_rows, "courses": course_rows, "sessions": session_table_rows}
SHEET_TITLES: dict[str, str | Promise] = {
    "summary": _("Summary"), "daily": _("Per day"), "courses": _("Courses"), "sessions": _("Sessions"),
}  # fmt: skip


def as_csv(rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 only with the mark
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()


def as_xlsx(board: Dashboard) -> bytes:
    """The overview's tables, a sheet each."""
    return as_workbook([(str(SHEET_TITLES[table]), BUILDERS[table](board)) for table in TABLES])


def as_workbook(sheets: Iterable[tuple[str, Sequence[Sequence[Cell]]]]) -> bytes:
    """One workbook, a sheet per (title, rows); numbers stay numbers."""
    book = Workbook()
    first = True
    for title, rows in sheets:
        sheet: Any = book.active if first else book.create_sheet()
        first = False
        sheet.title = title[:31]
        for row in rows:
            sheet.append(list(row))  # openpyxl stores Decimal as a number
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
