"""Forms of the counter registry: they only parse input; the rules (unique number, at
least one sector, the officer must be a one-stop officer of the unit) live in
`services._clean_counter` and come back as field errors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.procedures.models import Sector


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.username


class CounterForm(forms.Form):
    number = forms.IntegerField(
        label=_("Số quầy"),
        min_value=1,
        error_messages={
            "required": _("Vui lòng nhập số quầy."),
            "invalid": _("Số quầy phải là số nguyên."),
            "min_value": _("Số quầy phải từ 1 trở lên."),
        },
    )
    name = forms.CharField(label=_("Tên quầy"), required=False, max_length=255)
    sectors = forms.ModelMultipleChoiceField(
        label=_("Lĩnh vực tiếp nhận"),
        queryset=Sector.objects.order_by("name"),
        required=False,  # the service says why an empty choice is refused
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Lĩnh vực không hợp lệ.")},
    )
    officer = OfficerChoiceField(
        label=_("Công chức đang trực"),
        queryset=None,
        required=False,
        empty_label=_("— Chưa phân công —"),
        error_messages={"invalid_choice": _("Người được chọn không phải công chức Một cửa.")},
    )

    def __init__(self, *args, officers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers

    def registry_fields(self) -> dict:
        """The cleaned fields as `counter_create` / `counter_update` take them."""
        d = self.cleaned_data
        return {
            "number": d["number"],
            "name": d["name"],
            "sectors": list(d["sectors"]),
            "officer": d["officer"],
        }


class OfficeHoursForm(forms.Form):
    """Office hours of the centre (saved through cchc.calendars.services.office_hours_set)."""

    morning_start = forms.TimeField(label=_("Sáng từ"))
    morning_end = forms.TimeField(label=_("Sáng đến"))
    afternoon_start = forms.TimeField(label=_("Chiều từ"))
    afternoon_end = forms.TimeField(label=_("Chiều đến"))
    receipt_cutoff = forms.TimeField(label=_("Giờ chốt tiếp nhận"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            f.error_messages = {
                "required": _("Vui lòng nhập giờ."),
                "invalid": _("Giờ không hợp lệ (HH:MM)."),
            }
