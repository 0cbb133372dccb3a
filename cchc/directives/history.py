"""How a task's history reads (pure: event kind and data -> a Vietnamese sentence)."""

from __future__ import annotations

import datetime as dt
from typing import Any

RECURRENCE_WORDS = {
    "weekly": "hằng tuần",
    "monthly": "hằng tháng",
    "quarterly": "hằng quý",
    "semiannual": "6 tháng",
    "annual": "hằng năm",
}


def _when(value: str | None) -> str:
    if not value:
        return "không thời hạn"
    from django.utils import timezone

    at = timezone.localtime(dt.datetime.fromisoformat(value))
    return at.strftime("%H:%M ngày %d/%m/%Y")


def _codes(values: list[str]) -> str:
    return ", ".join(values) or "—"


def event_text(kind: str, data: dict[str, Any]) -> str:
    note = f" Ghi chú: {data['note']}" if data.get("note") else ""
    if kind == "assigned":
        return "Giao nhiệm vụ."
    if kind == "units_changed":
        lead, coord = data.get("lead", {}), data.get("coordinating", {})
        text = (
            f"Đổi đơn vị chủ trì: {_codes(lead.get('from', []))} → {_codes(lead.get('to', []))};"
            f" phối hợp: {_codes(coord.get('from', []))} → {_codes(coord.get('to', []))}."
        )
        if data.get("work_record"):
            record = data["work_record"]
            text += f" Hồ sơ công việc {record['from']} chuyển thành {record['to']}."
        if data.get("owner_released"):
            text += f" Bỏ phân công {data['owner_released']}."
        return text + note
    if kind == "deadline_changed":
        return (
            f"Đổi thời hạn: {_when(data.get('from'))} → {_when(data.get('to'))}"
            f" (phối hợp gửi trước {data.get('contribution_days', 0)} ngày làm việc)." + note
        )
    if kind == "recurrence_changed":
        words = [RECURRENCE_WORDS.get(r, r) for r in data.get("to", [])]
        return f"Đổi kỳ báo cáo: {', '.join(words) or 'không báo cáo định kỳ'}." + note
    if kind == "owner":
        name = data.get("owner_name") or "không ai"
        return f"Phân công người phụ trách: {name}."
    if kind == "cancelled":
        head = "Hủy theo nhiệm vụ cha" if data.get("with_parent") else "Hủy nhiệm vụ"
        return f"{head}. Lý do: {data.get('reason', '')}"
    if kind in ("contribution", "contribution_added"):
        verb = "gửi phần phối hợp" if kind == "contribution" else "bổ sung phần phối hợp"
        late = " (trễ hạn)" if data.get("late") else ""
        return f"{data.get('unit', '')} {verb}{late}, {data.get('files', 0)} tệp."
    if kind == "progress":
        return f"Báo cáo tiến độ: {data.get('progress')}%."
    if kind == "done":
        return "Nghiệm thu hoàn thành." + (f" {data['note']}" if data.get("note") else "")
    if kind == "sent_back":
        return f"Trả lại, yêu cầu tiếp tục. {data.get('note', '')}".strip()
    return kind
