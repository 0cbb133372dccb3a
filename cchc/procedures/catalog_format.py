"""The one interchange shape of the procedure catalog (docs/catalog-format.md).

Four tables — procedures, components, fees, steps — one row per item, keyed by
procedure code + version. The same tables travel as an XLSX workbook (one sheet
each) or as four UTF-8 CSV files (a directory or a .zip). This module only moves
text cells in and out; meaning and validation live in `rules` and `services`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

PROCEDURES = "procedures"
COMPONENTS = "components"
FEES = "fees"
STEPS = "steps"
SHEETS: tuple[str, ...] = (PROCEDURES, COMPONENTS, FEES, STEPS)

COLUMNS: dict[str, tuple[str, ...]] = {
    PROCEDURES: (
        "code",
        "version",
        "valid_from",
        "valid_to",
        "name",
        "sector_code",
        "sector_name",
        "level",
        "implementing_unit_kinds",
        "implementing_unit_codes",
        "processing_time",
        "processing_time_unit",
        "result_type",
        "result_name",
        "online_level",
        "result_reusable",
        "fee_collected_after_return",
        "subjects",
        "conditions",
        "legal_basis",
        "notes",
        "published_at",
        "source",
    ),
    COMPONENTS: (
        "code",
        "version",
        "order",
        "name",
        "form_code",
        "copies",
        "original_required",
        "is_required",
        "note",
    ),
    FEES: ("code", "version", "name", "amount", "unit_label", "varies", "note"),
    STEPS: (
        "code",
        "version",
        "order",
        "name",
        "handler",
        "handler_unit_kind",
        "role",
        "quota",
        "is_legal_pause",
    ),
}

# Columns that must be present in the header (the others default to empty).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    PROCEDURES: (
        "code",
        "version",
        "valid_from",
        "name",
        "sector_code",
        "processing_time",
        "processing_time_unit",
    ),
    COMPONENTS: ("code", "version", "order", "name"),
    FEES: ("code", "version", "name", "amount"),
    STEPS: ("code", "version", "order", "name", "handler", "role", "quota"),
}

FIRST_DATA_ROW = 2  # row 1 is the header, as a spreadsheet user counts


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Bảng '{self.sheet}'"
        if self.row:
            where += f", dòng {self.row}"
        if self.column:
            where += f", cột '{self.column}'"
        return f"{where}: {self.message}"


@dataclass
class Row:
    sheet: str
    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Tables:
    rows: dict[str, list[Row]] = field(default_factory=lambda: {s: [] for s in SHEETS})
    errors: list[CellError] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """Normalise a cell read from XLSX/CSV to the text the importer parses."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(Decimal(repr(value)).normalize()) if value != int(value) else str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _collect(tables: Tables, sheet: str, header: list[str], body: list[list[Any]]) -> None:
    header = [cell_text(h) for h in header]
    missing = [c for c in REQUIRED_COLUMNS[sheet] if c not in header]
    for column in missing:
        tables.errors.append(CellError(sheet, 1, column, "Thiếu cột bắt buộc."))
    unknown = [h for h in header if h and h not in COLUMNS[sheet]]
    for column in unknown:
        tables.errors.append(CellError(sheet, 1, column, "Cột không có trong định dạng danh mục."))
    for offset, values in enumerate(body):
        texts = [cell_text(v) for v in values]
        if not any(texts):
            continue  # blank lines are not data
        for i, value in enumerate(values):
            if i < len(header) and header[i] == "code" and isinstance(value, (int, float)):
                # Excel turns 1.004220 into the number 1.00422: refuse rather than guess.
                tables.errors.append(
                    CellError(
                        sheet,
                        FIRST_DATA_ROW + offset,
                        "code",
                        "Mã thủ tục phải nhập dạng văn bản (Text), không phải dạng số.",
                    )
                )
        cells = {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(header) if h}
        tables.rows[sheet].append(Row(sheet, FIRST_DATA_ROW + offset, cells))


def read_xlsx(source: str | Path | IO[bytes]) -> Tables:
    from openpyxl import load_workbook

    tables = Tables()
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several unrelated types for a bad file
        tables.errors.append(CellError("", 0, "", "Không đọc được tệp XLSX."))
        return tables
    try:
        for sheet in SHEETS:
            if sheet not in workbook.sheetnames:
                tables.errors.append(CellError(sheet, 0, "", "Thiếu trang tính trong tệp XLSX."))
                continue
            values = [list(r) for r in workbook[sheet].iter_rows(values_only=True)]
            if not values:
                tables.errors.append(CellError(sheet, 1, "", "Trang tính không có dòng tiêu đề."))
                continue
            _collect(tables, sheet, values[0], values[1:])
    finally:
        workbook.close()
    return tables


def _read_csv_text(tables: Tables, sheet: str, text: str) -> None:
    text = text.removeprefix("\ufeff")  # Excel writes a BOM in "CSV UTF-8"
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        tables.errors.append(CellError(sheet, 1, "", "Tệp CSV không có dòng tiêu đề."))
        return
    _collect(tables, sheet, rows[0], rows[1:])


def read_csv(source: str | Path | IO[bytes]) -> Tables:
    """Read four CSV files from a directory, a .zip path or a file-like .zip."""
    tables = Tables()
    if isinstance(source, (str, Path)) and Path(source).is_dir():
        for sheet in SHEETS:
            path = Path(source) / f"{sheet}.csv"
            if not path.exists():
                tables.errors.append(CellError(sheet, 0, "", f"Thiếu tệp {sheet}.csv."))
                continue
            _read_csv_text(tables, sheet, path.read_text(encoding="utf-8"))
        return tables
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        tables.errors.append(CellError("", 0, "", "Không đọc được tệp .zip chứa các bảng CSV."))
        return tables
    with archive:
        names = {Path(n).name: n for n in archive.namelist()}
        for sheet in SHEETS:
            name = names.get(f"{sheet}.csv")
            if name is None:
                tables.errors.append(CellError(sheet, 0, "", f"Thiếu tệp {sheet}.csv."))
                continue
            try:
                text = archive.read(name).decode("utf-8")
            except UnicodeDecodeError:
                tables.errors.append(CellError(sheet, 0, "", "Tệp CSV phải mã hoá UTF-8."))
                continue
            _read_csv_text(tables, sheet, text)
    return tables


def write_csv_files(rows: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    out = {}
    for sheet in SHEETS:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS[sheet])
        for row in rows[sheet]:
            writer.writerow([row.get(c, "") for c in COLUMNS[sheet]])
        out[f"{sheet}.csv"] = buffer.getvalue()
    return out


def write_csv_zip(rows: dict[str, list[dict[str, str]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in write_csv_files(rows).items():
            # A fixed timestamp keeps the archive byte-identical for identical data.
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def write_xlsx(rows: dict[str, list[dict[str, str]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        ws = workbook.create_sheet(sheet)
        ws.append(list(COLUMNS[sheet]))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows[sheet]:
            # Every cell is written as text so codes such as 1.001193 and dates
            # survive a round trip through Excel unchanged.
            ws.append([row.get(c, "") for c in COLUMNS[sheet]])
        ws.freeze_panes = "A2"
        for letter, width in (("A", 26), ("B", 8), ("C", 20), ("D", 40), ("E", 50)):
            ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
