"""Application forms (tờ khai) as data: the shipped definitions and the pure rules to
pre-fill and validate them. No database access here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

FIELD_TYPES = ("text", "textarea", "date", "select", "number")
MAX_TEXT = 1000

_GENDER = ["Nam", "Nữ"]

# Shipped definitions for common procedures. The fields follow the official forms:
# Tờ khai đăng ký khai sinh (TT 04/2020/TT-BTP, sửa đổi bởi TT 04/2024/TT-BTP);
# Giấy đề nghị đăng ký hộ kinh doanh (Phụ lục III-1, TT 02/2023/TT-BKHĐT);
# Phiếu yêu cầu chứng thực (NĐ 23/2015/NĐ-CP; chứng thực bản sao không bắt buộc tờ khai,
# the request only records what is to be certified).
DEFAULT_FORMS: list[dict[str, Any]] = [
    {
        "procedure_code": "1.001193",
        "title": "Tờ khai đăng ký khai sinh",
        "form_reference": "TT 04/2020/TT-BTP (sửa đổi TT 04/2024/TT-BTP)",
        "component_order": 1,
        "fields": [
            {
                "name": "requester_name",
                "label": "Họ, chữ đệm, tên người yêu cầu",
                "type": "text",
                "required": True,
                "prefill": "identity.full_name",
            },
            {
                "name": "requester_personal_id",
                "label": "Số định danh cá nhân người yêu cầu",
                "type": "text",
                "required": True,
                "prefill": "identity.personal_id",
            },
            {
                "name": "relationship",
                "label": "Quan hệ với người được khai sinh",
                "type": "select",
                "required": True,
                "choices": ["Cha", "Mẹ", "Ông", "Bà", "Khác"],
                "prefill": "previous.relationship",
            },
            {
                "name": "child_name",
                "label": "Họ, chữ đệm, tên người được khai sinh",
                "type": "text",
                "required": True,
            },
            {
                "name": "child_birth_date",
                "label": "Ngày, tháng, năm sinh",
                "type": "date",
                "required": True,
            },
            {
                "name": "child_gender",
                "label": "Giới tính",
                "type": "select",
                "required": True,
                "choices": _GENDER,
            },
            {"name": "birth_place", "label": "Nơi sinh", "type": "text", "required": True},
            {
                "name": "mother_name",
                "label": "Họ, chữ đệm, tên người mẹ",
                "type": "text",
                "required": False,
                "prefill": "previous.mother_name",
            },
            {
                "name": "father_name",
                "label": "Họ, chữ đệm, tên người cha",
                "type": "text",
                "required": False,
                "prefill": "previous.father_name",
            },
            {
                "name": "residence",
                "label": "Nơi cư trú",
                "type": "text",
                "required": True,
                "prefill": "previous.residence",
            },
        ],
    },
    {
        "procedure_code": "2.000815",
        "title": "Phiếu yêu cầu chứng thực bản sao từ bản chính",
        "form_reference": "NĐ 23/2015/NĐ-CP",
        "component_order": None,
        "fields": [
            {
                "name": "requester_name",
                "label": "Họ và tên người yêu cầu",
                "type": "text",
                "required": True,
                "prefill": "identity.full_name",
            },
            {
                "name": "document_name",
                "label": "Tên giấy tờ cần chứng thực",
                "type": "text",
                "required": True,
            },
            {"name": "copies", "label": "Số bản sao", "type": "number", "required": True},
            {"name": "pages", "label": "Số trang mỗi bản", "type": "number", "required": True},
        ],
    },
    {
        "procedure_code": "1.001612",
        "title": "Giấy đề nghị đăng ký hộ kinh doanh",
        "form_reference": "Phụ lục III-1, TT 02/2023/TT-BKHĐT",
        "component_order": 1,
        "fields": [
            {
                "name": "owner_name",
                "label": "Họ và tên chủ hộ kinh doanh",
                "type": "text",
                "required": True,
                "prefill": "identity.full_name",
            },
            {
                "name": "owner_personal_id",
                "label": "Số định danh cá nhân",
                "type": "text",
                "required": True,
                "prefill": "identity.personal_id",
            },
            {
                "name": "business_name",
                "label": "Tên hộ kinh doanh",
                "type": "text",
                "required": True,
                "prefill": "previous.business_name",
            },
            {
                "name": "business_address",
                "label": "Địa chỉ trụ sở hộ kinh doanh",
                "type": "text",
                "required": True,
                "prefill": "previous.business_address",
            },
            {
                "name": "activities",
                "label": "Ngành, nghề kinh doanh",
                "type": "textarea",
                "required": True,
            },
            {
                "name": "capital",
                "label": "Vốn kinh doanh (đồng)",
                "type": "number",
                "required": True,
            },
            {
                "name": "employees",
                "label": "Số lượng lao động",
                "type": "number",
                "required": False,
            },
        ],
    },
]


def prefill(
    fields: list[dict[str, Any]], *, identity: dict[str, str], previous: dict[str, Any]
) -> dict[str, Any]:
    """Initial values: from the signed-in identity, then the applicant's last filled form
    of the same procedure (`previous.<name>`, or the same field name)."""
    values: dict[str, Any] = {}
    for f in fields:
        source = f.get("prefill") or ""
        value: Any = ""
        if source.startswith("identity."):
            value = identity.get(source.removeprefix("identity."), "")
        elif source.startswith("previous."):
            value = previous.get(source.removeprefix("previous."), "")
        if value in ("", None):
            value = ""
        values[f["name"]] = value
    return values


def clean(fields: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    """Validated values by field name; ValidationError keyed `form.<name>` otherwise."""
    errors: dict[str, list[ValidationError]] = {}
    out: dict[str, Any] = {}
    for f in fields:
        name, label, kind = f["name"], f.get("label", f["name"]), f.get("type", "text")
        raw = (
            " ".join(str(data.get(name) or "").split())
            if kind != "textarea"
            else (str(data.get(name) or "").strip())
        )
        key = f"form.{name}"
        if not raw:
            if f.get("required"):
                errors[key] = [ValidationError(f"Vui lòng nhập “{label}”.", code="required")]
            out[name] = ""
            continue
        if len(raw) > MAX_TEXT:
            errors[key] = [ValidationError(f"“{label}” quá dài.", code="too_long")]
            continue
        if kind == "date":
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                errors[key] = [ValidationError(f"“{label}” không phải ngày hợp lệ.", code="date")]
                continue
            raw = day.isoformat()
        elif kind == "number":
            digits = raw.replace(".", "").replace(" ", "")
            if not digits.isdigit():
                errors[key] = [
                    ValidationError(f"“{label}” phải là số nguyên không âm.", code="number")
                ]
                continue
            raw = int(digits)
        elif kind == "select" and raw not in (f.get("choices") or []):
            errors[key] = [ValidationError(f"Vui lòng chọn “{label}”.", code="choice")]
            continue
        out[name] = raw
    if errors:
        raise ValidationError(errors)
    return out
