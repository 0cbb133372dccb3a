"""The counter registry in the admin; tickets and ratings are read-only records there."""

from __future__ import annotations

from django.contrib import admin

from cchc.floor.models import Counter, CounterRating, Ticket


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("unit", "number", "name", "officer", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "unit__name")
    filter_horizontal = ("sectors",)
    raw_id_fields = ("unit", "officer")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("day", "unit", "number", "status", "priority", "counter", "dossier")
    list_filter = ("status", "priority", "day")


@admin.register(CounterRating)
class CounterRatingAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "counter", "officer", "value")
    list_filter = ("value",)
