"""Operators (platform staff): the platform's referral cost and return, on
the page and as CSV."""

from __future__ import annotations

import csv

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..referral_report import PERIODS, platform_referral_report


@staff_member_required
@require_GET
def referral_report(request: HttpRequest) -> HttpResponse:
    months = int(request.GET["months"]) if request.GET.get("months") in {str(m) for m in PERIODS} else 12
    report = platform_referral_report(months=months)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="referrals-{months}m.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([
            _("Month"), _("Invite visits"), _("Sign-ups"), _("Refused"), _("First bookings"), _("Rewards granted"),
            _("Rewards redeemed"), _("Currency"), _("Discount funded"), _("Referred bookings"),
            _("Revenue of referred students"), _("Platform fee"),
        ])  # fmt: skip
        # One line per month and currency (a month without money: one line, no currency).
        for row in report.months:
            for currency in row.currencies or [""]:
                writer.writerow([
                    f"{row.month:%Y-%m}", row.clicks, row.signups, row.refused, row.first_bookings,
                    row.rewards_granted, row.rewards_redeemed, currency, row.cost.get(currency, ""),
                    row.referred_bookings, row.revenue.get(currency, ""), row.fee.get(currency, ""),
                ])  # fmt: skip
        return response
    return render(
        request, "bookings/operator/referral_report.html", {"report": report, "months": months, "periods": PERIODS}
    )
