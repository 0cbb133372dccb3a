"""Vietnamese text helpers for matching unit names.

Names of units appear in many spellings: with or without diacritics ("Phú Phong" /
"Phu Phong"), precomposed or decomposed Unicode, old and new tone placement
("Hòa" / "Hoà"), mixed case and stray spaces. Matching compares `normalize_vn` forms.
"""

from __future__ import annotations

import re

from cchc.core.text import strip_diacritics

_SPACES = re.compile(r"\s+")


def normalize_vn(text: str) -> str:
    """Strip diacritics, map đ/Đ to d, lowercase and collapse whitespace.

    >>> normalize_vn("  Thị trấn  PHÚ Phong ")
    'thi tran phu phong'
    >>> normalize_vn("Đắk Lắk") == normalize_vn("Dak Lak")
    True
    """
    if not text:
        return ""
    return _SPACES.sub(" ", strip_diacritics(text)).strip().lower()


# How documents name a unit's People's Committee ("UBND xã Phú Phong", "Ủy ban nhân dân
# tỉnh Gia Lai"): the words before the territorial name.
_ORG_PREFIXES = ("uy ban nhan dan ", "ubnd ")


def strip_org_prefix(normalized: str) -> str:
    """'ubnd xa phu phong' -> 'xa phu phong' (input already `normalize_vn`-ed)."""
    for prefix in _ORG_PREFIXES:
        if normalized.startswith(prefix):
            return normalized[len(prefix) :]
    return normalized
