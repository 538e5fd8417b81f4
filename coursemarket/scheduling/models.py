"""Scheduling data that sits beside the catalog's meetings: closures per
location, each meeting's calendar revision, and private calendar feeds."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Closure(models.Model):
    """Days a location (or, without one, the whole school) is closed: holidays,
    works. Recurrence skips them and the conflict checks refuse them. Dates are
    local to the location."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="closures"
    )
    location = models.ForeignKey(
        "schools.Location",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closures",
        help_text=_("Leave empty when every location is closed."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=140)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["school", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="closure_ends_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d})"


class MeetingRevision(models.Model):
    """How often a meeting changed since it was created: the iCalendar SEQUENCE,
    so subscribed calendars replace their copy instead of keeping a stale one."""

    meeting = models.OneToOneField(
        "catalog.Meeting", verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="revision"
    )
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting revision")
        verbose_name_plural = _("meeting revisions")

    def __str__(self) -> str:
        return f"{self.meeting_id}#{self.sequence}"


class FeedKind(models.TextChoices):
    STUDENT = "student", _("My booked classes")
    SCHOOL = "school", _("All the school's meetings")
    INSTRUCTOR = "instructor", _("One instructor's meetings")


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private iCalendar subscription address. Whoever has the URL can read
    it, so it can be revoked (and replaced) at any time."""

    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=FeedKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    instructor = models.ForeignKey(
        "schools.Instructor",
        verbose_name=_("instructor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_read_at = models.DateTimeField(_("last read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="student", school__isnull=True)
                | Q(kind="school", school__isnull=False, instructor__isnull=True)
                | Q(kind="instructor", school__isnull=False, instructor__isnull=False),
                name="calendar_feed_scope_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.owner_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
