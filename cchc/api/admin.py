"""Tokens in the admin: listed and revoked, never created or shown (use the command)."""

from django.contrib import admin, messages

from cchc.api import services
from cchc.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("token_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # `cchc api_token_create` prints the token once

    def has_delete_permission(self, request, obj=None):
        return False  # revoked tokens stay on record

    @admin.action(description="Thu hồi các khóa đã chọn")
    def revoke(self, request, queryset):
        # Admin boundary convention: a superuser acts as the system (actor=None).
        actor = None if request.user.is_superuser else request.user
        for token in queryset:
            services.api_token_revoke(actor=actor, token=token)
        messages.success(request, f"Đã thu hồi {queryset.count()} khóa API.")
