"""XLSX exports of the directives lists (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence


def xlsx_bytes(*, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
