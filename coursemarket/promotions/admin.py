"""Read-only views for operators: codes, what each booking redeemed, referrals.
Schools manage their codes on their dashboard; rewards are issued by the service."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import PromoCode, Redemption, Referral, ReferralCode


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PromoCode)
class PromoCodeAdmin(ReadOnly):
    list_display = ("code", "school", "course", "kind", "value", "currency", "purpose", "uses", "max_uses", "active")
    list_filter = ("purpose", "kind", "active")
    search_fields = ("code",)
    list_select_related = ("school", "course")
    raw_id_fields = ("school", "course", "owner")


@admin.register(Redemption)
class RedemptionAdmin(ReadOnly):
    list_display = ("promo_code", "student", "booking_id", "amount", "currency", "state", "created_at")
    list_filter = ("state",)
    list_select_related = ("promo_code", "student")
    raw_id_fields = ("promo_code", "student")


@admin.register(Referral)
class ReferralAdmin(ReadOnly):
    list_display = ("referrer", "referred", "code", "state", "refused_reason", "created_at", "rewarded_at")
    list_filter = ("state", "refused_reason")
    list_select_related = ("referrer", "referred")
    raw_id_fields = ("referrer", "referred")


@admin.register(ReferralCode)
class ReferralCodeAdmin(ReadOnly):
    list_display = ("code", "user", "clicks", "created_at")
    search_fields = ("code",)
    raw_id_fields = ("user",)
