"""Whether the signed-in person is school staff, for the header's "My schools".

The header is on every page, so the answer must not cost a query on every
page: it is kept in the person's session. It is worked out once (one query,
the first time a page asks after signing in) and corrected whenever a page
learns it anyway: every school dashboard page (the person is staff there)
and "My schools" (which lists their schools). Signing out empties the
session. A membership ended by someone else shows until the person next
opens "My schools" or signs in again; the link then leads to an honest,
empty list.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Membership

SESSION_KEY = "schools_is_staff"


def remember_school_staff(request: HttpRequest, is_staff: bool) -> None:
    """Record what a page just learned about the person (writes the session only on a change)."""
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) is not is_staff:
        session[SESSION_KEY] = is_staff


def is_school_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    known = request.session.get(SESSION_KEY)
    if isinstance(known, bool):
        return known
    is_staff = Membership.objects.filter(user=user).exists()
    remember_school_staff(request, is_staff)
    return is_staff


def school_staff(request: HttpRequest) -> dict[str, Any]:
    """`is_school_staff` in every template, asked only when a template uses it."""
    return {"is_school_staff": lambda: is_school_staff(request)}
