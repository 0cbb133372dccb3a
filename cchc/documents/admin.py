"""Read-only admin lists: results and stored documents are written only by services."""

from django.contrib import admin

from cchc.documents.models import ApplicantDocument, ResultDocument


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResultDocument)
class ResultDocumentAdmin(_ReadOnly):
    list_display = ["title", "number", "dossier", "issuing_unit", "signer_name", "signed_at"]
    list_select_related = ["dossier", "issuing_unit"]
    search_fields = ["dossier__code", "title", "number", "sha256"]
    date_hierarchy = "signed_at"


@admin.register(ApplicantDocument)
class ApplicantDocumentAdmin(_ReadOnly):
    list_display = ["title", "kind", "applicant", "source_dossier", "issued_at", "reusable"]
    list_select_related = ["applicant", "source_dossier"]
    list_filter = ["kind", "reusable"]
    search_fields = ["title", "sha256", "source_dossier__code"]
