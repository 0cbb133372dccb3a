from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class OptInForm(forms.Form):
    email = forms.BooleanField(label=_("Thư điện tử"), required=False)
    sms = forms.BooleanField(label=_("Tin nhắn SMS"), required=False)
    zalo = forms.BooleanField(label=_("Zalo"), required=False)
    email_address = forms.CharField(label=_("Địa chỉ thư điện tử"), max_length=254, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    zalo_user_id = forms.CharField(label=_("Mã người dùng Zalo"), max_length=32, required=False)


def add_service_error(form: forms.Form, exc) -> None:
    """Put a service's ValidationError onto the form (field errors where they belong)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
