"""The school's Audience page: only what students chose to share, never a
group small enough to point at someone, cohorts counted in the school's
calendar, the same numbers in the CSV as on the screen, and the profile form
where students decide."""

from __future__ import annotations

import csv
import html
import io
import itertools
import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from coursemarket.accounts.models import StudentProfile
from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.analytics.audience import DIMENSIONS, school_audience, school_cohorts
from coursemarket.analytics.selectors import Period
from coursemarket.analytics.services import rollup_days
from coursemarket.analytics.tabs import analytics_tabs
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.tests.after_purchase import school_world
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.schools.models import Membership, Role

pytestmark = pytest.mark.django_db
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
_keys = itertools.count(1)


def booked(student, session, at: datetime) -> Booking:  # type: ignore[no-untyped-def]
    """A confirmed booking made at `at`, written directly: the page reads only
    who booked and when (the checkout's own tests cover how a booking is paid)."""
    return Booking.objects.create(
        student=student, session=session, seats=1, state=BookingState.CONFIRMED, request_key=f"a{next(_keys)}",
        unit_price=Decimal("10.00"), currency="EUR", total=Decimal("10.00"), confirmed_at=at,
    )  # fmt: skip


def student(*, share: bool = True, country: str = "", city: str = "", age: str = "", gender: str = "",
            language: str = "en"):  # type: ignore[no-untyped-def]  # fmt: skip
    user = UserFactory(language=language)
    StudentProfile.objects.update_or_create(
        user=user,
        defaults={"country": country, "city": city, "age_band": age, "gender": gender, "share_with_schools": share},
    )
    return user


