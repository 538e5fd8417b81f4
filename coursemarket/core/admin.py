from django.contrib import admin

from .models import PeriodicRun, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "started_at", "last_seen")
    readonly_fields = ("worker_id", "started_at", "last_seen")


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin):
    list_display = ("name", "last_run_at", "next_run_at")
