"""Periodic reform reports (issue 9) over the API: request one, follow its progress,
download the file. The same services and permission checks as the reports screens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from cchc.api.auth import STAFF_AUTH
from cchc.api.errors import ApiError, not_found, with_errors
from cchc.api.types import CODE_PATTERN, Text
from cchc.indices.periods import FORMAT_HELP
from cchc.reports import selectors, services
from cchc.reports.models import JobStatus, ReportFormat, ReportJob
from cchc.units.selectors import unit_get_by_code

router = Router(tags=["Báo cáo định kỳ"], auth=STAFF_AUTH)


class ReportJobIn(Schema):
    unit_code: Annotated[str, Field(pattern=CODE_PATTERN, max_length=64)]
    period: Text(32, 1) = Field(description=f"Kỳ báo cáo: {FORMAT_HELP}.")  # type: ignore[valid-type]
    format: ReportFormat = Field(description="docx, pdf hoặc xlsx (phụ lục số liệu).")


class ReportJobOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    period: str
    format: str
    status: JobStatus
    status_label: str
    progress: int = Field(description="Tiến độ lập báo cáo, 0–100.")
    step: str
    error: str
    snapshot_at: dt.datetime | None = Field(description="Thời điểm chốt số liệu của báo cáo.")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    download_url: str | None = Field(description="Có khi báo cáo đã lập xong.")


class ReportJobPage(Schema):
    count: int
    items: list[ReportJobOut]


class ReportJobFilters(Schema):
    limit: int = Field(30, ge=1, le=100)


def job_out(job: ReportJob) -> dict:
    done = job.status == JobStatus.DONE and bool(job.file)
    return {
        "id": job.pk,
        "unit_code": job.unit.code,
        "unit_name": job.unit.name,
        "period": job.period,
        "format": job.format,
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "step": job.step,
        "error": job.error,
        "snapshot_at": job.snapshot_at,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "download_url": f"/api/reports/jobs/{job.pk}/file" if done else None,
    }


@router.get(
    "/reports/jobs",
    response=with_errors({200: ReportJobPage}),
    summary="Báo cáo tôi đã yêu cầu",
)
def report_job_list(request, filters: Query[ReportJobFilters]):
    """Các lần lập báo cáo của tôi, mới nhất trước."""
    jobs = selectors.report_jobs_for_user(user=request.auth, limit=filters.limit)
    return {"count": len(jobs), "items": [job_out(j) for j in jobs]}


@router.post(
    "/reports/jobs",
    response=with_errors({202: ReportJobOut}),
    summary="Yêu cầu lập báo cáo",
)
def report_job_create(request, payload: ReportJobIn):
    """Xếp hàng lập báo cáo của một đơn vị cho một kỳ; theo dõi bằng `GET /reports/jobs/{id}`
    và tải về khi `status` là `done`. Cần quyền xem báo cáo của đơn vị."""
    unit = unit_get_by_code(code=payload.unit_code)
    if unit is None:
        message = gettext("Không có đơn vị mã “%(code)s”.") % {"code": payload.unit_code}
        raise ApiError(422, "invalid", message, {"unit_code": [message]})
    try:
        job = services.report_job_create(
            actor=request.auth, unit=unit, period=payload.period, format=payload.format
        )
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"period": exc.messages}
        raise ApiError(422, "invalid", exc.messages[0], fields) from None
    return Status(202, job_out(job))


def _job(request, job_id: int) -> ReportJob:
    # Another unit's report answers as a missing one: its existence is not disclosed.
    try:
        return selectors.report_job_get_for_user(user=request.auth, pk=job_id)
    except (Http404, PermissionDenied):
        raise not_found(gettext("Không có báo cáo này.")) from None


@router.get(
    "/reports/jobs/{job_id}",
    response=with_errors({200: ReportJobOut}),
    summary="Tình trạng một báo cáo",
)
def report_job_detail(request, job_id: Annotated[int, Path(ge=1, le=2_147_483_647)]):
    """Tiến độ, thời điểm chốt số liệu và đường dẫn tải về."""
    return job_out(_job(request, job_id))


@router.get(
    "/reports/jobs/{job_id}/file",
    response=with_errors({200: bytes}),
    summary="Tải báo cáo",
    openapi_extra={
        "responses": {
            200: {
                "description": "Tệp báo cáo (DOCX, PDF hoặc XLSX).",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def report_job_file(request, job_id: Annotated[int, Path(ge=1, le=2_147_483_647)]):
    """Tệp báo cáo đã lập; 409 khi báo cáo chưa xong."""
    job = _job(request, job_id)
    if job.status != JobStatus.DONE or not job.file:
        raise ApiError(409, "not_ready", gettext("Báo cáo chưa lập xong."))
    name = f"bao-cao-cchc-{job.unit.code}-{job.period}.{job.format}"
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name)
