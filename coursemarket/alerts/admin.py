from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import SavedSearch


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    """Read-only: people manage their own saved searches (account settings, the email's link)."""

    list_display = ("name", "kind", "frequency", "active", "user", "created_at", "last_run_at", "last_sent_at")
    list_filter = ("kind", "frequency", "active")
    search_fields = ("name", "query_string")
    list_select_related = ("user",)
    raw_id_fields = ("user", "course")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
