"""Demo recommendations: the demo students' interests (from their profiles),
a few saved courses for student@coursemarket.test (Amira), and the model
trained on the demo's bookings, so "For you", "Your next step", "Students who
booked this also booked" and the weekly digest have something true to show.

Idempotent: interests and saved courses are get-or-create; the model is
retrained on every run (cheap at demo size)."""

from __future__ import annotations

from django.utils import timezone

from coursemarket.accounts.models import StudentProfile
from coursemarket.catalog.models import Course, CourseStatus
from coursemarket.recommendations.models import Interests, SavedCourse
from coursemarket.recommendations.services import model_train

MAIN_STUDENT = "student@coursemarket.test"
SAVED = 3


def seed() -> list[str]:
    created: list[str] = []
    profiles = StudentProfile.objects.select_related("user").prefetch_related("interests")
    for profile in profiles:
        interests, was_created = Interests.objects.get_or_create(
            user=profile.user,
            defaults={
                "languages": [],  # every language: the demo's courses are in a few
                "onboarded_at": timezone.now(),
                "weekly_digest": profile.user.email == MAIN_STUDENT,
            },
        )
        if was_created:
            interests.categories.set(list(profile.interests.all()))
            created.append(f"interests:{profile.user.email}")
        if profile.user.email == MAIN_STUDENT and not SavedCourse.objects.filter(user=profile.user).exists():
            topics = list(profile.interests.values_list("id", flat=True))
            booked = profile.user.bookings.values_list("session__course_id", flat=True)
            picks = (
                Course.objects.filter(status=CourseStatus.PUBLISHED, category_id__in=topics)
                .exclude(id__in=booked)
                .order_by("slug")[:SAVED]
            )
            for course in picks:
                SavedCourse.objects.create(user=profile.user, course=course)
                created.append(f"saved:{course.slug}")
    snapshot = model_train()
    created.append(f"model:{snapshot.pk}")
    return created
