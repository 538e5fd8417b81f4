"""Demo accounts: one per role (`data/accounts.csv`, shown by `make run`) and
a few dozen students from around the world with real-looking profiles
(`data/students.csv`). Idempotent: running it again changes nothing and
creates no duplicates. Every demo person has a verified email address, so they
can sign in with DEMO_PASSWORD."""

from __future__ import annotations

import unicodedata

from allauth.account.models import EmailAddress

from coursemarket.accounts.models import NotificationPreferences, StudentProfile, User
from coursemarket.catalog.models import Category

from .categories import seed as seed_categories
from .content import read_csv

DEMO_PASSWORD = "coursemarket-demo"  # noqa: S105 (published demo sign-in, shown by make run)

DEMO_USERS = read_csv("accounts.csv")
DEMO_STUDENTS = read_csv("students.csv")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ı", "i")).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def student_email(first: str, last: str) -> str:
    return f"{_slug(first)}.{_slug(last)}@students.coursemarket.test"


def email_of(student: dict[str, str]) -> str:
    """A demo student's sign-in: a role account's (students.csv names it) or one made from the name."""
    return student["email"] or student_email(student["first_name"], student["last_name"])


def _ensure_user(email: str, defaults: dict[str, object]) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(email=email, defaults=defaults)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    # A verified primary address: mandatory verification lets them sign in.
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    NotificationPreferences.objects.get_or_create(user=user)
    return user, created


def seed() -> list[str]:
    # Interests point at categories; seeding the tree is idempotent, so make
    # sure it is there whatever order seed_demo runs the seeders in.
    seed_categories()
    categories = {c.slug: c for c in Category.objects.all()}

    created = []
    for row in DEMO_USERS:
        staff = row["is_staff"] == "yes"
        _user, was_created = _ensure_user(
            row["email"],
            {
                "display_name": row["display_name"],
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "is_staff": staff,
                "is_superuser": staff,
                "language": row["language"],
                "timezone": row["timezone"],
            },
        )
        if was_created:
            created.append(row["email"])

    for row in DEMO_STUDENTS:
        first, last, email = row["first_name"], row["last_name"], email_of(row)
        user, was_created = _ensure_user(
            email,
            {
                "display_name": f"{first} {last}",
                "first_name": first,
                "last_name": last,
                "language": row["language"],
                "timezone": row["timezone"],
            },
        )
        profile, profile_created = StudentProfile.objects.get_or_create(
            user=user,
            defaults={"bio": row["bio"], "city": row["city"], "languages_spoken": row["languages_spoken"].split()},
        )
        if profile_created:
            interests = row["interests"].split()
            profile.interests.set([categories[slug] for slug in interests if slug in categories])
        if was_created:
            created.append(email)
    return created
