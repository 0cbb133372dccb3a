from django.contrib import admin

from cchc.sso.models import ExternalIdentity


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Read and remove links here; links are made with `cchc sso_link` (through the service,
    which checks who may link which account)."""

    list_display = ("provider", "subject", "user", "linked_by", "created_at", "last_used_at")
    list_filter = ("provider",)
    search_fields = ("subject", "user__username", "user__full_name")
    list_select_related = ("user", "linked_by")
    readonly_fields = ("provider", "subject", "user", "linked_by", "created_at", "last_used_at")

    def has_add_permission(self, request) -> bool:
        return False