def rows_of(page: str, table: str) -> list[list[str]]:
    """The cells of one table on the page, as text ("–" for a cell not known)."""
    section = re.search(rf'data-table="{table}".*?</table>', page, re.S)
    assert section, table
    rows = []
    for row in re.findall(r"<tr data-row.*?</tr>", section.group(0), re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([html.unescape(re.sub(r'<span class="visually-hidden">.*?</span>|<[^>]+>', "", c)).strip()
                     for c in cells])  # fmt: skip
    return rows


def number(text: str) -> Decimal | None:
    """A figure as the page or the CSV writes it ("–" on the page, empty in the CSV: not known)."""
    return None if text in ("", "–") else Decimal(text.replace(",", ""))


def rolled_up(school) -> None:  # type: ignore[no-untyped-def]
    """The rollup job has run over every day with a booking (first bookings are stored)."""
    rollup_days(start=date(2024, 10, 1), end=timezone.now().date() + timedelta(days=1), school=school)


def audience_page(client, w, query: str = "?period=30") -> str:  # type: ignore[no-untyped-def]
    client.force_login(w.owner)
    response = client.get(reverse("analytics:audience", kwargs={"slug": w.school.slug}) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_group_of_four_is_not_shown_and_non_sharers_never_join_a_group(client):
    w = school_world()
    now = timezone.now() - timedelta(hours=2)
    for _n in range(5):
        booked(student(country="ES", age="25-34", city="Madrid"), w.session, now)
    for _n in range(4):  # a group of 4: merged, never named
        booked(student(country="PT", age="25-34", city="Lisboa"), w.session, now)
    for _n in range(3):  # chose not to share: counted only as "Not shared"
        booked(student(share=False, country="PT", age="65plus", city="Porto"), w.session, now)
    page = audience_page(client, w)

    assert rows_of(page, "countries") == [["Spain", "5", "41.7"], ["Not shared", "7", "58.3"]]
    assert rows_of(page, "ages") == [["25–34", "9", "75"], ["Not shared", "3", "25"]]
    assert rows_of(page, "cities") == [["Madrid", "5", "41.7"], ["Not shared", "7", "58.3"]]
    for name in ("Portugal", "Lisboa", "Porto", "65 or over"):
        assert name not in page
    assert 'data-not-sharing="3"' in page and "3 students chose not to share their details" in page
    assert 'data-students="12"' in page


def test_five_small_groups_together_make_an_other_row(client):
    w = school_world()
    now = timezone.now() - timedelta(hours=2)
    for country in ("FR", "FR", "DE", "DE", "IT", "", "BE"):  # small groups, and one not given
        booked(student(country=country, gender="woman"), w.session, now)
    page = audience_page(client, w)
    assert rows_of(page, "countries") == [["Other or not shown", "7", "100"]]
    assert rows_of(page, "genders") == [["Woman", "7", "100"]]
    assert rows_of(page, "languages") == [["English", "7", "100"]]
    assert "France" not in page and "Germany" not in page


@pytest.mark.parametrize("actor", ["other_owner", "other_manager", "instructor", "manager"])
def test_only_the_school_s_owners_and_managers_see_its_audience(client, actor):
    w = school_world()
    other_manager = UserFactory()
    Membership.objects.create(school=CourseFactory().school, user=other_manager, role=Role.MANAGER)
    people = {"other_owner": w.other_owner, "other_manager": other_manager, "instructor": w.instructor,
              "manager": w.manager}  # fmt: skip
    client.force_login(people[actor])
    urls = [reverse("analytics:audience", kwargs={"slug": w.school.slug})] + [
        reverse("analytics:audience_export", kwargs={"slug": w.school.slug, "table": table})
        for table in ("countries", "cohorts")
    ]
    for url in urls:
        status = client.get(url + "?period=90").status_code
        assert status == {"other_owner": 404, "other_manager": 404, "instructor": 403, "manager": 200}[actor], url


def test_a_bad_period_gets_a_clear_error(client):
    w = school_world()
    client.force_login(w.owner)
    url = reverse("analytics:audience", kwargs={"slug": w.school.slug})
    response = client.get(url + "?period=custom&start=2026-05-10&end=2026-05-01")
    assert response.status_code == 400 and "The last day must not be before the first." in response.content.decode()
    export = reverse("analytics:audience_export", kwargs={"slug": w.school.slug, "table": "cohorts"})
    assert client.get(export + "?period=custom&start=2026-05-10&end=2026-05-01").status_code == 400
    assert client.get(export.replace("cohorts", "people")).status_code == 404


def test_cohorts_count_first_bookings_by_the_school_s_month_and_returns_within_each_window():
    w = school_world()
    other_school_session = make_session(CourseFactory())
    now = datetime(2026, 6, 15, 12, tzinfo=UTC)
    today = date(2026, 6, 15)
    a, b, c, d = (UserFactory() for _n in range(4))
    # 31 Dec 23:30 UTC is already 1 January in Madrid: a's cohort is January.
    booked(a, w.session, datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    booked(a, w.session, datetime(2026, 3, 30, 23, 0, tzinfo=UTC))  # 89.98 days later: within 90
    # b: first in January (Madrid), again 91 days later: not within 90, within 180.
    booked(b, w.session, datetime(2026, 1, 10, 10, tzinfo=UTC))
    booked(b, w.session, datetime(2026, 4, 11, 10, tzinfo=UTC))
    # c: first booking with this school in February; a booking elsewhere does not count as "again".
    booked(c, w.session, datetime(2026, 2, 28, 22, 30, tzinfo=UTC))  # 23:30 in Madrid: still February
    booked(c, other_school_session, datetime(2026, 3, 5, tzinfo=UTC))
    # d booked with the school in 2024 already: their 2026 booking is a return, not a first.
    booked(d, w.session, datetime(2024, 11, 1, tzinfo=UTC))
    booked(d, w.session, datetime(2026, 1, 20, tzinfo=UTC))

    rolled_up(w.school)
    cohorts = {c.month: c for c in school_cohorts(school=w.school, zone=MADRID, today=today, now=now)}
    assert len(cohorts) == 12 and min(cohorts) == date(2025, 7, 1) and max(cohorts) == date(2026, 6, 1)
    january, february = cohorts[date(2026, 1, 1)], cohorts[date(2026, 2, 1)]
    assert cohorts[date(2025, 12, 1)].students == 0
    assert january.students == 2 and february.students == 1
    # January's 90 days have passed for everyone (1 Feb + 90 days < 15 June); 180 have not.
    assert (january.again[0].students, january.again[0].share) == (1, Decimal("50.0"))
    assert january.again[1].students is None and january.again[2].students is None
    assert (february.again[0].students, february.again[0].share) == (0, Decimal("0.0"))
    assert cohorts[date(2026, 3, 1)].again[0].students is None  # 1 April + 90 days is after 15 June

    # Later, the 180-day window of January has passed: b's return counts there.
    later = school_cohorts(school=w.school, zone=MADRID, today=date(2026, 9, 1),
                           now=datetime(2026, 9, 1, tzinfo=UTC))  # fmt: skip
    january = next(c for c in later if c.month == date(2026, 1, 1))
    assert january.again[1].students == 2 and january.again[2].students is None


def test_the_repeat_students_of_the_period():
    w = school_world()
    now = timezone.now()
    old, twice, once = UserFactory(), UserFactory(), UserFactory()
    booked(old, w.session, now - timedelta(days=200))
    booked(old, w.session, now - timedelta(days=3))
    booked(twice, w.session, now - timedelta(days=5))
    booked(twice, w.session, now - timedelta(days=4))
    booked(once, w.session, now - timedelta(days=2))
    today = now.astimezone(MADRID).date()
    rolled_up(w.school)
    figures = school_audience(school=w.school, period=Period(today - timedelta(days=29), today), zone=MADRID,
                              today=today)  # fmt: skip
    assert (figures.students, figures.repeat, figures.sharing) == (3, 2, 0)


def test_the_csv_of_every_table_is_what_the_screen_shows(client, django_assert_max_num_queries):
    w = school_world()
    now = timezone.now() - timedelta(hours=1)
    for n in range(6):
        first = booked(student(country="ES", language="es", age="18-24"), w.session, now - timedelta(days=100 + n))
        booked(first.student, w.session, now - timedelta(days=50))
    for _n in range(2):
        booked(student(share=False), w.session, now)
    rolled_up(w.school)
    client.force_login(w.owner)
    url = reverse("analytics:audience", kwargs={"slug": w.school.slug})
    client.get(url)  # the first request after signing in records the browser session
    # The page's own: the school's zone, the students, the sharers' bands, who booked again and the cohorts
    # (first bookings stored and live: 2 each).
    with django_assert_max_num_queries(14):
        page = client.get(url + "?period=90&cohorts=24").content.decode()
    for dimension in [*(d.key for d in DIMENSIONS), "cohorts"]:
        export = reverse("analytics:audience_export", kwargs={"slug": w.school.slug, "table": dimension})
        response = client.get(export + "?period=90&cohorts=24")
        assert response["Content-Type"].startswith("text/csv")
        in_csv = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
        on_screen = rows_of(page, dimension)
        assert len(in_csv) == len(on_screen) and on_screen, dimension
        for screen_row, csv_row in zip(on_screen, in_csv, strict=True):
            assert [number(c) for c in screen_row[1:]] == [number(c) for c in csv_row[1:]], dimension
            if dimension != "cohorts":
                assert screen_row[0] == csv_row[0]
    assert rows_of(page, "languages") == [["Spanish", "6", "75"], ["Not shared", "2", "25"]]
    assert sum(int(row[1]) for row in rows_of(page, "cohorts")) == 8
    workbook = client.get(
        reverse("analytics:audience_workbook", kwargs={"slug": w.school.slug}) + "?period=90&cohorts=24"
    )
    book = load_workbook(io.BytesIO(workbook.content))
    assert len(book.sheetnames) == len(DIMENSIONS) + 1 and book.sheetnames[-1] == "Cohorts"
    languages = [
        list(row) for row in book.worksheets[[d.key for d in DIMENSIONS].index("languages")].iter_rows(values_only=True)
    ]
    assert [row[:2] for row in languages[1:]] == [["Spanish", 6], ["Not shared", 2]]


def test_the_query_count_does_not_grow_with_the_students(client, django_assert_max_num_queries):
    w = school_world()
    now = timezone.now() - timedelta(hours=1)
    client.force_login(w.owner)
    url = reverse("analytics:audience", kwargs={"slug": w.school.slug}) + "?period=30"
    for n in range(30):
        booked(student(country="ES" if n % 2 else "FR", city="Sevilla"), w.session, now - timedelta(days=n))
    client.get(url)  # the first request after signing in records the browser session
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    for n in range(30):
        booked(student(country="DE", city=f"Town {n}"), w.session, now - timedelta(days=n))
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_tabs_link_the_reports_and_skip_one_not_built():
    w = school_world()
    tabs = analytics_tabs(slug=w.school.slug, current="audience")
    keys = [t.key for t in tabs]
    assert keys[:2] == ["overview", "audience"] and "channels" in keys
    assert [t.key for t in tabs if t.active] == ["audience"]
    # The funnel tab appears once its page exists, and never breaks the page before.
    assert ("funnel" in keys) == _resolves("analytics:funnel", w.school.slug)


def _resolves(name: str, slug: str) -> bool:
    try:
        reverse(name, kwargs={"slug": slug})
    except NoReverseMatch:
        return False
    return True


def test_the_dashboard_links_to_the_audience(client):
    w = school_world()
    client.force_login(w.owner)
    page = client.get(reverse("analytics:dashboard", kwargs={"slug": w.school.slug})).content.decode()
    assert f'href="{reverse("analytics:audience", kwargs={"slug": w.school.slug})}"' in page


# --- the student's side: the profile form ---------------------------------------------------


def profile_post(client, user, **fields):  # type: ignore[no-untyped-def]
    client.force_login(user)
    data = {"display_name": "Noor", "bio": "", "city": "Amman", **fields}
    return client.post(reverse("accounts:profile"), data)


def test_a_student_shares_bands_from_their_profile(client):
    user = UserFactory()
    page = (client.force_login(user), client.get(reverse("accounts:profile")))[1].content.decode()
    assert "a group of fewer than 5 students is never shown" in page
    assert 'name="share_with_schools"' in page and "checked" not in page.split('name="share_with_schools"')[1][:80]
    response = profile_post(client, user, country="JO", age_band="25-34", gender="nonbinary", share_with_schools="on")
    assert response.status_code == 302
    profile = StudentProfile.objects.get(user=user)
    assert (profile.country, profile.age_band, profile.gender, profile.share_with_schools) == (
        "JO",
        "25-34",
        "nonbinary",
        True,
    )
    profile_post(client, user, country="JO", age_band="25-34", gender="nonbinary")  # switched off again
    profile.refresh_from_db()
    assert profile.share_with_schools is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "XX", "Please choose a country from the list."),
        ("country", "es", "Please choose a country from the list."),
        ("age_band", "1990-05-04", "Please choose an age band from the list."),
        ("gender", "anything I type", "Please choose one of the options."),
    ],
)
def test_a_value_outside_the_lists_is_refused_and_nothing_is_saved(client, field, value, message):
    user = UserFactory()
    StudentProfile.objects.update_or_create(user=user, defaults={"city": "Irbid"})
    response = profile_post(client, user, **{"country": "JO", field: value, "share_with_schools": "on"})
    assert response.status_code == 200
    assert message in response.content.decode()
    profile = StudentProfile.objects.get(user=user)
    assert (profile.city, profile.country, profile.share_with_schools) == ("Irbid", "", False)


def test_the_refusal_is_in_the_reader_s_language(client):
    user = UserFactory(language="fr")
    client.force_login(user)
    with translation.override("fr"):
        url = reverse("accounts:profile")
    response = client.post(url, {"display_name": "Noor", "country": "XX"})
    assert response.status_code == 200 and '<html lang="fr"' in response.content.decode()
    # The message goes through gettext: the catalog's French once the lead has translated it.
    with translation.override("fr"):
        assert gettext("Please choose a country from the list.") in response.content.decode()
    assert not StudentProfile.objects.filter(user=user, country="XX").exists()


def test_the_country_list_is_named_in_the_reader_s_language(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/de/account/profile/").content.decode()
    assert '<option value="ES">Spanien</option>' in page
