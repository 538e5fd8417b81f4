"""Writes for the accounts app: typed, keyword-only, one transaction each, and
each with its audit entry.

Audit entries about a person name them by id only (``changes["user_id"]``),
never by email or name: the trail is append-only and outlives account deletion,
so it must not hold personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.catalog.models import Category
from coursemarket.core.demographics import AgeBand, Gender
from coursemarket.core.images import check_image, clean_image
from coursemarket.core.money import format_items
from coursemarket.notifications.models import Category as MessageCategory
from coursemarket.notifications.models import KnownDevice
from coursemarket.notifications.services import absolute_url, notify
from coursemarket.schools.geo_names import country_codes

from . import privacy
from .devices import describe_user_agent
from .models import NotificationPreferences, StudentProfile, User
from .selectors import SPOKEN_LANGUAGE_CODES, is_valid_timezone

# allauth's security notifications (adapter.send_notification_mail templates)
# and the audit action each one records.
SECURITY_EVENTS = {
    "account/email/password_changed": "account.password_changed",
    "account/email/password_set": "account.password_set",
    "account/email/password_reset": "account.password_reset",
    "account/email/email_changed": "account.email_changed",
    "account/email/email_deleted": "account.email_removed",
    "mfa/email/totp_activated": "account.2fa_enabled",
    "mfa/email/totp_deactivated": "account.2fa_disabled",
    "mfa/email/recovery_codes_generated": "account.2fa_recovery_codes_generated",
    "mfa/email/webauthn_added": "account.2fa_security_key_added",
    "mfa/email/webauthn_removed": "account.2fa_security_key_removed",
}

AVATAR_MAX_SIDE = 512


class AccountDeletionBlockedError(Exception):
    """The account cannot be deleted yet; `reasons` are translated sentences."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _audit(*, actor: User | None, action: str, user: User, changes: dict[str, Any] | None = None) -> None:
    audit_record(actor=actor, action=action, changes={"user_id": user.pk, **(changes or {})})


def security_event_record(*, user: User, event: str) -> None:
    """Record a security event allauth performed (password, email, two-factor)."""
    with transaction.atomic():
        _audit(actor=user, action=event, user=user)


def sign_in_record(*, user: User, user_agent: str, ip: str) -> bool:
    """Remember the browser a person signed in with. When they already had a
    known browser and this one is new, they get an email about it (the very
    first sign-in sends nothing). Returns whether the browser was new."""
    device = describe_user_agent(user_agent)
    with transaction.atomic():
        # One sign-in at a time per person: two at once from two new browsers
        # must not both count as "the first".
        User.objects.select_for_update().filter(pk=user.pk).first()
        had_devices = KnownDevice.objects.filter(user=user).exists()
        known, created = KnownDevice.objects.get_or_create(
            user=user, fingerprint=device.fingerprint, defaults={"label": device.label[:200]}
        )
        if not created:
            known.save(update_fields=["last_seen"])
            return False
        if had_devices:
            _audit(actor=user, action="account.new_device_signed_in", user=user, changes={"device": known.label})
            notify(
                event="account.new_device",
                dedup_key=f"new-device:{known.pk}",
                category=MessageCategory.SECURITY,
                template="accounts/email/new_device",
                context={
                    "device": known.label,
                    "when": django_timezone.now(),
                    "ip": ip,
                    "sessions_url": absolute_url("usersessions_list", language=user.language),
                    "password_url": absolute_url("account_change_password", language=user.language),
                },
                recipient=user,
            )
    return True


def user_signup_complete(*, user: User, language: str, timezone: str) -> None:
    """Settle what sign-up knows about a new person: the language they signed up
    in and the time zone their browser reported (when valid)."""
    with transaction.atomic():
        user.language = language if language in dict(User._meta.get_field("language").choices or []) else "en"
        user.timezone = timezone if timezone and is_valid_timezone(timezone) else "UTC"
        user.save(update_fields=["language", "timezone"])
        StudentProfile.objects.get_or_create(user=user)
        NotificationPreferences.objects.get_or_create(user=user)
        _audit(actor=user, action="account.signed_up", user=user)


