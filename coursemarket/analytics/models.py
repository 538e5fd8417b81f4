"""Daily rollups of a school's business, one row per course, local day and
currency (analytics.rollups computes them, analytics.services keeps them).

The truth stays where it is: bookings (state, seats, discount), payments
(succeeded attempts, refunds made) and the activity log (course views). A
row only sums them for one day, so the dashboard reads a few hundred rows
instead of every booking; rollup_days recomputes any range from the truth."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CourseDay(models.Model):
    """One course's figures for one day of the school's local calendar, in one
    currency. Counts that have no currency (views, sessions' seats) sit on the
    row of the course's own currency; money is never summed across currencies."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    course = models.ForeignKey(
        "catalog.Course", verbose_name=_("course"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField(_("day"))  # in the school's time zone (analytics.zones.school_zone)
    currency = models.CharField(_("currency"), max_length=3)
    views = models.PositiveIntegerField(_("course page views"), default=0)
    # Bookings confirmed (paid, or free) on this day, and their seats and discounts.
    bookings = models.PositiveIntegerField(_("bookings"), default=0)
    seats = models.PositiveIntegerField(_("seats"), default=0)
    discounts = models.DecimalField(_("discounts"), max_digits=14, decimal_places=2, default=0)
    # Bookings started on this day (seats held at checkout; not places on a waitlist): "ordered" beside "paid".
    orders = models.PositiveIntegerField(_("bookings started"), default=0)
    # Confirmed bookings cancelled on this day (by the student or the school).
    cancellations = models.PositiveIntegerField(_("cancellations"), default=0)
    # Money on the day it moved: payments that succeeded, refunds that were made.
    gross = models.DecimalField(_("gross revenue"), max_digits=14, decimal_places=2, default=0)
    refunds = models.DecimalField(_("refunds"), max_digits=14, decimal_places=2, default=0)
    platform_fees = models.DecimalField(_("platform fees"), max_digits=14, decimal_places=2, default=0)
    net = models.DecimalField(_("net revenue"), max_digits=14, decimal_places=2, default=0)
    # Sessions of the course that start on this day: their seats and how many are taken.
    session_capacity = models.PositiveIntegerField(_("seats offered"), default=0)
    session_seats_taken = models.PositiveIntegerField(_("seats taken"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("course day")
        verbose_name_plural = _("course days")
        constraints = [
            models.UniqueConstraint(fields=["school", "day", "course", "currency"], name="analytics_one_course_day"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} {self.day} {self.currency}"


class FunnelDay(models.Model):
    """One course's booking funnel for one day of the school's calendar and
    one channel (analytics.funnel): course views, and of the bookings started
    that day how many reached checkout and were paid. Kept by the rollup job,
    which also recomputes the day a booking was started when it is paid
    later; the funnel page sums these and computes today live."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    course = models.ForeignKey(
        "catalog.Course", verbose_name=_("course"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField(_("day"))
    channel = models.CharField(_("channel"), max_length=20)  # analytics.funnel.CHANNELS
    views = models.PositiveIntegerField(_("course page views"), default=0)
    started = models.PositiveIntegerField(_("bookings started"), default=0)
    checkout = models.PositiveIntegerField(_("reached checkout"), default=0)
    paid = models.PositiveIntegerField(_("paid or confirmed"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("funnel day")
        verbose_name_plural = _("funnel days")
        constraints = [
            models.UniqueConstraint(fields=["school", "day", "course", "channel"], name="analytics_one_funnel_day"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} {self.day} {self.channel}"


class SchoolStudent(models.Model):
    """When a student's first and second bookings with a school were confirmed:
    what "new", "repeat" and the cohorts are counted from, without reading
    every booking of the school. Kept by the rollup job (analytics.students)
    for the students whose bookings were confirmed in the days it recomputes;
    the pages correct it live for students confirmed today."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("student"), on_delete=models.CASCADE, related_name="+"
    )
    first_at = models.DateTimeField(_("first booking confirmed at"))
    # The second booking (None: only one so far), and how long after the first it was confirmed.
    second_at = models.DateTimeField(_("second booking confirmed at"), null=True, blank=True)
    return_after = models.DurationField(_("booked again after"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("school's student")
        verbose_name_plural = _("school's students")
        constraints = [
            models.UniqueConstraint(fields=["school", "student"], name="analytics_one_row_per_school_student"),
        ]
        # Who booked first in a period, counted from the index alone (the student: today's are left out).
        indexes = [models.Index(fields=["school", "first_at", "student"], name="analytics_student_first_who")]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.student_id}"


AT_RISK_THRESHOLD_DEFAULT = 30  # per cent of a session's seats


class SchoolAnalyticsSettings(models.Model):
    """A school's choices for its analytics: below which fill (per cent of the
    seats) a session starting within a week counts as at risk. No row: the
    defaults (analytics.demand.at_risk_threshold reads it)."""

    school = models.OneToOneField(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="+"
    )
    at_risk_threshold = models.PositiveSmallIntegerField(
        _("at-risk fill threshold (%)"),
        default=AT_RISK_THRESHOLD_DEFAULT,
        validators=[MaxValueValidator(100)],
        help_text=_("A session starting within 7 days with fewer seats taken than this share is at risk."),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("school analytics settings")
        verbose_name_plural = _("school analytics settings")

    def __str__(self) -> str:
        return f"{self.school_id}: {self.at_risk_threshold} %"


class AtRiskAlert(models.Model):
    """A session was reported at risk to its school's staff at this threshold:
    the row that makes the alert job send it once (one per session and
    threshold, whatever happens to the fill afterwards)."""

    session = models.ForeignKey(
        "catalog.Session", verbose_name=_("session"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    threshold = models.PositiveSmallIntegerField(_("threshold (%)"))
    seats_taken = models.PositiveIntegerField(_("seats taken"))
    capacity = models.PositiveIntegerField(_("seats"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("at-risk alert")
        verbose_name_plural = _("at-risk alerts")
        constraints = [
            models.UniqueConstraint(fields=["session", "threshold"], name="analytics_one_alert_per_threshold"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} < {self.threshold} %"
