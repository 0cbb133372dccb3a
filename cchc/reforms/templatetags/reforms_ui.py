"""Number formats of the simplification screens (Vietnamese: comma decimals, dot thousands)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


def _vn(value: Decimal, places: int) -> str:
    q = Decimal(1).scaleb(-places)
    text = f"{Decimal(value).quantize(q, ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@register.filter
def pct(value) -> str:
    """A ratio (0..1) as a percentage with one decimal."""
    if value is None or value == "":
        return "—"
    return _vn(Decimal(value) * 100, 1) + " %"


@register.filter
def num(value, places: int = 2) -> str:
    if value is None or value == "":
        return "—"
    return _vn(Decimal(value), int(places))


@register.filter
def lookup(mapping, key):
    return mapping.get(key) if mapping else None
