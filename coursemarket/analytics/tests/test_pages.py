"""The school's analytics pages: who may open them, bad dates, the numbers
on the page against the exports, and a query count that does not grow with
the school."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from babel.dates import format_interval
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.analytics.models import CourseDay
from coursemarket.analytics.services import rollup_days
from coursemarket.analytics.zones import local_today, school_zone
from coursemarket.bookings.tests.after_purchase import confirmed_by_transfer, school_world
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.config.schedule import periodic_jobs
from coursemarket.schools.models import Membership, Role
from coursemarket.schools.navigation import dashboard_nav
from coursemarket.schools.selectors import staff_access

pytestmark = pytest.mark.django_db


def urls(slug: str) -> list[str]:
    return [
        reverse("analytics:dashboard", kwargs={"slug": slug}),
        *(reverse("analytics:export", kwargs={"slug": slug, "table": t, "fmt": "csv"})
          for t in ("summary", "daily", "courses")),
        reverse("analytics:export", kwargs={"slug": slug, "table": "all", "fmt": "xlsx"}),
    ]  # fmt: skip


def rolled_up_world():  # type: ignore[no-untyped-def]
    w = school_world(price=Decimal("80.00"))
    confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=2)
    confirmed_by_transfer(UserFactory(), w.session, staff_user=w.owner)
    today = local_today(school_zone(w.school))
    rollup_days(start=today - timedelta(days=100), end=today, school=w.school)
    return w


@pytest.mark.parametrize("actor", ["anonymous", "student", "other_owner", "other_manager", "instructor", "manager",
                                   "owner"])  # fmt: skip
def test_only_the_school_s_owners_and_managers_see_its_analytics(client, actor):
    w = rolled_up_world()
    other_manager = UserFactory()
    Membership.objects.create(school=CourseFactory().school, user=other_manager, role=Role.MANAGER)
    people = {"student": w.student, "other_owner": w.other_owner, "other_manager": other_manager,
              "instructor": w.instructor, "manager": w.manager, "owner": w.owner}  # fmt: skip
    if actor != "anonymous":
        client.force_login(people[actor])
    for url in urls(w.school.slug):
        response = client.get(url + "?period=90")
        if actor == "anonymous":
            assert response.status_code == 302 and "/account/login/" in response["Location"]
        elif actor in ("student", "other_owner", "other_manager"):
            # Staff pages of a school you are not staff of do not exist for you
            # (schools.selectors.staff_access): nothing of the school leaks.
            assert response.status_code == 404, url
            assert w.course.title not in response.content.decode("utf-8", "replace")
        elif actor == "instructor":
            assert response.status_code == 403, url
        else:
            assert response.status_code == 200, url


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom&start=2026-05-10&end=2026-05-01", "The last day must not be before the first."),
        ("period=custom&start=not-a-date&end=2026-05-01", "Enter a valid date."),
        ("period=custom&start=2001-01-01&end=2026-05-01", "A period can be at most 366 days long."),
        ("period=custom&start=&end=", "Choose both the first and the last day."),
        ("period=custom&start=2020-01-01&end=2999-01-01", "The last day must not be in the future."),
        ("period=forever", "Select a valid choice."),
        ("period=custom&start=2026-02-31&end=2026-03-01", "Enter a valid date."),
    ],
)
def test_bad_dates_get_a_clear_error_and_change_nothing(client, query, message):
    w = rolled_up_world()
    before = sorted(map(repr, CourseDay.objects.values()))
    client.force_login(w.owner)
    page = client.get(reverse("analytics:dashboard", kwargs={"slug": w.school.slug}) + "?" + query)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert 'role="alert"' in page.content.decode() and "data-kpi=" not in page.content.decode()
    export = client.get(reverse("analytics:export", kwargs={"slug": w.school.slug, "table": "summary", "fmt": "csv"})
                        + "?" + query)  # fmt: skip
    assert export.status_code == 400 and message in export.content.decode()
    assert sorted(map(repr, CourseDay.objects.values())) == before


def kpis_on(page: str) -> dict[tuple[str, str], str]:
    found = re.findall(r'data-kpi="(\w+)"(?: data-currency="(\w+)")? data-value="([^"]*)"', page)
    return {(key, currency): value for key, currency, value in found}


def test_the_exports_carry_the_numbers_on_the_page(client):
    w = rolled_up_world()
    client.force_login(w.owner)
    query = "?period=90"
    page = client.get(reverse("analytics:dashboard", kwargs={"slug": w.school.slug}) + query).content.decode()
    on_page = kpis_on(page)
    assert on_page[("bookings", "")] == "2" and on_page[("seats", "")] == "3"
    assert on_page[("gross", "EUR")] == "240.00" and on_page[("net", "EUR")] == "228.00"  # 5 % platform fee
    assert on_page[("average_order", "EUR")] == "120.00"
    assert "€240.00" in page

    def csv_of(table: str) -> list[list[str]]:
        url = reverse("analytics:export", kwargs={"slug": w.school.slug, "table": table, "fmt": "csv"})
        response = client.get(url + query)
        assert response["Content-Type"].startswith("text/csv")
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    summary = csv_of("summary")
    in_csv = {(row[0], row[1]): row[2] for row in summary[1:]}
    assert in_csv[("Bookings", "")] == on_page[("bookings", "")]
    assert in_csv[("Gross revenue", "EUR")] == on_page[("gross", "EUR")]
    assert in_csv[("Net revenue", "EUR")] == on_page[("net", "EUR")]
    assert in_csv[("Platform fees", "EUR")] == on_page[("platform_fees", "EUR")] == "12.00"
    daily = csv_of("daily")
    assert daily[0][:3] == ["Day", "Bookings started", "Bookings"]
    assert len(daily) == 1 + 90 and sum(int(row[2]) for row in daily[1:]) == 2
    assert sum(int(row[1]) for row in daily[1:]) == 2  # both were started (held) in the period too
    assert sum(Decimal(row[4]) for row in daily[1:]) == Decimal("240.00")
    courses = csv_of("courses")
    # fill rate: the course's session has not started; no published reviews: no rating
    assert [w.course.title, "0", "", "2", "3", "0", "", "", "240.00"] in courses
    sessions = csv_of("sessions")
    assert sessions[0][:3] == ["Session start", "Time zone", "Course"] and len(sessions) == 1  # it starts in 10 days

    xlsx = client.get(
        reverse("analytics:export", kwargs={"slug": w.school.slug, "table": "all", "fmt": "xlsx"}) + query
    )
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Summary", "Per day", "Courses", "Sessions"]
    sheet_rows = {(r[0], r[1] or ""): r[2] for r in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(sheet_rows[("Net revenue", "EUR")])) == Decimal("228.00")
    assert sheet_rows[("Bookings", "")] == 2


def test_the_period_is_in_the_school_s_zone_and_compared_with_the_one_before(client):
    w = rolled_up_world()
    client.force_login(w.owner)
    page = client.get(reverse("analytics:dashboard", kwargs={"slug": w.school.slug}) + "?period=7").content.decode()
    assert "in the school&#x27;s time zone: Madrid time" in page or "in the school's time zone: Madrid time" in page
    assert "Compared with" in page
    assert f'href="{reverse("bookings:channels", kwargs={"slug": w.school.slug})}"' in page  # the channel report tab
    nav = dashboard_nav(staff_access(user=w.owner, slug=w.school.slug), active="analytics")
    assert [item.url for item in nav if item.key == "analytics"] == [
        reverse("analytics:dashboard", kwargs={"slug": w.school.slug})
    ]


def test_the_course_table_sorts_by_any_column(client):
    w = rolled_up_world()
    quiet = CourseFactory(school=w.school, title="Aaa quiet course")
    client.force_login(w.owner)
    url = reverse("analytics:dashboard", kwargs={"slug": w.school.slug}) + "?period=30"
    by_revenue = client.get(url).content.decode()
    assert by_revenue.index(w.course.title) < by_revenue.index(quiet.title)
    by_title = client.get(url + "&sort=title&dir=asc").content.decode()
    assert by_title.index(quiet.title) < by_title.index(w.course.title)
    assert 'aria-sort="ascending"' in by_title
    unknown = client.get(url + "&sort=price;drop&dir=sideways")  # an unknown column sorts by revenue
    assert unknown.status_code == 200 and 'aria-sort="descending"' in unknown.content.decode()


def test_the_dashboard_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    w = rolled_up_world()
    client.force_login(w.owner)
    url = reverse("analytics:dashboard", kwargs={"slug": w.school.slug}) + "?period=90"
    client.get(url)  # warm the content-type cache
    # Sign-in and frame (6), the school's zone, the rollups summed per course, per day, the sparklines'
    # days and the period before (4), today's figures live (7), course titles (1), the outcomes (attendance,
    # completion, ratings, students, their first bookings stored and live: 6), the sessions starting in the
    # period and their ratings (2), with the page's own: 26, whatever the size.
    with django_assert_max_num_queries(26) as small:
        assert client.get(url).status_code == 200
    for n in range(8):  # more courses, sessions, bookings and rolled-up days
        course = CourseFactory(school=w.school)
        confirmed_by_transfer(UserFactory(), make_session(course, days=5 + n), staff_user=w.owner)
    today = local_today(school_zone(w.school))
    rollup_days(start=today - timedelta(days=200), end=today, school=w.school)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_backfill_command_is_idempotent_and_refuses_bad_input(capsys):
    w = rolled_up_world()
    since = (timezone.now() - timedelta(days=30)).date().isoformat()
    call_command("analytics_backfill", since=since, school=w.school.slug)
    first = sorted(map(repr, CourseDay.objects.values("course_id", "day", "bookings", "gross", "net")))
    call_command("analytics_backfill", since=since)
    assert sorted(map(repr, CourseDay.objects.values("course_id", "day", "bookings", "gross", "net"))) == first
    assert "school(s)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("analytics_backfill", since="yesterday")
    with pytest.raises(CommandError, match="No school"):
        call_command("analytics_backfill", since=since, school="no-such-school")


def test_the_rollup_job_is_in_the_periodic_table():
    assert "analytics.rollup_recent" in [name for name, _task, _interval in periodic_jobs()]


@pytest.mark.parametrize("days", [90, 365])
def test_each_course_s_sparkline_counts_its_bookings_per_day_or_per_week(days):
    from coursemarket.analytics.periods import Period
    from coursemarket.analytics.selectors import previous_period, school_dashboard, spark_bucket, spark_buckets
    from coursemarket.bookings.models import Booking

    w = rolled_up_world()  # three seats in two bookings, confirmed today
    zone = school_zone(w.school)
    today = local_today(zone)
    earlier = confirmed_by_transfer(UserFactory(), w.session, staff_user=w.owner)
    when = timezone.now() - timedelta(days=40)
    Booking.objects.filter(pk=earlier.pk).update(confirmed_at=when, created_at=when)
    rollup_days(start=today - timedelta(days=100), end=today, school=w.school)
    period = Period(today - timedelta(days=days - 1), today)
    board = school_dashboard(school=w.school, period=period, previous=previous_period(period), zone=zone, today=today)
    row = next(course for course in board.courses if course.course_id == w.session.course_id)
    buckets = spark_buckets(period)
    assert len(row.daily) == len(buckets) and len(row.spark_points.split()) == len(buckets)
    assert sum(row.daily) == 3  # bookings, not seats: 2 today (live) and 1 forty days ago (stored)
    assert row.daily[buckets.index(spark_bucket(today, period))] == 2
    assert row.daily[buckets.index(spark_bucket(when.astimezone(zone).date(), period))] == 1


def test_the_page_says_whether_the_sparklines_count_days_or_weeks(client):
    w = rolled_up_world()
    client.force_login(w.owner)
    url = reverse("analytics:dashboard", kwargs={"slug": w.school.slug})
    today = local_today(school_zone(w.school))
    assert "its bookings per day." in client.get(url + "?period=90").content.decode()
    long = f"?period=custom&start={(today - timedelta(days=92)).isoformat()}&end={today.isoformat()}"  # 93 days
    assert "its bookings per week." in client.get(url + long).content.decode()


def chart_of(page: str) -> dict:  # type: ignore[type-arg]
    found = re.search(r'<script id="analytics-chart-data" type="application/json">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


def table_rows(page: str, title: str) -> list[list[str]]:
    """The cells of the chart data table captioned `title`."""
    table = page[page.index(f'<caption class="visually-hidden">{title}</caption>') :]
    body = table[table.index("<tbody>") + len("<tbody>") : table.index("</tbody>")]
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]


def test_a_period_longer_than_three_months_is_charted_per_week_and_its_weeks_sum_the_days(client):
    w = rolled_up_world()  # two bookings confirmed today, live
    today = local_today(school_zone(w.school))
    start = today - timedelta(days=364)  # 365 days: 52 weeks from the first day and a last one of a day
    stored = {  # days after the start: (orders, bookings, seats, currency, gross, refunds)
        0: (1, 1, 1, "EUR", Decimal("10.00"), Decimal(0)),
        3: (2, 1, 2, "EUR", Decimal("20.50"), Decimal("5.25")),
        6: (1, 0, 0, "JPY", Decimal(0), Decimal("300")),  # the first week's last day
        7: (0, 4, 4, "EUR", Decimal("40.00"), Decimal(0)),  # the second week's first day
        150: (5, 5, 6, "EUR", Decimal("99.99"), Decimal(0)),  # the busiest stored week
        200: (1, 1, 1, "JPY", Decimal("5000"), Decimal(0)),
    }
    for offset, (orders, bookings, seats, currency, gross, refunds) in stored.items():
        CourseDay.objects.create(school=w.school, course=w.course, day=start + timedelta(days=offset),
                                 currency=currency, orders=orders, bookings=bookings, seats=seats, gross=gross,
                                 refunds=refunds, net=gross - refunds)  # fmt: skip
    client.force_login(w.owner)
    url = reverse("analytics:dashboard", kwargs={"slug": w.school.slug})
    query = f"?period=custom&start={start.isoformat()}&end={today.isoformat()}"
    page = client.get(url + query).content.decode()
    assert "Bookings per week: started and confirmed" in page and "Revenue per week and so far" in page
    chart = chart_of(page)
    assert len(chart["labels"]) == 53 and len(table_rows(page, "Bookings per week")) == 53
    assert len(table_rows(page, "Revenue per week: paid less refunded")) == 53
    assert chart["labels"][0] == format_interval(start, start + timedelta(days=6), "MMMd", locale="en")
    assert chart["labels"][-1] == format_interval(today, today, "MMMd", locale="en")  # the last week: one day

    export = reverse("analytics:export", kwargs={"slug": w.school.slug, "table": "daily", "fmt": "csv"})
    response = client.get(export + query)
    daily = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(daily) == 1 + 365  # the export stays per day
    currencies = [re.search(r"\((\w+)\)", heading).group(1) for heading in daily[0][4:]]  # type: ignore[union-attr]
    assert sorted(currencies) == ["EUR", "JPY"]
    weeks: list[list[Decimal]] = [[Decimal(0)] * (3 + len(currencies)) for _ in range(53)]
    for n, row in enumerate(daily[1:]):
        assert row[0] == (start + timedelta(days=n)).isoformat()
        for column, value in enumerate(row[1:]):
            weeks[n // 7][column] += Decimal(value)
    # The page's weeks are the export's days summed by week, in every column; empty weeks are zero.
    assert [int(value) for value in chart["orders"]] == [int(week[0]) for week in weeks]
    assert [int(value) for value in chart["bookings"]] == [int(week[1]) for week in weeks]
    for column, currency in enumerate(currencies, start=3):
        assert [Decimal(value) for value in chart["revenue"][currency]] == [week[column] for week in weeks]
    assert [int(cells[3]) for cells in table_rows(page, "Bookings per week")] == [int(week[2]) for week in weeks]
    assert chart["bookings"][:3] == [2, 4, 0] and chart["orders"][0] == 4 and chart["bookings"][-1] == 2
    assert chart["revenue"]["EUR"][0] == "25.25" and chart["revenue"]["JPY"][0] == "-300"
    assert sum(chart["bookings"]) == 14 and chart["bookings"].count(0) == 53 - 5
    busiest = format_interval(start + timedelta(days=147), start + timedelta(days=153), "yMMMd", locale="en")
    assert f"The busiest week was {busiest}, with 5 bookings." in page


@pytest.mark.parametrize(("days", "rows", "title"), [(92, 92, "Bookings per day"), (93, 14, "Bookings per week")])
def test_up_to_92_days_the_chart_stays_per_day(client, days, rows, title):
    w = rolled_up_world()
    today = local_today(school_zone(w.school))
    client.force_login(w.owner)
    url = reverse("analytics:dashboard", kwargs={"slug": w.school.slug})
    start = today - timedelta(days=days - 1)
    page = client.get(url + f"?period=custom&start={start.isoformat()}&end={today.isoformat()}").content.decode()
    assert len(table_rows(page, title)) == len(chart_of(page)["labels"]) == rows
    assert sum(chart_of(page)["bookings"]) == 2
    if days <= 92:
        assert "The busiest day was" in page and '<th scope="col">Day</th>' in page
    else:
        assert "The busiest week was" in page and '<th scope="col">Week</th>' in page
