"""Writes for the compare tray: add, remove, clear, and the merge of an
anonymous visitor's tray into their account when they sign in.

A signed-in person's tray is their `TrayItem` rows; an anonymous visitor's is
a list of course ids in their session (`SESSION_KEY`). Either holds at most
`TRAY_LIMIT` published courses; a fifth is refused with a message and
changes nothing. The tray is a private list of bookmarks, so its changes are
not written to the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils.translation import gettext as _

from coursemarket.catalog.models import Course, CourseStatus

from .models import TRAY_LIMIT, TrayItem
from .slugs import is_slug

SESSION_KEY = "compare_tray"


class TrayError(Exception):
    """A change the tray refuses; `message` is translated, for the visitor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _session_ids(session: SessionBase) -> list[int]:
    raw = session.get(SESSION_KEY, [])
    if not isinstance(raw, list):
        return []
    return [value for value in raw if isinstance(value, int)][:TRAY_LIMIT]


def tray_ids(*, user: Any, session: SessionBase) -> list[int]:
    """The ids of the courses in the tray, in the order they were added."""
    if _signed_in(user):
        return list(TrayItem.objects.filter(user=user).order_by("added_at", "id").values_list("course_id", flat=True))
    return _session_ids(session)


def _published(slug: str) -> Course:
    course = Course.objects.filter(slug=slug, status=CourseStatus.PUBLISHED).first() if is_slug(slug) else None
    if course is None:
        raise TrayError(_("This course cannot be compared: it does not exist or is no longer published."))
    return course


def tray_add(*, user: Any, session: SessionBase, slug: str) -> Course:
    """Put a published course in the tray (already there: nothing changes)."""
    course = _published(slug)
    full = _("You can compare up to four courses. Remove one to add another.")
    if _signed_in(user):
        with transaction.atomic():
            # One tray per person: lock their rows so two tabs cannot add a fifth together.
            ids = list(TrayItem.objects.select_for_update().filter(user=user).values_list("course_id", flat=True))
            if course.id in ids:
                return course
            if len(ids) >= TRAY_LIMIT:
                raise TrayError(full)
            TrayItem.objects.create(user=user, course=course)
        return course
    ids = _session_ids(session)
    if course.id in ids:
        return course
    if len(ids) >= TRAY_LIMIT:
        raise TrayError(full)
    session[SESSION_KEY] = [*ids, course.id]
    return course


def tray_remove(*, user: Any, session: SessionBase, slug: str) -> None:
    """Take a course out of the tray (not there, or unknown: nothing changes)."""
    if not is_slug(slug):
        return
    if _signed_in(user):
        TrayItem.objects.filter(user=user, course__slug=slug).delete()
        return
    course_id = Course.objects.filter(slug=slug).values_list("id", flat=True).first()
    ids = _session_ids(session)
    if course_id in ids:
        session[SESSION_KEY] = [value for value in ids if value != course_id]


def tray_clear(*, user: Any, session: SessionBase) -> None:
    if _signed_in(user):
        TrayItem.objects.filter(user=user).delete()
    if SESSION_KEY in session:
        del session[SESSION_KEY]


def tray_merge_on_sign_in(*, user: Any, session: SessionBase) -> int:
    """Move the anonymous tray into the account that just signed in: the
    account's courses first, then the session's, up to TRAY_LIMIT published
    courses. Returns how many did not fit (0 when all did)."""
    ids = _session_ids(session)
    if SESSION_KEY in session:
        del session[SESSION_KEY]
    if not ids:
        return 0
    published = set(Course.objects.filter(id__in=ids, status=CourseStatus.PUBLISHED).values_list("id", flat=True))
    with transaction.atomic():
        have = list(TrayItem.objects.select_for_update().filter(user=user).values_list("course_id", flat=True))
        wanted = [course_id for course_id in ids if course_id in published and course_id not in have]
        room = max(TRAY_LIMIT - len(have), 0)
        TrayItem.objects.bulk_create([TrayItem(user=user, course_id=course_id) for course_id in wanted[:room]])
    return max(len(wanted) - room, 0)
