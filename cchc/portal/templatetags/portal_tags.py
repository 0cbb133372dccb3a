from decimal import Decimal

from django import template

from cchc.core.money import group_dong

register = template.Library()


@register.filter
def dong(amount) -> str:
    """1234567 -> '1.234.567 đ' (Vietnamese grouping; the portal's short money format)."""
    if amount is None or amount == "":
        return ""
    value = int(Decimal(amount))
    return group_dong(value, language="vi") + " đ"


@register.filter
def get_item(mapping, key):
    if not mapping:
        return ""
    return mapping.get(key, "")
