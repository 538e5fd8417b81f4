from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import KnownDevice, OutboxMessage, OutboxStatus
from .services import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event", "to_email", "subject", "status", "attempts", "next_attempt_at", "preview")
    list_filter = ("status", "category", "event", "language")
    search_fields = ("to_email", "subject", "dedup_key", "uid")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("preview"))
    def preview(self, obj: OutboxMessage) -> str:
        return format_html('<a href="{}">{}</a>', reverse("mailbox:detail", args=[obj.pk]), _("Open"))

    @admin.action(description=_("Send the selected failed messages again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = sum(outbox_retry(message=m) for m in queryset.filter(status=OutboxStatus.FAILED))
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(KnownDevice)
class KnownDeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "label", "first_seen", "last_seen")
    search_fields = ("user__email", "label")
    raw_id_fields = ("user",)
