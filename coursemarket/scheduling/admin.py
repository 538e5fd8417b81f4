from django.contrib import admin

from .models import CalendarFeed, Closure, MeetingRevision


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["reason", "school", "location", "starts_on", "ends_on"]
    list_filter = ["starts_on"]
    search_fields = ["reason", "school__name"]
    raw_id_fields = ["school", "location"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["kind", "owner", "school", "instructor", "created_at", "revoked_at", "last_read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["owner", "school", "instructor"]
    readonly_fields = ["token", "created_at", "last_read_at"]


@admin.register(MeetingRevision)
class MeetingRevisionAdmin(admin.ModelAdmin):
    list_display = ["meeting", "sequence", "changed_at"]
    raw_id_fields = ["meeting"]
