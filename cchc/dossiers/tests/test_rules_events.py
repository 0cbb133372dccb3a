"""Pure parts: dossier codes, step outcomes, subject keys, canonical JSON and the chain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.dossiers import rules
from cchc.dossiers.events import (
    GENESIS_HASH,
    canonical_json,
    chain_rows,
    compute_hash,
    to_jsonable,
    verify_chain,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_dossier_code_format():
    assert rules.format_dossier_code("H52.50.05", dt.date(2026, 10, 8), 975) == (
        "H52.50.05-261008-0975"
    )
    # At least four digits, more when the day needs them (length is not assumed).
    assert rules.format_dossier_code("G09", dt.date(2026, 1, 2), 123456).endswith("-123456")
    with pytest.raises(ValueError):
        rules.format_dossier_code("G09", dt.date(2026, 1, 2), 0)


def test_step_outcome_per_control_slip():
    due = dt.datetime(2026, 11, 23, 17, 0, tzinfo=VN)
    assert rules.step_outcome(due - dt.timedelta(days=1), due, tz=VN) == "early"
    assert rules.step_outcome(due - dt.timedelta(hours=3), due, tz=VN) == "on_time"
    assert rules.step_outcome(due, due, tz=VN) == "on_time"
    assert rules.step_outcome(due + dt.timedelta(seconds=1), due, tz=VN) == "late"


def test_subject_key_ignores_case_spacing_and_diacritics():
    a = rules.subject_key("land_parcel", "Tờ 12, thửa 345")
    assert a == rules.subject_key("land_parcel", "to 12  THUA 345") == "land_parcel:TO 12 THUA 345"
    assert a != rules.subject_key("person", "Tờ 12, thửa 345")
    assert rules.subject_key("other", "Đồng Đế") == "other:DONG DE"


def test_lookup_secret_alphabet():
    secret = rules.new_lookup_secret()
    assert len(secret) == 10 and set(secret) <= set(rules.SECRET_ALPHABET)
    assert rules.normalise_lookup_secret(" ab-cd ") == "ABCD"


def test_canonical_json_is_stable():
    when = dt.datetime(2026, 11, 16, 8, 0, tzinfo=VN)
    assert canonical_json({"b": Decimal("1.50"), "a": when, "c": [dt.date(2026, 1, 2)]}) == (
        '{"a":"2026-11-16T01:00:00.000000Z","b":"1.50","c":["2026-01-02"]}'
    )
    with pytest.raises(TypeError):
        to_jsonable({"x": 1.5})
    with pytest.raises(ValueError):
        to_jsonable(dt.datetime(2026, 1, 1))


def _events(n: int) -> list[dict]:
    base = dt.datetime(2026, 11, 16, 1, 0, tzinfo=dt.UTC)
    return [
        {
            "dossier_id": 1 + i % 3,
            "seq": i // 3 + 1,
            "actor_id": None,
            "unit_id": 7,
            "created_at": base + dt.timedelta(minutes=i),
            "action": "note_added",
            "payload": {"text": f"ghi chú {i}"},
        }
        for i in range(n)
    ]


@settings(deadline=None)  # shared CI machines are slow; the property is what matters
@given(st.integers(min_value=1, max_value=30), st.data())
def test_any_single_deletion_or_edit_is_detected(n, data):
    rows = list(chain_rows(0, GENESIS_HASH, _events(n)))
    head = (rows[-1]["chain_seq"], rows[-1]["hash"])
    assert verify_chain(rows, head=head).ok
    i = data.draw(st.integers(min_value=0, max_value=n - 1))
    deleted = rows[:i] + rows[i + 1 :]
    assert not verify_chain(deleted, head=head).ok
    edited = [dict(r) for r in rows]
    edited[i]["payload"] = {"text": "sửa"}
    assert not verify_chain(edited, head=head).ok
    assert compute_hash(rows[i]["prev_hash"], rows[i]) == rows[i]["hash"]
