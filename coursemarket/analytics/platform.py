"""What the operators' dashboard reads: the whole platform's figures for a
period of UTC days, compared with the period before, aggregated in the
database straight from the truth (payments, refunds, bookings, the activity
log, reward redemptions, the outbox and the task queue). A fixed number of
queries (about twenty), whatever the period or the platform's size.

What each figure means (the page says it too):
- GMV: payments whose money arrived in the period (succeeded, even if
  refunded since), per currency; refunds: refunds made in the period;
- platform fees: PLATFORM_FEE_PERCENT of GMV less the same of refunds, at
  today's rate (the fee is not stored per payment), rounded per currency;
  take rate = fees / GMV; net to schools = GMV - refunds - fees;
- bookings: confirmed in the period (paid or free), per currency; average
  order = GMV / bookings (as on a school's dashboard);
- active schools: with a booking confirmed in the period, or a published
  course with an upcoming session at some moment of the period (a session,
  not cancelled, made before the period ended and starting after it began);
- active students: people with a booking confirmed in the period; new
  students: accounts created in the period (not platform staff);
- zero-result rate: searches that found nothing / searches whose result count
  is known; a query that found nothing is listed only once at least
  ZERO_QUERY_MIN_VISITORS different visitors searched it;
- referral cost: the discount of reward codes used (bookings.referral_report);
- payment failure rate: attempts started in the period with a paying
  provider (not free bookings) that failed / all of them; refund rate:
  such payments that succeeded in the period and were refunded (fully or in
  part) since / all of them;
- outbox and task-queue health: now, not in the period.

Money is never added across currencies."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from coursemarket.activity.models import Event, Kind
from coursemarket.bookings.models import Booking
from coursemarket.bookings.referral_report import reward_redemptions
from coursemarket.bookings.services.checkout import platform_fee_percent
from coursemarket.catalog.models import Category, CourseStatus, Session, SessionStatus
from coursemarket.core.money import quantize
from coursemarket.core.worker import uses_database_queue
from coursemarket.notifications.models import OutboxMessage, OutboxStatus
from coursemarket.payments.models import PAID_STATES, Payment, PaymentState, ProviderName, Refund
from coursemarket.schools.models import School

from .rollups import MADE_REFUND_STATES
from .selectors import Kpi, Money, Period, percent
from .zones import day_bounds

UTC_ZONE = zoneinfo.ZoneInfo("UTC")
TOP = 10
ZERO_QUERY_MIN_VISITORS = 3
# A queue whose oldest waiting item is older than this is shown as behind
# (the same limit /healthz uses for the task queue, core.health.BACKLOG_LIMIT).
BACKLOG_LIMIT = timedelta(minutes=5)
REFUNDED_STATES = (PaymentState.REFUNDED, PaymentState.PARTIALLY_REFUNDED)
# For the platform, more fees is good; these are the figures that should fall.
RISING_IS_BAD = frozenset({"refunds", "zero_result_rate", "payment_failure_rate", "refund_rate", "referral_cost"})


def utc_today(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(UTC).date()


@dataclass(frozen=True)
class Span:
    """A period's UTC moments, `since` included, `until` excluded."""

    since: datetime
    until: datetime

    @classmethod
    def of(cls, period: Period) -> Span:
        return cls(*day_bounds(period.start, period.end, UTC_ZONE))

    def q(self, name: str) -> Q:
        return Q(**{f"{name}__gte": self.since, f"{name}__lt": self.until})


@dataclass(frozen=True)
class PlatformKpi(Kpi):
    @property
    def trend(self) -> str:
        delta = self.change
        if not delta:
            return ""
        return "good" if (delta > 0) != (self.key in RISING_IS_BAD) else "bad"


@dataclass
class Rates:
    attempts: int = 0
    failed: int = 0
    paid: int = 0
    refunded: int = 0
    searches_counted: int = 0
    searches_zero: int = 0

    @property
    def payment_failure_rate(self) -> Decimal | None:
        return percent(self.failed, self.attempts)

    @property
    def refund_rate(self) -> Decimal | None:
        return percent(self.refunded, self.paid)

    @property
    def zero_result_rate(self) -> Decimal | None:
        return percent(self.searches_zero, self.searches_counted)


@dataclass
class People:
    active_schools: int = 0
    active_students: int = 0
    new_students: int = 0


