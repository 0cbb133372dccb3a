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
from cchc.reports.numbers import MISSING, figure, percent

FORMATS = ("docx", "pdf", "xlsx")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _signed(value: Decimal | None) -> str:
    if value is None:
        return MISSING
    sign = "+" if value > 0 else ""
    return f"{sign}{figure(value, 2)} điểm %"


def _dec1(value: float | None) -> str:
    """One decimal ("10,5"); "—" when there is nothing."""
    return figure(value, 1)


def jinja_env():
    """The Word template's Jinja environment: its `num` filter is the PDF's (`report_tags`)."""
    from jinja2 import Environment

    env = Environment(autoescape=True)
    env.filters["num"] = figure
    return env


def _floor_row(stat) -> dict[str, Any]:
    return {
        "label": stat.label,
        "tickets": stat.tickets,
        "served": stat.served,
        "abandoned": stat.abandoned,
        "wait": _dec1(stat.avg_wait_minutes),
        "service": _dec1(stat.avg_service_minutes),
        "rated": stat.rated,
        "satisfied": _dec1(stat.satisfied_share),
    }


def floor_context(figures) -> dict[str, Any]:
    """The floor figures as the report prints them (the same numbers as the floor page)."""
    total = _floor_row(figures.total)
    return {
        **total,
        "peak": ", ".join(f"{h.label} ({figure(h.tickets)} lượt)" for h in figures.peak_hours)
        or MISSING,
        "by_counter": [_floor_row(s) for s in figures.by_counter],
        "by_officer": [_floor_row(s) for s in figures.by_officer],
        "by_sector": [_floor_row(s) for s in figures.by_sector],
        "by_hour": [_floor_row(s) for s in figures.by_hour],
    }


def initiatives_context(rows) -> dict[str, Any]:
    from cchc.reforms.models import InitiativeStatus

    return {
        "rows": [
            {
                "date": r.submitted_on.strftime("%d/%m/%Y"),
                "title": r.title,
                "unit": r.unit,
                "status": r.status,
            }
            for r in rows
        ],
        "count": len(rows),
        # Recognised now, whether or not applied yet; applied ones were recognised first.
        "recognised": sum(
            r.code in (InitiativeStatus.RECOGNISED, InitiativeStatus.APPLIED) for r in rows
        ),
        "applied": sum(r.code == InitiativeStatus.APPLIED for r in rows),
    }


def training_context(training) -> dict[str, Any]:
    return {
        "sessions": [
            {
                "date": r.held_on.strftime("%d/%m/%Y"),
                "topic": r.topic,
                "unit": r.unit,
                "invited": r.invited,
                "present": r.present,
            }
            for r in training.sessions
        ],
        "session_count": len(training.sessions),
        "invited": training.invited,
        "present": training.present,
        "trained_people": training.trained_people,
        "outreach": [
            {
                "date": r.held_on.strftime("%d/%m/%Y"),
                "kind": r.kind,
                "title": r.title,
                "unit": r.unit,
                "reach": r.reach,
            }
            for r in training.outreach
        ],
        "outreach_count": len(training.outreach),
        "reach": training.reach,
        "by_kind": [{"kind": k, "count": n, "reach": reach} for k, n, reach in training.by_kind],
    }


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
        "on_time_text": percent(data.totals.on_time_percent),
        "by_unit": data.by_unit,
        "by_sector": data.by_sector,
        "late_units": data.late_units,
        "apologies": data.apologies,
        "index_text": percent(data.index_percent),
        "previous_label": period_title(data.previous),
        "previous_text": percent(data.index_previous_percent),
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
        "ini": initiatives_context(data.initiatives),
        "floor": floor_context(data.floor),
        "tr": training_context(data.training),
    }


# The names a template may use (the keys of `context`); kept in one list for the check.
CONTEXT_NAMES = (
    "parent_name",
    "issuer_name",
    "unit_name",
    "number",
    "place",
    "day",
    "month",
    "year",
    "subject",
    "title",
    "snapshot",
    "t",
    "on_time_text",
    "by_unit",
    "by_sector",
    "late_units",
    "apologies",
    "index_text",
    "previous_label",
    "previous_text",
    "change_text",
    "rates",
    "s",
    "d",
    "assessment_text",
    "proposals",
    "proposal_saving",
    "weaknesses",
    "recipients",
    "signer_title",
    "signer_name",
    "trend",
    "floor",
    "tr",
    "ini",
)


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


