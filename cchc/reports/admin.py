"""Admin for schedules (who receives which periodic report) and report jobs."""

from django.contrib import admin

from cchc.reports.models import ReportDelivery, ReportJob, ReportSchedule


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = ("unit", "kind", "format", "active", "last_period")
    list_filter = ("kind", "active")
    raw_id_fields = ("unit", "created_by")
    filter_horizontal = ("recipients",)


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ("unit", "period", "format", "status", "progress", "created_at")
    list_filter = ("status", "format")
    raw_id_fields = ("unit", "requested_by", "schedule")
    readonly_fields = ("snapshot_at", "finished_at", "error")


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(admin.ModelAdmin):
    list_display = ("job", "user", "delivered_at", "read_at")
    raw_id_fields = ("job", "user")
