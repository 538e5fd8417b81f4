"""Emails to a school's staff, and the daily digest. Each is written to the
outbox (notifications.services.notify) inside the transaction of the change,
one row per staff member, in that member's language and time zone.

Schools sits below the apps whose events its staff hear of, so it never
imports them: bookings words "a new booking" and "a cancellation"
(bookings/notifications.py) and reviews its review emails
(reviews/notifications.py), both with the helpers here (`notify_staff`,
`school_header`); what the digest counts comes from the apps that register a
section in `digest_sections` in their AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

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


def school_staff(school_id: int, permission: Perm, *, exclude: Any = None) -> list[Any]:
    """Active staff of the school whose role has `permission`, oldest member first."""
    roles = [role for role in Role.values if role_has(role, permission)]
    members = (
        Membership.objects.filter(school_id=school_id, role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    excluded = getattr(exclude, "pk", None)
    return [m.user for m in members if m.user_id != excluded]


# --- messages to staff -------------------------------------------------------


def notify_staff(
    school_id: int,
    permission: Perm,
    *,
    event: str,
    key: str,
    template: str,
    context_for: Callable[[Any], dict[str, Any]],
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


# --- daily digest ------------------------------------------------------------


def digest_item(
    when: datetime | None, title: str, detail: str, amount: Any = None, currency: str = ""
) -> dict[str, Any]:
    """One line of a digest list, as plain values."""
    return {"when": when, "title": title, "detail": detail, "amount": amount, "currency": currency}


# kind ("bookings") -> (how many in the window, the latest few as digest_item()s)
DigestCounts = dict[str, tuple[int, list[dict[str, Any]]]]
DigestSection = Callable[[School, datetime, datetime, str], DigestCounts]


class DigestSections:
    """What the apps above schools count in the digest: each registers, once
    in its AppConfig.ready(), a function that gives its kinds for a school,
    a window and a language, kept in `order` (smaller first). The digest
    template words each kind by name (bookings, cancellations, reviews).

        digest_sections.register(booking_digest, order=10)
    """

    def __init__(self) -> None:
        self._entries: list[tuple[int, DigestSection]] = []

    def register(self, section: DigestSection, *, order: int) -> None:
        """Add `section`; registering the same function again changes nothing."""
        if all(existing is not section for _order, existing in self._entries):
            self._entries.append((order, section))
            self._entries.sort(key=lambda entry: entry[0])

    def entries(self) -> list[tuple[int, DigestSection]]:
        return list(self._entries)


digest_sections = DigestSections()


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
    counts: dict[str, int] = {}
    latest: dict[str, list[dict[str, Any]]] = {}
    for _order, section in digest_sections.entries():
        for kind, (count, items) in section(school, start, end, language).items():
            counts[kind] = count
            latest[kind] = items
    return {"counts": counts, "empty": not any(counts.values()), **latest}


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
