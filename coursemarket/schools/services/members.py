"""Staff: invitations, accepting and declining them, roles, removal, leaving.

Invariant: a school always has at least one owner. The owner rows are locked
(SELECT … FOR UPDATE) before any change that could remove the last one, so
two owners leaving at the same moment cannot both succeed."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.notifications.models import Category
from coursemarket.notifications.services import absolute_url, notify

from ..models import Instructor, Invitation, Membership, Role, School
from ..permissions import Perm, role_has, roles_inviter_may_grant
from ..selectors import user_emails
from ._common import require

INVITATION_LIFETIME = timedelta(days=7)


def _owner_count_locked(school: School) -> int:
    return len(list(Membership.objects.select_for_update().filter(school=school, role=Role.OWNER).values_list("pk")))


def _last_owner_error() -> ValidationError:
    return ValidationError(_("A school needs at least one owner. Make someone else an owner first."), code="last_owner")


def invitation_url(invitation: Invitation) -> str:
    """The invitee's page for answering, in the invitation's language."""
    return absolute_url("schools:invitation_detail", language=invitation.language, kwargs={"token": invitation.token})


def _notify_invitation(invitation: Invitation) -> None:
    """The invitation email, written to the outbox in the invitation's
    transaction. Each invitation (a resend is a new one) is one message."""
    from ..notifications import school_logo_url

    school = invitation.school
    inviter = invitation.invited_by
    notify(
        event="schools.invitation",
        dedup_key=f"invitation:{invitation.pk}",
        category=Category.TRANSACTIONAL,
        template="schools/email/invitation",
        context={
            "invitation": invitation,
            "school": school,
            "school_logo_url": school_logo_url(school),
            "inviter": inviter.name if inviter else school.name,
            "url": invitation_url(invitation),
        },
        to_email=invitation.email,
        language=invitation.language,
    )


@transaction.atomic
def invitation_create(
    *, actor: Any, school: School, email: str, role: str, instructor: Instructor | None = None
) -> Invitation:
    """Invite `email` to join the school's staff with `role`. An open
    invitation to the same address is replaced."""
    membership = require(actor=actor, school=school, perm=Perm.VIEW_DASHBOARD)
    allowed = roles_inviter_may_grant(membership.role)
    if not allowed:
        raise PermissionDenied
    if role not in allowed:
        if role in Role.values:
            raise PermissionDenied
        raise ValidationError({"role": _("Choose a role from the list.")})
    email = (email or "").strip().lower()
    from django.core.validators import validate_email

    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Enter a valid email address.")}) from exc
    if Membership.objects.filter(school=school, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the school.")})
    if instructor is not None and instructor.school_id != school.pk:
        raise PermissionDenied
    now = timezone.now()
    Invitation.objects.filter(
        school=school, email__iexact=email, accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation = Invitation.objects.create(
        school=school,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        expires_at=now + INVITATION_LIFETIME,
        language=(translation.get_language() or "en").split("-")[0],
        instructor=instructor,
    )
    audit_record(
        actor=actor,
        action="invitation.create",
        target=invitation,
        school_id=school.pk,
        changes={"email": email, "role": role},
    )
    _notify_invitation(invitation)
    return invitation


def _require_inviter_for(actor: Any, invitation: Invitation) -> None:
    membership = require(actor=actor, school=invitation.school, perm=Perm.VIEW_DASHBOARD)
    if invitation.role not in roles_inviter_may_grant(membership.role):
        raise PermissionDenied


@transaction.atomic
def invitation_revoke(*, actor: Any, invitation: Invitation) -> Invitation:
    _require_inviter_for(actor, invitation)
    fresh = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if fresh.accepted_at or fresh.declined_at or fresh.revoked_at:
        raise ValidationError(_("This invitation has already been answered or withdrawn."))
    fresh.revoked_at = timezone.now()
    fresh.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor, action="invitation.revoke", target=fresh, school_id=fresh.school_id, changes={"email": fresh.email}
    )
    return fresh


@transaction.atomic
def invitation_resend(*, actor: Any, invitation: Invitation) -> Invitation:
    """A fresh link with a fresh expiry for an open (or expired) invitation."""
    _require_inviter_for(actor, invitation)
    return invitation_create(
        actor=actor,
        school=invitation.school,
        email=invitation.email,
        role=invitation.role,
        instructor=invitation.instructor,
    )


def _check_answerable(invitation: Invitation, user: Any) -> None:
    if invitation.revoked_at:
        raise ValidationError(_("This invitation was withdrawn by the school."), code="revoked")
    if invitation.accepted_at or invitation.declined_at:
        raise ValidationError(_("This invitation has already been used."), code="used")
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired. Ask the school to send you a new one."), code="expired")
    if invitation.email.lower() not in user_emails(user):
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to answer it.")
            % {"email": invitation.email},
            code="wrong_user",
        )


@transaction.atomic
def invitation_accept(*, user: Any, invitation: Invitation) -> Membership:
    """The invitee joins the school with the invited role. An instructor gets
    the invited instructor profile linked, or a new one in their name."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    fresh = (
        Invitation.objects.select_for_update(of=("self",)).select_related("school", "instructor").get(pk=invitation.pk)
    )
    _check_answerable(fresh, user)
    if Membership.objects.filter(school=fresh.school, user=user).exists():
        raise ValidationError(_("You are already a member of this school."), code="already_member")
    membership = Membership.objects.create(school=fresh.school, user=user, role=fresh.role)
    fresh.accepted_at = timezone.now()
    fresh.accepted_by = user
    fresh.save(update_fields=["accepted_at", "accepted_by"])
    if fresh.role == Role.INSTRUCTOR:
        _link_instructor_profile(fresh, user)
    audit_record(
        actor=user,
        action="invitation.accept",
        target=fresh,
        school_id=fresh.school_id,
        changes={"role": fresh.role},
    )
    return membership


