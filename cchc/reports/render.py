"""A report's data as DOCX (docxtpl, the shipped Word template), PDF (WeasyPrint, the
documents app's shipped fonts) and XLSX annexes (openpyxl, the table behind every figure).

The document header follows NĐ 30/2020/NĐ-CP, Phụ lục I (see `build_template`).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from cchc.reports.build_template import TEMPLATE
from cchc.reports.data import ReportData, period_title

FORMATS = ("docx", "pdf", "xlsx")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}%".replace(".", ",")


def _signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ""
    return f"{sign}{value:.2f} điểm %".replace(".", ",")


def context(data: ReportData, *, recipients: list[str] | None = None) -> dict[str, Any]:
    """Everything the DOCX and PDF templates print (the same for both)."""
    unit = data.unit
    parent = unit.parent.name if unit.parent_id else ""
    local = timezone.localtime(data.snapshot_at)
    issuer_code = (getattr(unit, "agency_code", "") or unit.code or "").split(".")[0]
    assessment = (
        f"{data.assessment['framework']}: {data.assessment['status']}."
        if data.assessment
        else "Chưa có kỳ tự đánh giá trong năm."
    )
    return {
        "parent_name": parent,
        "issuer_name": unit.name,
        "unit_name": unit.name,
        "number": f"      /BC-{issuer_code or 'UBND'}",
        "place": getattr(settings, "CCHC_PLACE_NAME", "") or "..........",
        "day": f"{local.day:02d}",
        "month": f"{local.month:02d}",
        "year": str(local.year),
        "subject": f"Kết quả công tác cải cách hành chính {period_title(data.period)}",
        "title": data.title,
        "snapshot": local.strftime("%H:%M ngày %d/%m/%Y"),
        "t": data.totals,
        "on_time_text": _pct(data.totals.on_time_percent),
        "by_unit": data.by_unit,
        "by_sector": data.by_sector,
        "late_units": data.late_units,
        "apologies": data.apologies,
        "index_text": _pct(data.index_percent),
        "previous_label": period_title(data.previous),
        "previous_text": _pct(data.index_previous_percent),
        "change_text": _signed(data.index_change),
        "rates": data.rates,
        "s": data.satisfaction,
        "d": data.directives,
        "assessment_text": assessment,
        "proposals": data.proposals,
        "proposal_saving": sum((r.saving_per_year for r in data.proposals), Decimal(0)),
        "weaknesses": data.weaknesses,
        "recipients": recipients or ["Lãnh đạo Ủy ban nhân dân"],
        "signer_title": "Thủ trưởng đơn vị",
        "signer_name": "",
        "trend": data.trend,
    }


# --- Chart -------------------------------------------------------------------------------


def trend_chart(data: ReportData, *, fmt: str) -> bytes:
    """The monthly index trend (PNG for Word, SVG for the PDF)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 2.6), dpi=120)
    ax = fig.add_subplot()
    labels = [label for label, _ in data.trend]
    values = [float(v) if v is not None else float("nan") for _, v in data.trend]
    ax.plot(labels, values, marker="o", color="#b71c1c")
    ax.set_ylim(0, 100)
    ax.set_ylabel("Điểm (%)")
    ax.set_title("Chỉ số phục vụ theo tháng", fontsize=10)
    ax.tick_params(axis="x", labelsize=7, rotation=45)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()


# --- Formats -----------------------------------------------------------------------------


