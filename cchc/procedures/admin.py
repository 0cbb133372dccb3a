"""Admin for the catalog. Prefer the import/export and `procedure_version_create` for
changes: editing a version that dossiers already use would rewrite their history."""

from django.contrib import admin

from cchc.procedures.models import (
    ComponentRequirement,
    FeeItem,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Sector,
)
from cchc.procedures.services import procedure_search_text_refresh


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = (
        "number",
        "valid_from",
        "valid_to",
        "level",
        "processing_time",
        "processing_time_unit",
    )
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sector", "is_active")
    list_filter = ("sector", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("sector",)
    inlines = [VersionInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        procedure_search_text_refresh(procedure=obj)


class ComponentInline(admin.TabularInline):
    model = ComponentRequirement
    extra = 0


class FeeInline(admin.TabularInline):
    model = FeeItem
    extra = 0


class StepInline(admin.TabularInline):
    model = ProcessStep
    extra = 0


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = (
        "procedure",
        "number",
        "valid_from",
        "valid_to",
        "level",
        "processing_time",
        "processing_time_unit",
        "online_level",
    )
    list_filter = ("level", "online_level", "processing_time_unit", "procedure__sector")
    search_fields = ("procedure__code", "procedure__name")
    list_select_related = ("procedure",)
    autocomplete_fields = ("procedure",)
    filter_horizontal = ("implementing_units",)
    inlines = [ComponentInline, FeeInline, StepInline]


admin.site.register(FeeItem)
admin.site.register(ComponentRequirement)
admin.site.register(ProcessStep)
