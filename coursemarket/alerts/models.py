"""Saved searches and the alerts they send.

A saved search keeps the listing's query string (normalised: sorted, without
the page or tracking parameters) and is run again through the listing's own
form and selector, so an alert finds what the page would. "Notify me" on a
course with no dates is a saved search of kind COURSE: that course's next
sessions. What was sent is remembered per saved search (`AlertedSession`),
so no session is announced twice; sessions seen full are remembered
(`FullSessionSeen`) so a seat freed later is announced once."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coursemarket.catalog.models import Course, Session


class Frequency(models.TextChoices):
    INSTANT = "instant", _("As soon as possible")
    DAILY = "daily", _("Once a day")
    WEEKLY = "weekly", _("Once a week")


# How long after its last run a saved search is due again (the job runs every few minutes).
INTERVAL = {Frequency.INSTANT: timedelta(0), Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}


class SearchKind(models.TextChoices):
    SEARCH = "search", _("Search")
    COURSE = "course", _("Next dates of a course")


class SavedSearch(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="saved_searches"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SearchKind.choices, default=SearchKind.SEARCH)
    name = models.CharField(_("name"), max_length=100)
    query_string = models.CharField(_("search"), max_length=1000, blank=True)
    course = models.ForeignKey(
        Course, verbose_name=_("course"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    active = models.BooleanField(_("sending alerts"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Sessions published after this moment are news (moved on when alerts are resumed).
    baseline_at = models.DateTimeField(_("news since"), default=timezone.now)
    last_run_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last alert"), null=True, blank=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["active", "frequency", "last_run_at"], name="alerts_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], condition=models.Q(kind="course"), name="alerts_one_watch_per_course"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_due(self, now: object) -> bool:
        if not self.active:
            return False
        if self.last_run_at is None:
            return True
        return bool(now >= self.last_run_at + INTERVAL[Frequency(self.frequency)])  # type: ignore[operator]


class AlertReason(models.TextChoices):
    NEW = "new", _("New session")
    FREED = "freed", _("A seat is free again")


class AlertedSession(models.Model):
    """A session already announced for a saved search (for a reason): never again."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="alerted")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=AlertReason.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "session", "reason"], name="alerts_alerted_once")
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id}:{self.session_id}:{self.reason}"


class FullSessionSeen(models.Model):
    """A matching session the job found full: a seat freed later is news."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="seen_full")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["saved_search", "session"], name="alerts_seen_full_once")]

    def __str__(self) -> str:
        return f"{self.saved_search_id}:{self.session_id}"
