"""The dashboard's section nav. Sections from later apps appear on their own
once the app defines the URL name (taking the school's `slug`): no dead links.

To add a section, add a row to SECTIONS; nothing else changes here."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .permissions import Perm
from .selectors import SchoolAccess


@dataclass(frozen=True)
class Section:
    key: str
    url_name: str
    label: str | Promise
    icon: str
    permission: Perm


SECTIONS = [
    Section("overview", "schools:dashboard", _("Overview"), icon="grid-1x2", permission=Perm.VIEW_DASHBOARD),
    Section(
        "courses", "catalog:dashboard_courses", _("Courses"), icon="journal-bookmark", permission=Perm.MANAGE_COURSES
    ),
    Section("bookings", "bookings:dashboard", _("Bookings"), icon="calendar-check", permission=Perm.MANAGE_BOOKINGS),
    # Today's sessions at the door: every one for CHECK_IN, else those the member teaches.
    Section("checkin", "bookings:checkin_today", _("Check-in"), icon="qr-code-scan", permission=Perm.VIEW_DASHBOARD),
    Section("promotions", "promotions:dashboard", _("Promo codes"), icon="tag", permission=Perm.MANAGE_COURSES),
    Section("calendar", "scheduling:calendar", _("Calendar"), icon="calendar3", permission=Perm.VIEW_DASHBOARD),
    Section("profile", "schools:profile", _("Profile & branding"), icon="brush", permission=Perm.EDIT_PROFILE),
    Section("locations", "schools:locations", _("Locations & rooms"), icon="geo-alt", permission=Perm.MANAGE_LOCATIONS),
    Section(
        "instructors", "schools:instructors", _("Instructors"), icon="person-video3", permission=Perm.MANAGE_INSTRUCTORS
    ),
    # The school's own texts in other languages (each kind needs the permission
    # that edits it; managers and owners have them all).
    Section("translations", "schools:translations", _("Translations"), icon="translate", permission=Perm.EDIT_PROFILE),
    Section("members", "schools:members", _("Members"), icon="people", permission=Perm.INVITE_INSTRUCTORS),
    Section("reviews", "reviews:dashboard", _("Reviews"), icon="star", permission=Perm.MANAGE_REVIEWS),
    Section("analytics", "analytics:dashboard", _("Analytics"), icon="graph-up", permission=Perm.VIEW_ANALYTICS),
    Section("finance", "ledger:dashboard", _("Finance"), icon="cash-coin", permission=Perm.MANAGE_FINANCE),
]


@dataclass(frozen=True)
class NavItem:
    key: str
    url: str
    label: str | Promise
    icon: str
    active: bool


def dashboard_nav(access: SchoolAccess, *, active: str, own_profile_id: int | None = None) -> list[NavItem]:
    """The sections this member may open. An instructor who cannot manage all
    profiles gets a direct link to their own."""
    items = []
    if own_profile_id is not None and not access.can(Perm.MANAGE_INSTRUCTORS):
        url = reverse("schools:instructor_edit", kwargs={"slug": access.school.slug, "instructor_id": own_profile_id})
        items.append(
            NavItem("my_profile", url, _("My instructor profile"), icon="person-badge", active=active == "instructors")
        )
    for section in SECTIONS:
        if not access.can(section.permission):
            continue
        try:
            url = reverse(section.url_name, kwargs={"slug": access.school.slug})
        except NoReverseMatch:
            continue  # that app has not arrived yet
        items.append(NavItem(section.key, url, section.label, section.icon, section.key == active))
    return items
