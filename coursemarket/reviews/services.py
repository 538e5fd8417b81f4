"""Writes for reviews. Each function checks who may act, validates, changes
the rows, keeps the rating summaries in step (aggregates.move) and records
the step in the review's moderation history and in the audit trail, all in
one transaction. A refused call raises and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coursemarket.audit.services import audit_record
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.catalog.models import TEACHING_LANGUAGES
from coursemarket.catalog.pagecache import catalog_changed
from coursemarket.schools.models import Membership
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import user_can

from . import aggregates, moderation, notifications
from .models import (
    SUB_RATINGS,
    TEXT_MAX,
    TEXT_MIN,
    TITLE_MAX,
    HelpfulVote,
    ModerationAction,
    ModerationEvent,
    NameStyle,
    ReportReason,
    ReportSource,
    Review,
    ReviewAnswer,
    ReviewReport,
    ReviewStatus,
)

REASON_MAX = 500


@dataclass(frozen=True)
class ReviewInput:
    """What the author writes. Sub-ratings are optional (None)."""

    rating: Any
    title: str
    text: str
    language: str
    name_style: str = NameStyle.INITIAL
    rating_content: Any = None
    rating_instructor: Any = None
    rating_value: Any = None
    rating_venue: Any = None


def is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def _stars(value: Any, field: str, *, required: bool) -> int | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Choose from 1 to 5 stars.")}, code="rating_required")
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if str(number) != str(value).strip() or not 1 <= number <= 5:
        raise ValidationError({field: _("A rating is a whole number of stars from 1 to 5.")}, code="rating_range")
    return number


def _clean_text(value: str) -> str:
    # Keep line breaks, drop other control characters (they only hide things).
    return "".join(c for c in (value or "") if c in "\n\t" or c >= " ").strip()


def _validated(data: ReviewInput) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for field, required in [("rating", True), *((f"rating_{n}", False) for n in SUB_RATINGS)]:
        try:
            values[field] = _stars(getattr(data, field), field, required=required)
        except ValidationError as exc:
            errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    title = _clean_text(data.title)
    text = _clean_text(data.text)
    if not title:
        errors.setdefault("title", []).append(_("Give your review a title."))
    elif len(title) > TITLE_MAX:
        errors.setdefault("title", []).append(
            ngettext(
                "The title can be at most %(max)d character (it has %(n)d).",
                "The title can be at most %(max)d characters (it has %(n)d).",
                TITLE_MAX,
            )
            % {"max": TITLE_MAX, "n": len(title)}
        )
    if len(text) < TEXT_MIN:
        errors.setdefault("text", []).append(
            ngettext(
                "Tell other students a little more: at least %(min)d character.",
                "Tell other students a little more: at least %(min)d characters.",
                TEXT_MIN,
            )
            % {"min": TEXT_MIN}
        )
    elif len(text) > TEXT_MAX:
        errors.setdefault("text", []).append(
            ngettext(
                "A review can be at most %(max)d character (this one has %(n)d).",
                "A review can be at most %(max)d characters (this one has %(n)d).",
                TEXT_MAX,
            )
            % {"max": TEXT_MAX, "n": len(text)}
        )
    if data.language not in TEACHING_LANGUAGES:
        errors.setdefault("language", []).append(_("Choose the language you wrote the review in."))
    if data.name_style not in NameStyle.values:
        errors.setdefault("name_style", []).append(_("Choose how your name is shown."))
    if errors:
        raise ValidationError(errors)
    values.update(title=title, text=text, language=data.language, name_style=data.name_style)
    return values


def _event(review: Review, actor: Any, action: str, reason: str = "", *, audit: str, **changes: Any) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    catalog_changed(review.course_id)  # the course page shows reviews, answers and the rating
    ModerationEvent.objects.create(review=review, actor=user, action=action, reason=reason[:REASON_MAX])
    if reason:
        changes["reason"] = reason
    audit_record(actor=actor, action=audit, target=review, school_id=review.school_id, changes=changes)


def _is_school_staff(user: Any, school_id: int) -> bool:
    return Membership.objects.filter(school_id=school_id, user_id=user.pk).exists()


def check_can_review(*, user: Any, booking: Booking, now: datetime | None = None) -> None:
    """Raise unless `user` may review `booking` now."""
    now = now or timezone.now()
    if not getattr(user, "is_authenticated", False) or booking.student_id != user.pk:
        raise PermissionDenied(_("Only the student who made this booking can review it."))
    if _is_school_staff(user, booking.session.school_id):
        raise PermissionDenied(_("Staff of a school cannot review its courses."))
    if booking.state == BookingState.CANCELLED or booking.state == BookingState.REFUNDED:
        raise ValidationError(_("This booking was cancelled, so it cannot be reviewed."), code="cancelled")
    if booking.state != BookingState.COMPLETED or booking.session.ends_at > now:
        raise ValidationError(
            _("You can review a course once your session has ended and the school has marked it completed."),
            code="not_completed",
        )
    if Review.objects.filter(booking=booking).exists():
        raise ValidationError(_("You have already reviewed this booking; you can edit your review."), code="duplicate")


def review_create(*, author: Any, booking: Booking, data: ReviewInput, now: datetime | None = None) -> Review:
    """Write the review of a completed booking. It publishes at once unless the
    automatic check holds it for an operator."""
    now = now or timezone.now()
    values = _validated(data)
    try:
        with transaction.atomic():
            booking = Booking.objects.select_for_update(of=("self",)).select_related("session").get(pk=booking.pk)
            check_can_review(user=author, booking=booking, now=now)
            held = moderation.screen(values["title"], values["text"])
            review = Review.objects.create(
                booking=booking,
                author=author,
                course_id=booking.session.course_id,
                session=booking.session,
                school_id=booking.session.school_id,
                status=ReviewStatus.PENDING if held else ReviewStatus.PUBLISHED,
                held_for=held,
                published_at=None if held else now,
                created_at=now,
                **values,
            )
            review.instructors.set(booking.session.instructors.all())
            aggregates.move(review, was_published=False, before={})
            _event(
                review,
                author,
                ModerationAction.HELD if held else ModerationAction.SUBMITTED,
                ", ".join(held),
                audit="review.created",
                rating=review.rating,
                status=review.status,
            )
            notifications.school_review_notify(review)
    except IntegrityError as exc:  # a double submit raced past the check
        raise ValidationError(_("You have already reviewed this booking."), code="duplicate") from exc
    return review


@transaction.atomic
def review_update(*, actor: Any, review: Review, data: ReviewInput, now: datetime | None = None) -> Review:
    """The author changes their review within the edit window. The automatic
    check runs again; a review an operator hid goes back to the queue."""
    now = now or timezone.now()
    review = Review.objects.select_for_update().get(pk=review.pk)
    if not getattr(actor, "is_authenticated", False) or review.author_id != actor.pk:
        raise PermissionDenied(_("Only its author can change a review."))
    if now > review.editable_until:
        raise ValidationError(_("Reviews can be changed for 30 days after they are written."), code="edit_window")
    values = _validated(data)
    before = aggregates.rating_values(review)
    was_published = review.status == ReviewStatus.PUBLISHED
    old = {key: getattr(review, key) for key in values}
    for key, value in values.items():
        setattr(review, key, value)
    held = moderation.screen(review.title, review.text)
    review.held_for = held
    if held or review.status == ReviewStatus.HIDDEN:
        review.status = ReviewStatus.PENDING
    elif review.status == ReviewStatus.PENDING and not review.events.filter(action=ModerationAction.HIDDEN).exists():
        review.status = ReviewStatus.PUBLISHED  # it was only held by the automatic check
    if review.status == ReviewStatus.PUBLISHED and review.published_at is None:
        review.published_at = now
    review.edited_at = now
    review.save()
    aggregates.move(review, was_published=was_published, before=before)
    changed = {k: {"before": old[k], "after": values[k]} for k in values if old[k] != values[k]}
    _event(
        review, actor, ModerationAction.EDITED, ", ".join(held), audit="review.edited", status=review.status, **changed
    )
    return review


def _require_school(actor: Any, review: Review) -> None:
    if not user_can(user=actor, school=review.school, permission=Perm.MANAGE_REVIEWS):
        raise PermissionDenied(_("Only the school's owners and managers can do this."))


@transaction.atomic
def review_answer_save(*, actor: Any, review: Review, text: str, now: datetime | None = None) -> ReviewAnswer:
    """The school answers publicly, or changes its answer (one per review)."""
    now = now or timezone.now()
    review = Review.objects.select_for_update(of=("self",)).select_related("school").get(pk=review.pk)
    _require_school(actor, review)
    if review.status != ReviewStatus.PUBLISHED:
        raise ValidationError(_("Only a published review can be answered."), code="not_published")
    text = _clean_text(text)
    if not text:
        raise ValidationError({"text": _("Write your answer first.")}, code="empty")
    if len(text) > TEXT_MAX:
        raise ValidationError(
            {
                "text": ngettext(
                    "An answer can be at most %(max)d character.",
                    "An answer can be at most %(max)d characters.",
                    TEXT_MAX,
                )
                % {"max": TEXT_MAX}
            }
        )
    answer, created = ReviewAnswer.objects.update_or_create(
        review=review, defaults={"text": text, "author": actor, "updated_at": now}
    )
    _event(review, actor, ModerationAction.ANSWERED, audit="review.answered", edited=not created)
    if created:
        notifications.review_answered_notify(answer)
    return answer


def _clean_reason(reason: str, details: str) -> tuple[str, str]:
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("Choose a reason.")}, code="reason")
    details = _clean_text(details)[:REASON_MAX]
    if reason == ReportReason.OTHER and not details:
        raise ValidationError({"details": _("Tell the moderators what is wrong.")}, code="details")
    return reason, details


def _open_report(review: Review, actor: Any, source: str, reason: str, details: str, action: str) -> ReviewReport:
    if ReviewReport.objects.filter(review=review, reporter=actor, resolved_at__isnull=True).exists():
        raise ValidationError(_("You have already reported this review; the moderators will look at it."))
    report = ReviewReport.objects.create(review=review, reporter=actor, source=source, reason=reason, details=details)
    Review.objects.filter(pk=review.pk).update(open_reports=F("open_reports") + 1)
    _event(review, actor, action, details or reason, audit=f"review.{action}", category=reason)
    return report


@transaction.atomic
def review_report(*, actor: Any, review: Review, reason: str, details: str = "") -> ReviewReport:
    """Any signed-in reader (not the author) reports a published review."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to report a review."))
    if review.author_id == actor.pk:
        raise PermissionDenied(_("You cannot report your own review."))
    if review.status != ReviewStatus.PUBLISHED:
        raise ValidationError(_("This review is not published."), code="not_published")
    reason, details = _clean_reason(reason, details)
    report = _open_report(review, actor, ReportSource.USER, reason, details, ModerationAction.REPORTED)
    notifications.school_review_reported_notify(report)
    return report


