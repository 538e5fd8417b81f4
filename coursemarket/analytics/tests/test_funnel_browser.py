"""A manager reads the funnel in a browser: the bars are drawn by CSS alone,
as wide as the row's steps, and a bad threshold is refused in place."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coursemarket.analytics.models import SchoolAnalyticsSettings
from coursemarket.core.testing import browser_sign_in

from .test_funnel import funnel_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_a_manager_reads_the_funnel_and_a_bad_threshold_is_refused(page):
    w = funnel_world()
    browser_sign_in(page, w.manager.email)
    page.goto(f"{page.base_url}/en/dashboard/schools/{w.school.slug}/analytics/funnel/?period=30")
    expect(page.get_by_role("heading", name="Funnel & demand", exact=True)).to_be_visible()
    bars = page.locator('[data-table="channels"] tr[data-row="referral"] .funnel-bar')
    expect(bars).to_have_count(4)
    widths = [bar.bounding_box()["width"] for bar in bars.all()]  # type: ignore[index]
    assert widths[0] > widths[1] > 0 and widths[1] == widths[3]  # 3 views, then 2, 2, 2
    expect(page.get_by_role("img", name="Course views: 3, Booking started: 2, Checkout: 2, Paid or confirmed: 2"))\
        .to_have_count(2)  # fmt: skip
    field = page.get_by_label("At-risk threshold (%)")
    field.fill("150")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#threshold-errors")).to_have_text("Enter a whole number from 0 to 100.")
    assert not SchoolAnalyticsSettings.objects.exists()
