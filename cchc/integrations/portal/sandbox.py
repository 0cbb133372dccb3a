"""The local portal sandbox: our implementation of the exchange contract (`client`).

It checks the token and the body, stores each record once per idempotency key and
service (`PortalSandboxRecord`), answers a replay as the first time, and can be told to
fail (`sandbox_set_fault`: HTTP 503, a business refusal, or no answer in time) for a
number of requests, for tests and demonstrations. Never used in production.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cchc.integrations import conf
from cchc.integrations.models import PortalSandboxFault, PortalSandboxRecord
from cchc.integrations.portal.dataset import PORTAL_STATUS_LABELS, SERVICE_DOSSIER, SERVICES

FAULT_MODES = ("", "error", "reject", "timeout")


class SandboxTimeout(Exception):
    """The sandbox was told not to answer in time."""


def sandbox_set_fault(*, mode: str, count: int | None = None) -> PortalSandboxFault:
    """Make the next `count` requests (all, if None) fail with `mode` ("" = normal)."""
    if mode not in FAULT_MODES:
        raise ValueError(f"unknown fault mode {mode!r}")
    fault, _ = PortalSandboxFault.objects.update_or_create(
        pk=1, defaults={"mode": mode, "remaining": count if mode else None}
    )
    return fault


def _take_fault() -> str:
    with transaction.atomic():
        fault = PortalSandboxFault.objects.select_for_update().filter(pk=1).first()
        if fault is None or not fault.mode:
            return ""
        mode = fault.mode
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                fault.mode, fault.remaining = "", None
            fault.save(update_fields=["mode", "remaining"])
        return mode


def _invalid(body: Any) -> str:
    if not isinstance(body, dict):
        return "Dữ liệu phải là một đối tượng JSON."
    if body.get("service") not in SERVICES:
        return f"Dịch vụ không hợp lệ: {body.get('service')!r}."
    data = body.get("data")
    if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
        return "Trường data phải là danh sách một hồ sơ."
    record = data[0]
    if not str(record.get("MaHoSo") or "").strip():
        return "Thiếu MaHoSo."
    if body["service"] == SERVICE_DOSSIER:
        for field in ("MaTTHC", "NgayTiepNhan", "NgayHenTra"):
            if not str(record.get(field) or "").strip():
                return f"Thiếu {field}."
        if str(record.get("TrangThaiHoSo")) not in PORTAL_STATUS_LABELS:
            return f"TrangThaiHoSo không hợp lệ: {record.get('TrangThaiHoSo')!r}."
    elif str(record.get("TrangThai")) not in PORTAL_STATUS_LABELS:
        return f"TrangThai không hợp lệ: {record.get('TrangThai')!r}."
    return ""


def sandbox_handle(*, body: Any, token: str, key: str) -> tuple[int, dict[str, Any]]:
    """One request to the sandbox -> (HTTP status, JSON answer)."""
    expected = str(conf.get("PORTAL_SANDBOX_TOKEN"))
    if not hmac.compare_digest(token.encode(), expected.encode()):
        return 401, {"error_code": "401", "message": "Phiên làm việc không hợp lệ."}
    mode = _take_fault()
    if mode == "timeout":
        raise SandboxTimeout()
    if mode == "error":
        return 503, {"error_code": "503", "message": "Hệ thống tạm thời gián đoạn."}
    if mode == "reject":
        return 200, {"error_code": "99", "message": "Cổng từ chối dữ liệu (mô phỏng)."}
    if not key:
        return 400, {"error_code": "400", "message": "Thiếu tiêu đề Idempotency-Key."}
    problem = _invalid(body)
    if problem:
        return 422, {"error_code": "422", "message": problem}
    record = body["data"][0]
    try:
        with transaction.atomic():
            PortalSandboxRecord.objects.create(
                idempotency_key=key,
                service=body["service"],
                ma_ho_so=str(record["MaHoSo"]),
                trang_thai=str(record.get("TrangThaiHoSo") or record.get("TrangThai") or ""),
                body=body,
                received_at=timezone.now(),
            )
    except IntegrityError:
        stored = PortalSandboxRecord.objects.get(idempotency_key=key, service=body["service"])
        if stored.body != body:
            return 422, {
                "error_code": "409",
                "message": "Khóa Idempotency-Key đã dùng cho dữ liệu khác.",
            }
        return 200, {"error_code": "0", "message": "Đã nhận trước đó.", "replayed": True}
    return 200, {"error_code": "0", "message": "Thành công.", "replayed": False}
