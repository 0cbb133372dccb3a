"""Dev-only: regenerate admin_units_2025.csv from the `vietnam-provinces` package data.

    .venv/bin/python cchc/units/data/export_official.py

The package (GPL-3.0-or-later) is a development requirement only; this script reads its
data (names and official codes of the 34 provinces and 3,321 commune-level units in force
from 1/7/2025, which are public facts from the government's list) and writes a plain CSV.
Nothing at run time imports it: `cchc import_units` reads the CSV. See README.md here
and docs/decisions/0003-official-unit-data.md.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).with_name("admin_units_2025.csv")
COLUMNS = ["code", "name", "short_name", "kind", "division_type", "parent_code"]

# Division type (loại đơn vị hành chính) in Vietnamese, and the kind it maps to.
DIVISION = {
    "TINH": ("province", "Tỉnh"),
    "THANH_PHO_TRUNG_UONG": ("province", "Thành phố trực thuộc trung ương"),
    "XA": ("commune", "Xã"),
    "PHUONG": ("ward", "Phường"),
    "DAC_KHU": ("special_zone", "Đặc khu"),
}
PREFIXES = {
    "TINH": "Tỉnh ",
    "THANH_PHO_TRUNG_UONG": "Thành phố ",
    "XA": "Xã ",
    "PHUONG": "Phường ",
    "DAC_KHU": "Đặc khu ",
}


def _names(raw: str, division: str) -> tuple[str, str]:
    """(full official name, short name): 'Gia Lai' -> ('Tỉnh Gia Lai', 'Gia Lai')."""
    prefix = PREFIXES[division]
    if raw.startswith(prefix):
        return raw, raw[len(prefix) :]
    return prefix + raw, raw


def main() -> int:
    try:
        from vietnam_provinces import Province, Ward
    except ImportError:  # pragma: no cover - dev tool
        print("Install the dev requirements (vietnam-provinces) first.", file=sys.stderr)
        return 1
    rows = []
    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    for p in provinces:
        division = p.division_type.name
        kind, label = DIVISION[division]
        name, short = _names(p.name, division)
        rows.append([f"{int(p.code):02d}", name, short, kind, label, ""])
    wards = sorted(Ward.iter_all(), key=lambda w: (int(w.province_code), int(w.code)))
    for w in wards:
        division = w.division_type.name
        kind, label = DIVISION[division]
        name, short = _names(w.name, division)
        rows.append([f"{int(w.code):05d}", name, short, kind, label, f"{int(w.province_code):02d}"])
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    print(f"{len(provinces)} provinces, {len(wards)} commune-level units -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
