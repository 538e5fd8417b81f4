"""Reviews of completed bookings, the school's answers, votes, reports and
the moderation history; plus the rating summaries the pages read.

A review counts in the ratings only while it is published. The summaries
(`RatingSummary`) are written by the review services in the same transaction
as the change that moves a review in or out of "published" (never by
signals), so they always equal what the published reviews add up to."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EDIT_WINDOW_DAYS = 30
TITLE_MAX = 120
TEXT_MIN = 20
TEXT_MAX = 5000
SUB_RATINGS = ("content", "instructor", "value", "venue")

STARS = [MinValueValidator(1), MaxValueValidator(5)]


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden")


class NameStyle(models.TextChoices):
    FULL = "full", _("Full name")
    INITIAL = "initial", _("First name and initial")


class Review(models.Model):
    """One student's review of one completed booking."""

    booking = models.OneToOneField(
        "bookings.Booking", verbose_name=_("booking"), on_delete=models.PROTECT, related_name="review"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="reviews"
    )
    # Copied from the booking so pages filter on indexed columns without joins.
    course = models.ForeignKey(
        "catalog.Course", verbose_name=_("course"), on_delete=models.CASCADE, related_name="reviews"
    )
    session = models.ForeignKey(
        "catalog.Session", verbose_name=_("session"), on_delete=models.CASCADE, related_name="reviews"
    )
    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="reviews"
    )
    # Who taught the session when the review was written: the instructor
    # ratings follow this list, so a later change of staff cannot move them.
    instructors = models.ManyToManyField(
        "schools.Instructor", verbose_name=_("instructors"), blank=True, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(_("overall rating"), validators=STARS)
    rating_content = models.PositiveSmallIntegerField(_("content"), null=True, blank=True, validators=STARS)
    rating_instructor = models.PositiveSmallIntegerField(_("instructor"), null=True, blank=True, validators=STARS)
    rating_value = models.PositiveSmallIntegerField(_("value for money"), null=True, blank=True, validators=STARS)
    rating_venue = models.PositiveSmallIntegerField(
        _("venue or online experience"), null=True, blank=True, validators=STARS
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.TextField(_("review"), max_length=TEXT_MAX)
    language = models.CharField(_("language of the review"), max_length=8)
    name_style = models.CharField(
        _("show my name as"), max_length=10, choices=NameStyle.choices, default=NameStyle.INITIAL
    )
    author_erased = models.BooleanField(_("author erased their account"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PENDING, db_index=True
    )
    # Why the automatic check held it (["link", "contact", "blocklist"]).
    held_for = models.JSONField(_("held for"), default=list, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)
    helpful_count = models.PositiveIntegerField(_("helpful votes"), default=0)
    open_reports = models.PositiveIntegerField(_("open reports and flags"), default=0, db_index=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["course", "status", "-created_at"]),
            models.Index(fields=["school", "status", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"rating_{name}__isnull": True})
                    | Q(**{f"rating_{name}__gte": 1, f"rating_{name}__lte": 5}),
                    name=f"review_{name}_1_to_5",
                )
                for name in SUB_RATINGS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title[:60]}"

    @property
    def editable_until(self):  # type: ignore[no-untyped-def]
        from datetime import timedelta

        return self.created_at + timedelta(days=EDIT_WINDOW_DAYS)

    def author_name(self) -> str:
        """The name shown on the review, as the author chose it."""
        if self.author_erased:
            return str(_("Former student"))
        user = self.author
        first = (user.first_name or "").strip()
        last = (user.last_name or "").strip()
        full = (user.display_name or "").strip() or f"{first} {last}".strip()
        if self.name_style == NameStyle.FULL and full:
            return full
        if not first:
            parts = full.split()
            first, last = (parts[0], parts[-1] if len(parts) > 1 else "") if parts else ("", "")
        if not first:
            return str(_("Student"))
        return f"{first} {last[:1]}." if last else first

    def sub_ratings(self) -> list[tuple[str, int]]:
        labels = {
            "rating_content": _("Content"),
            "rating_instructor": _("Instructor"),
            "rating_value": _("Value for money"),
            "rating_venue": _("Venue or online experience"),
        }
        return [(str(label), getattr(self, key)) for key, label in labels.items() if getattr(self, key)]


class ReviewAnswer(models.Model):
    """The school's public answer to a review (one per review, editable)."""

    review = models.OneToOneField(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="answer")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="review_answers",
    )
    text = models.TextField(_("answer"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("school's answer")
        verbose_name_plural = _("school's answers")

    def __str__(self) -> str:
        return self.text[:60]


class HelpfulVote(models.Model):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="review_votes"
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="one_helpful_vote_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}→{self.review_id}"


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    OFFENSIVE = "offensive", _("Offensive or abusive")
    FAKE = "fake", _("Not a genuine experience")
    PERSONAL = "personal", _("Shares personal information")
    OFF_TOPIC = "off_topic", _("Not about this course")
    OTHER = "other", _("Something else")


class ReportSource(models.TextChoices):
    USER = "user", _("Reader's report")
    SCHOOL = "school", _("School's flag")


class ReviewReport(models.Model):
    """A reader's report or a school's flag, waiting for the operators."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="review_reports",
    )
    source = models.CharField(_("source"), max_length=10, choices=ReportSource.choices, default=ReportSource.USER)
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    details = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "reporter"], condition=Q(resolved_at__isnull=True), name="one_open_report_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.reason}"


class ModerationAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted and published")
    HELD = "held", _("Held for moderation by the automatic check")
    EDITED = "edited", _("Edited by the author")
    REPORTED = "reported", _("Reported by a reader")
    FLAGGED = "flagged", _("Flagged by the school")
    ANSWERED = "answered", _("Answered by the school")
    PUBLISHED = "published", _("Published by an operator")
    HIDDEN = "hidden", _("Hidden by an operator")
    RESTORED = "restored", _("Restored by an operator")


class ModerationEvent(models.Model):
    """One step of a review's moderation history (the audit trail has it too)."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=ModerationAction.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.action}"


class RatingSummary(models.Model):
    """Published-review totals for one course, school or instructor."""

    course = models.OneToOneField(
        "catalog.Course", null=True, blank=True, on_delete=models.CASCADE, related_name="rating_summary"
    )
    school = models.OneToOneField(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="rating_summary"
    )
    instructor = models.OneToOneField(
        "schools.Instructor", null=True, blank=True, on_delete=models.CASCADE, related_name="rating_summary"
    )
    count = models.PositiveIntegerField(_("reviews"), default=0)
    total = models.PositiveIntegerField(_("sum of ratings"), default=0)
    average = models.DecimalField(_("average"), max_digits=3, decimal_places=2, null=True, blank=True)
    stars_1 = models.PositiveIntegerField(default=0)
    stars_2 = models.PositiveIntegerField(default=0)
    stars_3 = models.PositiveIntegerField(default=0)
    stars_4 = models.PositiveIntegerField(default=0)
    stars_5 = models.PositiveIntegerField(default=0)
    content_total = models.PositiveIntegerField(default=0)
    content_count = models.PositiveIntegerField(default=0)
    instructor_total = models.PositiveIntegerField(default=0)
    instructor_count = models.PositiveIntegerField(default=0)
    value_total = models.PositiveIntegerField(default=0)
    value_count = models.PositiveIntegerField(default=0)
    venue_total = models.PositiveIntegerField(default=0)
    venue_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rating summary")
        verbose_name_plural = _("rating summaries")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(course__isnull=False, school__isnull=True, instructor__isnull=True)
                    | Q(course__isnull=True, school__isnull=False, instructor__isnull=True)
                    | Q(course__isnull=True, school__isnull=True, instructor__isnull=False)
                ),
                name="rating_summary_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.average or '–'} ({self.count})"

    def recompute_average(self) -> None:
        if self.count:
            self.average = (Decimal(self.total) / Decimal(self.count)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        else:
            self.average = None

    def distribution(self) -> list[tuple[int, int, int]]:
        """(stars, count, percent) from 5 down to 1."""
        rows = []
        for stars in (5, 4, 3, 2, 1):
            n = getattr(self, f"stars_{stars}")
            rows.append((stars, n, round(100 * n / self.count) if self.count else 0))
        return rows

    def sub_averages(self) -> list[tuple[str, Decimal]]:
        labels = {
            "content": _("Content"),
            "instructor": _("Instructor"),
            "value": _("Value for money"),
            "venue": _("Venue or online experience"),
        }
        result = []
        for name in SUB_RATINGS:
            n = getattr(self, f"{name}_count")
            if n:
                avg = (Decimal(getattr(self, f"{name}_total")) / n).quantize(Decimal("0.1"), ROUND_HALF_UP)
                result.append((str(labels[name]), avg))
        return result
