"""Django admin for the unit tree. Writes go through units.services, never Model.save()."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from cchc.units import services
from cchc.units.models import Unit, UnitSuccession


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "admin_code",
            "agency_code",
            "valid_from",
            "valid_to",
            "address",
            "phone",
            "email",
        ]

    def clean(self):
        data = super().clean() or {}
        # Same rules as the services, shown on the form instead of as an error page.
        try:
            services.validate_agency_code(data.get("agency_code") or "")
            services.validate_validity(
                valid_from=data.get("valid_from"),
                valid_to=data.get("valid_to"),
                parent=data.get("parent"),
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


def _actor(request):
    # A Django superuser is the system operator, like a management command (actor=None);
    # every other staff user needs Action.UNIT_MANAGE on the unit.
    return None if request.user.is_superuser else request.user


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    list_display = [
        "code",
        "name",
        "kind",
        "parent",
        "admin_code",
        "agency_code",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["kind", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name", "short_name", "admin_code", "agency_code", "search_text"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    ordering = ["path"]
    list_per_page = 100

    def get_readonly_fields(self, request, obj=None):
        # The code is the unit's stable key in imports and exports: fixed once created.
        return ["code", "path", "depth"] if obj else ["path", "depth"]

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in form.Meta.fields if f in form.cleaned_data}
        parent = data.pop("parent", None)
        if not change:
            created = services.unit_create(actor=_actor(request), parent=parent, **data)
            obj.pk = created.pk
            obj.refresh_from_db()
            return
        data.pop("code", None)
        unit = Unit.objects.get(pk=obj.pk)
        if (parent.pk if parent else None) != unit.parent_id:
            unit = services.unit_move(unit=unit, new_parent=parent, actor=_actor(request))
        services.unit_update(unit=unit, actor=_actor(request), **data)
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        # Units are closed (valid_to + successors), never deleted: dossiers and history refer to them.
        return False


class UnitSuccessionAdminForm(forms.ModelForm):
    class Meta:
        model = UnitSuccession
        fields = ["predecessor", "successor", "effective_date", "legal_basis"]

    def clean(self):
        data = super().clean() or {}
        if data.get("predecessor") and data.get("successor") and data.get("effective_date"):
            try:
                services.validate_close(
                    unit=data["predecessor"],
                    valid_to=data["effective_date"] - dt.timedelta(days=1),
                    successors=[data["successor"]],
                )
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return data


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    form = UnitSuccessionAdminForm
    list_display = ["predecessor", "successor", "effective_date", "legal_basis"]
    list_filter = ["effective_date"]
    search_fields = [
        "predecessor__name",
        "predecessor__code",
        "successor__name",
        "successor__code",
        "legal_basis",
    ]
    list_select_related = ["predecessor", "successor"]
    autocomplete_fields = ["predecessor", "successor"]

    def save_model(self, request, obj, form, change):
        # A succession closes the predecessor the day before it takes effect.
        services.unit_close(
            unit=obj.predecessor,
            valid_to=obj.effective_date - dt.timedelta(days=1),
            successors=[obj.successor],
            legal_basis=obj.legal_basis,
            actor=_actor(request),
        )
        obj.pk = UnitSuccession.objects.get(predecessor=obj.predecessor, successor=obj.successor).pk

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