@dataclass(frozen=True)
class Demographics:
    """What a student may share with the schools they book with: bands only."""

    country: str = ""  # ISO 3166-1 alpha-2, upper case
    age_band: str = ""  # AgeBand
    gender: str = ""  # Gender
    share_with_schools: bool = False


def demographics_check(demographics: Demographics) -> None:
    """A value outside its list is refused with a translated error per field."""
    errors: dict[str, str] = {}
    if demographics.country and demographics.country not in country_codes():
        errors["country"] = _("Please choose a country from the list.")
    if demographics.age_band and demographics.age_band not in AgeBand.values:
        errors["age_band"] = _("Please choose an age band from the list.")
    if demographics.gender and demographics.gender not in Gender.values:
        errors["gender"] = _("Please choose one of the options.")
    if errors:
        raise ValidationError(errors)


def _demographics_of(profile: StudentProfile) -> dict[str, Any]:
    return {
        "country": profile.country,
        "age_band": profile.age_band,
        "gender": profile.gender,
        "share_with_schools": profile.share_with_schools,
    }


def student_profile_update(
    *,
    user: User,
    display_name: str,
    bio: str,
    city: str,
    languages_spoken: Iterable[str],
    interests: Iterable[Category],
    avatar: UploadedFile | None = None,
    remove_avatar: bool = False,
    demographics: Demographics | None = None,
) -> StudentProfile:
    """Save the profile form. A new avatar is checked (JPEG/PNG/WebP, ≤ 5 MB),
    resized to at most 512×512 and stripped of metadata; the old file goes.
    `demographics` (None: left as they are) are checked against their lists."""
    languages = list(dict.fromkeys(languages_spoken))
    unknown = [code for code in languages if code not in SPOKEN_LANGUAGE_CODES]
    if unknown:
        raise ValidationError({"languages_spoken": _("Please choose languages from the list.")})
    if demographics is not None:
        demographics_check(demographics)
    new_avatar = None
    if avatar is not None:
        check_image(avatar, size=avatar.size, min_side=1)
        new_avatar = clean_image(avatar, max_side=AVATAR_MAX_SIDE, name="avatar!", min_side=1)

    with transaction.atomic():
        profile, _created = StudentProfile.objects.select_for_update().get_or_create(user=user)
        before_interests = set(profile.interests.values_list("pk", flat=True)) if not _created else set()
        before = {
            "display_name": user.display_name,
            "avatar": user.avatar.name if user.avatar else "",
            "bio": profile.bio,
            "city": profile.city,
            "languages_spoken": list(profile.languages_spoken),
            **_demographics_of(profile),
        }
        old_avatar = user.avatar.name if user.avatar else ""
        user.display_name = display_name.strip()
        if new_avatar is not None:
            user.avatar.save(new_avatar.name or "avatar.jpg", new_avatar, save=False)
        elif remove_avatar:
            user.avatar = ""
        user.save(update_fields=["display_name", "avatar"])
        profile.bio = bio.strip()
        profile.city = city.strip()
        profile.languages_spoken = languages
        if demographics is not None:
            profile.country = demographics.country
            profile.age_band = demographics.age_band
            profile.gender = demographics.gender
            profile.share_with_schools = demographics.share_with_schools
        profile.save()
        interest_list = list(interests)
        profile.interests.set(interest_list)

        after = {
            "display_name": user.display_name,
            "avatar": user.avatar.name if user.avatar else "",
            "bio": profile.bio,
            "city": profile.city,
            "languages_spoken": languages,
            **_demographics_of(profile),
        }
        changed = sorted(key for key in after if after[key] != before[key])
        if {c.pk for c in interest_list} != before_interests:
            changed.append("interests")
        if changed:
            _audit(actor=user, action="account.profile_updated", user=user, changes={"fields": changed})

        new_name = user.avatar.name if user.avatar else ""
        if old_avatar and old_avatar != new_name:
            storage = user.avatar.storage
            transaction.on_commit(lambda: storage.delete(old_avatar))
    return profile


