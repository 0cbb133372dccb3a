from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cchc.portal import formdefs

FIELDS = [
    {
        "name": "a",
        "label": "Họ tên",
        "type": "text",
        "required": True,
        "prefill": "identity.full_name",
    },
    {"name": "b", "label": "Ngày sinh", "type": "date", "required": True},
    {
        "name": "c",
        "label": "Giới tính",
        "type": "select",
        "required": True,
        "choices": ["Nam", "Nữ"],
    },
    {"name": "d", "label": "Vốn", "type": "number", "required": False, "prefill": "previous.d"},
]


def test_prefill_from_identity_then_previous():
    values = formdefs.prefill(FIELDS, identity={"full_name": "Trần An"}, previous={"d": 5000000})
    assert values == {"a": "Trần An", "b": "", "c": "", "d": 5000000}


def test_clean_normalises_and_validates():
    out = formdefs.clean(
        FIELDS, {"a": "  Trần   An ", "b": "2026-01-02", "c": "Nữ", "d": "1.000.000"}
    )
    assert out == {"a": "Trần An", "b": "2026-01-02", "c": "Nữ", "d": 1000000}


def test_clean_refuses_with_vietnamese_messages_per_field():
    with pytest.raises(ValidationError) as exc:
        formdefs.clean(FIELDS, {"b": "02/01/2026", "c": "Khác", "d": "-5"})
    errors = exc.value.message_dict
    assert errors["form.a"] == ["Vui lòng nhập “Họ tên”."]
    assert "không phải ngày hợp lệ" in errors["form.b"][0]
    assert "Vui lòng chọn" in errors["form.c"][0]
    assert "số nguyên không âm" in errors["form.d"][0]


def test_shipped_definitions_are_well_formed():
    for form in formdefs.DEFAULT_FORMS:
        names = [f["name"] for f in form["fields"]]
        assert len(names) == len(set(names))
        for f in form["fields"]:
            assert f["type"] in formdefs.FIELD_TYPES
            assert f["type"] != "select" or f["choices"]
