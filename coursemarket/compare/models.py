"""The compare tray of a signed-in person: the courses they chose to compare
(at most `TRAY_LIMIT`). Anonymous visitors keep theirs in the session
(`compare.services`), merged into these rows when they sign in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TRAY_LIMIT = 4
TRAY_MINIMUM = 2


class TrayItem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="compare_items"
    )
    course = models.ForeignKey(
        "catalog.Course", verbose_name=_("course"), on_delete=models.CASCADE, related_name="compare_items"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("course to compare")
        verbose_name_plural = _("courses to compare")
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="compare_one_item_per_course")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.course_id}"
