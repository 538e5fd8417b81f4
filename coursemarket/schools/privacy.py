"""What the schools app holds about a person, for data export and account
deletion (called by the accounts app).

Decision on erasure: an instructor profile linked to the account is the
school's record of who taught its sessions (the catalog points at it), so it
is not deleted; it is unlinked from the account, hidden from public pages,
and stripped of what presents the person (photo, biography, headline, social
links, credentials). The name stays, for the school's own history of who
taught what. Memberships are removed. Invitations addressed to the user are
deleted (they hold the email); invitations the user sent or accepted stay
with the school without the link to the user. The audit trail keeps the
user id only.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record

from .models import Instructor, Invitation, Membership, Role
from .selectors import user_emails


def export_user_data(*, user: Any) -> dict[str, Any]:
    emails = sorted(user_emails(user))
    memberships = Membership.objects.filter(user=user).select_related("school")
    received = Invitation.objects.filter(email__in=emails).select_related("school")
    sent = Invitation.objects.filter(invited_by=user).select_related("school")
    profiles = Instructor.objects.filter(user=user).select_related("school").prefetch_related("credentials")
    return {
        "memberships": [
            {"school": m.school.name, "school_slug": m.school.slug, "role": m.role, "since": m.created_at.isoformat()}
            for m in memberships
        ],
        "invitations_received": [
            {
                "school": i.school.name,
                "email": i.email,
                "role": i.role,
                "sent_at": i.created_at.isoformat(),
                "status": str(i.status),
            }
            for i in received
        ],
        "invitations_sent": [
            {
                "school": i.school.name,
                "email": i.email,
                "role": i.role,
                "sent_at": i.created_at.isoformat(),
                "status": str(i.status),
            }
            for i in sent
        ],
        "instructor_profiles": [
            {
                "school": p.school.name,
                "name": p.name,
                "slug": p.slug,
                "headline": p.headline,
                "bio": p.bio,
                "languages": p.languages,
                "years_experience": p.years_experience,
                "website": p.website,
                "linkedin_url": p.linkedin_url,
                "instagram_url": p.instagram_url,
                "youtube_url": p.youtube_url,
                "credentials": [
                    {"kind": c.kind, "title": c.title, "issuer": c.issuer, "year": c.year} for c in p.credentials.all()
                ],
            }
            for p in profiles
        ],
    }


def erasure_blockers(*, user: Any) -> list[str]:
    """Reasons the account cannot be deleted yet (translated), e.g. being the
    only owner of a school: someone must take it over, or the school be deleted."""
    owned = (
        Membership.objects.filter(user=user, role=Role.OWNER)
        .annotate(owners=Count("school__memberships", filter=Q(school__memberships__role=Role.OWNER)))
        .filter(owners=1)
        .select_related("school")
    )
    return [
        _(
            "You are the only owner of %(school)s. Make another member an owner, or delete the school, "
            "before deleting your account."
        )
        % {"school": membership.school.name}
        for membership in owned
    ]


@transaction.atomic
def erase_user_data(*, user: Any) -> None:
    """Remove the person from every school. Call erasure_blockers first: this
    refuses to leave a school without an owner."""
    blockers = erasure_blockers(user=user)
    if blockers:
        raise ValueError(blockers[0])
    emails = user_emails(user)
    for membership in Membership.objects.filter(user=user):
        audit_record(
            actor=None,
            action="membership.erase",
            target=membership,
            school_id=membership.school_id,
            changes={"user": user.pk},
        )
    Membership.objects.filter(user=user).delete()
    profiles = list(Instructor.objects.filter(user=user))
    for profile in profiles:
        if profile.photo:
            profile.photo.delete(save=False)
        profile.credentials.all().delete()
    Instructor.objects.filter(pk__in=[p.pk for p in profiles]).update(
        user=None,
        is_active=False,
        photo="",
        headline="",
        bio="",
        website="",
        linkedin_url="",
        instagram_url="",
        youtube_url="",
    )
    Invitation.objects.filter(email__in=emails).delete()
    Invitation.objects.filter(invited_by=user).update(invited_by=None)
    Invitation.objects.filter(accepted_by=user).update(accepted_by=None)
