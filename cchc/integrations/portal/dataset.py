"""The data set sent to the national public service portal (Cổng DVCQG), as pure functions.

Legal basis and sources
-----------------------
- Thông tư 04/2025/TT-VPCP (replacing Thông tư 01/2018/TT-VPCP, which implemented
  Nghị định 61/2018/NĐ-CP, art. 12 and 19: the one-stop information system synchronises
  every dossier's status with the portal): we could not find its text or its data-set
  annex in the reference search available to this project (queries on the circular's
  number, "đồng bộ hồ sơ lên Cổng DVCQG" and the field names found nothing from VPCP).
- The field names below are those of the portal's integration services as published by
  VPCP in "Tài liệu hướng dẫn kết nối, tích hợp, chia sẻ dữ liệu với Cổng Dịch vụ công
  quốc gia" (v1.4, 20/04/2020; table of contents seen at
  https://123doc.top/document/7077974-20200420-tailieuhuongdantichhopdvcqg-v1-4-24.htm,
  §3.2 "Dịch vụ tích hợp") and as implemented by the open-source one-stop system
  OpenCPS (github.com/VietOpenCPS/opencps-v2, DVCQGIntegrationActionImpl.java,
  `createSyncDossierBodyRequest` / `createSyncDossierStatusBodyRequest`):
  service "DongBoHoSoMC" (the dossier record: MaHoSo, MaTTHC, TenTTHC, MaLinhVuc,
  TenLinhVuc, ChuHoSo, LoaiDoiTuong, MaDoiTuong, Email, SoDienThoai, TrichYeuHoSo,
  NgayTiepNhan, NgayHenTra, TrangThaiHoSo, NgayTra, HinhThuc, NgayKetThucXuLy,
  DonViXuLy, GhiChu...; body {"service", "isUpdating", "data": [...]}) and service
  "CapNhatTienDoHoSoMC" (one processing step: MaHoSo, NguoiXuLy, ChucDanh, ThoiDiemXuLy,
  PhongBanXuLy, NoiDungXuLy, TrangThai, NgayBatDau, NgayKetThucTheoQuyDinh). Dates are
  "yyyyMMddHHmmss" in Asia/Ho_Chi_Minh time (OpenCPS `convertDate2String`).
- The code list of TrangThaiHoSo (1 Mới đăng ký ... 10 Đã trả kết quả) is taken from the
  same VPCP guide as we recall it; it was NOT found verbatim in this session's search, so
  `PORTAL_STATUS` is our documented mapping and a deployment must check it against the
  portal's current catalogue before going live.

Our own additions (documented names, not the portal's): the outbox's idempotency key
travels in the HTTP header `Idempotency-Key` ("<MaHoSo>:<event seq>"), not in the body.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

SERVICE_DOSSIER = "DongBoHoSoMC"
SERVICE_PROGRESS = "CapNhatTienDoHoSoMC"
SERVICES = (SERVICE_DOSSIER, SERVICE_PROGRESS)

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class PortalStatus:
    """TrangThaiHoSo codes (see the module docstring for their provenance)."""

    NEW = "1"  # Mới đăng ký
    RECEIVED = "2"  # Được tiếp nhận
    NOT_RECEIVED = "3"  # Không được tiếp nhận
    PROCESSING = "4"  # Đang xử lý
    SUPPLEMENT = "5"  # Yêu cầu bổ sung giấy tờ
    FINANCIAL = "6"  # Yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWN = "7"  # Công dân yêu cầu rút hồ sơ
    STOPPED = "8"  # Dừng xử lý
    DONE = "9"  # Đã xử lý xong
    RETURNED = "10"  # Đã trả kết quả


PORTAL_STATUS_LABELS = {
    "1": "Mới đăng ký",
    "2": "Được tiếp nhận",
    "3": "Không được tiếp nhận",
    "4": "Đang xử lý",
    "5": "Yêu cầu bổ sung giấy tờ",
    "6": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "7": "Công dân yêu cầu rút hồ sơ",
    "8": "Dừng xử lý",
    "9": "Đã xử lý xong",
    "10": "Đã trả kết quả",
}

# Events the portal is told about: every change of status, of the promised date (an
# apology sets a new one, Mẫu 04 of NĐ 61/2018), of the handling unit (progress), and the
# intake itself. Ratings, notes, petitions, fee records and reassignments inside a unit are
# not part of the exchange.
SYNCED_ACTIONS = frozenset(
    {
        "received",
        "imported",
        "handed_over",
        "returned_to_step",
        "approved",
        "refused",
        "supplement_requested",
        "supplement_provided",
        "paused",
        "resumed",
        "apologised",
        "result_issued",
        "result_returned",
        "withdrawn",
        "stopped",
    }
)

# What the progress entry (NoiDungXuLy) says for each action.
ACTION_TEXT = {
    "received": "Tiếp nhận hồ sơ",
    "imported": "Tiếp nhận hồ sơ (chuyển từ hệ thống cũ)",
    "handed_over": "Chuyển xử lý",
    "returned_to_step": "Chuyển trả bước trước",
    "approved": "Phê duyệt kết quả",
    "refused": "Từ chối giải quyết",
    "supplement_requested": "Yêu cầu bổ sung, hoàn thiện hồ sơ",
    "supplement_provided": "Đã bổ sung hồ sơ",
    "paused": "Tạm dừng giải quyết",
    "resumed": "Tiếp tục giải quyết",
    "apologised": "Xin lỗi và hẹn lại ngày trả kết quả",
    "result_issued": "Đã có kết quả",
    "result_returned": "Trả kết quả",
    "withdrawn": "Công dân rút hồ sơ",
    "stopped": "Dừng giải quyết",
}


def portal_status(status: str, pause_kind: str = "", action: str = "") -> str:
    """Our projection status -> TrangThaiHoSo. The intake event itself is "received"."""
    if action in ("received", "imported") and status == "processing":
        return PortalStatus.RECEIVED
    if status == "waiting_supplement":
        return PortalStatus.SUPPLEMENT
    if status == "paused":
        if pause_kind == "financial_obligation":
            return PortalStatus.FINANCIAL
        if pause_kind == "supplement":
            return PortalStatus.SUPPLEMENT
        return PortalStatus.PROCESSING
    return {
        "processing": PortalStatus.PROCESSING,
        "approved": PortalStatus.PROCESSING,
        "result_ready": PortalStatus.DONE,
        "returned": PortalStatus.RETURNED,
        # A refusal (Mẫu 03, NĐ 61/2018) ends the handling: the portal has no "refused".
        "refused": PortalStatus.STOPPED,
        "stopped": PortalStatus.STOPPED,
        "withdrawn": PortalStatus.WITHDRAWN,
    }.get(status, PortalStatus.PROCESSING)


def portal_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


@dataclass(frozen=True)
class DossierSnapshot:
    """The dossier as it stands after the event (plain values, no ORM)."""

    code: str
    procedure_code: str
    procedure_name: str
    sector_code: str
    sector_name: str
    applicant_name: str
    applicant_kind: str  # "person" | "organisation"
    applicant_id: str  # personal ID or tax code
    email: str
    phone: str
    received_at: dt.datetime
    due_at: dt.datetime
    status: str
    pause_kind: str
    handling_unit: str
    returned_at: dt.datetime | None
    finished_at: dt.datetime | None
    return_method: str
    closing_reason: str


@dataclass(frozen=True)
class EventSnapshot:
    seq: int
    action: str
    created_at: dt.datetime
    actor_name: str
    unit_name: str
    reason: str
    step_due_at: dt.datetime | None = None


def dossier_record(d: DossierSnapshot, *, action: str = "") -> dict[str, Any]:
    """One element of DongBoHoSoMC's "data"."""
    return {
        "MaHoSo": d.code,
        "MaTTHC": d.procedure_code,
        "TenTTHC": d.procedure_name,
        "MaLinhVuc": d.sector_code,
        "TenLinhVuc": d.sector_name,
        "ChuHoSo": d.applicant_name,
        # 1 = công dân, 2 = doanh nghiệp/tổ chức (as OpenCPS sends it).
        "LoaiDoiTuong": "2" if d.applicant_kind == "organisation" else "1",
        "MaDoiTuong": d.applicant_id,
        "Email": d.email,
        "SoDienThoai": d.phone,
        "TrichYeuHoSo": d.procedure_name,
        "NgayTiepNhan": portal_time(d.received_at),
        "NgayHenTra": portal_time(d.due_at),
        "TrangThaiHoSo": portal_status(d.status, d.pause_kind, action),
        "NgayTra": portal_time(d.returned_at),
        # 0 = trả trực tiếp, 1 = qua bưu chính.
        "HinhThuc": "1" if d.return_method == "post" else "0",
        "NgayKetThucXuLy": portal_time(d.finished_at),
        "DonViXuLy": d.handling_unit,
        "GhiChu": d.closing_reason,
    }


