from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read-only: an operator looks at a school's imports (status, counts, errors)."""

    list_display = (
        "filename",
        "school",
        "status",
        "total_rows",
        "created_count",
        "updated_count",
        "skipped_count",
        "created_at",
    )
    list_filter = ("status",)
    search_fields = ("filename", "school__name")
    list_select_related = ("school",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
