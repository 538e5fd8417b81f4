"""The tabs at the top of the school's analytics pages. A report whose URL name
does not resolve (not built yet, or another app's page taken out) is left out,
so the tabs never break a page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

TABS = (
    ("overview", "analytics:dashboard", _("Overview")),
    ("audience", "analytics:audience", _("Audience")),
    ("funnel", "analytics:funnel", _("Funnel & demand")),
    ("channels", "bookings:channels", _("Where bookings come from")),
)


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url: str
    active: bool


def analytics_tabs(*, slug: str, current: str) -> list[Tab]:
    tabs = []
    for key, name, label in TABS:
        try:
            url = reverse(name, kwargs={"slug": slug})
        except NoReverseMatch:
            continue
        tabs.append(Tab(key, str(label), url, key == current))
    return tabs
