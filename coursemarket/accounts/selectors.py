"""Reads for the accounts app. Nothing here writes: a person without a saved
profile or preferences gets unsaved defaults, and the services create the rows
on the first save."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from babel import Locale
from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation

from coursemarket.catalog.models import Category
from coursemarket.core.zones import is_zone_name, zone_names
from coursemarket.schools.models import Membership

from .models import NotificationPreferences, StudentProfile, User

# Languages a student may say they speak (ISO 639-1). Names come from Babel in
# the reader's language, so this list needs no translation catalog.
SPOKEN_LANGUAGE_CODES = (
    "ar", "bn", "ca", "cs", "da", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fr", "ga", "gl", "he", "hi",
    "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "nl", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sr",
    "sv", "sw", "ta", "th", "tl", "tr", "uk", "ur", "vi", "zh",
)  # fmt: skip


def _babel_locale() -> Locale:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return Locale.parse(settings.BABEL_LOCALES.get(language, language))


def spoken_language_choices() -> list[tuple[str, str]]:
    """(code, name) pairs, named and sorted in the current language."""
    names = _babel_locale().languages
    pairs = [(code, (names.get(code) or code).capitalize()) for code in SPOKEN_LANGUAGE_CODES]
    return sorted(pairs, key=lambda pair: pair[1].casefold())


def spoken_language_names(codes: list[str]) -> list[str]:
    names = _babel_locale().languages
    return [(names.get(code) or code).capitalize() for code in codes]


def is_valid_timezone(name: str) -> bool:
    return is_zone_name(name)


def _utc_offset(name: str, now: datetime) -> str:
    offset = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def timezone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """IANA zones grouped by region, labelled with today's offset:
    "Europe" → ("Europe/Madrid", "Madrid (UTC+01:00)"); plus UTC itself."""
    now = datetime.now(UTC)
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(zone_names()):
        region, _sep, place = name.partition("/")
        if not place or region in {"Etc", "SystemV", "US", "Canada", "Brazil", "Chile", "Mexico"}:
            continue  # legacy aliases and bare abbreviations: each has a regional name
        label = f"{place.replace('_', ' ').replace('/', ' / ')} ({_utc_offset(name, now)})"
        groups.setdefault(region, []).append((name, label))
    return [("UTC", [("UTC", "UTC")]), *sorted(groups.items())]


def student_profile_for(*, user: User) -> StudentProfile:
    """The person's profile, or an unsaved empty one."""
    profile = (
        StudentProfile.objects.filter(user=user)
        .prefetch_related(Prefetch("interests", queryset=Category.objects.prefetch_related("translations")))
        .first()
    )
    return profile or StudentProfile(user=user)


def notification_preferences_for(*, user: User) -> NotificationPreferences:
    return NotificationPreferences.objects.filter(user=user).first() or NotificationPreferences(user=user)


def notification_wanted(*, user: User, field: str) -> bool:
    """Whether `user` wants the emails behind preference `field` (the default when never set)."""
    prefs = NotificationPreferences.objects.filter(user=user).first()
    return bool(getattr(prefs, field) if prefs else NotificationPreferences().__dict__[field])


def push_wanted(*, user: User, kind: str) -> bool:
    """Whether `user` wants push notifications of `kind` (notifications.models.PushKind)."""
    return notification_wanted(user=user, field=NotificationPreferences.PUSH_PREFIX + kind)


def quiet_hours(*, user: User) -> tuple[time, time] | None:
    """The person's quiet hours (local wall times), if they set them."""
    prefs = NotificationPreferences.objects.filter(user=user).only("quiet_hours_start", "quiet_hours_end").first()
    if prefs is None or prefs.quiet_hours_start is None or prefs.quiet_hours_end is None:
        return None
    return prefs.quiet_hours_start, prefs.quiet_hours_end


def interest_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Categories to pick interests from, grouped under their top-level category."""
    categories = list(Category.objects.prefetch_related("translations").order_by("position", "slug"))
    children: dict[int, list[Category]] = {}
    for category in categories:
        if category.parent_id is not None:
            children.setdefault(category.parent_id, []).append(category)
    grouped = []
    for top in (c for c in categories if c.parent_id is None):
        options = [(c.pk, str(c)) for c in children.get(top.pk, [])] or [(top.pk, str(top))]
        grouped.append((str(top), options))
    return grouped


@dataclass(frozen=True)
class DashboardData:
    profile: StudentProfile
    profile_completion: int
    missing: list[str]
    has_two_factor: bool


def dashboard_for(*, user: User) -> DashboardData:
    """What the student dashboard shows. Bookings, history and certificates join
    here as their apps arrive; until then those sections are empty."""
    from allauth.mfa.models import Authenticator

    profile = StudentProfile.objects.filter(user=user).first() or StudentProfile(user=user)
    checks = {
        "avatar": bool(user.avatar),
        "display_name": bool(user.display_name),
        "bio": bool(profile.bio),
        "city": bool(profile.city),
        "languages": bool(profile.languages_spoken),
    }
    missing = [key for key, done in checks.items() if not done]
    completion = round(100 * (len(checks) - len(missing)) / len(checks))
    has_two_factor = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return DashboardData(profile=profile, profile_completion=completion, missing=missing, has_two_factor=has_two_factor)


def is_school_staff(*, user: User) -> bool:
    return Membership.objects.filter(user=user).exists()
