"""Emails to a school's staff: a new booking, a cancellation, and the daily
digest. Each is written to the outbox (notifications.services.notify) inside
the transaction of the change, one row per staff member, in that member's
language and time zone. Reviews' school-side emails live in
reviews/notifications.py and use the helpers here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coursemarket.accounts.models import User
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.catalog.models import Session
from coursemarket.catalog.selectors import course_text
from coursemarket.notifications.models import Category, OutboxMessage
from coursemarket.notifications.rendering import zone_for
from coursemarket.notifications.services import absolute_url, notify

from .models import Membership, Role, School
from .permissions import Perm, role_has

DIGEST_HOUR = 7  # the digest goes out from 07:00 in each member's time zone
DIGEST_LIST_MAX = 5  # items listed per kind; the counts cover everything


# --- helpers shared with reviews/notifications.py ---------------------------


def school_logo_url(school: School) -> str:
    """The absolute address of the school's logo, or "" when it has none."""
    if not school.logo:
        return ""
    try:
        url = school.logo.url
    except ValueError:
        return ""
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


def school_header(school: School) -> dict[str, Any]:
    """Context that puts the school's name and logo in the email's header."""
    return {"school": school, "school_logo_url": school_logo_url(school)}


def school_staff(school_id: int, permission: Perm, *, exclude: Any = None) -> list[User]:
    """Active staff of the school whose role has `permission`, oldest member first."""
    roles = [role for role in Role.values if role_has(role, permission)]
    members = (
        Membership.objects.filter(school_id=school_id, role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    excluded = getattr(exclude, "pk", None)
    return [m.user for m in members if m.user_id != excluded]


def _roster_url(session: Session, language: str) -> str:
    return absolute_url(
        "bookings:roster", language=language, kwargs={"slug": session.school.slug, "session_id": session.pk}
    )


def _booking_context(booking: Booking, recipient: User) -> dict[str, Any]:
    session = booking.session
    return {
        **school_header(session.school),
        "booking": booking,
        "session": session,
        "student_name": booking.student.name,
        "course_title": course_text(session.course, recipient.language).title,
        "session_zone": session.timezone,
        "roster_url": _roster_url(session, recipient.language),
    }


def _load(booking: Booking) -> Booking:
    """The booking with its student, course and school: as given when the
    caller read them already (the confirming transaction does), else read."""
    loaded = (
        Booking.student.is_cached(booking)
        and Booking.session.is_cached(booking)
        and Session.course.is_cached(booking.session)
        and Session.school.is_cached(booking.session)
    )
    if loaded:
        return booking
    return Booking.objects.select_related("student", "session__course", "session__school").get(pk=booking.pk)


# --- new booking, cancellation ----------------------------------------------


def notify_staff(
    school_id: int,
    permission: Perm,
    *,
    event: str,
    key: str,
    template: str,
    context_for: Callable[[User], dict[str, Any]],
    exclude: Any = None,
) -> int:
    """One school-activity message to each staff member whose role has
    `permission` (but `exclude`), keyed `key:<user id>`, with the context
    `context_for(user)` gives. Returns how many were queued."""
    sent = 0
    for user in school_staff(school_id, permission, exclude=exclude):
        row = notify(
            event=event,
            dedup_key=f"{key}:{user.pk}",
            category=Category.SCHOOL_ACTIVITY,
            template=template,
            context=context_for(user),
            recipient=user,
        )
        sent += row is not None
    return sent


def school_booking_notify(booking: Booking) -> int:
    """Tell the school's booking managers about a new (confirmed) booking.
    Call inside the transaction that confirms it. Returns how many messages
    were queued (0 for an event already told)."""
    booking = _load(booking)
    return notify_staff(
        booking.session.school_id,
        Perm.MANAGE_BOOKINGS,
        event="schools.booking_new",
        key=f"school-booking:{booking.pk}",
        template="schools/email/booking_new",
        context_for=lambda user: _booking_context(booking, user),
        exclude=booking.student,
    )


def school_cancellation_notify(booking: Booking, *, actor: Any = None) -> int:
    """Tell the school's booking managers that a booking was cancelled (by the
    student or by a colleague: `actor`, who is not told of their own act).
    Call inside the cancelling transaction, after the booking is cancelled."""
    booking = _load(booking)
    return notify_staff(
        booking.session.school_id,
        Perm.MANAGE_BOOKINGS,
        event="schools.booking_cancelled",
        key=f"school-cancellation:{booking.pk}",
        template="schools/email/booking_cancelled",
        context_for=lambda user: {**_booking_context(booking, user), "by_school": booking.cancelled_by == "school"},
        exclude=actor,
    )


# --- daily digest ------------------------------------------------------------


def _item(when: datetime | None, title: str, detail: str, amount: Any = None, currency: str = "") -> dict[str, Any]:
    return {"when": when, "title": title, "detail": detail, "amount": amount, "currency": currency}


def digest_window(now: datetime, tz: str) -> tuple[datetime, datetime, str] | None:
    """The day's digest window in zone `tz`: from yesterday 07:00 to today
    07:00 local time (23 or 25 hours across a clock change), and today's local
    date; None before 07:00 (the digest is not due yet)."""
    zone = zone_for(tz)
    local = timezone.localtime(now, zone)
    if local.hour < DIGEST_HOUR:
        return None
    end = datetime.combine(local.date(), time(DIGEST_HOUR), tzinfo=zone)
    start = datetime.combine(local.date() - timedelta(days=1), time(DIGEST_HOUR), tzinfo=zone)
    return start, end, local.date().isoformat()


def school_digest(school: School, start: datetime, end: datetime, language: str) -> dict[str, Any]:
    """What happened at `school` between `start` and `end`: counts of each
    kind and the latest few of each, as plain values (the outbox keeps the
    context as JSON until the worker renders it)."""
    from coursemarket.reviews.models import Review, ReviewStatus

    bookings = Booking.objects.filter(session__school=school).select_related("student", "session__course")
    confirmed = bookings.filter(confirmed_at__gte=start, confirmed_at__lt=end).order_by("-confirmed_at", "-pk")
    cancelled = bookings.filter(
        confirmed_at__isnull=False,
        state__in=[BookingState.CANCELLED, BookingState.REFUNDED],
        cancelled_at__gte=start,
        cancelled_at__lt=end,
    ).order_by("-cancelled_at", "-pk")
    reviews = (
        Review.objects.filter(
            school=school, status=ReviewStatus.PUBLISHED, published_at__gte=start, published_at__lt=end
        )
        .select_related("course")
        .order_by("-published_at", "-pk")
    )
    counts = {"bookings": confirmed.count(), "cancellations": cancelled.count(), "reviews": reviews.count()}
    return {
        "counts": counts,
        "empty": not any(counts.values()),
        "bookings": [
            _item(b.confirmed_at, course_text(b.session.course, language).title, b.student.name, b.total, b.currency)
            for b in confirmed[:DIGEST_LIST_MAX]
        ],
        "cancellations": [
            _item(
                b.cancelled_at,
                course_text(b.session.course, language).title,
                b.student.name,
                b.refunded_amount,
                b.currency,
            )
            for b in cancelled[:DIGEST_LIST_MAX]
        ],
        "reviews": [
            _item(r.published_at, course_text(r.course, language).title, r.title, r.rating)
            for r in reviews[:DIGEST_LIST_MAX]
        ],
    }


def school_digests_send(*, now: datetime | None = None) -> int:
    """Queue today's digest for every opted-in booking manager whose local time
    is past 07:00 and who has not had it yet; nothing when the day was quiet.
    Idempotent: run it hourly."""
    now = now or timezone.now()
    roles = [role for role in Role.values if role_has(role, Perm.MANAGE_BOOKINGS)]
    members = (
        Membership.objects.filter(
            role__in=roles, user__is_active=True, user__notification_preferences__school_digest=True
        )
        .select_related("user", "school")
        .order_by("school_id", "pk")
    )
    digests: dict[tuple[int, datetime, str], dict[str, Any]] = {}
    queued = 0
    for member in members:
        user, school = member.user, member.school
        window = digest_window(now, user.timezone)
        if window is None:
            continue
        start, end, day = window
        key = f"digest:{user.pk}:{school.pk}:{day}"
        if OutboxMessage.objects.filter(dedup_key=key).exists():
            continue
        cache_key = (school.pk, start, user.language)
        if cache_key not in digests:
            digests[cache_key] = school_digest(school, start, end, user.language)
        digest = digests[cache_key]
        if digest["empty"]:
            continue
        with transaction.atomic():
            row = notify(
                event="schools.digest",
                dedup_key=key,
                category=Category.SCHOOL_DIGEST,
                template="schools/email/digest",
                context={
                    **school_header(school),
                    "digest": digest,
                    "start": start,
                    "end": end,
                    "dashboard_url": absolute_url(
                        "bookings:dashboard", language=user.language, kwargs={"slug": school.slug}
                    ),
                    "reviews_url": absolute_url(
                        "reviews:dashboard", language=user.language, kwargs={"slug": school.slug}
                    ),
                },
                recipient=user,
            )
        queued += row is not None
    return queued
