"""The share button on the public course and school pages (registered in
PromotionsConfig.ready() into catalog's and schools' section registries).
An anonymous visitor's is the same for everyone (no referral code), so the
page cache may keep it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from coursemarket.schools.models import School


def course_share(slug: str, request: HttpRequest) -> Mapping[str, Any] | None:
    """No query: the page's own title names it in the phone's share sheet, and
    the share link's page looks the course up when someone shares it."""
    return {"title": "", "path": reverse("catalog:course_detail", kwargs={"slug": slug}), "object_id": None,
            "kind": "course"}  # fmt: skip


def school_share(school: School, request: HttpRequest) -> Mapping[str, Any] | None:
    return {"title": school.name, "path": school.get_absolute_url(), "object_id": school.pk, "kind": "school"}
