"""The activity log: what people do on the public site (searches, course
views, comparisons, shares), the raw material of search history, the
operators' search report, recommendations and school analytics.

Like the audit trail it points at no other app's rows: objects are a type
("catalog.course") and ids, so the log sits low in the layers and anything
above may write or read it. One row per event, written with one INSERT."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SEARCH = "search", _("Search")
    COURSE_VIEW = "course_view", _("Course viewed")
    COMPARE = "compare", _("Comparison")
    SHARE = "share", _("Share")


class Channel(models.TextChoices):
    """How the visitor came to the page (from the request, not the past)."""

    DIRECT = "direct", _("Direct")
    INTERNAL = "internal", _("From our own pages")
    SEARCH = "search", _("Search engine")
    REFERRAL = "referral", _("Referral or other site")
    CAMPAIGN = "utm", _("Campaign link")


class Event(models.Model):
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    # Who: a signed-in person, or an anonymous visitor's session (a hash of
    # the session key, never the key), or neither (history switched off).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    anonymous_id = models.CharField(_("anonymous visitor"), max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Which: one object ("catalog.course", 42) and, for a comparison, all of them.
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    object_ids = models.JSONField(_("object ids"), default=list, blank=True)
    school_id = models.BigIntegerField(_("school id"), null=True, blank=True)
    # A search: the words typed (normalised: trimmed, lower-case, single spaces),
    # the other filters, and how many results it found (None: not known).
    query = models.CharField(_("query"), max_length=200, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    result_count = models.IntegerField(_("results"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=200, blank=True)  # the search page's path, to search again
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.DIRECT)
    utm_source = models.CharField(_("campaign source"), max_length=60, blank=True)
    referrer_host = models.CharField(_("referring site"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "created_at"], name="activity_kind_time_idx"),  # reports by period
            models.Index(fields=["user", "created_at"], name="activity_user_time_idx"),  # a person's history
            models.Index(fields=["object_id", "kind", "created_at"], name="activity_object_idx"),  # per course
            models.Index(fields=["school_id", "kind", "created_at"], name="activity_school_idx"),  # per school
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.query or self.object_id or ''}".strip()


class HistoryPreference(models.Model):
    """A person's choice to keep (default) or not keep a history. Off: their
    searches and views are still counted for the reports, but linked to
    nobody, and their account shows no history."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    keep_history = models.BooleanField(
        _("Keep my search and viewing history"),
        default=True,
        help_text=_("Your recent searches and the courses you looked at, shown only to you."),
    )

    class Meta:
        verbose_name = _("history preference")
        verbose_name_plural = _("history preferences")

    def __str__(self) -> str:
        return str(self.user_id)
