"""The weekly recommendations email, opt-in (Interests.weekly_digest), through
the outbox: one message per student per ISO week (its dedup key), worded in
the student's language, with the same list, rules and reasons as "For you"."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation

from coursemarket.notifications.models import Category
from coursemarket.notifications.services import absolute_url, notify

from . import serving
from .models import Interests

PER_EMAIL = 5


def digests_send(*, now: datetime | None = None) -> int:
    """Queue this week's digest for every student who asked for it and has
    not had one in the last 7 days (idempotent). Returns how many were queued."""
    now = now or timezone.now()
    due = (
        Interests.objects.filter(weekly_digest=True, user__is_active=True)
        .exclude(digest_sent_at__gt=now - timedelta(days=7))
        .select_related("user")
        .prefetch_related("categories")
    )
    sent = 0
    year, week, _day = now.isocalendar()
    for interests in due:
        user = interests.user
        language = user.language or "en"
        with translation.override(language):
            recs = serving.for_student(user, limit=PER_EMAIL, interests=interests)
            items = [
                {
                    "title": r.course.text.title,  # type: ignore[attr-defined]
                    "school": r.course.school.name,
                    "reason": r.reason,
                    "url": absolute_url("catalog:course_detail", language=language, kwargs={"slug": r.course.slug}),
                }
                for r in recs
            ]
        if not items:
            continue
        with transaction.atomic():
            row = notify(
                event="recommendations.digest",
                dedup_key=f"reco-digest:{user.pk}:{year}-{week}",
                category=Category.COURSE_NEWS,
                template="recommendations/email/digest",
                context={
                    "items": items,
                    "url": absolute_url("web:home", language=language),
                    "settings_url": absolute_url("recommendations:interests", language=language),
                },
                recipient=user,
            )
            Interests.objects.filter(pk=interests.pk).update(digest_sent_at=now)
        sent += row is not None
    return sent
