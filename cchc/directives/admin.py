from django.contrib import admin

from cchc.directives.models import DirectiveDocument, Task, TaskReport, WorkRecord


@admin.register(DirectiveDocument)
class DirectiveDocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "date", "issuer", "signer")
    search_fields = ("number", "title", "issuer_name")
    list_select_related = ("issuer",)
    raw_id_fields = ("issuer", "created_by")


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("document", "number", "status", "progress", "deadline")
    list_filter = ("status",)
    search_fields = ("text",)
    list_select_related = ("document",)
    # Thousands of units: pick by id, not from a list.
    raw_id_fields = ("document", "owner", "parent", "lead_units", "coordinating_units")


@admin.register(TaskReport)
class TaskReportAdmin(admin.ModelAdmin):
    list_display = ("task", "kind", "author", "progress", "created_at")
    raw_id_fields = ("task", "author", "unit")


@admin.register(WorkRecord)
class WorkRecordAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "unit", "opened_at", "closed_at")
    raw_id_fields = ("task", "unit", "keeper")
