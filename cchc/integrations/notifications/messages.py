"""Vietnamese message templates for the applicant (pure: no database, no settings).

Every message carries the dossier code and the public lookup link, so the applicant can
check the status without an account (TT 03/2025/TT-VPCP: applicants are informed of
receipt, requests to supplement, apologies and new dates, and results).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from cchc.core.money import group_dong

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# Dossier actions that notify the applicant -> template name.
TEMPLATES = {
    "received": "tiep_nhan",
    "supplement_requested": "yeu_cau_bo_sung",
    "apologised": "xin_loi_hen_lai",
    "result_issued": "co_ket_qua",
    "result_returned": "da_tra_ket_qua",
}

SUBJECTS = {
    "tiep_nhan": "Hồ sơ {code} đã được tiếp nhận",
    "yeu_cau_bo_sung": "Hồ sơ {code} cần bổ sung, hoàn thiện",
    "xin_loi_hen_lai": "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}",
    "co_ket_qua": "Hồ sơ {code} đã có kết quả",
    "da_tra_ket_qua": "Hồ sơ {code} đã được trả kết quả",
}


@dataclass(frozen=True)
class MessageContext:
    code: str
    procedure: str
    unit: str
    lookup_url: str
    received_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    new_due_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    items: tuple[str, ...] = ()
    reason: str = ""
    fee_outstanding: Decimal = Decimal(0)


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(VN).strftime("%H:%M ngày %d/%m/%Y")


def _money(value: Decimal) -> str:
    return group_dong(value, language="vi")


def render(template: str, ctx: MessageContext) -> tuple[str, str]:
    """(subject, body) of `template` for one dossier."""
    subject = SUBJECTS[template].format(code=ctx.code)
    head = f"Hồ sơ {ctx.code} ({ctx.procedure})"
    if template == "tiep_nhan":
        text = (
            f"{head} đã được {ctx.unit} tiếp nhận lúc {_when(ctx.received_at)}. "
            f"Hẹn trả kết quả: {_when(ctx.due_at)}."
        )
    elif template == "yeu_cau_bo_sung":
        items = "; ".join(ctx.items)
        text = (
            f"{head} cần bổ sung, hoàn thiện: {items}. "
            f"Thời gian giải quyết tạm dừng cho đến khi Ông/Bà bổ sung hồ sơ."
        )
        if ctx.reason:
            text += f" Lý do: {ctx.reason}."
    elif template == "xin_loi_hen_lai":
        text = (
            f"{ctx.unit} xin lỗi Ông/Bà vì {head[0].lower()}{head[1:]} chưa được giải quyết "
            f"đúng hạn. Thời gian hẹn trả kết quả mới: {_when(ctx.new_due_at)}."
        )
        if ctx.reason:
            text += f" Lý do: {ctx.reason}."
    elif template == "co_ket_qua":
        text = f"{head} đã có kết quả. Mời Ông/Bà nhận kết quả tại {ctx.unit}."
        if ctx.fee_outstanding > 0:
            text += (
                f" Vui lòng nộp phí, lệ phí {_money(ctx.fee_outstanding)} đồng "
                f"trước khi nhận kết quả (có thể thanh toán trực tuyến)."
            )
    elif template == "da_tra_ket_qua":
        text = (
            f"{head} đã được trả kết quả lúc {_when(ctx.returned_at)}. "
            f"Cảm ơn Ông/Bà; mời Ông/Bà đánh giá mức độ hài lòng."
        )
    else:  # pragma: no cover - TEMPLATES and this function change together
        raise KeyError(template)
    body = f"{text} Tra cứu: {ctx.lookup_url}"
    return subject, body
