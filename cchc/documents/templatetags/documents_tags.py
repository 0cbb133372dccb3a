"""Filters for printed documents."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


def _local(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value


@register.filter
def nd30_date(value) -> str:
    """'ngày 05 tháng 3 năm 2026': NĐ 30/2020/NĐ-CP Phụ lục I — days below 10 and the
    months January and February take a leading zero, other months do not."""
    if not value:
        return "ngày ... tháng ... năm ..."
    value = _local(value)
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


@register.filter
def hm_dmy(value) -> str:
    """'14 giờ 05 phút, ngày 16/11/2026' as the forms write a moment."""
    if not value:
        return ""
    value = _local(value)
    return f"{value:%H} giờ {value:%M} phút, ngày {value:%d/%m/%Y}"


@register.filter
def dmy_hm(value) -> str:
    if not value:
        return ""
    value = _local(value)
    return f"{value:%H:%M} {value:%d/%m/%Y}"


@register.filter
def dmy(value) -> str:
    if not value:
        return ""
    return f"{_local(value):%d/%m/%Y}"


@register.filter
def days_text(value) -> str:
    """A Decimal number of days without trailing zeros, Vietnamese decimal comma."""
    if value is None:
        return ""
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    return text.replace(".", ",")
