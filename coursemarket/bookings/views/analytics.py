"""The school's channel report: visits → bookings → revenue per course and
channel, on the page and as CSV (staff with VIEW_ANALYTICS)."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import SchoolAccess
from coursemarket.schools.views.staff import render_dashboard, staff_view

from ..channel_report import school_channel_report
from .school import csv_cell

PERIODS = (7, 30, 90)


@staff_view(Perm.VIEW_ANALYTICS)
@require_GET
def channels(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    days = int(request.GET["days"]) if request.GET.get("days") in {str(d) for d in PERIODS} else 30
    until = timezone.now()
    rows = school_channel_report(school=access.school, since=until - timedelta(days=days), until=until)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="channels-{access.school.slug}-{days}d.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([_("Course"), _("Channel"), _("Source"), _("Visits"), _("Bookings"), _("Revenue"),
                         _("Currency")])  # fmt: skip
        for row in rows:
            writer.writerow(
                [csv_cell(row.course_title), row.channel, csv_cell(row.utm_source), row.visits, row.bookings,
                 row.revenue, row.currency]
            )  # fmt: skip
        return response
    return render_dashboard(
        request, access, "bookings/dashboard/channels.html",
        {"rows": rows, "days": days, "periods": PERIODS}, section="analytics",
    )  # fmt: skip
