"""XLSX of the index tables (what the screens show, as numbers a spreadsheet can sum)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from cchc.indices.definition import GROUPS_BY_CODE
from cchc.indices.formulas import IndexResult, round_half_away

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(round_half_away(value))
    return value


def workbook(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(list(headers))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_cell(v) for v in row])
        for i, header in enumerate(headers, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, len(header) + 2)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


CRITERIA_HEADERS = ("Nhóm", "Mã tiêu chí", "Tiêu chí", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm", "Tối đa")


def criteria_rows(result: IndexResult) -> list[list[Any]]:
    return [
        [
            GROUPS_BY_CODE[c.criterion.group].name,
            c.code,
            c.criterion.name,
            c.numerator,
            c.denominator,
            c.rate,
            c.score,
            c.criterion.max,
        ]
        for c in result.criteria
    ]
