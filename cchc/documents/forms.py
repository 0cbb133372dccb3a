"""Official one-stop forms as PDF (WeasyPrint) and the tracking book as PDF/XLSX.

Layouts follow Phụ lục I of Thông tư 03/2025/TT-VPCP (guiding NĐ 118/2025/NĐ-CP); the
header (governing and issuing body, national motto, place and date) follows NĐ
30/2020/NĐ-CP Phụ lục I. TT 03/2025 numbers its forms 01 receipt, 02 supplement, 03
refusal, 04 apology and extension, 05 stop notice, 06 control slip, 07 tracking book
(TT 01/2018 had no stop notice: control slip 05, book 06). Keys here are names, not
numbers, so the renumbering touches only the printed label (`FORMS`).

Fonts (Liberation Serif/Sans 2.x, SIL OFL 1.1) are shipped in
`static/documents/fonts/` and loaded through @font-face, so a PDF looks the same on
every machine. WeasyPrint is imported lazily: a machine without Pango loses only PDF
output.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cchc.core.lookup_secrets import secret_matches
from cchc.documents import selectors
from cchc.documents.qr import qr_svg
from cchc.dossiers import rules
from cchc.dossiers.models import Dossier, DossierStatus, PauseKind
from cchc.units.models import Unit

STATIC_DIR = Path(__file__).resolve().parent / "static" / "documents"
PRINT_CSS = STATIC_DIR / "print.css"
LOOKUP_PATH = "/dvc/tra-cuu/"


@dataclass(frozen=True)
class FormSpec:
    number: str  # printed "Mẫu số ..." (TT 03/2025/TT-VPCP, Phụ lục I)
    title: str
    template: str


FORMS: dict[str, FormSpec] = {
    "receipt": FormSpec("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "receipt"),
    "supplement": FormSpec("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "supplement"),
    "refusal": FormSpec("03", "Phiếu từ chối tiếp nhận, giải quyết hồ sơ", "refusal"),
    "apology": FormSpec("04", "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết", "apology"),
    "stop": FormSpec("05", "Thông báo dừng giải quyết hồ sơ", "stop"),
    "control": FormSpec("06", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "control"),
    # Not a TT 03/2025 form: the slip handed to the applicant when the dossier waits for
    # their financial obligations (land procedures); the clock is paused meanwhile.
    "financial": FormSpec("", "Thông báo thực hiện nghĩa vụ tài chính", "financial"),
}
BOOK = FormSpec("07", "Sổ theo dõi hồ sơ", "tracking_book")


def public_url(path: str) -> str:
    """Absolute public URL for QR codes; CCHC_PUBLIC_BASE_URL (e.g. https://dvc.tinh.gov.vn)."""
    base = getattr(settings, "CCHC_PUBLIC_BASE_URL", "") or "http://localhost:8000"
    return base.rstrip("/") + path


def lookup_url(code: str) -> str:
    from urllib.parse import quote

    return public_url(f"{LOOKUP_PATH}?ma={quote(code)}")


# --- Rendering ---------------------------------------------------------------------------


def render_official(template: str, context: dict[str, Any]) -> str:
    """An official document's HTML, always in Vietnamese whatever the reader's UI language:
    the forms of TT 03/2025/TT-VPCP and results are administrative documents, which are
    drawn up in Vietnamese (NĐ 30/2020/NĐ-CP); an English-speaking officer must not print
    a receipt half in English."""
    with translation.override("vi"):
        return render_to_string(template, context)


def html_to_pdf(html: str) -> bytes:
    """HTML (from our templates) to PDF with the shipped fonts and print stylesheet."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise RuntimeError("WeasyPrint (and Pango) is required to produce PDF documents") from exc
    fonts = FontConfiguration()
    css = CSS(filename=str(PRINT_CSS), font_config=fonts)
    return HTML(string=html, base_url=str(STATIC_DIR) + "/").write_pdf(
        stylesheets=[css], font_config=fonts
    )


def _refuse(message: str, code: str, field: str = "form") -> None:
    raise ValidationError({field: ValidationError(message, code=code)})


def _event_time(event, fallback: dt.datetime | None = None) -> dt.datetime:
    return event.created_at if event is not None else (fallback or timezone.now())


def _form_context(form: str, data: selectors.FormData, lookup_secret: str | None) -> dict[str, Any]:
    d = data.dossier
    ctx: dict[str, Any] = {
        "spec": FORMS[form],
        "d": d,
        "issuer": data.issuer,
        "components": data.components,
        "steps": data.steps,
        "printed_at": timezone.now(),
    }
    if form == "receipt":
        if lookup_secret is not None:
            lookup_secret = rules.normalise_lookup_secret(lookup_secret)
            # Never print a secret that would not open the status page.
            if not secret_matches(lookup_secret, d.lookup_secret_hash):
                _refuse("Mã tra cứu không khớp với hồ sơ này.", "lookup_secret", "lookup_secret")
        ctx.update(
            {
                "date": d.received_at,
                "secret": lookup_secret,
                "qr": qr_svg(lookup_url(d.code)),
                "lookup_url": lookup_url(d.code),
                "receiver_name": data.receiver_name,
                "copies": sum(c.copies for c in data.components) or 1,
            }
        )
    elif form == "supplement":
        event = data.last_event("supplement_requested")
        if event is None:
            _refuse("Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nào.", "no_supplement")
        ctx.update(
            {
                "date": event.created_at,
                "items": event.payload.get("items", []),
                "reason": event.payload.get("reason", ""),
                "officer": event.actor,
                "event_unit": event.unit,
            }
        )
    elif form == "refusal":
        if d.status != DossierStatus.REFUSED:
            _refuse("Hồ sơ không ở trạng thái từ chối giải quyết.", "not_refused")
        event = data.last_event("refused")
        ctx.update(
            {
                "date": _event_time(event, d.finished_at),
                "reason": d.closing_reason,
                "officer": event.actor if event else None,
            }
        )
    elif form == "apology":
        event = data.last_event("apologised")
        if d.apologised_at is None or event is None:
            _refuse("Hồ sơ chưa có văn bản xin lỗi và đề nghị gia hạn.", "no_apology")
        previous = event.payload.get("previous_due_at")
        ctx.update(
            {
                "date": d.apologised_at,
                "previous_due": _parse_dt(previous) or d.original_due_at,
                "new_due": d.apology_due_at,
                "reason": d.apology_reason,
                "apology_unit": event.unit or d.handling_unit or d.receiving_unit,
            }
        )
    elif form == "stop":
        if d.status not in (DossierStatus.STOPPED, DossierStatus.WITHDRAWN):
            _refuse("Hồ sơ không ở trạng thái dừng giải quyết hoặc rút hồ sơ.", "not_stopped")
        event = data.last_event("stopped") or data.last_event("withdrawn")
        ctx.update({"date": _event_time(event, d.finished_at), "reason": d.closing_reason})
    elif form == "control":
        ctx.update({"date": timezone.now(), "rows": _control_rows(data)})
    elif form == "financial":
        if d.pause_kind != PauseKind.FINANCIAL_OBLIGATION:
            _refuse("Hồ sơ không ở bước chờ thực hiện nghĩa vụ tài chính.", "not_financial_pause")
        # The tax authority's notice: recorded when pausing, or later on its own event.
        event = data.last_event("pause_notice_recorded") or data.last_event("paused")
        ctx.update(
            {
                "date": d.paused_since,
                "notice": (event.payload.get("notice") if event else "") or "",
                "basis": (
                    data.last_event("paused").payload.get("basis", "")
                    if data.last_event("paused")
                    else ""
                ),
            }
        )
    return ctx


def _parse_dt(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class ControlRow:
    number: int
    from_label: str
    to_label: str
    handed_at: dt.datetime
    step_name: str
    due_at: dt.datetime
    finished_at: dt.datetime | None
    outcome: str
    note: str


def _who(unit: Unit | None, user) -> str:
    name = unit.name if unit is not None else ""
    if user is not None:
        return f"{name} ({user})" if name else str(user)
    return name


def _control_rows(data: selectors.FormData) -> list[ControlRow]:
    """Mẫu 06 (TT 03/2025; Mẫu 05 under TT 01/2018): every hand-over with its time and the
    result of each step — trước hạn / đúng hạn / quá hạn — read from the step projection."""
    d = data.dossier
    rows = []
    previous = None
    for n, step in enumerate(data.steps, 1):
        giver = (
            _who(previous.unit, previous.assignee)
            if previous is not None
            else (f"{d.applicant.name} (người nộp hồ sơ)")
        )
        note = ""
        if step.overrun_working_days and step.overrun_working_days > 0:
            days = f"{step.overrun_working_days.normalize():f}".replace(".", ",")
            note = f"Chậm {days} ngày làm việc"
        rows.append(
            ControlRow(
                number=n,
                from_label=giver,
                to_label=_who(step.unit, step.assignee),
                handed_at=step.started_at,
                step_name=step.name,
                due_at=step.due_at,
                finished_at=step.finished_at,
                outcome=step.get_outcome_display() if step.outcome else "Đang xử lý",
                note=note,
            )
        )
        previous = step
    if d.returned_at is not None and previous is not None:
        rows.append(
            ControlRow(
                number=len(rows) + 1,
                from_label=_who(previous.unit, previous.assignee),
                to_label=f"{d.applicant.name} (nhận kết quả)",
                handed_at=d.returned_at,
                step_name="Trả kết quả",
                due_at=d.apology_due_at or d.due_at,
                finished_at=d.returned_at,
                outcome=d.get_outcome_display() if d.outcome else "",
                note=d.get_return_method_display() if d.return_method else "",
            )
        )
    return rows


def form_render_pdf(*, dossier: Dossier, form: str, lookup_secret: str | None = None) -> bytes:
    """One official form of `dossier` as PDF bytes.

    `form`: receipt | supplement | refusal | apology | stop | control | financial (see FORMS).
    `lookup_secret`: only for the receipt, at print time right after intake (the stored
    one is hashed); it is checked against the hash and printed, otherwise the slot says
    the code was given at receipt. Raises ValidationError (Vietnamese) when the form
    does not apply to the dossier's state. Permission is checked by the caller
    (`selectors.dossier_for_forms`)."""
    if form not in FORMS:
        _refuse("Biểu mẫu không tồn tại.", "unknown_form")
    data = selectors.form_data(dossier=dossier)
    ctx = _form_context(form, data, lookup_secret)
    html = render_official(f"documents/forms/{FORMS[form].template}.html", ctx)
    return html_to_pdf(html)


# --- Tracking book ---------------------------------------------------------------------


def _book_context(*, unit: Unit, start: dt.date, end: dt.date) -> dict[str, Any]:
    return {
        "spec": BOOK,
        "issuer": selectors.issuer_for(unit),
        "unit": unit,
        "start": start,
        "end": end,
        "rows": selectors.tracking_book_rows(unit=unit, start=start, end=end),
        "date": timezone.now(),
    }


def tracking_book_pdf(*, unit: Unit, start: dt.date, end: dt.date) -> bytes:
    """Sổ theo dõi hồ sơ (TT 03/2025 Mẫu 07; Mẫu 06 under TT 01/2018) for dossiers received
    by `unit` from `start` to `end` (local dates, inclusive), A4 landscape."""
    html = render_official(
        "documents/forms/tracking_book.html", _book_context(unit=unit, start=start, end=end)
    )
    return html_to_pdf(html)


BOOK_COLUMNS = [
    ("STT", 6),
    ("Mã hồ sơ", 26),
    ("Tên thủ tục hành chính", 40),
    ("Số lượng hồ sơ (bộ)", 10),
    ("Tên cá nhân, tổ chức", 26),
    ("Địa chỉ, số điện thoại", 32),
    ("Cơ quan chủ trì giải quyết", 28),
    ("Nhận hồ sơ", 17),
    ("Hẹn trả kết quả", 17),
    ("Chuyển hồ sơ đến cơ quan giải quyết", 17),
    ("Có kết quả giải quyết", 17),
    ("Trả kết quả", 17),
    ("Hình thức nhận kết quả", 20),
    ("Ký nhận", 12),
    ("Ghi chú", 24),
]


def _naive_local(value: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: write the local wall-clock time.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def book_cells(row: selectors.BookRow) -> list[Any]:
    d = row.dossier
    contact = ", ".join(x for x in (d.applicant.address, d.applicant.phone) if x)
    note = d.get_status_display()
    if d.apology_due_at:
        note += f"; hẹn lại {timezone.localtime(d.apology_due_at):%d/%m/%Y}"
    return [
        row.number,
        d.code,
        d.procedure_version.procedure.name,
        1,
        d.applicant.name,
        contact,
        (d.handling_unit.name if d.handling_unit else row.forwarded_to),
        _naive_local(d.received_at),
        _naive_local(d.due_at),
        _naive_local(row.forwarded_at),
        _naive_local(d.finished_at),
        _naive_local(d.returned_at),
        d.get_return_method_display() if d.return_method else "",
        "",
        note,
    ]


def tracking_book_xlsx(*, unit: Unit, start: dt.date, end: dt.date) -> bytes:
    """The same book as an Excel workbook (dates as real date-times, dd/mm/yyyy hh:mm)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    ctx = _book_context(unit=unit, start=start, end=end)
    issuer: selectors.Issuer = ctx["issuer"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ theo dõi hồ sơ"
    last = get_column_letter(len(BOOK_COLUMNS))
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws["A1"] = issuer.parent_name.upper()
    ws["A2"] = issuer.name.upper()
    ws["A2"].font = bold
    ws["A4"] = BOOK.title.upper()
    ws["A4"].font = Font(bold=True, size=14)
    ws["A4"].alignment = center
    ws.merge_cells(f"A4:{last}4")
    ws["A5"] = f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    ws["A5"].alignment = center
    ws.merge_cells(f"A5:{last}5")
    header_row = 7
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, (title, width) in enumerate(BOOK_COLUMNS, 1):
        cell = ws.cell(row=header_row, column=col, value=title)
        cell.font = bold
        cell.alignment = center
        cell.border = border
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for i, row in enumerate(ctx["rows"], header_row + 1):
        for col, value in enumerate(book_cells(row), 1):
            cell = ws.cell(row=i, column=col, value=value)
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(value, dt.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = f"{header_row}:{header_row}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- Refusals at the counter (no dossier is created) ---------------------------------------


def intake_refusal_pdf(
    *,
    receiving_unit: Unit,
    procedure,
    applicant: dict[str, Any],
    refusal,
    officer=None,
) -> bytes:
    """Mẫu 02 (incomplete: the missing items) or Mẫu 03 (outside competence, or an intake
    block: the reason) for a dossier refused at intake by `dossier_receive`, which saves
    nothing: `refusal` is the `IntakeRefused` it raised, `applicant` the data entered."""
    from types import SimpleNamespace

    kind = getattr(refusal, "kind", "")
    form = "supplement" if kind == "supplement" else "refusal"
    now = timezone.now()
    name = " ".join(str(applicant.get("name") or "").split()) or "…"
    d = SimpleNamespace(
        code="",
        applicant=SimpleNamespace(name=name),
        procedure_version=SimpleNamespace(procedure=procedure),
        received_at=now,
    )
    reason = " ".join(str(m) for m in getattr(refusal, "messages", [str(refusal)]))
    ctx: dict[str, Any] = {
        "spec": FORMS[form],
        "d": d,
        "issuer": selectors.issuer_for(receiving_unit),
        "date": now,
        "officer": officer,
        "event_unit": receiving_unit,
        "reason": reason if form == "refusal" else "Hồ sơ chưa đầy đủ thành phần theo quy định.",
        "items": list(getattr(refusal, "items", []) or []),
    }
    html = render_official(f"documents/forms/{FORMS[form].template}.html", ctx)
    return html_to_pdf(html)