def template_path() -> str:
    """The Word template in use: `settings.CCHC_REPORT_TEMPLATE` (a copy edited by the
    office, see the package docstring) or the shipped one."""
    return str(getattr(settings, "CCHC_REPORT_TEMPLATE", "") or TEMPLATE)


def template_unknown_tags(path: str | None = None) -> list[str]:
    """Names the template uses that the report does not provide (a mistyped tag after an
    edit in Word); empty when the template is sound."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(path or template_path())
    known = set(CONTEXT_NAMES) | {"chart"}
    return sorted(set(tpl.get_undeclared_template_variables(jinja_env())) - known)


def to_docx(
    data: ReportData, *, recipients: list[str] | None = None, template: str | None = None
) -> bytes:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    tpl = DocxTemplate(template or template_path())
    ctx = context(data, recipients=recipients)
    ctx["chart"] = InlineImage(tpl, io.BytesIO(trend_chart(data, fmt="png")), width=Mm(150))
    tpl.render(ctx, jinja_env())
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
            ["Đã hoàn thành", d["done"]],
            ["Hoàn thành đúng hạn", d["done_on_time"]],
            ["Chưa đúng hạn", d["not_on_time"]],
            ["Quá hạn chưa hoàn thành", d["overdue"]],
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
    ini = initiatives_context(data.initiatives)
    sheet(
        "Sáng kiến",
        ["Ngày đăng ký", "Sáng kiến, giải pháp", "Đơn vị", "Trạng thái"],
        [[r.submitted_on, r.title, r.unit, r.status] for r in data.initiatives]
        + [
            ["Tổng", f"{ini['count']} sáng kiến", None, None],
            ["Được công nhận", ini["recognised"], None, None],
            ["Đã áp dụng", ini["applied"], None, None],
        ],
    )
    floor_head = [
        "Nhóm",
        "Lượt lấy số",
        "Đã phục vụ",
        "Bỏ lượt",
        "Chờ TB (phút)",
        "Phục vụ TB (phút)",
        "Lượt đánh giá",
        "Hài lòng (%)",
    ]

    def floor_rows(stats) -> list[list[Any]]:
        return [
            [
                s.label,
                s.tickets,
                s.served,
                s.abandoned,
                s.avg_wait_minutes,
                s.avg_service_minutes,
                s.rated,
                s.satisfied_share,
            ]
            for s in stats
        ]

    f = data.floor
    sheet(
        "Một cửa - tổng hợp",
        floor_head,
        floor_rows([f.total]) + [[f"Giờ cao điểm {h.label}", h.tickets] for h in f.peak_hours],
    )
    sheet("Một cửa - theo quầy", floor_head, floor_rows(f.by_counter))
    sheet("Một cửa - theo công chức", floor_head, floor_rows(f.by_officer))
    sheet("Một cửa - theo lĩnh vực", floor_head, floor_rows(f.by_sector))
    sheet("Một cửa - theo giờ", floor_head, floor_rows(f.by_hour))
    t = data.training
    sheet(
        "Tập huấn",
        ["Ngày", "Chủ đề", "Đơn vị", "Được triệu tập", "Có mặt"],
        [[r.held_on, r.topic, r.unit, r.invited, r.present] for r in t.sessions]
        + [
            ["Tổng", f"{len(t.sessions)} lớp", None, t.invited, t.present],
            ["Số người được tập huấn", None, None, None, t.trained_people],
        ],
    )
    sheet(
        "Tuyên truyền",
        ["Ngày", "Hình thức", "Nội dung", "Đơn vị", "Số người được tiếp cận"],
        [[r.held_on, r.kind, r.title, r.unit, r.reach] for r in t.outreach]
        + [["Tổng", f"{len(t.outreach)} hoạt động", None, None, t.reach]],
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
