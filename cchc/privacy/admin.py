from django.contrib import admin

from cchc.privacy.models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence (NĐ 13/2023 Art. 26–27), never edited."""

    list_display = ("at", "actor", "kind", "subject_name", "dossier", "unit", "reason")
    list_filter = ("kind",)
    search_fields = ("subject_personal_id", "subject_name", "reason", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor", "dossier", "unit")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
