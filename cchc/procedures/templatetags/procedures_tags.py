from django import template

from cchc.core.money import format_dong
from cchc.procedures.rules import TIME_UNIT_LABELS, format_decimal

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """1250000 -> '1.250.000 đồng' (Vietnamese grouping, no decimals)."""
    if amount is None:
        return ""
    return format_dong(amount)


@register.filter
def time_limit(version) -> str:
    """'3 ngày làm việc', '8 giờ làm việc', '0,5 ngày làm việc'."""
    number = format_decimal(version.processing_time).replace(".", ",")
    return f"{number} {TIME_UNIT_LABELS.get(version.processing_time_unit, '')}".strip()


@register.filter
def quota(value, version) -> str:
    number = format_decimal(value).replace(".", ",")
    return f"{number} {TIME_UNIT_LABELS.get(version.processing_time_unit, '')}".strip()
