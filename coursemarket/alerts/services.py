"""Saved searches (create, rename, change how often, stop, resume, delete) and
the alerts job that reads them."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coursemarket.audit.services import audit_record
from coursemarket.catalog.models import Course, CourseStatus, CourseTranslation, Session
from coursemarket.catalog.selectors import course_text
from coursemarket.notifications.models import Category, PushKind
from coursemarket.notifications.services import absolute_url, notify

from .models import INTERVAL, AlertedSession, AlertReason, Frequency, FullSessionSeen, SavedSearch, SearchKind
from .selectors import matching_sessions, sessions_for_email

MANAGE_SALT = "alerts.manage"
MAX_PER_PERSON = 50
# Parameters that do not change what a search finds.
NOT_SEARCH = frozenset({"page", "ref", "fbclid", "gclid", "csrfmiddlewaretoken"})


def normalise_query_string(params: QueryDict, **fixed: str) -> str:
    """The listing's query string as saved: parameters sorted, empty ones,
    the page and tracking parameters dropped, `fixed` ones (the category of a
    category page) added."""
    pairs = [
        (key, value.strip())
        for key in params
        if key not in NOT_SEARCH and not key.startswith("utm_")
        for value in params.getlist(key)
        if value.strip()
    ]
    pairs += [(key, value) for key, value in fixed.items() if value]
    query = QueryDict(mutable=True)
    for key, value in sorted(set(pairs)):
        query.appendlist(key, value[:200])
    return query.urlencode()[:1000]


def manage_token(saved: SavedSearch) -> str:
    """A signed link's token: edit or stop this saved search without signing in."""
    return signing.dumps({"s": saved.pk, "u": saved.user_id}, salt=MANAGE_SALT, compress=True)


def read_manage_token(token: str) -> SavedSearch | None:
    try:
        data = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("u"), int):
        return None
    return SavedSearch.objects.filter(pk=data["s"], user_id=data["u"]).select_related("user").first()


def _check_room(user: Any) -> None:
    if SavedSearch.objects.filter(user=user).count() >= MAX_PER_PERSON:
        message = ngettext(
            "You can keep up to %(n)s saved search. Delete one to save another.",
            "You can keep up to %(n)s saved searches. Delete one to save another.",
            MAX_PER_PERSON,
        )
        raise ValidationError(message % {"n": MAX_PER_PERSON})


def saved_search_create(*, user: Any, name: str, query_string: str, frequency: str) -> SavedSearch:
    """Save a listing search with alerts. News is what is published from now on."""
    if frequency not in Frequency.values:
        raise ValidationError(_("Choose how often to get alerts."))
    with transaction.atomic():
        _check_room(user)
        saved = SavedSearch.objects.create(
            user=user,
            kind=SearchKind.SEARCH,
            name=name.strip()[:100],
            query_string=normalise_query_string(QueryDict(query_string)),
            frequency=frequency,
        )
        audit_record(actor=user, action="alerts.saved_search_created", target=saved)
    return saved


def saved_search_watch_course(*, user: Any, course: Course) -> tuple[SavedSearch, bool]:
    """ "Notify me": an instant alert for the course's next session. Returns
    (the watch, whether it is new); watching twice changes nothing."""
    if course.status != CourseStatus.PUBLISHED:
        raise ValidationError(_("This course is not open for alerts."))
    existing = SavedSearch.objects.filter(user=user, kind=SearchKind.COURSE, course=course).first()
    if existing is not None:
        if not existing.active:
            saved_search_resume(saved=existing, actor=user)
        return existing, False
    try:
        with transaction.atomic():
            _check_room(user)
            saved = SavedSearch.objects.create(
                user=user,
                kind=SearchKind.COURSE,
                course=course,
                name=course_text(course, user.language or None).title[:100],
                frequency=Frequency.INSTANT,
            )
            audit_record(actor=user, action="alerts.course_watched", target=saved)
    except IntegrityError:  # a double click: the other request made it
        return SavedSearch.objects.get(user=user, kind=SearchKind.COURSE, course=course), False
    return saved, True


def saved_search_update(*, saved: SavedSearch, actor: Any, name: str, frequency: str) -> SavedSearch:
    if frequency not in Frequency.values:
        raise ValidationError(_("Choose how often to get alerts."))
    name = name.strip()[:100]
    if not name:
        raise ValidationError(_("Give the search a name."))
    with transaction.atomic():
        before = {"name": saved.name, "frequency": saved.frequency}
        saved.name, saved.frequency = name, frequency
        saved.save(update_fields=["name", "frequency"])
        audit_record(actor=actor, action="alerts.saved_search_changed", target=saved, changes={"before": before})
    return saved


def saved_search_stop(*, saved: SavedSearch, actor: Any) -> SavedSearch:
    with transaction.atomic():
        saved.active = False
        saved.save(update_fields=["active"])
        audit_record(actor=actor, action="alerts.saved_search_stopped", target=saved)
    return saved


def saved_search_resume(*, saved: SavedSearch, actor: Any) -> SavedSearch:
    """Alerts again, about what is published from now on (not what came meanwhile)."""
    with transaction.atomic():
        saved.active = True
        saved.baseline_at = timezone.now()
        saved.last_run_at = None
        saved.save(update_fields=["active", "baseline_at", "last_run_at"])
        audit_record(actor=actor, action="alerts.saved_search_resumed", target=saved)
    return saved


def saved_search_delete(*, saved: SavedSearch, actor: Any) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="alerts.saved_search_deleted", target=saved)
        saved.delete()


# --- the alerts job -----------------------------------------------------------


@dataclass
class _Found:
    saved: SavedSearch
    items: list[tuple[Session, str]] = field(default_factory=list)  # (session, reason)


