"""Reads for the schools domain. Every school-scoped read for staff goes
through ``staff_access``/``school_for_staff`` so that it is scoped to a school
the user belongs to, with the permission the page needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from .models import Instructor, InstructorCredential, Invitation, Location, Membership, Role, Room, School
from .permissions import Perm, role_has


@dataclass(frozen=True)
class SchoolAccess:
    school: School
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    def can(self, perm: Perm) -> bool:
        return role_has(self.membership.role, perm)


def membership_for(*, user: Any, school: School) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(school=school, user=user).first()


def staff_access(*, user: Any, slug: str, permission: Perm = Perm.VIEW_DASHBOARD) -> SchoolAccess:
    """The school `slug` and the user's membership in it, if the user may `permission`.

    Not a member (or no such school) → Http404: staff pages of other schools do
    not exist for you. A member whose role lacks the permission → PermissionDenied.
    """
    if not getattr(user, "is_authenticated", False):
        raise Http404
    membership = Membership.objects.select_related("school").filter(school__slug=slug, user=user).first()
    if membership is None:
        raise Http404
    if not role_has(membership.role, permission):
        raise PermissionDenied
    return SchoolAccess(school=membership.school, membership=membership)


def school_for_staff(*, user: Any, slug: str, permission: Perm = Perm.VIEW_DASHBOARD) -> School:
    return staff_access(user=user, slug=slug, permission=permission).school


def user_can(*, user: Any, school: School, permission: Perm) -> bool:
    membership = membership_for(user=user, school=school)
    return membership is not None and role_has(membership.role, permission)


def can_edit_instructor(*, user: Any, instructor: Instructor, role: str | None) -> bool:
    """Owners and managers edit every instructor of their school; an instructor
    edits the profile linked to their own account."""
    if role_has(role, Perm.MANAGE_INSTRUCTORS):
        return True
    return role is not None and instructor.user_id is not None and instructor.user_id == getattr(user, "pk", None)


def schools_for_user(*, user: Any) -> QuerySet[School]:
    """The schools the user is staff of, each annotated with `viewer_role`."""
    if not getattr(user, "is_authenticated", False):
        return School.objects.none()
    from django.db.models import OuterRef, Subquery

    role = Membership.objects.filter(school=OuterRef("pk"), user=user).values("role")[:1]
    return (
        School.objects.filter(memberships__user=user)
        .annotate(
            viewer_role=Subquery(role),
            location_count=Count("locations", distinct=True),
            instructor_count=Count("instructors", distinct=True),
        )
        .order_by("name", "id")
    )


# --- Dashboard reads (always scoped by the school from staff_access) ----------


def school_locations(*, school: School) -> QuerySet[Location]:
    return school.locations.prefetch_related(Prefetch("rooms", queryset=Room.objects.order_by("name", "id")))


def school_location(*, school: School, location_id: int) -> Location:
    location = Location.objects.filter(school=school, pk=location_id).first()
    if location is None:
        raise Http404
    return location


def school_room(*, school: School, room_id: int) -> Room:
    room = Room.objects.select_related("location").filter(location__school=school, pk=room_id).first()
    if room is None:
        raise Http404
    return room


def school_members(*, school: School) -> QuerySet[Membership]:
    return school.memberships.select_related("user").order_by("created_at", "id")


def school_member(*, school: School, membership_id: int) -> Membership:
    membership = Membership.objects.select_related("user").filter(school=school, pk=membership_id).first()
    if membership is None:
        raise Http404
    return membership


def school_invitations(*, school: School) -> QuerySet[Invitation]:
    """Open invitations, newest first (expired ones too, so they can be resent)."""
    return school.invitations.filter(
        accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def school_invitation(*, school: School, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(school=school, pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return invitation


def invitation_by_token(*, token: str) -> Invitation:
    invitation = Invitation.objects.select_related("school", "invited_by").filter(token=token).first()
    if invitation is None:
        raise Http404
    return invitation


def school_instructors(*, school: School) -> QuerySet[Instructor]:
    return school.instructors.select_related("user").annotate(credential_count=Count("credentials"))


def school_instructor(*, school: School, instructor_id: int) -> Instructor:
    instructor = Instructor.objects.select_related("user").filter(school=school, pk=instructor_id).first()
    if instructor is None:
        raise Http404
    return instructor


def instructor_credential(*, instructor: Instructor, credential_id: int) -> InstructorCredential:
    credential = InstructorCredential.objects.filter(instructor=instructor, pk=credential_id).first()
    if credential is None:
        raise Http404
    return credential


def dashboard_counts(*, school: School) -> dict[str, int]:
    """Every number the overview shows, in one query."""
    row = School.objects.filter(pk=school.pk).aggregate(
        n_locations=Count("locations", distinct=True),
        n_rooms=Count("locations__rooms", distinct=True),
        n_members=Count("memberships", distinct=True),
        n_instructors=Count("instructors", distinct=True),
        n_owners=Count("memberships", filter=Q(memberships__role=Role.OWNER), distinct=True),
    )
    return {key.removeprefix("n_"): int(value or 0) for key, value in row.items()}


# --- Public reads -------------------------------------------------------------


def public_school(*, slug: str) -> School:
    school = School.objects.filter(slug=slug).first()
    if school is None:
        raise Http404
    return school


def public_school_locations(*, school: School) -> QuerySet[Location]:
    return school.locations.annotate(room_count=Count("rooms")).order_by("name", "id")


def public_instructors(*, school: School) -> QuerySet[Instructor]:
    return school.instructors.filter(is_active=True).order_by("name", "id")


def public_instructor(*, slug: str) -> Instructor:
    instructor = Instructor.objects.select_related("school").filter(slug=slug, is_active=True).first()
    if instructor is None:
        raise Http404
    return instructor


def instructor_credentials(*, instructor: Instructor) -> QuerySet[InstructorCredential]:
    """Their qualifications and certifications as their public page lists them."""
    return instructor.credentials.order_by("-year", "title")


def public_schools(*, city: str = "", query: str = "") -> QuerySet[School]:
    schools = School.objects.annotate(
        location_count=Count("locations", distinct=True),
        instructor_count=Count("instructors", filter=Q(instructors__is_active=True), distinct=True),
    )
    if city:
        schools = schools.filter(locations__city__iexact=city)
    if query:
        schools = schools.filter(Q(name__icontains=query) | Q(tagline__icontains=query))
    return schools.prefetch_related("locations").order_by("-is_verified", "name", "id").distinct()


def directory_cities() -> list[dict[str, Any]]:
    """Cities with at least one school, with how many schools each has."""
    rows = (
        Location.objects.values("city", "country")
        .annotate(schools=Count("school", distinct=True))
        .order_by("-schools", "city")
    )
    return [dict(row) for row in rows]


def invitations_for_user(*, user: Any) -> list[Invitation]:
    """Open, unexpired invitations addressed to any of the user's verified addresses."""
    if not getattr(user, "is_authenticated", False):
        return []
    from django.utils import timezone

    emails = user_emails(user)
    return list(
        Invitation.objects.filter(
            email__in=emails,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).select_related("school", "invited_by")
    )


def user_emails(user: Any) -> set[str]:
    """The addresses the user has proven they own (plus the account's own)."""
    from allauth.account.models import EmailAddress

    emails = {user.email.lower()} if getattr(user, "email", "") else set()
    emails |= {e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)}
    return emails