@dataclass
class Side:
    """One period's figures."""

    money: dict[str, Money] = field(default_factory=dict)
    bookings: int = 0
    people: People = field(default_factory=People)
    rates: Rates = field(default_factory=Rates)
    referral_cost: dict[str, Decimal] = field(default_factory=dict)
    rewards_redeemed: int = 0

    def money_in(self, currency: str) -> Money:
        return self.money.get(currency) or Money(currency)


@dataclass
class TopRow:
    """A category or a city: bookings confirmed and GMV in the period."""

    key: str
    name: str
    bookings: int = 0
    gmv: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class ZeroQuery:
    query: str
    searches: int
    visitors: int


@dataclass(frozen=True)
class QueueHealth:
    waiting: int
    failed: int
    oldest_waiting: timedelta | None  # how long the oldest waiting item has waited
    running: int = 0

    @property
    def behind(self) -> bool:
        return self.oldest_waiting is not None and self.oldest_waiting > BACKLOG_LIMIT


@dataclass
class DayPoint:
    day: date
    bookings: int = 0
    gmv: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class PlatformBoard:
    today: date
    period: Period
    previous: Period
    now: Side
    before: Side
    currencies: list[str]
    series: list[DayPoint]
    categories: list[TopRow]
    cities: list[TopRow]
    zero_queries: list[ZeroQuery]
    outbox: QueueHealth
    tasks: QueueHealth | None  # None: the task queue is not in the database
    fee_percent: Decimal

    def take_rate(self, side: Side, currency: str) -> Decimal | None:
        money = side.money_in(currency)
        return percent(money.platform_fees, money.gross)

    def kpis(self) -> list[PlatformKpi]:
        a, b = self.now, self.before
        kpis = []
        for currency in self.currencies:
            x, y = a.money_in(currency), b.money_in(currency)
            kpis += [
                PlatformKpi("gmv", x.gross, y.gross, "money", currency),
                PlatformKpi("refunds", x.refunds, y.refunds, "money", currency),
                PlatformKpi("platform_fees", x.platform_fees, y.platform_fees, "money", currency),
                PlatformKpi("take_rate", self.take_rate(a, currency), self.take_rate(b, currency), "percent",
                            currency),
                PlatformKpi("net", x.net, y.net, "money", currency),
                PlatformKpi("bookings", x.bookings, y.bookings, "count", currency),
                PlatformKpi("average_order", x.average_order, y.average_order, "money", currency),
            ]  # fmt: skip
        kpis += [
            PlatformKpi("active_schools", a.people.active_schools, b.people.active_schools, "count"),
            PlatformKpi("active_students", a.people.active_students, b.people.active_students, "count"),
            PlatformKpi("new_students", a.people.new_students, b.people.new_students, "count"),
            PlatformKpi("payment_failure_rate", a.rates.payment_failure_rate, b.rates.payment_failure_rate,
                        "percent"),
            PlatformKpi("refund_rate", a.rates.refund_rate, b.rates.refund_rate, "percent"),
            PlatformKpi("zero_result_rate", a.rates.zero_result_rate, b.rates.zero_result_rate, "percent"),
            PlatformKpi("rewards_redeemed", a.rewards_redeemed, b.rewards_redeemed, "count"),
        ]  # fmt: skip
        for currency in sorted(set(a.referral_cost) | set(b.referral_cost)):
            kpis.append(
                PlatformKpi("referral_cost", a.referral_cost.get(currency, Decimal(0)),
                            b.referral_cost.get(currency, Decimal(0)), "money", currency)
            )  # fmt: skip
        return kpis


def platform_dashboard(*, period: Period, previous: Period, today: date, now: datetime | None = None,
                       no_category: str = "", online: str = "") -> PlatformBoard:  # fmt: skip
    """Everything the operators' dashboard shows for `period`, compared with
    `previous`. `no_category` and `online` name the rows of courses without a
    category and of sessions without a place (translated by the caller)."""
    moment = now or timezone.now()
    spans = (Span.of(period), Span.of(previous))
    sides = (Side(), Side())
    fee = platform_fee_percent()
    series = {day: DayPoint(day) for day in period.each_day()}
    _money(spans, sides, series, fee)
    _rates(spans, sides)
    _people(spans, sides)
    _referrals(spans, sides)
    currencies = sorted(
        set(sides[0].money) | set(sides[1].money),
        key=lambda c: (-sides[0].money_in(c).gross, -sides[0].money_in(c).bookings, c),
    )
    for point in series.values():
        for currency in currencies:
            point.gmv.setdefault(currency, quantize(Decimal(0), currency))
    return PlatformBoard(
        today=today, period=period, previous=previous, now=sides[0], before=sides[1], currencies=currencies,
        series=[series[day] for day in period.each_day()],
        categories=top_categories(span=spans[0], no_category=no_category),
        cities=top_cities(span=spans[0], online=online),
        zero_queries=zero_result_queries(span=spans[0]),
        outbox=outbox_health(now=moment), tasks=task_queue_health(now=moment), fee_percent=fee,
    )  # fmt: skip


