"""Everything the platform holds about a person: export it, erase it.

This module is the one place that knows which apps hold personal data. Each
app that does offers `export_user_data(*, user)`, `erase_user_data(*, user)`
and `erasure_blockers(*, user)` in its own `privacy.py`; they are called here
explicitly (no discovery), so a reader and the type checker see them all.
When a new app starts holding personal data, add its three calls below.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coursemarket.activity import privacy as activity_privacy
from coursemarket.alerts import privacy as alerts_privacy
from coursemarket.audit.models import AuditEntry
from coursemarket.bookings import privacy as bookings_privacy
from coursemarket.compare import privacy as compare_privacy
from coursemarket.notifications import privacy as notifications_privacy
from coursemarket.notifications.models import KnownDevice
from coursemarket.promotions import privacy as promotions_privacy
from coursemarket.recommendations import privacy as recommendations_privacy
from coursemarket.reviews import privacy as reviews_privacy
from coursemarket.schools import privacy as schools_privacy

from .models import NotificationPreferences, StudentProfile, User

EXPORT_FORMAT_VERSION = 1


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _accounts_export(user: User) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    profile = StudentProfile.objects.filter(user=user).prefetch_related("interests__translations").first()
    preferences = NotificationPreferences.objects.filter(user=user).first()
    return {
        "account": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "avatar": user.avatar.name if user.avatar else None,
            "preferred_language": user.language,
            "time_zone": user.timezone,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
        "student_profile": {
            "bio": profile.bio if profile else "",
            "city": profile.city if profile else "",
            "languages_spoken": list(profile.languages_spoken) if profile else [],
            "country": profile.country if profile else "",
            "age_band": profile.age_band if profile else "",
            "gender": profile.gender if profile else "",
            "share_with_schools": profile.share_with_schools if profile else False,
            "interests": [{"slug": c.slug, "name": str(c)} for c in profile.interests.all()] if profile else [],
        },
        "notification_preferences": {
            field: getattr(preferences or NotificationPreferences(user=user), field)
            for field in NotificationPreferences.category_fields() + NotificationPreferences.push_fields()
        },
        "two_factor_authenticators": [
            {"type": a.type, "created_at": _iso(a.created_at), "last_used_at": _iso(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user).order_by("created_at")
        ],
        "sessions": [
            {
                "ip": s.ip,
                "user_agent": s.user_agent,
                "created_at": _iso(s.created_at),
                "last_seen_at": _iso(s.last_seen_at),
            }
            for s in UserSession.objects.filter(user=user).order_by("created_at")
        ],
        "known_devices": [
            {"device": d.label, "first_seen": _iso(d.first_seen), "last_seen": _iso(d.last_seen)}
            for d in KnownDevice.objects.filter(user=user).order_by("first_seen")
        ],
        "activity_log": [
            {"when": _iso(e.created_at), "action": e.action, "ip": e.ip, "user_agent": e.user_agent}
            for e in AuditEntry.objects.filter(actor_id=user.pk).order_by("created_at", "id")
        ],
    }


def export_user_data(*, user: User) -> dict[str, Any]:
    """A JSON-ready document of everything held about `user`, section by app."""
    return {
        "format": "coursemarket-personal-data",
        "version": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        **_accounts_export(user),
        "schools": schools_privacy.export_user_data(user=user),
        "bookings": bookings_privacy.export_user_data(user=user),
        "reviews": reviews_privacy.export_user_data(user=user),
        "recommendations": recommendations_privacy.export_user_data(user=user),
        "emails": notifications_privacy.export_user_data(user=user),
        "push_subscriptions": notifications_privacy.export_push_subscriptions(user=user),
        "history": activity_privacy.export_user_data(user=user),
        "saved_searches": alerts_privacy.export_user_data(user=user),
        "compare_tray": compare_privacy.export_user_data(user=user),
        "invites_and_codes": promotions_privacy.export_user_data(user=user),
    }


def erasure_blockers(*, user: User) -> list[str]:
    """Translated reasons why the account cannot be deleted yet (empty: it can)."""
    reasons: list[str] = []
    if user.is_staff:
        reasons.append(_("This is an operator account. Another operator must remove its access first."))
    reasons.extend(schools_privacy.erasure_blockers(user=user))
    reasons.extend(bookings_privacy.erasure_blockers(user=user))
    reasons.extend(reviews_privacy.erasure_blockers(user=user))
    reasons.extend(activity_privacy.erasure_blockers(user=user))
    reasons.extend(alerts_privacy.erasure_blockers(user=user))
    reasons.extend(compare_privacy.erasure_blockers(user=user))
    reasons.extend(recommendations_privacy.erasure_blockers(user=user))
    return reasons


def _anonymise_user_row(user: User) -> None:
    """Strip the User row of everything personal; it stays, because other records
    (payments, audit entries, sessions taught) point at it."""
    avatar_name = user.avatar.name if user.avatar else ""
    if avatar_name:
        storage = user.avatar.storage
        transaction.on_commit(lambda: storage.delete(avatar_name))
    user.email = f"deleted-{user.pk}@invalid.example"
    user.display_name = ""
    user.first_name = ""
    user.last_name = ""
    user.avatar = ""
    user.language = settings.LANGUAGE_CODE
    user.timezone = "UTC"
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.deleted_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def _erase_accounts_rows(user: User) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    for session in UserSession.objects.filter(user=user):
        session.end()  # removes the session from the session store, then the row
    UserSession.objects.filter(user=user).delete()
    KnownDevice.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()  # confirmations go with them
    StudentProfile.objects.filter(user=user).delete()  # interests go with it
    NotificationPreferences.objects.filter(user=user).delete()
    # The admin's change history names the user in object_repr.
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)).update(
        object_repr=f"deleted user {user.pk}"
    )


def erase_user_data(*, user: User) -> None:
    """Erase or anonymise everything held about `user`. The User row stays (other
    records point at it) but holds nothing personal. Run inside a transaction.

    The order matters. The row is anonymised first, so that whatever the other
    apps write while erasing (audit entries name objects by str(), and a
    membership's str() names its user) no longer carries the person's name.
    The other apps get a copy that still knows the old address, to find what
    was addressed to it (invitations); the verified addresses go last."""
    as_it_was = copy.copy(user)
    _anonymise_user_row(user)
    schools_privacy.erase_user_data(user=as_it_was)
    bookings_privacy.erase_user_data(user=as_it_was)
    reviews_privacy.erase_user_data(user=as_it_was)
    recommendations_privacy.erase_user_data(user=as_it_was)
    notifications_privacy.erase_user_data(user=as_it_was)
    activity_privacy.erase_user_data(user=as_it_was)
    alerts_privacy.erase_user_data(user=as_it_was)
    compare_privacy.erase_user_data(user=as_it_was)
    promotions_privacy.erase_user_data(user=as_it_was)
    _erase_accounts_rows(user)
