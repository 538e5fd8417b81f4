"""Creating, editing, verifying and deleting schools."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record, changes_between
from coursemarket.core import images

from ..changes import school_changes, school_texts
from ..models import Membership, Role, School
from ..permissions import Perm
from ._common import require, snapshot, unique_slug

PROFILE_FIELDS = (
    "name",
    "slug",
    "tagline",
    "description",
    "website",
    "contact_email",
    "contact_phone",
    "languages_taught",
    "founded_year",
    "default_language",
    "fallback_languages",
    "brand_primary_color",
    "brand_accent_color",
)
IMAGE_FIELDS = {"logo": images.LOGO, "cover_image": images.SCHOOL_COVER}


def school_slug_suggestion(*, name: str) -> str:
    return unique_slug(School, name, max_length=60, fallback="school")


def _apply_images(school: School, uploads: dict[str, Any]) -> dict[str, str]:
    """Process new images (validated first: a bad one changes nothing) and
    clear the ones asked to be removed (value False)."""
    processed = {}
    for field, upload in uploads.items():
        if upload:
            processed[field] = images.fit_image(upload, IMAGE_FIELDS[field], prefix=f"{school.slug}-{field}")
    changed = {}
    for field, upload in uploads.items():
        if field in processed:
            getattr(school, field).save(processed[field].name or field, processed[field], save=False)
            changed[field] = getattr(school, field).name
            if field == "cover_image":  # its page, its directory card, its share picture
                images.generate_renditions(school.cover_image, kinds=images.SCHOOL_COVER_KINDS, share=True)
        elif upload is False and getattr(school, field):
            setattr(school, field, "")
            changed[field] = ""
    return changed


@transaction.atomic
def school_create(
    *,
    user: Any,
    name: str,
    slug: str = "",
    tagline: str = "",
    description: str = "",
    website: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    languages_taught: list[str] | None = None,
    founded_year: int | None = None,
    default_language: str | None = None,
    logo: Any = None,
    cover_image: Any = None,
) -> School:
    """Create a school; `user` becomes its owner. The school starts unverified."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    school = School(
        name=name.strip(),
        slug=(slug.strip().lower() or slugify(name))[:60],
        tagline=tagline.strip(),
        description=description.strip(),
        website=website,
        contact_email=contact_email,
        contact_phone=contact_phone.strip(),
        languages_taught=list(languages_taught or []),
        founded_year=founded_year,
        default_language=default_language or getattr(user, "language", "") or "en",
    )
    if not school.slug:
        raise ValidationError({"slug": _("Enter a web address using letters, numbers or hyphens.")})
    school.full_clean(exclude=["logo", "cover_image"])
    _apply_images(school, {"logo": logo, "cover_image": cover_image})
    school.save()
    Membership.objects.create(school=school, user=user, role=Role.OWNER)
    audit_record(
        actor=user,
        action="school.create",
        target=school,
        school_id=school.pk,
        changes=snapshot(school, ("name", "slug")),
    )
    return school


@transaction.atomic
def school_update(*, actor: Any, school: School, data: dict[str, Any]) -> School:
    """Edit the profile and branding. `data` holds any of PROFILE_FIELDS and
    "logo"/"cover_image" (an upload, or False to remove)."""
    require(actor=actor, school=school, perm=Perm.EDIT_PROFILE)
    unknown = set(data) - set(PROFILE_FIELDS) - set(IMAGE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    fresh = School.objects.select_for_update().get(pk=school.pk)
    before = snapshot(fresh, PROFILE_FIELDS)
    for field in PROFILE_FIELDS:
        if field in data:
            value = data[field]
            if field in ("slug", "brand_primary_color", "brand_accent_color"):
                value = (value or "").strip().lower()
            elif isinstance(value, str):
                value = value.strip()
            setattr(fresh, field, value)
    fresh.full_clean(exclude=["logo", "cover_image"])
    image_changes = _apply_images(fresh, {f: data[f] for f in IMAGE_FIELDS if f in data})
    fresh.save()
    changes = changes_between(before, snapshot(fresh, PROFILE_FIELDS))
    changes.update({field: {"after": value} for field, value in image_changes.items()})
    if changes:
        school_changes.changed()  # the school's name, badge and tagline show on catalog pages
        if "name" in changes:
            school_texts.changed(fresh.pk)  # its courses are found by these words
        audit_record(actor=actor, action="school.update", target=fresh, school_id=fresh.pk, changes=changes)
    return fresh


@transaction.atomic
def school_set_verified(*, actor: Any, school: School, verified: bool) -> School:
    """An operator (staff user) marks a school verified, or takes it back."""
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied
    fresh = School.objects.select_for_update().get(pk=school.pk)
    if fresh.is_verified == verified:
        return fresh
    fresh.is_verified = verified
    fresh.verified_at = timezone.now() if verified else None
    fresh.save(update_fields=["is_verified", "verified_at", "updated_at"])
    school_changes.changed()
    audit_record(
        actor=actor,
        action="school.verify" if verified else "school.unverify",
        target=fresh,
        school_id=fresh.pk,
        changes={"is_verified": {"before": not verified, "after": verified}},
    )
    return fresh


@transaction.atomic
def school_delete(*, actor: Any, school: School, confirm_slug: str) -> None:
    """The owner deletes the school, typing its web address to confirm."""
    require(actor=actor, school=school, perm=Perm.DELETE_SCHOOL)
    if confirm_slug.strip().lower() != school.slug:
        raise ValidationError({"confirm_slug": _("Type the school's web address exactly to confirm.")})
    audit_record(
        actor=actor,
        action="school.delete",
        target=school,
        school_id=school.pk,
        changes=snapshot(school, ("name", "slug")),
    )
    try:
        school.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("This school still has records that must be kept (bookings, payments), so it cannot be deleted.")
        ) from exc
