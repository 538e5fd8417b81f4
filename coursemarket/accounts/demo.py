"""Demo accounts: one per role, with known passwords shown by `make run`."""

from __future__ import annotations

from .models import User

DEMO_PASSWORD = "coursemarket-demo"  # noqa: S105 (published demo sign-in, shown by make run)

DEMO_USERS = [
    # email, display name, first, last, is_staff (operator), language, timezone
    ("operator@coursemarket.test", "Olivia Operator", "Olivia", "Brandt", True, "en", "Europe/Berlin"),
    ("owner@coursemarket.test", "Marta Ruiz", "Marta", "Ruiz", False, "es", "Europe/Madrid"),
    ("instructor@coursemarket.test", "Kenji Watanabe", "Kenji", "Watanabe", False, "en", "Asia/Tokyo"),
    ("student@coursemarket.test", "Amira Haddad", "Amira", "Haddad", False, "ar", "Africa/Cairo"),
]


def seed() -> list[str]:
    created = []
    for email, display, first, last, staff, language, tz in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            email=email,
            defaults={
                "display_name": display,
                "first_name": first,
                "last_name": last,
                "is_staff": staff,
                "is_superuser": staff,
                "language": language,
                "timezone": tz,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created.append(email)
    return created