def to_docx(data: ReportData, *, recipients: list[str] | None = None) -> bytes:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    tpl = DocxTemplate(str(TEMPLATE))
    ctx = context(data, recipients=recipients)
    ctx["chart"] = InlineImage(tpl, io.BytesIO(trend_chart(data, fmt="png")), width=Mm(150))
    tpl.render(ctx, autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def to_html(data: ReportData, *, recipients: list[str] | None = None) -> str:
    ctx = context(data, recipients=recipients)
    ctx["chart_svg"] = trend_chart(data, fmt="svg").decode()
    return render_to_string("reports/report_pdf.html", ctx)


def to_pdf(data: ReportData, *, recipients: list[str] | None = None) -> bytes:
    from cchc.documents.forms import html_to_pdf

    return html_to_pdf(to_html(data, recipients=recipients))


def to_xlsx(data: ReportData) -> bytes:
    """One sheet per table behind the report's figures."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    bold = Font(bold=True)
    counts_head = ["Tên", "Tiếp nhận", "Đã giải quyết", "Đúng hạn", "Trễ hạn", "Đang giải quyết"]

    def sheet(title: str, head: list[str], rows: list[list[Any]], first: bool = False):
        ws = wb.active if first else wb.create_sheet()
        ws.title = title
        ws.append([data.title])
        ws.append([f"{data.unit.name} — kỳ {data.period.label}"])
        ws.append([f"Số liệu lúc {timezone.localtime(data.snapshot_at):%H:%M %d/%m/%Y}"])
        ws.append(head)
        for cell in ws[4]:
            cell.font = bold
        ws["A1"].font = Font(bold=True, size=13)
        for row in rows:
            ws.append(row)
        ws.column_dimensions["A"].width = 48
        return ws

    def counts_row(c) -> list[Any]:
        return [c.name, c.received, c.finished, c.on_time, c.late, c.pending]

    sheet("Tổng hợp", counts_head, [counts_row(data.totals)], first=True)
    sheet("Theo đơn vị", counts_head, [counts_row(c) for c in data.by_unit])
    sheet("Theo lĩnh vực", counts_head, [counts_row(c) for c in data.by_sector])
    sheet(
        "Trễ hạn",
        ["Đơn vị", "Số bước trễ hạn", "Số ngày làm việc vượt"],
        [[r.name, r.late_steps, r.overrun_working_days] for r in data.late_units]
        + [["Thư xin lỗi đã phát hành", data.apologies, None]],
    )
    sheet(
        "Chỉ số 766",
        ["Mã", "Chỉ tiêu", "Tử số", "Mẫu số", "Tỷ lệ (%)"],
        [[r.code, r.label, r.numerator, r.denominator, r.rate] for r in data.rates]
        + [
            ["TOTAL", "Điểm kỳ này (%)", None, None, data.index_percent],
            [
                "PREVIOUS",
                f"Điểm kỳ trước {data.previous.label} (%)",
                None,
                None,
                data.index_previous_percent,
            ],
        ],
    )
    sheet("Xu hướng", ["Tháng", "Điểm (%)"], [[m, v] for m, v in data.trend])
    s = data.satisfaction
    sheet(
        "Hài lòng",
        ["Chỉ tiêu", "Số lượng"],
        [
            ["Lượt đánh giá", s["rated"]],
            ["Hài lòng", s["satisfied"]],
            ["Bình thường", s["normal"]],
            ["Không hài lòng", s["dissatisfied"]],
            ["Phản ánh, kiến nghị", s["complaints"]],
        ],
    )
    d = data.directives
    sheet(
        "Nhiệm vụ",
        ["Chỉ tiêu", "Số lượng"],
        [
            ["Đến hạn", d["due"]],
            ["Hoàn thành đúng hạn", d["done_on_time"]],
            ["Chưa đúng hạn", d["not_on_time"]],
        ],
    )
    sheet(
        "Đơn giản hóa",
        ["Phương án", "Đơn vị", "Thủ tục", "Trạng thái", "Tiết kiệm (đồng/năm)", "Tỷ lệ (%)"],
        [
            [r.title, r.unit, r.procedure, r.status, r.saving_per_year, r.saving_percent]
            for r in data.proposals
        ],
    )
    sheet(
        "Tồn tại, đề xuất",
        ["Mã", "Chỉ tiêu", "Điểm bị mất", "Đề xuất"],
        [[w.criterion, w.label, w.points_lost, w.action] for w in data.weaknesses],
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render(data: ReportData, fmt: str, *, recipients: list[str] | None = None) -> bytes:
    if fmt == "docx":
        return to_docx(data, recipients=recipients)
    if fmt == "pdf":
        return to_pdf(data, recipients=recipients)
    if fmt == "xlsx":
        return to_xlsx(data)
    from django.core.exceptions import ValidationError

    raise ValidationError(
        f"Định dạng “{fmt}” không hỗ trợ; chọn docx, pdf hoặc xlsx.", code="format"
    )
