"""Django admin for calendar exceptions and office hours. Saves go through the services
(permission check, validation, cache invalidation)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.calendars import services
from cchc.calendars.models import CalendarException, OfficeHours


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "legal_basis", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "legal_basis"]
    date_hierarchy = "date"
    ordering = ["-date"]

    def save_model(self, request, obj, form, change):
        if change and "date" in form.changed_data:
            services.calendar_exception_delete(actor=request.user, date=form.initial["date"])
        saved = services.calendar_exception_set(
            actor=request.user,
            date=obj.date,
            kind=obj.kind,
            name=obj.name,
            legal_basis=obj.legal_basis,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.calendar_exception_delete(actor=request.user, date=obj.date)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
        "receipt_cutoff",
    ]
    raw_id_fields = ["unit"]

    def get_readonly_fields(self, request, obj=None):
        # One row per unit: to move hours to another unit, add a row there instead.
        return ["unit"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        try:
            saved = services.office_hours_set(
                actor=request.user,
                unit=obj.unit,
                morning_start=obj.morning_start,
                morning_end=obj.morning_end,
                afternoon_start=obj.afternoon_start,
                afternoon_end=obj.afternoon_end,
                receipt_cutoff=obj.receipt_cutoff,
            )
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(
                request, "; ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
            )
            return
        obj.pk = saved.pk
