"""The outbox: every email is a row written in the same transaction as the
change that caused it, delivered later by the worker (see delivery.py)."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """Why a message is sent. Transactional, security and verification
    messages are always sent; the others follow the recipient's preferences
    (accounts.NotificationPreferences field named in OPTIONAL_PREFERENCE)."""

    VERIFICATION = "verification", _("Address verification")
    SECURITY = "security", _("Account security")
    TRANSACTIONAL = "transactional", _("Bookings and payments")
    REMINDERS = "reminders", _("Reminders")
    REVIEW_REQUESTS = "review_requests", _("Review requests")
    COURSE_NEWS = "course_news", _("News from your courses")
    SCHOOL_ACTIVITY = "school_activity", _("School activity")
    SCHOOL_DIGEST = "school_digest", _("School daily digest")
    SEARCH_ALERTS = "search_alerts", _("Saved search alerts")


# Category -> the NotificationPreferences field that switches it off.
OPTIONAL_PREFERENCE: dict[str, str] = {
    Category.REMINDERS: "booking_reminders",
    Category.REVIEW_REQUESTS: "review_requests",
    Category.COURSE_NEWS: "course_news",
    Category.SCHOOL_ACTIVITY: "school_activity",
    Category.SCHOOL_DIGEST: "school_digest",
    Category.SEARCH_ALERTS: "search_alerts",
}


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PUSH = "push", _("Push notification")


class PushKind(models.TextChoices):
    """The kinds of push notification a person switches on or off one by one
    (accounts.NotificationPreferences field ``push_<kind>``)."""

    BOOKING_CONFIRMED = "booking_confirmed", _("Booking confirmed")
    REMINDERS = "reminders", _("Reminders (a day and an hour before)")
    SCHEDULE_CHANGES = "schedule_changes", _("Schedule changes and cancellations")
    WAITLIST_OFFERS = "waitlist_offers", _("A waitlist seat offered to you")
    SEARCH_ALERTS = "search_alerts", _("Saved search matches")
    REVIEW_REQUESTS = "review_requests", _("Review requests")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent")


class OutboxMessage(models.Model):
    uid = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True, editable=False)
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    event = models.CharField(_("event"), max_length=80)
    # An email goes to `to_email`; a push to every push subscription of `recipient`.
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    to_email = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # Rendered by the worker just before the first attempt (see rendering.render_row):
    template = models.CharField(_("template"), max_length=200, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    builder = models.CharField(_("context builder"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text_body = models.TextField(_("plain text"), blank=True)
    html_body = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # [{"filename": ..., "mimetype": ..., "content": base64}] once rendered; before, a
    # lazy one is {"builder": "dotted.path"}, called with the context at render time.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-id"]
        # Every index is written when a request queues a message: only what the
        # worker (status, due time), the mailbox pages (newest first) and
        # privacy erasure (recipient) look rows up by.
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.event} → {self.to_email}"

    @property
    def message_id(self) -> str:
        """Stable across retries, so a receiver can drop a repeat."""
        domain = urlsplit(settings.SITE_URL).hostname or "coursemarket.localhost"
        return f"<{self.uid}@{domain}>"


class KnownDevice(models.Model):
    """A browser a person has signed in from, by a hash of its user agent, so
    that a sign-in from a new one can be told to them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="known_devices"
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    label = models.CharField(_("device"), max_length=200, blank=True)
    first_seen = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        verbose_name = _("known device")
        verbose_name_plural = _("known devices")
        constraints = [models.UniqueConstraint(fields=["user", "fingerprint"], name="known_device_unique")]

    def __str__(self) -> str:
        return self.label or self.fingerprint[:12]


class PushSubscription(models.Model):
    """One browser's Web Push subscription (the endpoint of its push service
    and the keys to encrypt for it). Removed when the push service answers
    404 or 410: the browser dropped it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(_("public key"), max_length=200)
    auth = models.CharField(_("authentication secret"), max_length=100)
    label = models.CharField(_("device"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        indexes = [models.Index(fields=["user"], name="push_subscription_user_idx")]

    def __str__(self) -> str:
        return self.label or urlsplit(self.endpoint).hostname or self.endpoint[:40]

    def info(self) -> dict[str, object]:
        """What pywebpush takes."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
