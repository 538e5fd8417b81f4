from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the site, not by hand."""

    list_display = ("created_at", "kind", "query", "result_count", "object_type", "object_id", "channel", "user")
    list_filter = ("kind", "channel")
    search_fields = ("query",)
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    raw_id_fields = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
