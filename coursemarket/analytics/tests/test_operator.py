"""The operators' analytics dashboard: only platform staff open it; its
figures reconcile with hand-built bookings and payments in two currencies
(never added together); a search that found nothing is listed only once
three visitors made it; the CSV carries the numbers on the page; bad dates
get a translated error; a pinned number of queries."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.activity.models import Event, Kind
from coursemarket.bookings.models import Booking
from coursemarket.bookings.tests.after_purchase import confirmed_by_transfer, school_world
from coursemarket.catalog.models import CourseStatus, Session, SessionStatus
from coursemarket.catalog.tests.factories import CourseFactory, LocationFactory, category, make_session, staff
from coursemarket.notifications.models import OutboxMessage, OutboxStatus
from coursemarket.payments.models import Payment, PaymentState, Refund, RefundState
from coursemarket.promotions.models import CodePurpose, PromoCode, Redemption, RedemptionState
from coursemarket.schools.models import Role

pytestmark = pytest.mark.django_db

URL = "/en/operator/analytics/"
EXPORT = "/en/operator/analytics/export.csv"


def operator():  # type: ignore[no-untyped-def]
    return UserFactory(is_staff=True)


def search(query: str, results: int | None, *, visitor: str = "", user=None, days_ago: int = 0) -> Event:  # type: ignore[no-untyped-def]
    return Event.objects.create(
        kind=Kind.SEARCH, query=query, result_count=results, anonymous_id=visitor, user=user,
        created_at=timezone.now() - timedelta(days=days_ago),
    )  # fmt: skip


@pytest.fixture
def world(settings):  # type: ignore[no-untyped-def]
    """A Madrid school selling in euros (€80 and €160, €20 refunded), a London
    school in pounds (£30), a failed card attempt, searches, a reward code
    used, and queues with work waiting."""
    settings.PLATFORM_FEE_PERCENT = "5"
    euro = school_world(price=Decimal("80.00"))
    confirmed_by_transfer(euro.student, euro.session, staff_user=euro.owner)
    second = confirmed_by_transfer(UserFactory(), euro.session, staff_user=euro.owner, seats=2)
    payment = Payment.objects.get(payable_id=second.pk, state=PaymentState.SUCCEEDED)
    Refund.objects.create(payment=payment, amount=Decimal("20.00"), key="r1", state=RefundState.SUCCEEDED,
                          completed_at=timezone.now())  # fmt: skip
    Payment.objects.filter(pk=payment.pk).update(
        refunded_amount=Decimal("20.00"), state=PaymentState.PARTIALLY_REFUNDED
    )

    pottery = CourseFactory(price=Decimal("30.00"), currency="GBP", category=category("pottery"))
    london = LocationFactory(school=pottery.school, city="London", country="GB")
    pound_owner = staff(pottery.school, Role.OWNER)
    confirmed_by_transfer(euro.student, make_session(pottery, location=london), staff_user=pound_owner)
    booking_type = ContentType.objects.get_for_model(Booking)
    Payment.objects.create(payable_type=booking_type, payable_id=second.pk, provider="stripe",
                           amount=Decimal("160.00"), currency="EUR", state=PaymentState.FAILED,
                           idempotency_key="failed-card")  # fmt: skip

    # Active without a booking: a published course with an upcoming session.
    make_session(CourseFactory(), days=3)
    # Not active: a draft course's session, and a published course's cancelled one.
    make_session(CourseFactory(status=CourseStatus.DRAFT), days=3)
    cancelled = make_session(CourseFactory(), days=3)
    Session.objects.filter(pk=cancelled.pk).update(status=SessionStatus.CANCELLED)

    for visitor in ("a", "b", "c"):
        search("underwater basket weaving", 0, visitor=visitor)
    search("my own secret name", 0, visitor="d")
    search("my own secret name", 0, visitor="d")
    search("my own secret name", 0, visitor="e")
    search("spanish", 5, visitor="a")
    search("pottery", None, visitor="a")  # count unknown: not in the rate
    search("underwater basket weaving", 0, visitor="f", days_ago=40)  # the period before

    reward = PromoCode.objects.create(code="THANKS1", kind="percent", value=Decimal("10"),
                                      purpose=CodePurpose.REWARD, owner=euro.student)  # fmt: skip
    Redemption.objects.create(promo_code=reward, student=euro.student, booking_id=second.pk,
                              amount=Decimal("16.00"), currency="EUR", state=RedemptionState.USED)  # fmt: skip

    OutboxMessage.objects.all().delete()  # the bookings' own emails: start from a known queue
    for n, status in enumerate([OutboxStatus.PENDING, OutboxStatus.PENDING, OutboxStatus.FAILED]):
        OutboxMessage.objects.create(dedup_key=f"m{n}", event="x", category="transactional", to_email="a@b.c",
                                     language="en", status=status, next_attempt_at=timezone.now())  # fmt: skip
    OutboxMessage.objects.filter(dedup_key="m0").update(created_at=timezone.now() - timedelta(minutes=42))
    DBTaskResult.objects.all().delete()
    DBTaskResult.objects.create(id=uuid.uuid4(), args_kwargs={"args": [], "kwargs": {}}, task_path="x.y",
                                backend_name="default", run_after=get_date_max(), exception_class_path="",
                                traceback="")  # fmt: skip
    old = UserFactory()
    type(old).objects.filter(pk=old.pk).update(date_joined=timezone.now() - timedelta(days=45))
    return euro


def kpis_on(page: str) -> dict[tuple[str, str], str]:
    found = re.findall(r'data-kpi="(\w+)"(?: data-currency="(\w+)")? data-value="([^"]*)"', page)
    return {(key, currency): value for key, currency, value in found}


def table_on(page: str, name: str) -> list[list[str]]:
    body = re.search(rf'data-table="{name}">(.*?)</table>', page, re.S)
    assert body is not None, name
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1).split("<tbody>")[1], re.S)
    return [re.findall(r'data-value="([^"]*)"', row) for row in rows if "data-value" in row]


def test_anonymous_people_are_sent_to_sign_in_and_non_staff_are_refused(client, world):
    for url in (URL, EXPORT + "?table=summary"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
        for person in (world.student, world.owner):  # a student; a school's owner is not the platform's staff
            client.force_login(person)
            response = client.get(url)
            assert response.status_code == 302 and "admin/login" in response["Location"]
            assert b"240" not in response.content
        client.logout()


def test_the_figures_reconcile_with_the_payments_per_currency(client, world, django_assert_max_num_queries):
    client.force_login(operator())
    client.get(URL)  # the first request of a new sign-in records the session
    # Session, user, the menu's school check and 17 for the figures, whatever the sizes.
    with django_assert_max_num_queries(20):
        response = client.get(URL + "?period=30")
    assert response.status_code == 200
    page = response.content.decode()
    kpis = kpis_on(page)
    assert kpis[("gmv", "EUR")] == "240.00" and kpis[("gmv", "GBP")] == "30.00"
    assert kpis[("refunds", "EUR")] == "20.00" and kpis[("refunds", "GBP")] == "0.00"
    assert kpis[("platform_fees", "EUR")] == "11.00"  # 5 % of 240 less 5 % of 20
    assert kpis[("net", "EUR")] == "209.00" and kpis[("net", "GBP")] == "28.50"
    assert kpis[("take_rate", "EUR")] == "4.6" and kpis[("take_rate", "GBP")] == "5.0"
    assert kpis[("bookings", "EUR")] == "2" and kpis[("bookings", "GBP")] == "1"
    assert kpis[("average_order", "EUR")] == "120.00"
    # The money on the page is what the payments say, currency by currency.
    for currency in ("EUR", "GBP"):
        paid = sum(p.amount for p in Payment.objects.filter(currency=currency, succeeded_at__isnull=False))
        back = sum(r.amount for r in Refund.objects.filter(payment__currency=currency, state=RefundState.SUCCEEDED))
        assert Decimal(kpis[("gmv", currency)]) == paid
        assert Decimal(kpis[("gmv", currency)]) - Decimal(kpis[("refunds", currency)]) == paid - back
    assert kpis[("active_schools", "")] == "3"  # two with bookings, one with a published course this week
    assert kpis[("active_students", "")] == "2"
    staffless = type(world.student).objects.filter(is_staff=False, date_joined__gte=timezone.now() - timedelta(days=30))
    assert kpis[("new_students", "")] == str(staffless.count())
    assert kpis[("payment_failure_rate", "")] == "25.0"  # one card attempt failed of four
    assert kpis[("refund_rate", "")] == "33.3"  # one of three payments refunded in part
    assert kpis[("zero_result_rate", "")] == "85.7"  # six of the seven searches with a known count
    assert kpis[("referral_cost", "EUR")] == "16.00" and kpis[("rewards_redeemed", "")] == "1"
    assert "€240.00" in page and "£30.00" in page
    assert "in UTC days" in page

    categories = table_on(page, "categories")
    assert categories[0] == ["Spanish", "2", "240.00", "0"] and categories[1] == ["Pottery", "1", "0", "30.00"]
    cities = {row[0]: row for row in table_on(page, "cities")}
    assert cities["London (GB)"] == ["London (GB)", "1", "0", "30.00"]
    health = table_on(page, "health")
    assert health[0] == ["2", "0", "1", "42"]  # outbox: two waiting, the oldest for 42 minutes, one failed
    assert health[1][:3] == ["1", "0", "0"]


def test_a_search_that_found_nothing_shows_only_once_three_visitors_made_it(client, world):
    client.force_login(operator())
    page = client.get(URL + "?period=7").content.decode()
    zero = table_on(page, "zero_queries")
    assert zero == [["underwater basket weaving", "3", "3"]]
    assert "my own secret name" not in page  # three searches, but by two visitors
    # Signed-in people count as visitors too, never one person twice.
    for person in (UserFactory(), UserFactory()):
        search("my own secret name", 0, user=person)
    assert "my own secret name" not in client.get(URL + "?period=7").content.decode()  # two accounts, two sessions
    search("my own secret name", 0, user=UserFactory())
    zero = table_on(client.get(URL + "?period=7").content.decode(), "zero_queries")
    assert ["my own secret name", "6", "3"] in zero


def test_the_csv_carries_the_numbers_on_the_page(client, world):
    client.force_login(operator())
    page = client.get(URL + "?period=90").content.decode()

    def csv_of(table: str) -> list[list[str]]:
        response = client.get(f"{EXPORT}?period=90&table={table}")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    summary = csv_of("summary")
    kpis = kpis_on(page)
    labels = {"GMV (payments received)": "gmv", "Net to schools": "net", "Active schools": "active_schools",
              "Refund rate": "refund_rate", "Referral cost (discount funded)": "referral_cost"}  # fmt: skip
    for row in summary[1:]:
        if row[0] in labels:
            assert row[2] == kpis[(labels[row[0]], row[1])], row
    assert len(summary) == 1 + len(kpis)
    for table in ("categories", "cities", "zero_queries", "daily"):
        assert [row for row in csv_of(table)[1:]] == table_on(page, table), table
    daily = csv_of("daily")
    assert len(daily) == 1 + 90 and sum(Decimal(row[2]) for row in daily[1:]) == Decimal("240.00")
    assert client.get(f"{EXPORT}?table=nonsense").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom&start=2026-05-10&end=2026-05-01", "The last day must not be before the first."),
        ("period=custom&start=not-a-date&end=2026-05-01", "Enter a valid date."),
        ("period=forever", "Select a valid choice."),
    ],
)
def test_bad_dates_get_a_clear_error(client, query, message):
    client.force_login(operator())
    page = client.get(URL + "?" + query)
    assert page.status_code == 400 and message in page.content.decode()
    assert 'role="alert"' in page.content.decode() and "data-kpi=" not in page.content.decode()
    export = client.get(f"{EXPORT}?table=summary&{query}")
    assert export.status_code == 400 and message in export.content.decode()
    french = client.get("/fr/operator/analytics/?period=custom&start=2026-05-10&end=2026-05-01")
    assert french.status_code == 400
    assert "The last day must not be before the first." not in french.content.decode()


def test_an_empty_platform_shows_dashes_not_errors(client):
    client.force_login(operator())
    page = client.get(URL + "?period=year")
    assert page.status_code == 200
    assert "None to show in this period." in page.content.decode()
    assert "in UTC days" in page.content.decode()
