"""Vietnamese text folding: the one place that removes diacritics.

Used to match names written with or without diacritics (units, subjects of intake
blocks) and to send unaccented SMS ("tiếng Việt không dấu").
"""

from __future__ import annotations

import unicodedata


def strip_diacritics(text: str) -> str:
    """'Đắk Lắk' -> 'Dak Lak'. đ/Đ is a letter of its own, not d + a combining mark, so NFD
    leaves it: map it first."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
