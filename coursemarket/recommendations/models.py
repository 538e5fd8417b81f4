"""What the recommender keeps: a student's saved courses, the courses they
said "Not interested" to, their interests and controls, and the trained model
(the nightly snapshot)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coursemarket.catalog.models import Category, Course


class SavedCourse(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_courses")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("saved course")
        verbose_name_plural = _("saved courses")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="reco_saved_once")]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.course_id}"


class Dismissal(models.Model):
    """ "Not interested": the course never comes back in this student's recommendations."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("dismissed at"), default=timezone.now)

    class Meta:
        verbose_name = _("dismissed recommendation")
        verbose_name_plural = _("dismissed recommendations")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="reco_dismissed_once")]

    def __str__(self) -> str:
        return f"{self.user_id} not interested in {self.course_id}"


class Interests(models.Model):
    """A student's interests (onboarding) and their controls."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    categories = models.ManyToManyField(Category, verbose_name=_("topics"), blank=True, related_name="+")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    levels = models.JSONField(_("levels"), default=list, blank=True)
    city = models.CharField(_("home city"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    radius_km = models.PositiveSmallIntegerField(_("distance"), default=25)
    personalised = models.BooleanField(_("use my history for recommendations"), default=True)
    weekly_digest = models.BooleanField(_("weekly email with recommendations"), default=False)
    onboarded_at = models.DateTimeField(_("onboarded at"), null=True, blank=True)
    digest_sent_at = models.DateTimeField(_("last digest sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recommendation interests")
        verbose_name_plural = _("recommendation interests")

    def __str__(self) -> str:
        return f"interests of {self.user_id}"


class ModelSnapshot(models.Model):
    """The trained model: course ids and the two item x item matrices (top
    neighbours per course), as one compressed numpy archive."""

    created_at = models.DateTimeField(_("trained at"), default=timezone.now, db_index=True)
    students = models.PositiveIntegerField(_("students"), default=0)
    interactions = models.PositiveIntegerField(_("interactions"), default=0)
    seconds = models.FloatField(_("training time (s)"), default=0.0)
    payload = models.BinaryField(_("model"))

    class Meta:
        verbose_name = _("recommendation model")
        verbose_name_plural = _("recommendation models")

    def __str__(self) -> str:
        return f"model {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"
