"""Operator admin: payments, refunds and webhook events, read-mostly. Money
only moves through payments.services; the one action here asks the provider
(the same reconciliation the worker runs)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Payment, Refund, RefundState, WebhookEvent
from .providers import ProviderError
from .services import payment_sync, refund_retry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("created_at", "amount", "state", "attempts", "last_error", "key", "provider_reference", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "reference",
        "description",
        "provider",
        "amount",
        "currency",
        "state",
        "refunded_amount",
    )
    list_filter = ("provider", "state", "currency")
    search_fields = ("reference", "provider_reference", "idempotency_key")
    date_hierarchy = "created_at"
    inlines = [RefundInline]
    actions = ["sync_with_provider"]

    @admin.action(description=_("Ask the provider about the selected payments"))
    def sync_with_provider(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        done = 0
        for payment in queryset:
            try:
                payment_sync(payment=payment)
                done += 1
            except ProviderError as error:
                self.message_user(request, f"{payment.pk}: {error}", messages.ERROR)
        self.message_user(request, ngettext("%(n)d payment synced.", "%(n)d payments synced.", done) % {"n": done})

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for the action; every field stays read-only.
        return bool(request.user.is_superuser)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Payment._meta.fields]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    """Refunds go to the provider from the worker; one that failed every
    attempt (or that the provider refused) is listed under "Refund failed"
    until an operator sends it again."""

    list_display = ("created_at", "payment", "amount", "state", "attempts", "last_error", "key", "reason")
    list_filter = ("state",)
    search_fields = ("key", "provider_reference", "payment__reference")
    date_hierarchy = "created_at"
    list_select_related = ("payment",)
    actions = ["send_again"]

    @admin.action(description=_("Send the selected failed refunds again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[Refund]) -> None:
        failed = list(queryset.filter(state=RefundState.FAILED))
        for refund in failed:
            refund_retry(refund=refund, actor=request.user)
        self.message_user(
            request,
            ngettext("%(n)d refund queued again.", "%(n)d refunds queued again.", len(failed)) % {"n": len(failed)},
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for the action; every field stays read-only.
        return bool(request.user.is_superuser)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Refund._meta.fields]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "provider", "type", "event_id", "object_id", "outcome", "processed_at")
    list_filter = ("provider", "type")
    search_fields = ("event_id", "object_id")
    date_hierarchy = "received_at"