@transaction.atomic
def review_flag(*, actor: Any, review: Review, reason: str, details: str = "") -> ReviewReport:
    """The school asks the operators to look at a review. It cannot hide it."""
    review = Review.objects.select_for_update(of=("self",)).select_related("school").get(pk=review.pk)
    _require_school(actor, review)
    if review.status == ReviewStatus.HIDDEN:
        raise ValidationError(_("This review is already hidden."), code="hidden")
    reason, details = _clean_reason(reason, details)
    if not details:
        raise ValidationError({"details": _("Tell the moderators why this review breaks the rules.")})
    report = _open_report(review, actor, ReportSource.SCHOOL, reason, details, ModerationAction.FLAGGED)
    notifications.school_review_reported_notify(report, actor=actor)
    return report


@transaction.atomic
def review_vote(*, actor: Any, review: Review, helpful: bool) -> Review:
    """Mark a published review helpful (or take the vote back). One per person."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to vote."))
    if review.author_id == actor.pk:
        raise PermissionDenied(_("You cannot vote for your own review."))
    if review.status != ReviewStatus.PUBLISHED:
        raise ValidationError(_("This review is not published."), code="not_published")
    exists = HelpfulVote.objects.filter(review=review, user=actor).exists()
    if helpful and not exists:
        HelpfulVote.objects.create(review=review, user=actor)
        Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
    elif not helpful and exists:
        HelpfulVote.objects.filter(review=review, user=actor).delete()
        Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") - 1)
    else:
        return review
    catalog_changed(review.course_id)
    audit_record(
        actor=actor, action="review.voted", target=review, school_id=review.school_id, changes={"helpful": helpful}
    )
    review.refresh_from_db(fields=["helpful_count"])
    return review


def _decide(actor: Any, review: Review, *, allowed_from: set[str], to: str, action: str, reason: str = "") -> Review:
    if not is_operator(actor):
        raise PermissionDenied(_("Only Coursemarket's moderators can do this."))
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status not in allowed_from:
        raise ValidationError(
            _("This review is “%(status)s”; that decision does not apply.") % {"status": review.get_status_display()},
            code="wrong_status",
        )
    before = aggregates.rating_values(review)
    was_published = review.status == ReviewStatus.PUBLISHED
    previous = review.status
    review.status = to
    review.hidden_reason = reason if to == ReviewStatus.HIDDEN else ""
    if to == ReviewStatus.PUBLISHED and review.published_at is None:
        review.published_at = timezone.now()
    review.open_reports = 0
    review.save(update_fields=["status", "hidden_reason", "published_at", "open_reports"])
    ReviewReport.objects.filter(review=review, resolved_at__isnull=True).update(resolved_at=timezone.now())
    aggregates.move(review, was_published=was_published, before=before)
    _event(review, actor, action, reason, audit=f"review.{action}", status={"before": previous, "after": to})
    return review


@transaction.atomic
def review_publish(*, actor: Any, review: Review) -> Review:
    """Publish a held review, or keep a reported one published (closing its reports)."""
    review = _decide(
        actor,
        review,
        allowed_from={ReviewStatus.PENDING, ReviewStatus.PUBLISHED},
        to=ReviewStatus.PUBLISHED,
        action=ModerationAction.PUBLISHED,
    )
    notifications.school_review_notify(review)  # a held review reaches the school now (once)
    return review


@transaction.atomic
def review_hide(*, actor: Any, review: Review, reason: str) -> Review:
    """Take a review off the site. The author sees `reason`."""
    reason = _clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Tell the author why the review is hidden.")}, code="no_reason")
    review = _decide(
        actor,
        review,
        allowed_from={ReviewStatus.PENDING, ReviewStatus.PUBLISHED},
        to=ReviewStatus.HIDDEN,
        action=ModerationAction.HIDDEN,
        reason=reason[:REASON_MAX],
    )
    notifications.review_hidden_notify(review)
    return review


@transaction.atomic
def review_restore(*, actor: Any, review: Review) -> Review:
    """Put a hidden review back on the site."""
    return _decide(
        actor, review, allowed_from={ReviewStatus.HIDDEN}, to=ReviewStatus.PUBLISHED, action=ModerationAction.RESTORED
    )
