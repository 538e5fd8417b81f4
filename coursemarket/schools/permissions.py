"""Who may do what in a school: one role → permissions matrix.

Every dashboard page and every service asks ``role_has(role, perm)`` (via
``selectors.school_for_staff`` or ``services._require``). Later apps add
their permissions here (courses, bookings, reviews, analytics, finance)."""

from __future__ import annotations

from enum import StrEnum

from .models import Role


class Perm(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    EDIT_PROFILE = "edit_profile"  # profile and branding
    MANAGE_LOCATIONS = "manage_locations"  # locations and rooms
    MANAGE_INSTRUCTORS = "manage_instructors"  # every instructor profile of the school
    INVITE_INSTRUCTORS = "invite_instructors"  # invitations with the instructor role
    MANAGE_MEMBERS = "manage_members"  # invite any role, change roles, remove members
    DELETE_SCHOOL = "delete_school"
    # For the catalog and later issues:
    MANAGE_COURSES = "manage_courses"
    MANAGE_BOOKINGS = "manage_bookings"
    # Check people in at the door (every session of the school). Instructors
    # lack it but check in the sessions they teach: an object-level rule,
    # see bookings.services.checkin.can_check_in; the door sees no payments.
    CHECK_IN = "check_in"
    MANAGE_REVIEWS = "manage_reviews"
    VIEW_ANALYTICS = "view_analytics"
    MANAGE_FINANCE = "manage_finance"


_MANAGER = frozenset(
    {
        Perm.VIEW_DASHBOARD,
        Perm.EDIT_PROFILE,
        Perm.MANAGE_LOCATIONS,
        Perm.MANAGE_INSTRUCTORS,
        Perm.INVITE_INSTRUCTORS,
        Perm.MANAGE_COURSES,
        Perm.MANAGE_BOOKINGS,
        Perm.CHECK_IN,
        Perm.MANAGE_REVIEWS,
        Perm.VIEW_ANALYTICS,
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.OWNER: frozenset(Perm),
    Role.MANAGER: _MANAGER,
    # Instructors see the overview and edit their own instructor profile
    # (an object-level rule: see selectors.can_edit_instructor).
    Role.INSTRUCTOR: frozenset({Perm.VIEW_DASHBOARD}),
}


def role_has(role: str | None, perm: Perm) -> bool:
    return role is not None and perm in ROLE_PERMISSIONS.get(role, frozenset())


def roles_inviter_may_grant(role: str | None) -> list[str]:
    """The roles someone with `role` may hand out in an invitation."""
    if role_has(role, Perm.MANAGE_MEMBERS):
        return [Role.OWNER, Role.MANAGER, Role.INSTRUCTOR]
    if role_has(role, Perm.INVITE_INSTRUCTORS):
        return [Role.INSTRUCTOR]
    return []
