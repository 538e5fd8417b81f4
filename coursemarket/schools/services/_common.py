from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.utils.text import slugify

from ..models import Membership, School
from ..permissions import Perm, role_has


def require(*, actor: Any, school: School, perm: Perm) -> Membership:
    """The actor's membership in `school` if its role grants `perm`; else PermissionDenied."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    membership = Membership.objects.filter(school=school, user=actor).first()
    if membership is None or not role_has(membership.role, perm):
        raise PermissionDenied
    return membership


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {field: getattr(instance, field) for field in fields}


def full_clean(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Model validation with every message translated; raises ValidationError."""
    instance.full_clean(exclude=list(exclude))


def save_or_explain(instance: models.Model, *, message: str, field: str | None = None) -> None:
    """Save; a constraint that fires anyway (a race) becomes a ValidationError."""
    try:
        instance.save()
    except IntegrityError as exc:
        raise ValidationError({field: message} if field else message) from exc


def unique_slug(model: type[models.Model], base: str, *, max_length: int, fallback: str) -> str:
    """`base` slugified, with -2, -3… appended until no row of `model` has it."""
    root = (slugify(base) or fallback)[:max_length].strip("-") or fallback
    candidate = root
    number = 2
    manager = model._default_manager
    while manager.filter(slug=candidate).exists():
        suffix = f"-{number}"
        candidate = f"{root[: max_length - len(suffix)].rstrip('-')}{suffix}"
        number += 1
    return candidate