def _money(spans: tuple[Span, Span], sides: tuple[Side, Side], series: dict[date, DayPoint], fee: Decimal) -> None:
    """GMV per UTC day and currency (the chart, and the totals of both
    periods), bookings likewise, refunds per currency: three queries."""
    either = spans[0].q("succeeded_at") | spans[1].q("succeeded_at")
    paid = (
        Payment.objects.filter(either, state__in=PAID_STATES)
        .annotate(day=TruncDate("succeeded_at", tzinfo=UTC_ZONE))
        .values("day", "currency")
        .annotate(
            gross=Sum("amount"),
            paying=Count("pk", filter=~Q(provider=ProviderName.FREE)),
            refunded=Count("pk", filter=~Q(provider=ProviderName.FREE) & Q(state__in=REFUNDED_STATES)),
        )
    )
    for row in paid:
        side = _side_of(row["day"], spans, sides)
        money = side.money.setdefault(row["currency"], Money(row["currency"]))
        money.gross += row["gross"] or Decimal(0)
        side.rates.paid += row["paying"]
        side.rates.refunded += row["refunded"]
        if row["day"] in series:
            point = series[row["day"]]
            _plus(point.gmv, row["currency"], row["gross"])
    confirmed = (
        Booking.objects.filter(spans[0].q("confirmed_at") | spans[1].q("confirmed_at"))
        .annotate(day=TruncDate("confirmed_at", tzinfo=UTC_ZONE))
        .values("day", "currency")
        .annotate(n=Count("pk"))
    )
    for entry in confirmed:
        side = _side_of(entry["day"], spans, sides)
        side.money.setdefault(entry["currency"], Money(entry["currency"])).bookings += entry["n"]
        side.bookings += entry["n"]
        if entry["day"] in series:
            series[entry["day"]].bookings += entry["n"]
    made_back = (
        Refund.objects.filter(spans[0].q("completed_at") | spans[1].q("completed_at"), state__in=MADE_REFUND_STATES)
        .values("payment__currency")
        .annotate(now=Sum("amount", filter=spans[0].q("completed_at")),
                  before=Sum("amount", filter=spans[1].q("completed_at")))
    )  # fmt: skip
    for back in made_back:
        for side, amount in zip(sides, (back["now"], back["before"]), strict=True):
            if amount:
                currency = back["payment__currency"]
                side.money.setdefault(currency, Money(currency)).refunds += amount
    for side in sides:
        for currency, money in side.money.items():
            money.gross = quantize(money.gross, currency)
            money.refunds = quantize(money.refunds, currency)
            money.platform_fees = quantize(money.gross * fee / 100, currency) - quantize(
                money.refunds * fee / 100, currency
            )
            money.net = money.gross - money.refunds - money.platform_fees


def _plus(amounts: dict[str, Decimal], currency: str, amount: Decimal | None) -> None:
    amounts[currency] = quantize(amounts.get(currency, Decimal(0)) + (amount or Decimal(0)), currency)


def _side_of(day: date, spans: tuple[Span, Span], sides: tuple[Side, Side]) -> Side:
    """The period a UTC day belongs to (the query asked for days of both only)."""
    moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    return sides[0] if spans[0].since <= moment < spans[0].until else sides[1]