def progress_record(d: DossierSnapshot, e: EventSnapshot) -> dict[str, Any]:
    """One element of CapNhatTienDoHoSoMC's "data" (the step the event records)."""
    text = ACTION_TEXT.get(e.action, e.action)
    if e.reason:
        text = f"{text}: {e.reason}"
    return {
        "MaHoSo": d.code,
        "NguoiXuLy": e.actor_name,
        "ChucDanh": "",
        "ThoiDiemXuLy": portal_time(e.created_at),
        "PhongBanXuLy": e.unit_name,
        "NoiDungXuLy": text[:2000],
        "TrangThai": portal_status(d.status, d.pause_kind, e.action),
        "NgayBatDau": portal_time(e.created_at),
        "NgayKetThucTheoQuyDinh": portal_time(e.step_due_at),
    }


def message_payload(
    d: DossierSnapshot, e: EventSnapshot, *, updating: bool, agency_code: str
) -> dict[str, Any]:
    """The outbox payload: the request bodies, in the order they are sent."""
    return {
        "requests": [
            {
                "service": SERVICE_DOSSIER,
                "madonvi": agency_code,
                "isUpdating": updating,
                "data": [dossier_record(d, action=e.action)],
            },
            {
                "service": SERVICE_PROGRESS,
                "madonvi": agency_code,
                "data": [progress_record(d, e)],
            },
        ]
    }


def idempotency_key(code: str, seq: int) -> str:
    return f"{code}:{seq}"
