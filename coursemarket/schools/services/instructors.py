"""Instructor profiles and their credentials.

Owners and managers manage every profile of their school; an instructor
edits the profile linked to their own account (not its visibility)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record, changes_between
from coursemarket.core import images

from ..changes import school_changes, school_texts
from ..models import Instructor, InstructorCredential, Membership, School
from ..permissions import Perm, role_has
from ._common import require, snapshot, unique_slug

PROFILE_FIELDS = (
    "name",
    "headline",
    "bio",
    "languages",
    "years_experience",
    "website",
    "linkedin_url",
    "instagram_url",
    "youtube_url",
)
MANAGER_ONLY_FIELDS = ("is_active",)
CREDENTIAL_FIELDS = ("kind", "title", "issuer", "year", "verification_url")


def instructor_slug_suggestion(*, name: str) -> str:
    return unique_slug(Instructor, name, max_length=80, fallback="instructor")


def _editor_role(actor: Any, instructor: Instructor) -> str:
    """The actor's role if they may edit this profile; else PermissionDenied."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    membership = Membership.objects.filter(school_id=instructor.school_id, user=actor).first()
    if membership is None:
        raise PermissionDenied
    if role_has(membership.role, Perm.MANAGE_INSTRUCTORS):
        return membership.role
    if instructor.user_id is not None and instructor.user_id == actor.pk:
        return membership.role
    raise PermissionDenied


def _photo(instructor: Instructor, upload: Any) -> str | None:
    if upload:
        processed = images.fit_image(upload, images.PHOTO, prefix=instructor.slug)
        instructor.photo.save(processed.name or "photo.jpg", processed, save=False)
        images.generate_renditions(
            instructor.photo, focus=images.PORTRAIT_FOCUS, kinds=(), share=True
        )  # the page's share picture
        return instructor.photo.name
    if upload is False and instructor.photo:
        instructor.photo = ""
        return ""
    return None


@transaction.atomic
def instructor_create(
    *,
    actor: Any,
    school: School,
    name: str,
    headline: str = "",
    bio: str = "",
    languages: list[str] | None = None,
    years_experience: int | None = None,
    website: str = "",
    linkedin_url: str = "",
    instagram_url: str = "",
    youtube_url: str = "",
    is_active: bool = True,
    photo: Any = None,
) -> Instructor:
    require(actor=actor, school=school, perm=Perm.MANAGE_INSTRUCTORS)
    instructor = Instructor(
        school=school,
        name=name.strip(),
        slug=instructor_slug_suggestion(name=name),
        headline=headline.strip(),
        bio=bio.strip(),
        languages=list(languages or []),
        years_experience=years_experience,
        website=website,
        linkedin_url=linkedin_url,
        instagram_url=instagram_url,
        youtube_url=youtube_url,
        is_active=is_active,
    )
    instructor.full_clean(exclude=["school", "photo"])
    _photo(instructor, photo)
    instructor.save()
    audit_record(
        actor=actor,
        action="instructor.create",
        target=instructor,
        school_id=school.pk,
        changes=snapshot(instructor, ("name", "slug")),
    )
    school_changes.changed()  # the school's and instructor's public pages show its instructors
    return instructor


@transaction.atomic
def instructor_update(*, actor: Any, instructor: Instructor, data: dict[str, Any]) -> Instructor:
    role = _editor_role(actor, instructor)
    allowed = set(PROFILE_FIELDS) | {"photo"}
    if role_has(role, Perm.MANAGE_INSTRUCTORS):
        allowed |= set(MANAGER_ONLY_FIELDS)
    if set(data) - allowed:
        raise PermissionDenied
    fresh = Instructor.objects.select_for_update().get(pk=instructor.pk)
    fields = (*PROFILE_FIELDS, *MANAGER_ONLY_FIELDS)
    before = snapshot(fresh, fields)
    for field in fields:
        if field in data:
            value = data[field]
            setattr(fresh, field, value.strip() if isinstance(value, str) else value)
    fresh.full_clean(exclude=["school", "photo", "user"])
    photo = _photo(fresh, data.get("photo"))
    fresh.save()
    changes = changes_between(before, snapshot(fresh, fields))
    if photo is not None:
        changes["photo"] = {"after": photo}
    if changes:
        school_changes.changed()  # name, headline and visibility show on course pages
        if "name" in changes or "is_active" in changes:
            school_texts.changed(fresh.school_id)  # its courses are found by these words
        audit_record(actor=actor, action="instructor.update", target=fresh, school_id=fresh.school_id, changes=changes)
    return fresh


@transaction.atomic
def instructor_delete(*, actor: Any, instructor: Instructor) -> None:
    require(actor=actor, school=instructor.school, perm=Perm.MANAGE_INSTRUCTORS)
    audit_record(
        actor=actor,
        action="instructor.delete",
        target=instructor,
        school_id=instructor.school_id,
        changes=snapshot(instructor, ("name", "slug")),
    )
    try:
        instructor.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("Courses or sessions still name this instructor. Hide the profile instead, or reassign them first.")
        ) from exc
    school_changes.changed()  # the school's public page lists its instructors


@transaction.atomic
def credential_create(
    *,
    actor: Any,
    instructor: Instructor,
    title: str,
    kind: str = InstructorCredential.Kind.CREDENTIAL,
    issuer: str = "",
    year: int | None = None,
    verification_url: str = "",
) -> InstructorCredential:
    _editor_role(actor, instructor)
    credential = InstructorCredential(
        instructor=instructor,
        kind=kind,
        title=title.strip(),
        issuer=issuer.strip(),
        year=year,
        verification_url=verification_url,
    )
    credential.full_clean(exclude=["instructor"])
    credential.save()
    audit_record(
        actor=actor,
        action="credential.create",
        target=credential,
        school_id=instructor.school_id,
        changes=snapshot(credential, CREDENTIAL_FIELDS),
    )
    school_changes.changed()  # the instructor's public page lists their credentials
    return credential


@transaction.atomic
def credential_update(*, actor: Any, credential: InstructorCredential, data: dict[str, Any]) -> InstructorCredential:
    instructor = credential.instructor
    _editor_role(actor, instructor)
    fresh = InstructorCredential.objects.select_for_update().get(pk=credential.pk)
    before = snapshot(fresh, CREDENTIAL_FIELDS)
    for field in CREDENTIAL_FIELDS:
        if field in data:
            value = data[field]
            setattr(fresh, field, value.strip() if isinstance(value, str) else value)
    fresh.full_clean(exclude=["instructor"])
    fresh.save()
    changes = changes_between(before, snapshot(fresh, CREDENTIAL_FIELDS))
    if changes:
        school_changes.changed()  # the instructor's public page lists their credentials
        audit_record(
            actor=actor, action="credential.update", target=fresh, school_id=instructor.school_id, changes=changes
        )
    return fresh


@transaction.atomic
def credential_delete(*, actor: Any, credential: InstructorCredential) -> None:
    instructor = credential.instructor
    _editor_role(actor, instructor)
    audit_record(
        actor=actor,
        action="credential.delete",
        target=credential,
        school_id=instructor.school_id,
        changes=snapshot(credential, CREDENTIAL_FIELDS),
    )
    credential.delete()
    school_changes.changed()  # the instructor's public page lists their credentials