def _link_instructor_profile(invitation: Invitation, user: Any) -> None:
    from .instructors import instructor_slug_suggestion

    if Instructor.objects.filter(school=invitation.school, user=user).exists():
        return
    profile = invitation.instructor
    if profile is not None and profile.user_id is None:
        profile.user = user
        profile.save(update_fields=["user", "updated_at"])
        return
    Instructor.objects.create(
        school=invitation.school,
        user=user,
        name=user.name,
        slug=instructor_slug_suggestion(name=user.name),
        languages=[getattr(user, "language", "en")],
    )


@transaction.atomic
def invitation_decline(*, user: Any, invitation: Invitation) -> Invitation:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    fresh = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_answerable(fresh, user)
    fresh.declined_at = timezone.now()
    fresh.save(update_fields=["declined_at"])
    audit_record(actor=user, action="invitation.decline", target=fresh, school_id=fresh.school_id)
    return fresh


@transaction.atomic
def membership_change_role(*, actor: Any, membership: Membership, role: str) -> Membership:
    require(actor=actor, school=membership.school, perm=Perm.MANAGE_MEMBERS)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    fresh = Membership.objects.select_for_update().get(pk=membership.pk)
    if fresh.role == role:
        return fresh
    if fresh.role == Role.OWNER and _owner_count_locked(fresh.school) <= 1:
        raise _last_owner_error()
    before = fresh.role
    fresh.role = role
    fresh.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="membership.change_role",
        target=fresh,
        school_id=fresh.school_id,
        changes={"role": {"before": before, "after": role}, "user": fresh.user_id},
    )
    return fresh


def _remove(actor: Any, membership: Membership, action: str) -> None:
    fresh = Membership.objects.select_for_update().get(pk=membership.pk)
    if fresh.role == Role.OWNER and _owner_count_locked(fresh.school) <= 1:
        raise _last_owner_error()
    # The school keeps its instructor profiles; they are no longer the person's to edit.
    Instructor.objects.filter(school_id=fresh.school_id, user_id=fresh.user_id).update(user=None)
    audit_record(
        actor=actor,
        action=action,
        target=fresh,
        school_id=fresh.school_id,
        changes={"user": fresh.user_id, "role": fresh.role},
    )
    fresh.delete()


@transaction.atomic
def membership_remove(*, actor: Any, membership: Membership) -> None:
    """The owner removes a member (themself included, unless the last owner)."""
    require(actor=actor, school=membership.school, perm=Perm.MANAGE_MEMBERS)
    _remove(actor, membership, "membership.remove")


@transaction.atomic
def membership_leave(*, user: Any, school: School) -> None:
    """A member leaves the school; the last owner cannot."""
    membership = require(actor=user, school=school, perm=Perm.VIEW_DASHBOARD)
    _remove(user, membership, "membership.leave")


def may_manage_invitation(*, role: str | None, invitation: Invitation) -> bool:
    return invitation.role in roles_inviter_may_grant(role) and role_has(role, Perm.VIEW_DASHBOARD)