def _news(saved: SavedSearch, *, now: datetime) -> list[tuple[Session, str]]:
    """What this saved search has to say now: sessions published since its
    baseline (with a seat), and sessions seen full that have a seat again;
    never one already announced for the same reason. Records the sessions
    it sees full."""
    matches = matching_sessions(saved, now=now)
    if not matches:
        return []
    ids = [m.session_id for m in matches]
    alerted = set(
        AlertedSession.objects.filter(saved_search=saved, session_id__in=ids).values_list("session_id", "reason")
    )
    seen_full = set(
        FullSessionSeen.objects.filter(saved_search=saved, session_id__in=ids).values_list("session_id", flat=True)
    )
    news: list[tuple[int, str]] = []
    newly_full: list[FullSessionSeen] = []
    for match in matches:
        pk = match.session_id
        if match.seats_left <= 0:
            if pk not in seen_full:
                newly_full.append(FullSessionSeen(saved_search=saved, session_id=pk, seen_at=now))
            continue
        if pk in seen_full:
            if (pk, AlertReason.FREED) not in alerted:
                news.append((pk, AlertReason.FREED))
            continue
        if match.published_at > saved.baseline_at and (pk, AlertReason.NEW) not in alerted:
            news.append((pk, AlertReason.NEW))
    FullSessionSeen.objects.bulk_create(newly_full, ignore_conflicts=True)
    if not news:
        return []
    sessions = sessions_for_email([pk for pk, _reason in news])
    return [(sessions[pk], reason) for pk, reason in news if pk in sessions]


def alerts_send(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Run every due saved search; send each person one email listing what is
    new across their due searches. Returns the number of emails queued.

    Safe to re-run and to run in two workers: what was sent is recorded in the
    email's own transaction (AlertedSession, unique per search, session and
    reason), and the email's outbox key is made of exactly those items."""
    now = now or timezone.now()
    due = Q(last_run_at__isnull=True) | Q(frequency=Frequency.INSTANT)
    for frequency in (Frequency.DAILY, Frequency.WEEKLY):
        due |= Q(frequency=frequency, last_run_at__lte=now - INTERVAL[frequency])
    candidates = (
        SavedSearch.objects.filter(due, active=True, user__is_active=True)
        .select_related("user", "course")
        .order_by("user_id", "pk")[:limit]
    )
    per_person: dict[int, list[_Found]] = defaultdict(list)
    ran: list[int] = []
    for saved in candidates:
        if not saved.is_due(now):
            continue
        ran.append(saved.pk)
        news = _news(saved, now=now)
        if news:
            per_person[saved.user_id].append(_Found(saved, news))
    sent = 0
    for found in per_person.values():
        with transaction.atomic():
            if _send(found, now=now):
                sent += 1
    SavedSearch.objects.filter(pk__in=ran).update(last_run_at=now)
    return sent


def _attach_texts(courses: list[Course], language: str) -> None:
    """The courses' texts in the recipient's language, one query for the email
    (course_text reads what is attached)."""
    courses = [course for course in courses if course.language != language]  # the others are in their own
    if not courses:
        return
    texts: dict[int, list[CourseTranslation]] = defaultdict(list)
    for text in CourseTranslation.objects.filter(course_id__in={c.pk for c in courses}, language=language):
        texts[text.course_id].append(text)
    for course in courses:
        course._texts = texts[course.pk]  # type: ignore[attr-defined]


def _send(found: list[_Found], *, now: datetime) -> bool:
    rows = [
        AlertedSession(saved_search=entry.saved, session=session, reason=reason, sent_at=now)
        for entry in found
        for session, reason in entry.items
    ]
    AlertedSession.objects.bulk_create(rows, ignore_conflicts=True)
    FullSessionSeen.objects.filter(
        saved_search__in=[entry.saved for entry in found],
        session_id__in=[s.pk for entry in found for s, reason in entry.items if reason == AlertReason.FREED],
    ).delete()
    user = found[0].saved.user
    language = user.language or ""
    _attach_texts([session.course for entry in found for session, _reason in entry.items], language)
    searches = []
    for entry in found:
        items = []
        for session, reason in entry.items:
            course = session.course
            items.append(
                {
                    "title": course_text(course, language or None).title,
                    "school": course.school.name,
                    "url": absolute_url(
                        "catalog:course_detail", language=language or "en", kwargs={"slug": course.slug}
                    ),
                    "starts_at": session.starts_at,
                    "timezone": session.timezone,
                    "place": _("Online") if session.is_online else (session.location.city if session.location else ""),
                    "price": session.price_override if session.price_override is not None else course.price,
                    "currency": course.currency,
                    "freed": reason == AlertReason.FREED,
                }
            )
        searches.append(
            {
                "name": entry.saved.name,
                "is_course": entry.saved.kind == SearchKind.COURSE,
                "manage_url": absolute_url(
                    "alerts:manage", language=language or "en", kwargs={"token": manage_token(entry.saved)}
                ),
                "items": items,
            }
        )
    first_items = searches[0]["items"] if searches else []
    first_url = first_items[0]["url"] if isinstance(first_items, list) and first_items else ""
    key = hashlib.sha256(
        ",".join(sorted(f"{r.saved_search_id}:{r.session_id}:{r.reason}" for r in rows)).encode()
    ).hexdigest()[:32]
    notify(
        event="alerts.new_sessions",
        dedup_key=f"alerts:{user.pk}:{key}",
        category=Category.SEARCH_ALERTS,
        template="alerts/email/alert",
        # "url": where a push notification leads (the first course found).
        context={"searches": searches, "count": len(rows), "url": first_url},
        recipient=user,
        push=PushKind.SEARCH_ALERTS,
    )
    SavedSearch.objects.filter(pk__in=[entry.saved.pk for entry in found]).update(last_sent_at=now)
    return True