def _rates(spans: tuple[Span, Span], sides: tuple[Side, Side]) -> None:
    """Payment attempts and failures, searches and zero results: two queries."""
    attempts = (
        Payment.objects.filter(spans[0].q("created_at") | spans[1].q("created_at"))
        .exclude(provider=ProviderName.FREE)
        .aggregate(
            now=Count("pk", filter=spans[0].q("created_at")),
            now_failed=Count("pk", filter=spans[0].q("created_at") & Q(state=PaymentState.FAILED)),
            before=Count("pk", filter=spans[1].q("created_at")),
            before_failed=Count("pk", filter=spans[1].q("created_at") & Q(state=PaymentState.FAILED)),
        )
    )
    searches = Event.objects.filter(
        spans[0].q("created_at") | spans[1].q("created_at"), kind=Kind.SEARCH, result_count__isnull=False
    ).aggregate(
        now=Count("pk", filter=spans[0].q("created_at")),
        now_zero=Count("pk", filter=spans[0].q("created_at") & Q(result_count=0)),
        before=Count("pk", filter=spans[1].q("created_at")),
        before_zero=Count("pk", filter=spans[1].q("created_at") & Q(result_count=0)),
    )
    for side, name in zip(sides, ("now", "before"), strict=True):
        side.rates.attempts, side.rates.failed = attempts[name], attempts[f"{name}_failed"]
        side.rates.searches_counted, side.rates.searches_zero = searches[name], searches[f"{name}_zero"]


def _people(spans: tuple[Span, Span], sides: tuple[Side, Side]) -> None:
    """Active schools, active students and sign-ups: three queries."""
    counts: dict[str, Any] = {}
    for name, span in zip(("now", "before"), spans, strict=True):
        booked = Booking.objects.filter(span.q("confirmed_at"), session__school=OuterRef("pk"))
        # On sale at some moment of the period: made before it ended, starting after it began.
        offered = Session.objects.filter(
            school=OuterRef("pk"), course__status=CourseStatus.PUBLISHED,
            starts_at__gte=span.since, created_at__lt=span.until,
        ).exclude(status=SessionStatus.CANCELLED)  # fmt: skip
        counts[name] = Count("pk", filter=Q(Exists(booked)) | Q(Exists(offered)))
    schools = School.objects.aggregate(**counts)
    students = Booking.objects.filter(spans[0].q("confirmed_at") | spans[1].q("confirmed_at")).aggregate(
        now=Count("student", distinct=True, filter=spans[0].q("confirmed_at")),
        before=Count("student", distinct=True, filter=spans[1].q("confirmed_at")),
    )
    joined = (
        get_user_model()
        .objects.filter(spans[0].q("date_joined") | spans[1].q("date_joined"), is_staff=False)
        .aggregate(now=Count("pk", filter=spans[0].q("date_joined")),
                   before=Count("pk", filter=spans[1].q("date_joined")))
    )  # fmt: skip
    for side, name in zip(sides, ("now", "before"), strict=True):
        side.people = People(schools[name], students[name], joined[name])


def _referrals(spans: tuple[Span, Span], sides: tuple[Side, Side]) -> None:
    """The discount reward codes took off paid bookings, per currency: one query."""
    used = (
        reward_redemptions()
        .filter(spans[0].q("created_at") | spans[1].q("created_at"))
        .values("currency")
        .annotate(
            now=Sum("amount", filter=spans[0].q("created_at")),
            now_n=Count("pk", filter=spans[0].q("created_at")),
            before=Sum("amount", filter=spans[1].q("created_at")),
            before_n=Count("pk", filter=spans[1].q("created_at")),
        )
    )
    for code in used:
        currency = code["currency"]
        for side, count, amount in (
            (sides[0], code["now_n"], code["now"]),
            (sides[1], code["before_n"], code["before"]),
        ):
            if count:
                side.referral_cost[currency] = quantize(amount or Decimal(0), currency)
                side.rewards_redeemed += count


def _ranked(rows: dict[str, TopRow]) -> list[TopRow]:
    """The TOP rows with most bookings, then most GMV (in any currency), then by name."""
    ordered = sorted(rows.values(), key=lambda r: r.name.casefold())
    return sorted(ordered, key=lambda r: (r.bookings, sum(r.gmv.values())), reverse=True)[:TOP]


