"""Presentation helpers of the dossier screens: times, event labels, status badges.

Nothing here computes a rule: outcomes, due times and working days come from the
projection and the selectors.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cchc.core.money import group_dong
from cchc.dossiers.models import (
    ComponentSource,
    FeeStatus,
    PauseKind,
    Rating,
    ReturnMethod,
)

register = template.Library()

EVENT_LABELS = {
    "received": _("Tiếp nhận hồ sơ"),
    "assigned": _("Phân công xử lý"),
    "handed_over": _("Bàn giao hồ sơ"),
    "returned_to_step": _("Chuyển trả bước trước"),
    "approved": _("Lãnh đạo phê duyệt"),
    "refused": _("Từ chối giải quyết"),
    "supplement_requested": _("Yêu cầu bổ sung hồ sơ"),
    "supplement_provided": _("Nhận hồ sơ bổ sung"),
    "paused": _("Tạm dừng giải quyết"),
    "resumed": _("Tiếp tục giải quyết"),
    "apologised": _("Xin lỗi và hẹn lại ngày trả"),
    "result_issued": _("Ban hành kết quả"),
    "result_returned": _("Trả kết quả"),
    "withdrawn": _("Người nộp rút hồ sơ"),
    "stopped": _("Dừng giải quyết"),
    "rated": _("Đánh giá của người nộp"),
    "note_added": _("Ghi chú nội bộ"),
    "fee_recorded": _("Ghi nhận phí, lệ phí"),
    "reassigned": _("Chuyển cán bộ xử lý (vắng mặt)"),
    "handover_received": _("Bên nhận xác nhận phiếu bàn giao"),
    "petition_received": _("Tiếp nhận phản ánh, kiến nghị"),
    "petition_answered": _("Trả lời phản ánh, kiến nghị"),
    "pause_notice_recorded": _("Ghi nhận thông báo nghĩa vụ tài chính"),
    "imported": _("Nhập từ hệ thống khác"),
}

STATUS_CLASSES = {
    "processing": "st-processing",
    "waiting_supplement": "st-waiting",
    "paused": "st-waiting",
    "approved": "st-processing",
    "result_ready": "st-ready",
    "returned": "st-done",
    "refused": "st-closed",
    "withdrawn": "st-closed",
    "stopped": "st-closed",
}


@register.filter
def vn_dt(value: dt.datetime | None) -> str:
    """HH:MM dd/mm/yyyy in the current time zone (Asia/Ho_Chi_Minh)."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "H:i d/m/Y")


@register.filter
def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "")


def _choice(enum, value: str) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value


@register.simple_tag
def event_detail(event, units: dict, users: dict) -> list[str]:
    """The facts of an event worth a line each on the timeline."""
    p = event.payload or {}
    lines: list[str] = []

    def unit(key: str) -> str:
        u = units.get(p.get(key))
        return u.name if u is not None else ""

    def user(key: str) -> str:
        u = users.get(p.get(key))
        return str(u) if u is not None else ""

    if event.action in ("handed_over", "returned_to_step") and unit("to_unit_id"):
        lines.append(str(_("Đến: %(unit)s")) % {"unit": unit("to_unit_id")})
    if p.get("batch"):
        lines.append(str(_("Phiếu bàn giao: %(code)s")) % {"code": p["batch"]})
    if p.get("received_by_name"):
        lines.append(str(_("Người nhận ký: %(name)s")) % {"name": p["received_by_name"]})
    if p.get("bounce"):
        lines.append(str(_("Chuyển trả lại đơn vị đã từng xử lý")))
    if event.action in ("assigned", "reassigned", "handed_over") and user("to_user_id"):
        lines.append(str(_("Cán bộ nhận: %(user)s")) % {"user": user("to_user_id")})
    if event.action == "reassigned" and user("from_user_id"):
        lines.append(str(_("Thay cho: %(user)s")) % {"user": user("from_user_id")})
    petition = p.get("petition_open") or {}
    if petition.get("content"):
        lines.append(str(petition["content"]))
    answer = p.get("petition_set") or {}
    if answer.get("answer"):
        lines.append(
            str(_("Số %(no)s: %(answer)s")) % {"no": answer.get("no"), "answer": answer["answer"]}
        )
    if p.get("items"):
        lines.append(str(_("Nội dung bổ sung: %(items)s")) % {"items": "; ".join(p["items"])})
    if p.get("flagged"):
        lines.append(str(_("Yêu cầu bổ sung lần thứ hai trở lên: hồ sơ bị tính là trễ hạn")))
    if event.action in ("paused", "resumed") and p.get("kind"):
        lines.append(_choice(PauseKind, p["kind"]))
    for key, label in (
        ("reason", _("Lý do")),
        ("basis", _("Căn cứ")),
        ("notice", _("Thông báo")),
        ("receipt", _("Chứng từ")),
        ("note", _("Ghi chú")),
        ("text", _("Nội dung")),
    ):
        if p.get(key):
            lines.append(f"{label}: {p[key]}")
    if p.get("paused_working_days"):
        lines.append(
            str(_("Thời gian tạm dừng: %(n)s ngày làm việc")) % {"n": p["paused_working_days"]}
        )
    if event.action == "result_returned" and p.get("method"):
        lines.append(_choice(ReturnMethod, p["method"]))
    sets = p.get("set") or {}
    if event.action == "rated" and sets.get("rating"):
        lines.append(_choice(Rating, sets["rating"]))
    if event.action == "fee_recorded" and sets.get("fee_status"):
        lines.append(_choice(FeeStatus, sets["fee_status"]))
    if event.action == "apologised" and sets.get("apology_due_at"):
        from django.utils.dateparse import parse_datetime

        new_due = parse_datetime(str(sets["apology_due_at"]))
        lines.append(str(_("Hẹn trả mới: %(at)s")) % {"at": vn_dt(new_due)})
    for comp in p.get("components") or []:
        lines.append(f"{comp.get('name', '')} ({_choice(ComponentSource, comp.get('source', ''))})")
    return lines


@register.filter
def days(value) -> str:
    """Working days with at most two decimals, Vietnamese decimal comma."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@register.filter
def dong(value) -> str:
    """An amount in đồng the Vietnamese way: 1.234.567 đồng."""
    if value is None or value == "":
        return ""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{group_dong(amount)} {_('đồng')}"
