"""Amounts of money in đồng, written the way Vietnamese documents write them.

The one place for it: 1234567 -> "1.234.567" (dots group thousands, no decimals, since
fees and charges are whole đồng); English pages use commas.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language


def group_dong(value: int | Decimal | str, *, language: str | None = None) -> str:
    """The whole number of đồng with thousands grouped: "1.234.567" (vi) / "1,234,567" (en)."""
    grouped = f"{int(Decimal(value)):,}"
    language = language or get_language() or "vi"
    return grouped.replace(",", ".") if language.startswith("vi") else grouped


def format_dong(value: int | Decimal | str, *, language: str | None = None) -> str:
    """ "1.234.567 đồng" — for messages and documents in Vietnamese."""
    return f"{group_dong(value, language=language or 'vi')} đồng"