def top_categories(*, span: Span, no_category: str = "") -> list[TopRow]:
    """Categories of the courses booked: four queries (bookings, GMV, names and their translations)."""
    rows: dict[str, TopRow] = {}
    booked = (
        Booking.objects.filter(span.q("confirmed_at")).values("session__course__category_id").annotate(n=Count("pk"))
    )
    for row in booked:
        key = str(row["session__course__category_id"] or "")
        rows.setdefault(key, TopRow(key, "")).bookings += row["n"]
    paid = (
        Payment.objects.filter(span.q("succeeded_at"), state__in=PAID_STATES)
        .values("booking__session__course__category_id", "currency")
        .annotate(gross=Sum("amount"))
    )
    for payment in paid:
        key = str(payment["booking__session__course__category_id"] or "")
        top = rows.setdefault(key, TopRow(key, ""))
        _plus(top.gmv, payment["currency"], payment["gross"])
    ids = [int(key) for key in rows if key]
    names = {str(c.pk): str(c) for c in Category.objects.filter(pk__in=ids).prefetch_related("translations")}
    for key, top in rows.items():
        top.name = names.get(key, "") if key else no_category
    return _ranked(rows)


def top_cities(*, span: Span, online: str = "") -> list[TopRow]:
    """Cities of the sessions booked (a city and its country): two queries."""
    rows: dict[str, TopRow] = {}

    def target(city: str | None, country: str | None) -> TopRow:
        key = f"{country}:{city}" if city else ""
        name = f"{city} ({country})" if city else online
        return rows.setdefault(key, TopRow(key, name))

    booked = (
        Booking.objects.filter(span.q("confirmed_at"))
        .values("session__location__city", "session__location__country")
        .annotate(n=Count("pk"))
    )
    for row in booked:
        target(row["session__location__city"], row["session__location__country"]).bookings += row["n"]
    paid = (
        Payment.objects.filter(span.q("succeeded_at"), state__in=PAID_STATES)
        .values("booking__session__location__city", "booking__session__location__country", "currency")
        .annotate(gross=Sum("amount"))
    )
    for payment in paid:
        place = target(payment["booking__session__location__city"], payment["booking__session__location__country"])
        _plus(place.gmv, payment["currency"], payment["gross"])
    return _ranked(rows)


def zero_result_queries(*, span: Span, limit: int = TOP) -> list[ZeroQuery]:
    """The words searched most often that found nothing, each only once at
    least ZERO_QUERY_MIN_VISITORS visitors searched it, so nobody's own search
    shows. Visitors are counted as accounts or as anonymous sessions, whichever
    are more, never both added: one person may have searched signed out and
    then signed in. One query."""
    found = (
        Event.objects.filter(span.q("created_at"), kind=Kind.SEARCH, result_count=0)
        .exclude(query="")
        .values("query")
        .annotate(
            n=Count("pk"),
            accounts=Count("user", distinct=True),
            sessions=Count("anonymous_id", distinct=True, filter=~Q(anonymous_id="")),
        )
        .filter(Q(accounts__gte=ZERO_QUERY_MIN_VISITORS) | Q(sessions__gte=ZERO_QUERY_MIN_VISITORS))
        .order_by("-n", "query")[:limit]
    )
    return [ZeroQuery(row["query"], row["n"], max(row["accounts"], row["sessions"])) for row in found]


def outbox_health(*, now: datetime) -> QueueHealth:
    """Messages waiting to be sent, being sent, failed, and how long the
    oldest waiting one has waited: one query."""
    waiting = Q(status=OutboxStatus.PENDING)
    row = OutboxMessage.objects.filter(
        status__in=(OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED)
    ).aggregate(
        waiting=Count("pk", filter=waiting),
        running=Count("pk", filter=Q(status=OutboxStatus.SENDING)),
        failed=Count("pk", filter=Q(status=OutboxStatus.FAILED)),
        oldest=Min("created_at", filter=waiting),
    )
    oldest = now - row["oldest"] if row["oldest"] else None
    return QueueHealth(row["waiting"], row["failed"], oldest, running=row["running"])


def task_queue_health(*, now: datetime) -> QueueHealth | None:
    """Tasks queued and due (not those set to run later), running, failed
    (kept a week: core.tasks.prune_finished_tasks), and how long the oldest
    due one has waited since it was queued: one query."""
    if not uses_database_queue():
        return None
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    due = Q(status=TaskResultStatus.READY) & (Q(run_after=get_date_max()) | Q(run_after__lte=now))
    row = DBTaskResult.objects.aggregate(
        waiting=Count("pk", filter=due),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
        oldest=Min("enqueued_at", filter=due),
    )
    oldest = now - row["oldest"] if row["oldest"] else None
    return QueueHealth(row["waiting"], row["failed"], oldest, running=row["running"])
