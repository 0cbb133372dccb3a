"""Exports: XLSX tables and the annual PAR self-assessment report (DOCX, python-docx)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from cchc.assessments.models import Assessment, AssessmentStatus
from cchc.assessments.selectors import AreaBlock, ResultRow, WeakCriterion
from cchc.indices.exports import XLSX, workbook

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

__all__ = ["DOCX", "XLSX", "assessment_xlsx", "report_docx", "results_xlsx"]


def _n(value: Decimal | None) -> Any:
    return None if value is None else value


def assessment_xlsx(assessment: Assessment, sheet: list[AreaBlock]) -> bytes:
    rows = []
    for block in sheet:
        for s in block.scores:
            rows.append(
                [
                    block.code,
                    s.criterion.code,
                    s.criterion.title,
                    s.criterion.max_points,
                    s.criterion.get_method_display(),
                    _n(s.self_score),
                    s.evidence_link or s.self_note,
                    s.get_appraisal_display(),
                    _n(s.appraised_score),
                    s.appraisal_comment,
                    s.response,
                    _n(s.final_score),
                ]
            )
    headers = (
        "Lĩnh vực",
        "Mã",
        "Tiêu chí",
        "Điểm tối đa",
        "Phương pháp",
        "Tự chấm",
        "Tài liệu kiểm chứng",
        "Thẩm định",
        "Điểm thẩm định",
        "Ý kiến thẩm định",
        "Giải trình",
        "Điểm cuối cùng",
    )
    areas = [[b.code, b.title, b.max_points, b.self_score, _n(b.final_score)] for b in sheet]
    return workbook(
        [
            ("Tiêu chí", headers, rows),
            ("Lĩnh vực", ("Mã", "Lĩnh vực", "Tối đa", "Tự chấm", "Cuối cùng"), areas),
        ]
    )


def results_xlsx(rows: list[ResultRow], weak: list[WeakCriterion]) -> bytes:
    area_codes = sorted({c for r in rows for c in r.areas}, key=lambda c: (len(c), c))
    ranking = [
        [
            r.rank,
            r.assessment.unit.code,
            r.assessment.unit.name,
            *[r.areas.get(c, Decimal(0)) for c in area_codes],
            r.assessment.final_total,
            r.percent,
            r.band,
            _n(r.previous_percent),
            _n(r.change),
        ]
        for r in rows
    ]
    headers = (
        "Hạng",
        "Mã đơn vị",
        "Đơn vị",
        *[f"Lĩnh vực {c}" for c in area_codes],
        "Tổng điểm",
        "Tỷ lệ (%)",
        "Xếp loại",
        "Năm trước (%)",
        "Thay đổi",
    )
    weak_rows = [
        [
            w.criterion.code,
            w.criterion.title,
            w.attainment * 100,
            w.units_scored,
            ", ".join(u.name for u in w.weak_units),
        ]
        for w in weak
    ]
    return workbook(
        [
            ("Xếp hạng", headers, ranking),
            (
                "Tồn tại, hạn chế",
                ("Mã", "Tiêu chí", "Mức đạt TB (%)", "Số đơn vị", "Đơn vị dưới 50%"),
                weak_rows,
            ),
        ]
    )


def report_docx(assessment: Assessment, sheet: list[AreaBlock]) -> bytes:
    """Báo cáo tự đánh giá, chấm điểm xác định Chỉ số CCHC năm … of one unit."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    unit = assessment.unit
    year = assessment.framework.year
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.add_run(unit.name.upper()).bold = True
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(
        f"BÁO CÁO\nKết quả tự đánh giá, chấm điểm xác định Chỉ số cải cách hành chính năm {year}"
    ).bold = True
    doc.add_paragraph(f"Căn cứ: {assessment.framework.title}. {assessment.framework.basis}")
    doc.add_heading("I. KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM", level=2)
    total_max = sum((b.max_points for b in sheet), Decimal(0))
    doc.add_paragraph(f"Tổng điểm tự đánh giá: {assessment.self_total} / {total_max} điểm.")
    if assessment.status == AssessmentStatus.FINAL:
        doc.add_paragraph(
            f"Điểm sau thẩm định: {assessment.final_total} điểm "
            f"({assessment.final_percent}%), xếp loại {assessment.band}."
        )
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("Lĩnh vực", "Điểm tối đa", "Tự chấm", "Sau thẩm định"), strict=True
    ):
        cell.text = text
    for b in sheet:
        cells = table.add_row().cells
        cells[0].text = f"{b.code}. {b.title}"
        cells[1].text = str(b.max_points)
        cells[2].text = str(b.self_score)
        cells[3].text = "" if b.final_score is None else str(b.final_score)
    doc.add_heading("II. CHI TIẾT TIÊU CHÍ VÀ TÀI LIỆU KIỂM CHỨNG", level=2)
    detail = doc.add_table(rows=1, cols=5)
    detail.style = "Table Grid"
    for cell, text in zip(
        detail.rows[0].cells,
        ("Mã", "Tiêu chí", "Tối đa", "Tự chấm", "Tài liệu kiểm chứng / nguồn"),
        strict=True,
    ):
        cell.text = text
    for b in sheet:
        for s in b.scores:
            cells = detail.add_row().cells
            cells[0].text = s.criterion.code
            cells[1].text = s.criterion.title
            cells[2].text = str(s.criterion.max_points)
            cells[3].text = "" if s.self_score is None else str(s.self_score)
            source = s.computed_detail.get("source_url") or s.evidence_link or s.self_note
            cells[4].text = source or ""
    doc.add_heading("III. TỒN TẠI, HẠN CHẾ", level=2)
    weak = sorted(
        (s for b in sheet for s in b.scores if s.self_score is not None),
        key=lambda s: (s.self_score / s.criterion.max_points, s.criterion.code),
    )[:5]
    for s in weak:
        doc.add_paragraph(
            f"Tiêu chí {s.criterion.code} “{s.criterion.title}”: đạt {s.self_score}/"
            f"{s.criterion.max_points} điểm.",
            style="List Bullet",
        )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
