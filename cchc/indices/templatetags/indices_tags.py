"""Figures of the index as the leader reads them: 2 decimals, half away from zero."""

from __future__ import annotations

from decimal import Decimal

from django import template

from cchc.indices.formulas import round_half_away

register = template.Library()


@register.filter
def pts(value: Decimal | None) -> str:
    """A score or percent with 2 decimals (Vietnamese decimal comma); — when absent."""
    if value is None:
        return "—"
    return f"{round_half_away(Decimal(value)):.2f}".replace(".", ",")


@register.filter
def pct(value: Decimal | None) -> str:
    """A rate (0..1) as a percent with 2 decimals."""
    if value is None:
        return "—"
    return pts(Decimal(value) * 100) + " %"
