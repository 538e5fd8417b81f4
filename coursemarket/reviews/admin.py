"""Read-mostly admin views. Decisions go through the moderation queue
(/moderation/reviews/), which calls the services: the admin cannot change a
review's status or ratings, so the summaries and the history stay exact."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ModerationEvent, RatingSummary, Review, ReviewReport


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = ModerationEvent
    extra = 0
    fields = ("created_at", "action", "actor", "reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "course", "school", "status", "open_reports", "created_at")
    list_filter = ("status", "language")
    search_fields = ("title", "text", "course__title", "author__email")
    raw_id_fields = ("booking", "author", "course", "session", "school")
    inlines = [EventInline]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_staff)


@admin.register(ReviewReport)
class ReviewReportAdmin(ReadOnlyAdmin):
    list_display = ("review", "source", "reason", "created_at", "resolved_at")
    list_filter = ("source", "reason")


@admin.register(RatingSummary)
class RatingSummaryAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "course", "school", "instructor", "count", "average")