def account_preferences_update(*, user: User, language: str, timezone: str) -> User:
    """Preferred language (the site's language after sign-in) and time zone
    (how every date is shown)."""
    languages = dict(User._meta.get_field("language").choices or [])
    errors = {}
    if language not in languages:
        errors["language"] = _("Please choose one of the languages in the list.")
    if not is_valid_timezone(timezone):
        errors["timezone"] = _("“%(zone)s” is not a time zone we know. Please choose one from the list.") % {
            "zone": timezone
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = {"language": user.language, "timezone": user.timezone}
        user.language = language
        user.timezone = timezone
        user.save(update_fields=["language", "timezone"])
        after = {"language": language, "timezone": timezone}
        if before != after:
            changed = {key: {"before": before[key], "after": after[key]} for key in after if before[key] != after[key]}
            _audit(actor=user, action="account.preferences_updated", user=user, changes=changed)
    return user


def account_language_update(*, user: User, language: str) -> bool:
    """The interface language a signed-in person switched to (the footer's
    switcher, /i18n/setlang/) becomes their preference, so it follows them
    to their other devices at the next sign-in. Whether it changed."""
    if language not in dict(User._meta.get_field("language").choices or []):
        raise ValidationError({"language": _("Please choose one of the languages in the list.")})
    with transaction.atomic():
        before = user.language
        if before == language:
            return False
        user.language = language
        user.save(update_fields=["language"])
        _audit(
            actor=user,
            action="account.preferences_updated",
            user=user,
            changes={"language": {"before": before, "after": language}},
        )
    return True


def notification_switch_off(*, user_id: int, field: str) -> None:
    """One-click unsubscribe from an email: preference `field` off (the
    notifications outbox calls it through its preference store)."""
    prefs, _created = NotificationPreferences.objects.get_or_create(user_id=user_id)
    if getattr(prefs, field):
        setattr(prefs, field, False)
        prefs.save(update_fields=[field, "updated_at"])


QUIET_FIELDS = ("quiet_hours_start", "quiet_hours_end")


def notification_preferences_update(
    *, user: User, choices: dict[str, Any], quiet_hours: tuple[time | None, time | None] | None = None
) -> NotificationPreferences:
    """The email and push switches in `choices`; `quiet_hours` (start, end),
    both set or both None, when given."""
    fields = NotificationPreferences.category_fields() + NotificationPreferences.push_fields()
    unknown = set(choices) - set(fields)
    if unknown:
        raise ValidationError(
            _("Unknown notification categories: %(names)s") % {"names": format_items(sorted(unknown))}
        )
    if quiet_hours is not None:
        start, end = quiet_hours
        if (start is None) != (end is None) or (start is not None and start == end):
            raise ValidationError(
                _("Give both ends of your quiet hours, and different times — or leave both empty."),
                code="quiet_hours",
            )
    with transaction.atomic():
        preferences, _created = NotificationPreferences.objects.select_for_update().get_or_create(user=user)
        changed: dict[str, Any] = {}
        for field in fields:
            if field in choices and getattr(preferences, field) != bool(choices[field]):
                changed[field] = bool(choices[field])
                setattr(preferences, field, bool(choices[field]))
        if quiet_hours is not None:
            for field, value in zip(QUIET_FIELDS, quiet_hours, strict=True):
                if getattr(preferences, field) != value:
                    changed[field] = value.isoformat(timespec="minutes") if value else None
                    setattr(preferences, field, value)
        preferences.save()
        if changed:
            _audit(actor=user, action="account.notifications_updated", user=user, changes=changed)
    return preferences


def account_data_export(*, user: User) -> dict[str, Any]:
    """Everything held about `user`, as a JSON-ready dict; the export itself is audited."""
    with transaction.atomic():
        _audit(actor=user, action="account.data_exported", user=user)
        return privacy.export_user_data(user=user)


def account_delete(*, user: User, actor: User | None = None) -> None:
    """Erase the person's data and close the account. Refused (nothing changes)
    while another record needs them, e.g. they are a school's last owner."""
    reasons = privacy.erasure_blockers(user=user)
    if reasons:
        raise AccountDeletionBlockedError(reasons)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        privacy.erase_user_data(user=user)
        _audit(actor=actor or user, action="account.deleted", user=user)
