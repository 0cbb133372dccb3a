"""Map a provider's claims onto what an account needs. Pure: no database, no HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from cchc.accounts.identity import validate_personal_id, validate_phone_vn
from cchc.sso.conf import ProviderConfig

SUBJECT_MAX_LENGTH = 255


@dataclass(frozen=True)
class ExternalClaims:
    subject: str
    full_name: str = ""
    personal_id: str = ""
    email: str = ""
    phone: str = ""


def _claim(claims: Mapping[str, Any], name: str) -> str:
    if not name:
        return ""
    value = claims.get(name)
    if value is None or isinstance(value, dict | list):
        return ""
    return " ".join(str(value).split())


def map_claims(claims: Mapping[str, Any], provider: ProviderConfig) -> ExternalClaims:
    """The mapped claims, or ValidationError (Vietnamese) when the subject is unusable.

    The subject and the personal ID are identifiers: a malformed one refuses the sign-in.
    Contacts are only helpful: a malformed e-mail or phone is dropped, not fatal.
    """
    names = provider.claims
    subject = _claim(claims, names["subject"])
    if not subject:
        raise ValidationError(
            _("Nhà cung cấp định danh không trả về mã định danh (%(claim)s)."),
            code="subject_missing",
            params={"claim": names["subject"]},
        )
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ValidationError(
            _("Mã định danh do nhà cung cấp trả về dài quá %(max)s ký tự."),
            code="subject_too_long",
            params={"max": SUBJECT_MAX_LENGTH},
        )
    personal_id = _claim(claims, names["personal_id"])
    if personal_id:
        # Luật Căn cước 2023 Art. 12: 12 digits; a number that cannot exist is refused.
        personal_id = validate_personal_id(personal_id)
    email = _claim(claims, names["email"]).lower()
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            email = ""
    phone = _claim(claims, names["phone"])
    if phone:
        try:
            phone = validate_phone_vn(phone)
        except ValidationError:
            phone = ""
    return ExternalClaims(
        subject=subject,
        full_name=_claim(claims, names["full_name"])[:150],
        personal_id=personal_id,
        email=email,
        phone=phone,
    )
