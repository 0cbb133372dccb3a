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


def version_in_use(version: ProcedureVersion | None) -> bool:
    """A version that dossiers were received under is history: it is never edited in place
    (a change is a new version, `procedure_version_create` / the catalog import)."""
    from cchc.dossiers.models import Dossier

    return version is not None and Dossier.objects.filter(procedure_version=version).exists()


class FrozenWhenUsed:
    """Read-only admin for a version in use and for the rows that belong to it."""

    def _version(self, obj):
        return obj if isinstance(obj, ProcedureVersion) else getattr(obj, "version", None)

    def has_change_permission(self, request, obj=None):
        return not version_in_use(self._version(obj)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return not version_in_use(self._version(obj)) and super().has_delete_permission(
            request, obj
        )

    def has_add_permission(self, request, obj=None):
        parent = self._version(obj)
        if parent is not None and version_in_use(parent):
            return False
        return super().has_add_permission(request, *([obj] if self.is_inline else []))

    @property
    def is_inline(self) -> bool:
        return isinstance(self, admin.options.InlineModelAdmin)


class ComponentInline(FrozenWhenUsed, admin.TabularInline):
    model = ComponentRequirement
    extra = 0


class FeeInline(FrozenWhenUsed, admin.TabularInline):
    model = FeeItem
    extra = 0


class StepInline(FrozenWhenUsed, admin.TabularInline):
    model = ProcessStep
    extra = 0


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(FrozenWhenUsed, admin.ModelAdmin):
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


@admin.register(FeeItem, ComponentRequirement, ProcessStep)
class VersionRowAdmin(FrozenWhenUsed, admin.ModelAdmin):
    pass
