"""The period form every analytics page includes (analytics/_period_form.html):
the same presets, custom dates and errors on the four pages, each pointing at
its own page; a bad period keeps the presets and the typed dates; the audience
page carries its cohort span along; links that keep the period keep only it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.test import RequestFactory
from django.urls import reverse

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.analytics.views_common import period_of, period_query
from coursemarket.bookings.tests.after_purchase import school_world

pytestmark = pytest.mark.django_db

BAD = "period=custom&start=2026-05-10&end=2026-05-01"


@dataclass
class PeriodFormHtml:
    action: str = ""
    presets: list[dict[str, str]] = field(default_factory=list)
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)
    hidden: list[tuple[str, str]] = field(default_factory=list)
    errors: bool = False


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[PeriodFormHtml] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "analytics-period" in a.get("class", ""):
            self.forms.append(PeriodFormHtml(action=a.get("action", "")))
            self.inside = True
        elif not self.inside:
            return
        elif tag == "a" and "data-period" in a:
            self.forms[-1].presets.append(a)
        elif tag == "input" and a.get("type") == "hidden":
            self.forms[-1].hidden.append((a["name"], a["value"]))
        elif tag == "input":
            self.forms[-1].inputs[a["name"]] = a
        elif tag == "div" and a.get("id") == "period-errors":
            self.forms[-1].errors = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def period_form(html: str) -> PeriodFormHtml:
    parser = _Parser()
    parser.feed(html)
    assert len(parser.forms) == 1
    return parser.forms[0]


def pages(slug: str) -> dict[str, str]:
    return {
        "dashboard": reverse("analytics:dashboard", kwargs={"slug": slug}),
        "audience": reverse("analytics:audience", kwargs={"slug": slug}),
        "funnel": reverse("analytics:funnel", kwargs={"slug": slug}),
        "operator": reverse("analytics:operator"),
    }


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    w = school_world()
    w.owner.is_staff = True  # the operators' page too
    w.owner.save(update_fields=["is_staff"])
    return w


@pytest.mark.parametrize("page", ["dashboard", "audience", "funnel", "operator"])
def test_every_page_has_the_same_period_form_pointing_at_itself(client, world, page):
    client.force_login(world.owner)
    url = pages(world.school.slug)[page]
    response = client.get(url + "?period=7")
    assert response.status_code == 200
    form = period_form(response.content.decode())
    assert form.action == url
    assert [p["data-period"] for p in form.presets] == ["7", "30", "90", "year"]
    assert [p["data-period"] for p in form.presets if "aria-current" in p] == ["7"]
    assert [p.get("class", "").split()[-1] for p in form.presets] == ["btn-primary"] + ["btn-outline-primary"] * 3
    # the fields show the period shown: seven days up to today, whatever today is in the page's calendar
    start, end = date.fromisoformat(form.inputs["start"]["value"]), date.fromisoformat(form.inputs["end"]["value"])
    assert end - start == timedelta(days=6)
    assert ("period", "custom") in form.hidden and not form.errors
    assert "is-invalid" not in form.inputs["start"]["class"]


@pytest.mark.parametrize("page", ["dashboard", "audience", "funnel", "operator"])
def test_a_bad_period_keeps_the_presets_and_what_was_typed(client, world, page):
    client.force_login(world.owner)
    response = client.get(pages(world.school.slug)[page] + "?" + BAD)
    assert response.status_code == 400
    html = response.content.decode()
    form = period_form(html)
    assert form.errors and "The last day must not be before the first." in html
    assert [p["data-period"] for p in form.presets] == ["7", "30", "90", "year"]  # one click away from a good one
    assert not any("aria-current" in p for p in form.presets)
    assert form.inputs["start"]["value"] == "2026-05-10" and form.inputs["end"]["value"] == "2026-05-01"
    assert "is-invalid" in form.inputs["end"]["class"] and form.inputs["end"]["aria-describedby"] == "period-errors"


def test_the_audience_page_carries_its_cohort_span_through_the_period_form(client, world):
    client.force_login(world.owner)
    html = client.get(pages(world.school.slug)["audience"] + "?period=90&cohorts=24").content.decode()
    form = period_form(html)
    assert [p["href"] for p in form.presets] == [f"?period={v}&cohorts=24" for v in ("7", "30", "90", "year")]
    assert form.hidden == [("period", "custom"), ("cohorts", "24")]
    # ... and its cohort links keep the period but not the old span
    assert 'href="?period=90&amp;cohorts=12#cohorts-title"' in html


def test_sort_and_export_links_keep_the_period_and_nothing_else(client, world):
    client.force_login(world.owner)
    url = pages(world.school.slug)["dashboard"]
    query = "?period=custom&start=2026-01-01&end=2026-01-31&sort=title&dir=asc&ssort=fill"
    text = client.get(url + query).content.decode()
    kept = "?period=custom&amp;start=2026-01-01&amp;end=2026-01-31"
    assert f'href="{kept}&amp;sort=views&amp;dir=desc#courses-title"' in text  # the course sort starts afresh
    assert f'href="{kept}&amp;ssort=starts&amp;sdir=asc#sessions-title"' in text
    export = reverse("analytics:export", kwargs={"slug": world.school.slug, "table": "summary", "fmt": "csv"})
    assert f'href="{export}{kept}"' in text


def test_period_of_reads_the_query_string_the_same_way_everywhere():
    today = date(2026, 3, 15)
    get = RequestFactory().get
    chosen = period_of(get("/"), today=today)
    assert (chosen.preset, chosen.period.start, chosen.period.end) == ("30", date(2026, 2, 14), today)  # type: ignore[union-attr]
    chosen = period_of(get("/", {"period": "year"}), today=today)
    assert chosen.period.start == date(2026, 1, 1) and chosen.previous.start == date(2025, 1, 1)  # type: ignore[union-attr]
    bad = period_of(get("/", {"period": "custom", "start": "2026-03-16", "end": "2026-03-16"}), today=today)
    assert bad.period is None and bad.previous is None and bad.preset == ""
    assert "The last day must not be in the future." in str(bad.form.errors)
    ignored = period_of(get("/", {"start": "2000-01-01"}), today=today)  # dates without ?period= are not a period
    assert ignored.preset == "30" and not ignored.form.is_bound
    query = get("/", {"period": "custom", "start": "2026-01-01", "end": "2026-01-02", "sort": "x", "table": "y"}).GET
    assert period_query(query) == "period=custom&start=2026-01-01&end=2026-01-02"


def test_a_non_operator_does_not_get_the_operator_s_period_form(client, world):
    client.force_login(UserFactory())
    response = client.get(pages(world.school.slug)["operator"] + "?period=7")
    assert response.status_code == 302 and "analytics-period" not in response.content.decode()


def test_a_sparkline_has_a_point_per_day_up_to_a_quarter_and_per_week_beyond():
    from coursemarket.analytics.periods import Period
    from coursemarket.analytics.selectors import CourseRow, spark_bucket, spark_buckets

    quarter = Period(date(2026, 9, 1), date(2026, 11, 29))  # 90 days
    assert spark_buckets(quarter) == quarter.each_day()
    assert spark_bucket(date(2026, 10, 7), quarter) == date(2026, 10, 7)
    year = Period(date(2026, 1, 1), date(2026, 12, 31))  # a Thursday to a Thursday
    weeks = spark_buckets(year)
    assert len(weeks) == 53 and weeks[0] == date(2025, 12, 29) and weeks[-1] == date(2026, 12, 28)
    assert all(week.weekday() == 0 for week in weeks)
    assert spark_bucket(date(2026, 10, 7), year) == date(2026, 10, 5)  # a Wednesday: its week's Monday
    points = CourseRow(1, "Watercolour", daily=[0] * 52 + [7]).spark_points.split()
    assert len(points) == 53 and points[-1] == "100.0,2.0" and points[0] == "0.0,22.0"  # the last week at the top
    assert CourseRow(1, "Watercolour", daily=[]).spark_points == ""
