"""Building interchange rows by hand for the formula tests."""

from __future__ import annotations

import csv
import io
from typing import Any

from cchc.indices.formulas import DossierFacts
from cchc.indices.interchange import COLUMNS, read_facts

_n = iter(range(1, 10**9))

DEFAULTS: dict[str, str] = {
    "procedure_code": "1.001193.000.00.00.H52",
    "unit_code": "P52",
    "channel": "direct",
    "received_at": "2024-03-04T08:00",
    "due_at": "2024-03-08T17:00",
    "finished_at": "",
    "final_status": "processing",
    "supplement_requests": "",
    "waiting_supplement_since": "",
    "online_eligible": "0",
    "result_paper": "0",
    "result_electronic": "0",
    "components_digitized": "0",
    "reused_data": "0",
    "fee_required": "0",
    "paid_online": "0",
    "rating": "",
    "complaint": "0",
}


def row(**kw: Any) -> dict[str, str]:
    values = {"code": f"H52-240304-{next(_n):04d}", **DEFAULTS}
    for key, value in kw.items():
        assert key in COLUMNS, key
        values[key] = str(value)
    if kw.get("finished_at") and "final_status" not in kw:
        values["final_status"] = "returned"
    return values


def csv_text(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([r[c] for c in COLUMNS])
    return buffer.getvalue()


def facts(rows: list[dict[str, str]]) -> list[DossierFacts]:
    """Through the real parser, so every fixture is also a valid interchange file."""
    return read_facts(io.StringIO(csv_text(rows)))
