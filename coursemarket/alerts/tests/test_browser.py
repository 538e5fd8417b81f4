"""A student saves a search with a weekly alert; a matching session is
published; the worker's email lists it once, and not again on the next run;
the email's signed link stops the alert without signing in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.alerts.models import SavedSearch
from coursemarket.alerts.tasks import send_alerts
from coursemarket.catalog.tests.factories import CourseFactory, category, make_session
from coursemarket.notifications.testing import body_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_a_weekly_alert_lists_a_new_session_once(page, smtp):
    student = UserFactory(display_name="Lena")
    course = CourseFactory(title="Conversational Spanish")
    make_session(course, days=6)  # already there: not news
    CourseFactory(title="Wheel pottery", summary="Clay", category=category("pottery"))

    page.goto(page.base_url + "/en/courses/?q=spanish")
    page.get_by_test_id("save-search-sign-in").click()
    page.get_by_label("Email").fill(student.email)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/courses/\?q=spanish"))  # back on the results

    page.get_by_text("Save this search").click()  # the form folds out
    page.get_by_label("Name").fill("Spanish, any city")
    page.get_by_label("Email me").select_option("weekly")
    page.get_by_role("button", name="Save search").click()
    expect(page.get_by_text("Search saved.")).to_be_visible()
    saved = SavedSearch.objects.get(user=student)
    assert (saved.frequency, saved.query_string) == ("weekly", "q=spanish")

    send_alerts.call()  # the first run: nothing new yet
    new = make_session(course, days=30)
    # A week goes by: the weekly search is due.
    SavedSearch.objects.filter(pk=saved.pk).update(last_run_at=timezone.now() - timedelta(days=7, minutes=1))
    send_alerts.call()
    mails = [m for m in smtp.deliver() if m["To"] == student.email]
    assert len(mails) == 1
    text = body_text(mails[0])
    assert text.count("Conversational Spanish") == 1
    assert str(new.starts_at.year) in text

    smtp.clear()
    send_alerts.call()  # the next run: not due, and nothing new anyway
    SavedSearch.objects.filter(pk=saved.pk).update(last_run_at=timezone.now() - timedelta(days=8))
    send_alerts.call()  # due again: still nothing new
    assert [m for m in smtp.deliver() if m["To"] == student.email] == []

    # The saved search is in the account settings; the email's link stops it, signed out.
    page.goto(page.base_url + "/en/account/saved-searches/")
    expect(page.get_by_test_id("saved-search")).to_contain_text("Spanish, any city")
    manage = re.search(r"http://\S+/en/alerts/\S+/", text)
    assert manage is not None
    page.goto("about:blank")  # no late answer of the last page sets a cookie after they are cleared
    page.context.clear_cookies()
    page.goto(page.base_url + "/en/" + manage.group(0).split("/en/", 1)[1])
    page.get_by_role("button", name="Stop these alerts").click()
    expect(page.get_by_text("Alerts stopped for this search.")).to_be_visible()
    saved.refresh_from_db()
    assert not saved.active
