"""Writes of the recommender: save and unsave a course, "Not interested",
interests and controls, the nightly retrain and the weekly digest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.catalog.models import Category, Course, CourseStatus
from coursemarket.schools.geo import search_cities

from . import training
from .models import Dismissal, Interests, ModelSnapshot, SavedCourse


def _published(course: Course) -> None:
    if course.status != CourseStatus.PUBLISHED:
        raise ValidationError(_("This course is not available."))


@transaction.atomic
def course_save(*, actor: Any, course: Course) -> SavedCourse:
    _published(course)
    saved, created = SavedCourse.objects.get_or_create(user=actor, course=course)
    if created:
        audit_record(actor=actor, action="recommendations.course_saved", target=course)
    return saved


@transaction.atomic
def course_unsave(*, actor: Any, course: Course) -> None:
    deleted, _rows = SavedCourse.objects.filter(user=actor, course=course).delete()
    if deleted:
        audit_record(actor=actor, action="recommendations.course_unsaved", target=course)


@transaction.atomic
def recommendation_dismiss(*, actor: Any, course: Course) -> Dismissal:
    dismissal, created = Dismissal.objects.get_or_create(user=actor, course=course)
    if created:
        audit_record(actor=actor, action="recommendations.dismissed", target=course)
    return dismissal


@transaction.atomic
def interests_update(
    *,
    actor: Any,
    categories: Sequence[Category],
    languages: Sequence[str],
    levels: Sequence[str],
    city: str,
    radius_km: int,
    personalised: bool,
    weekly_digest: bool,
) -> Interests:
    """Store the student's interests; a home city must be one the gazetteer
    knows (its coordinates give the radius its centre)."""
    if not 1 <= radius_km <= 500:
        raise ValidationError({"radius_km": _("Choose a distance between 1 and 500 km.")})
    latitude = longitude = None
    city = city.strip()
    if city:
        found = search_cities(city, limit=1)
        if not found:
            raise ValidationError({"city": _("We do not know this city. Type its name and pick it from the list.")})
        city, latitude, longitude = found[0].name, found[0].latitude, found[0].longitude
    interests, _created = Interests.objects.select_for_update().get_or_create(user=actor)
    interests.languages, interests.levels = list(languages), list(levels)
    interests.city, interests.latitude, interests.longitude, interests.radius_km = city, latitude, longitude, radius_km
    interests.personalised, interests.weekly_digest = personalised, weekly_digest
    interests.onboarded_at = interests.onboarded_at or timezone.now()
    interests.save()
    interests.categories.set(categories)
    audit_record(actor=actor, action="recommendations.interests_updated", target=interests)
    return interests


@transaction.atomic
def onboarding_skip(*, actor: Any) -> Interests:
    interests, _created = Interests.objects.get_or_create(user=actor)
    if interests.onboarded_at is None:
        interests.onboarded_at = timezone.now()
        interests.save(update_fields=["onboarded_at"])
    return interests


def model_train() -> ModelSnapshot:
    """The nightly retrain (config.schedule); also `manage.py recommend_train`."""
    return training.train()
