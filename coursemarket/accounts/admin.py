from __future__ import annotations

from typing import Any

from allauth.usersessions.admin import UserSessionAdmin as BaseUserSessionAdmin
from allauth.usersessions.models import UserSession
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import NotificationPreferences, StudentProfile, User


class StudentProfileInline(admin.StackedInline):
    model = StudentProfile
    can_delete = False
    extra = 0
    fields = ("bio", "city", "languages_spoken", "interests")
    filter_horizontal = ("interests",)


class NotificationPreferencesInline(admin.StackedInline):
    model = NotificationPreferences
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "language")
    search_fields = ("email", "display_name", "first_name", "last_name")
    readonly_fields = ("deleted_at",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Personal info"),
            {"fields": ("display_name", "first_name", "last_name", "avatar", "language", "timezone")},
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "deleted_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = (StudentProfileInline, NotificationPreferencesInline)
    actions = ("erase_accounts",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting the row would cascade into records the law requires us to
        # keep; accounts are erased (anonymised) with the action below instead.
        return False

    @admin.action(description=_("Delete the selected accounts (erase their personal data)"))
    def erase_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        operator = request.user if isinstance(request.user, User) else None
        erased = 0
        for user in queryset:
            try:
                services.account_delete(user=user, actor=operator)
            except services.AccountDeletionBlockedError as blocked:
                for reason in blocked.reasons:
                    self.message_user(request, f"{user.pk}: {reason}", messages.WARNING)
            else:
                erased += 1
        if erased:
            self.message_user(
                request,
                ngettext("%(count)d account erased.", "%(count)d accounts erased.", erased) % {"count": erased},
                messages.SUCCESS,
            )


# allauth's own admin searches `user__username`, which our User does not have:
# every search of the sessions list was a 500. Search by email instead.
admin.site.unregister(UserSession)


@admin.register(UserSession)
class UserSessionAdmin(BaseUserSessionAdmin):
    search_fields = ["user__email", "ip"]
