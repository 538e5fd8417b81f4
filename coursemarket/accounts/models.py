from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from coursemarket.core.demographics import AgeBand, Gender


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


def avatar_upload_to(instance: User, filename: str) -> str:
    # A random name: no original file name (it may hold personal data) and a
    # new address whenever the picture changes, so caches never show an old one.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"avatars/{instance.pk}/{secrets.token_hex(8)}.{extension}"


class User(AbstractUser):
    """A person: student, school staff, instructor or operator. Signs in by email.

    The display name and avatar are this person's face everywhere on the site
    (reviews, class chat, staff lists), so they live here rather than on the
    student profile.
    """

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_upload_to, blank=True, max_length=200)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.email.split("@")[0]

    @property
    def initials(self) -> str:
        parts = [part for part in self.name.replace(".", " ").split() if part]
        return "".join(part[0] for part in parts[:2]).upper() or "?"


class StudentProfile(models.Model):
    """What a student tells schools and the platform about themselves."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="student_profile"
    )
    bio = models.TextField(_("short bio"), max_length=600, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    # ISO 639-1 codes, e.g. ["en", "es"]; names are shown in the reader's language.
    languages_spoken = models.JSONField(_("languages spoken"), default=list, blank=True)
    interests = models.ManyToManyField(
        "catalog.Category", verbose_name=_("interests"), blank=True, related_name="interested_students"
    )
    # Optional bands the student may let the schools they book with count
    # (analytics' audience page: groups of 5 or more, never a person). Nothing
    # is counted unless share_with_schools is on.
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code."))
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    share_with_schools = models.BooleanField(_("share these with schools I book with"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("student profile")
        verbose_name_plural = _("student profiles")

    def __str__(self) -> str:
        return str(self.user)


class NotificationPreferences(models.Model):
    """Which optional messages a person wants. Transactional messages (receipts,
    booking confirmations, security alerts) are always sent and are not listed here.

    Every boolean field is one category; the settings form lists them all, so a
    new category is one new field (with its label and help text) and a migration.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    booking_reminders = models.BooleanField(
        _("Booking reminders"),
        default=True,
        help_text=_("A reminder the day before a class, with the address or the link to join."),
    )
    review_requests = models.BooleanField(
        _("Review requests"),
        default=True,
        help_text=_("After a course ends, an invitation to rate it and help other students choose."),
    )
    course_news = models.BooleanField(
        _("News from your courses"),
        default=True,
        help_text=_("Schedule changes and announcements from schools you have booked with."),
    )
    search_alerts = models.BooleanField(
        _("Saved search alerts"),
        default=True,
        help_text=_("New dates for your saved searches and the courses you asked to hear about."),
    )
    recommendations = models.BooleanField(
        _("Course suggestions"),
        default=False,
        help_text=_("Now and then, courses picked for your interests and city."),
    )
    marketing = models.BooleanField(
        _("Offers and newsletter"),
        default=False,
        help_text=_("Coursemarket news, seasonal offers and discounts."),
    )
    school_activity = models.BooleanField(
        _("Activity at your school"),
        default=True,
        help_text=_("For school staff: an email for each new booking, cancellation, review and flagged review."),
    )
    school_digest = models.BooleanField(
        _("Daily school digest"),
        default=False,
        help_text=_(
            "For school staff: one email each morning summing up yesterday's bookings, cancellations and reviews."
        ),
    )
    # Push notifications (Web Push to the browsers the person turned them on
    # in), one switch per notifications.models.PushKind: push_<kind>.
    push_booking_confirmed = models.BooleanField(
        _("Booking confirmed"), default=True, help_text=_("As soon as a booking is confirmed.")
    )
    push_reminders = models.BooleanField(
        _("Reminders"), default=True, help_text=_("A day and an hour before your course starts.")
    )
    push_schedule_changes = models.BooleanField(
        _("Schedule changes and cancellations"),
        default=True,
        help_text=_("When a school moves or cancels a class you booked."),
    )
    push_waitlist_offers = models.BooleanField(
        _("Waitlist seat offered"), default=True, help_text=_("A seat came free for you, and until when it is held.")
    )
    push_search_alerts = models.BooleanField(
        _("Saved search matches"), default=True, help_text=_("New dates for your saved searches.")
    )
    push_review_requests = models.BooleanField(
        _("Review requests"), default=False, help_text=_("After a course ends, an invitation to rate it.")
    )
    # Quiet hours, wall time in the person's own time zone: pushes wait until they end.
    quiet_hours_start = models.TimeField(_("Quiet from"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("Quiet until"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    SCHOOL_FIELDS = ("school_activity", "school_digest")
    PUSH_PREFIX = "push_"

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def category_fields(cls) -> list[str]:
        """The email switches."""
        return [
            f.name
            for f in cls._meta.get_fields()
            if isinstance(f, models.BooleanField) and not f.name.startswith(cls.PUSH_PREFIX)
        ]

    @classmethod
    def push_fields(cls) -> list[str]:
        """The push switches, one per notifications.models.PushKind."""
        return [
            f.name
            for f in cls._meta.get_fields()
            if isinstance(f, models.BooleanField) and f.name.startswith(cls.PUSH_PREFIX)
        ]
