from django.contrib import admin

from cchc.reforms.models import (
    Initiative,
    OutreachActivity,
    Proposal,
    ProposalItem,
    TrainingAttendance,
    TrainingSession,
)


class ProposalItemInline(admin.TabularInline):
    model = ProposalItem
    extra = 0


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "procedure", "unit", "status", "created_at"]
    list_filter = ["status"]
    inlines = [ProposalItemInline]
    raw_id_fields = ["procedure", "unit", "created_by", "reviewed_by"]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "status", "submitted_at"]
    list_filter = ["status"]
    raw_id_fields = ["unit", "procedure", "submitted_by", "reviewed_by"]


class AttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    raw_id_fields = ["user"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["topic", "unit", "held_on"]
    inlines = [AttendanceInline]
    raw_id_fields = ["unit", "created_by"]


@admin.register(OutreachActivity)
class OutreachActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "kind", "held_on", "reach"]
    list_filter = ["kind"]
    raw_id_fields = ["unit", "created_by"]
