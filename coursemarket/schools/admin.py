from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Instructor, InstructorCredential, Invitation, Location, Membership, Room, School


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0
    fields = ("name", "city", "country", "latitude", "longitude", "timezone")
    readonly_fields = ("timezone",)
    show_change_link = True


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("user",)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_verified", "verified_at", "created_at")
    list_filter = ("is_verified", "default_language")
    search_fields = ("name", "slug", "contact_email", "locations__city")
    readonly_fields = ("is_verified", "verified_at", "created_at", "updated_at")
    inlines = [LocationInline, MembershipInline]
    actions = ["verify", "unverify"]
    date_hierarchy = "created_at"

    @admin.action(description=_("Mark as verified"))
    def verify(self, request: HttpRequest, queryset: QuerySet[School]) -> None:
        self._set_verified(request, queryset, verified=True)

    @admin.action(description=_("Remove the verified badge"))
    def unverify(self, request: HttpRequest, queryset: QuerySet[School]) -> None:
        self._set_verified(request, queryset, verified=False)

    def _set_verified(self, request: HttpRequest, queryset: QuerySet[School], *, verified: bool) -> None:
        changed = 0
        for school in queryset:
            if school.is_verified != verified:
                services.school_set_verified(actor=request.user, school=school, verified=verified)
                changed += 1
        message = (
            ngettext("%(count)d school verified.", "%(count)d schools verified.", changed)
            if verified
            else ngettext("%(count)d school unverified.", "%(count)d schools unverified.", changed)
        )
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "school", "city", "country", "timezone")
    list_filter = ("country",)
    search_fields = ("name", "city", "school__name")
    raw_id_fields = ("school",)
    readonly_fields = ("timezone",)
    inlines = [RoomInline]


class CredentialInline(admin.TabularInline):
    model = InstructorCredential
    extra = 0


@admin.register(Instructor)
class InstructorAdmin(admin.ModelAdmin):
    list_display = ("name", "school", "user", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "slug", "school__name", "user__email")
    raw_id_fields = ("school", "user")
    inlines = [CredentialInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "school", "role", "created_at", "expires_at", "accepted_at", "declined_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("email", "school__name")
    raw_id_fields = ("school", "invited_by", "accepted_by", "instructor")
    readonly_fields = ("token", "created_at")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "school", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "school__name")
    raw_id_fields = ("user", "school")
