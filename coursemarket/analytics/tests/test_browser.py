"""An owner reads the dashboard in a browser: switches to 90 days, sees the
KPIs and the charts, downloads the CSV and finds the page's numbers in it.
In Arabic the charts' time axis runs right to left."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coursemarket.accounts.models import StudentProfile
from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.analytics.services import rollup_days
from coursemarket.analytics.zones import local_today, school_zone
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.tests.after_purchase import confirmed_by_transfer, school_world
from coursemarket.core.testing import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def world():  # type: ignore[no-untyped-def]
    w = school_world(price=Decimal("80.00"))
    confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=2)
    confirmed_by_transfer(UserFactory(), w.session, staff_user=w.owner)
    today = local_today(school_zone(w.school))
    rollup_days(start=today - timedelta(days=100), end=today - timedelta(days=1), school=w.school)
    return w


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_an_owner_switches_to_90_days_and_the_csv_matches_the_screen(page):
    w = world()
    browser_sign_in(page, w.owner.email)
    page.goto(page.base_url + "/en/dashboard/schools/" + w.school.slug + "/")
    page.locator(".dash-nav").get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", name="Analytics", exact=True)).to_be_visible()
    page.get_by_role("link", name="90 days").click()
    expect(page.get_by_role("link", name="90 days")).to_have_attribute("aria-current", "true")

    kpis = {}
    for key in ("bookings", "seats", "gross", "net", "platform_fees"):
        card = page.locator(f'.kpi[data-kpi="{key}"]')
        expect(card).to_be_visible()
        kpis[key] = card.locator(".kpi-value").inner_text()
    assert kpis["bookings"] == "2" and kpis["seats"] == "3"
    assert kpis["gross"] == "€240.00" and kpis["net"] == "€228.00" and kpis["platform_fees"] == "€12.00"
    # The charts are drawn (Chart.js made them), each with its sentence and its table.
    for chart in ("bookings-chart", "revenue-chart"):
        page.wait_for_function(f"() => !!document.getElementById('{chart}').chart")
        assert page.evaluate(f"document.getElementById('{chart}').chart.options.scales.x.reverse") is False
    expect(page.locator("#bookings-chart-summary")).to_contain_text("2 bookings in this period.")
    page.locator("details.chart-data summary").first.click()
    expect(page.locator("details.chart-data").first.locator("tbody tr")).to_have_count(90)

    page.get_by_role("button", name="Export").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Key figures (CSV)").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    in_csv = {(row[0], row[1]): row[2] for row in rows[1:]}
    assert in_csv[("Bookings", "")] == kpis["bookings"]
    assert in_csv[("Seats", "")] == kpis["seats"]
    assert "€" + in_csv[("Gross revenue", "EUR")] == kpis["gross"]
    assert "€" + in_csv[("Net revenue", "EUR")] == kpis["net"]
    assert "€" + in_csv[("Platform fees", "EUR")] == kpis["platform_fees"]
    assert page.js_errors == []


@pytest.mark.parametrize("days", [30, 120])  # per day, and per week (longer than three months)
def test_in_arabic_the_time_axis_runs_right_to_left(page, days):
    w = world()
    browser_sign_in(page, w.owner.email)
    today = local_today(school_zone(w.school))
    query = f"?period=custom&start={(today - timedelta(days=days - 1)).isoformat()}&end={today.isoformat()}"
    page.goto(page.base_url + "/ar/dashboard/schools/" + w.school.slug + "/analytics/" + query)
    for chart in ("bookings-chart", "revenue-chart"):
        page.wait_for_function(f"() => !!document.getElementById('{chart}').chart")
        scales = page.evaluate(
            "id => { const s = document.getElementById(id).chart.options.scales; return [s.x.reverse, s.y.position]; }",
            chart,
        )
        assert scales == [True, "right"]
    # The revenue chart's running total sits on the other side: the left in Arabic.
    assert page.evaluate("document.getElementById('revenue-chart').chart.options.scales.total.position") == "left"
    datasets = page.evaluate("document.getElementById('bookings-chart').chart.data.datasets.length")
    assert datasets == 2  # started and confirmed
    labels = page.evaluate("document.getElementById('bookings-chart').chart.data.labels.length")
    assert labels == (30 if days == 30 else 18)  # 120 days: 17 weeks and a last one of a day
    assert page.js_errors == []


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_an_owner_opens_the_audience_tab_and_sees_only_large_enough_groups(page):
    w = school_world()
    now = timezone.now() - timedelta(hours=1)
    for n in range(9):  # five in Spain, four in Portugal: Portugal is never named
        user = UserFactory()
        StudentProfile.objects.filter(user=user).delete()
        StudentProfile.objects.create(user=user, country="ES" if n < 5 else "PT", share_with_schools=True)
        Booking.objects.create(student=user, session=w.session, seats=1, state=BookingState.CONFIRMED,
                               request_key=f"b{n}", unit_price=Decimal(10), currency="EUR", total=Decimal(10),
                               confirmed_at=now)  # fmt: skip
    browser_sign_in(page, w.owner.email)
    page.goto(page.base_url + "/en/dashboard/schools/" + w.school.slug + "/analytics/")
    page.get_by_role("link", name="Audience").click()
    expect(page.get_by_role("link", name="Audience")).to_have_attribute("aria-current", "page")
    countries = page.get_by_role("table", name="Students by Country")
    expect(countries.get_by_role("row")).to_have_count(3)  # the heading, Spain, Not shared
    expect(countries).to_contain_text("Spain")
    expect(countries).not_to_contain_text("Portugal")
    expect(page.locator(".audience-cohorts")).to_contain_text("–")
    assert page.js_errors == []
