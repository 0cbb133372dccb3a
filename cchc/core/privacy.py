"""The one masking module for personal data shown to staff or written to exports.

Nghị định 13/2023/NĐ-CP Art. 3 (data minimisation) and Art. 26–27 (basic personal data
handled by state agencies): staff screens and exports show just enough to recognise a
person; the full value is an explicit, logged action (`cchc.privacy.services`).

Rules (kept deliberately simple and the same everywhere):

- personal ID (CCCD / số định danh, 12 digits): only the last 4 digits. The first 6
  encode the province of birth, sex/century and year of birth, so they are never shown.
- phone: the first 2 and the last 2 digits ("09******89"), enough to tell two numbers apart.
- e-mail: the first character of the local part and the whole domain ("n***@gmail.com").
- address: only the last two comma-separated parts (commune, province); the house number
  and street are hidden.
- date of birth: only the year ("**/**/1985").

Every function accepts an empty value and returns "" for it; the output never contains
more characters of the original than the rules above allow.
"""

from __future__ import annotations

import datetime as dt
import re

MASK = "*"
_DIGIT = re.compile(r"\d")


def _digits(value: str) -> str:
    return "".join(_DIGIT.findall(value))


def mask_id(value: str | None) -> str:
    """A personal ID / CCCD number: "********5678"."""
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) <= 4:
        return MASK * len(text)
    return MASK * (len(text) - 4) + text[-4:]


def mask_phone(value: str | None) -> str:
    """A phone number: "09******89" (short numbers are masked whole)."""
    digits = _digits(value or "")
    if not digits:
        return ""
    if len(digits) < 7:
        return MASK * len(digits)
    return digits[:2] + MASK * (len(digits) - 4) + digits[-2:]


def mask_email(value: str | None) -> str:
    """An e-mail address: "n***@example.vn"."""
    text = (value or "").strip()
    if not text:
        return ""
    local, sep, domain = text.rpartition("@")
    if not sep or not local:
        return MASK * 3
    return f"{local[0]}{MASK * 3}@{domain}"


def mask_address(value: str | None) -> str:
    """An address: "***, Xã Hòa An, Tỉnh Thử" — the commune and province only."""
    text = (value or "").strip()
    if not text:
        return ""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) <= 2:
        return MASK * 3
    return ", ".join([MASK * 3, *parts[-2:]])


def mask_date_of_birth(value: dt.date | str | None) -> str:
    """A date of birth: "**/**/1985"."""
    if not value:
        return ""
    if isinstance(value, dt.date):
        return f"**/**/{value.year:04d}"
    match = re.search(r"(\d{4})", str(value))
    return f"**/**/{match.group(1)}" if match else "**/**/****"


def mask_contact(value: str | None) -> str:
    """A notification recipient, which is either an e-mail address or a phone number."""
    text = (value or "").strip()
    if "@" in text:
        return mask_email(text)
    return mask_phone(text)


MASKERS = {
    "id": mask_id,
    "phone": mask_phone,
    "email": mask_email,
    "address": mask_address,
    "dob": mask_date_of_birth,
    "contact": mask_contact,
}


def mask(value, kind: str) -> str:
    """`mask(value, "phone")`: the masker for `kind` (one of MASKERS); unknown kinds hide all."""
    masker = MASKERS.get(kind)
    if masker is None:
        return MASK * 3 if value else ""
    return masker(value)
