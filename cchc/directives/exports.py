"""XLSX exports of the directives lists (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence


def xlsx_bytes(*, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - type narrowing for mypy; no check relies on it
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


def progress_report_docx(*, document, tasks, progress: int, now) -> bytes:
    """A notice's progress report (DOCX): one row per task, with status and the latest
    report, for the leader's meeting or the reply to the issuing authority."""
    from django.utils import timezone
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ")
    run.bold = True
    subject = f"{document.kind or 'Văn bản'}"
    if document.number:
        subject += f" số {document.number}"
    if document.date:
        subject += f" ngày {document.date:%d/%m/%Y}"
    doc.add_paragraph(f"Theo {subject}: {document.title}".strip())
    local = timezone.localtime(now)
    doc.add_paragraph(f"Số liệu đến {local:%H:%M ngày %d/%m/%Y}. Tiến độ chung: {progress}%.")
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        ["Mục", "Nội dung", "Chủ trì", "Thời hạn", "Trạng thái", "Tiến độ"],
        strict=True,
    ):
        cell.text = text
    for task in tasks:
        row = table.add_row().cells
        status = task.get_status_display()
        if getattr(task, "is_overdue", False):
            status += " (quá hạn)"
        row[0].text = task.number
        row[1].text = task.text[:500]
        row[2].text = "; ".join(u.name for u in task.lead_units.all())
        row[3].text = (
            timezone.localtime(task.deadline).strftime("%d/%m/%Y") if task.deadline else ""
        )
        row[4].text = status
        row[5].text = f"{task.progress}%"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
