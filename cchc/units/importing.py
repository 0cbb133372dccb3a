"""Reading the unit lists shipped in cchc/units/data/ (CSV, UTF-8) into service calls.

Official list (admin_units_2025.csv): one row per province or commune-level unit in force
from 1/7/2025, keyed by its official code; internal codes are "P<code>" for provinces and
"W<code>" for commune-level units. Legacy list (legacy_units.csv) and successions
(successions.csv) use internal codes directly. See data/README.md.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from cchc.units.models import Unit, UnitKind
from cchc.units.services import ImportResult, UnitRow, unit_close, units_import

DATA_DIR = Path(__file__).resolve().parent / "data"
OFFICIAL_FILE = DATA_DIR / "admin_units_2025.csv"
LEGACY_FILE = DATA_DIR / "legacy_units.csv"
SUCCESSIONS_FILE = DATA_DIR / "successions.csv"
# Luật 72/2025/QH15 and NQ 202/2025/QH15: the two-level local government starts 1/7/2025.
OFFICIAL_VALID_FROM = dt.date(2025, 7, 1)


def official_code(admin_code: str, kind: str) -> str:
    return ("P" if kind == UnitKind.PROVINCE else "W") + admin_code


def _read(path: Path, required: set[str]) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = required - set(reader.fieldnames or [])
        if missing:
            raise ValidationError(
                "Tệp %(file)s thiếu cột: %(cols)s.",
                code="import_columns",
                params={"file": Path(path).name, "cols": ", ".join(sorted(missing))},
            )
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(
            "Ngày không hợp lệ: “%(v)s” (định dạng YYYY-MM-DD).",
            code="import_date",
            params={"v": value},
        ) from exc


def read_official(
    path: Path = OFFICIAL_FILE, *, valid_from: dt.date = OFFICIAL_VALID_FROM
) -> list[UnitRow]:
    rows = _read(path, {"code", "name", "kind", "parent_code"})
    kinds = {r["code"]: r["kind"] for r in rows}
    result = []
    for r in rows:
        parent = r["parent_code"]
        result.append(
            UnitRow(
                code=official_code(r["code"], r["kind"]),
                name=r["name"],
                short_name=r.get("short_name", ""),
                kind=r["kind"],
                admin_code=r["code"],
                parent_code=official_code(parent, kinds.get(parent, UnitKind.PROVINCE))
                if parent
                else "",
                valid_from=valid_from,
            )
        )
    return result


def read_legacy(path: Path = LEGACY_FILE) -> list[UnitRow]:
    rows = _read(
        path, {"code", "admin_code", "name", "kind", "parent_code", "valid_from", "valid_to"}
    )
    return [
        UnitRow(
            code=r["code"],
            name=r["name"],
            short_name=r.get("short_name", ""),
            kind=r["kind"],
            admin_code=r["admin_code"],
            parent_code=r["parent_code"],
            valid_from=_date(r["valid_from"]),
            valid_to=_date(r["valid_to"]),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class SuccessionRow:
    predecessor_code: str
    successor_code: str
    effective_date: dt.date
    legal_basis: str


def read_successions(path: Path = SUCCESSIONS_FILE) -> list[SuccessionRow]:
    rows = _read(path, {"predecessor_code", "successor_code", "effective_date", "legal_basis"})
    result = []
    for r in rows:
        day = _date(r["effective_date"])
        if day is None:
            raise ValidationError("Thiếu ngày hiệu lực của việc sắp xếp.", code="import_date")
        result.append(
            SuccessionRow(r["predecessor_code"], r["successor_code"], day, r["legal_basis"])
        )
    return result


@transaction.atomic
def import_successions(rows: list[SuccessionRow]) -> int:
    """Close each predecessor the day before its succession and record the links."""
    codes = {r.predecessor_code for r in rows} | {r.successor_code for r in rows}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = sorted(codes - units.keys())
    if missing:
        raise ValidationError(
            "Không tìm thấy đơn vị: %(codes)s.",
            code="import_unknown_unit",
            params={"codes": ", ".join(missing)},
        )
    grouped: dict[tuple[str, dt.date, str], list[Unit]] = {}
    for r in rows:
        grouped.setdefault((r.predecessor_code, r.effective_date, r.legal_basis), []).append(
            units[r.successor_code]
        )
    before = _succession_count()
    for (code, day, basis), successors in grouped.items():
        unit_close(
            unit=units[code],
            valid_to=day - dt.timedelta(days=1),
            successors=successors,
            legal_basis=basis,
        )
    return _succession_count() - before


def _succession_count() -> int:
    from cchc.units.models import UnitSuccession

    return UnitSuccession.objects.count()


@transaction.atomic
def import_all(
    *,
    official_file: Path = OFFICIAL_FILE,
    legacy: bool = True,
    legacy_file: Path = LEGACY_FILE,
    successions_file: Path = SUCCESSIONS_FILE,
) -> ImportResult:
    result = units_import(rows=read_official(official_file))
    if legacy:
        legacy_result = units_import(rows=read_legacy(legacy_file))
        result.created += legacy_result.created
        result.updated += legacy_result.updated
        result.unchanged += legacy_result.unchanged
        result.successions_created = import_successions(read_successions(successions_file))
    return result
