"""Writes for the schools domain. Every service is keyword-only, runs in a
transaction, checks the actor's permission, and writes an audit entry.

Import from here: ``from coursemarket.schools.services import school_create``.
"""

from ._common import require
from .instructors import (
    credential_create,
    credential_delete,
    credential_update,
    instructor_create,
    instructor_delete,
    instructor_slug_suggestion,
    instructor_update,
)
from .locations import location_create, location_delete, location_update, room_create, room_delete, room_update
from .members import (
    INVITATION_LIFETIME,
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_resend,
    invitation_revoke,
    may_manage_invitation,
    membership_change_role,
    membership_leave,
    membership_remove,
    user_emails,
)
from .schools import school_create, school_delete, school_set_verified, school_slug_suggestion, school_update

__all__ = [
    "INVITATION_LIFETIME",
    "credential_create",
    "credential_delete",
    "credential_update",
    "instructor_create",
    "instructor_delete",
    "instructor_slug_suggestion",
    "instructor_update",
    "invitation_accept",
    "invitation_create",
    "invitation_decline",
    "invitation_resend",
    "invitation_revoke",
    "location_create",
    "location_delete",
    "location_update",
    "may_manage_invitation",
    "membership_change_role",
    "membership_leave",
    "membership_remove",
    "require",
    "room_create",
    "room_delete",
    "room_update",
    "school_create",
    "school_delete",
    "school_set_verified",
    "school_slug_suggestion",
    "school_update",
    "user_emails",
]
