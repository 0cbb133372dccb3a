"""The public catalog of administrative procedures (no sign-in)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Path, Query, Router, Schema
from pydantic import Field

from cchc.api.errors import not_found, with_errors
from cchc.api.types import CODE_PATTERN, Text
from cchc.procedures import selectors
from cchc.procedures.models import OnlineLevel, Procedure, ProcedureLevel, ProcedureVersion

router = Router(tags=["Thủ tục hành chính"])


class ProcedureOut(Schema):
    code: str
    name: str
    sector_code: str
    sector_name: str
    version: int
    level: str
    online_level: str
    processing_time: Decimal
    processing_time_unit: str
    valid_from: dt.datetime
    valid_to: dt.datetime | None


class ProcedurePage(Schema):
    count: int
    items: list[ProcedureOut]


class FeeOut(Schema):
    name: str
    amount: Decimal
    unit_label: str
    varies: bool
    note: str


class ComponentOut(Schema):
    id: int
    order: int
    name: str
    form_code: str
    copies: int
    original_required: bool
    is_required: bool


class StepOut(Schema):
    order: int
    name: str
    handler: str
    quota: Decimal
    is_legal_pause: bool


class ProcedureDetailOut(ProcedureOut):
    legal_basis: str
    result_type: str
    result_name: str
    subjects: str
    conditions: str
    components: list[ComponentOut]
    fees: list[FeeOut]
    steps: list[StepOut]


class CatalogFilters(Schema):
    q: Text(200) | None = Field(  # type: ignore[valid-type]
        None, description="Tìm theo tên, mã (không dấu cũng được)."
    )
    sector: Text(32) | None = Field(None, description="Mã lĩnh vực.")  # type: ignore[valid-type]
    level: ProcedureLevel | None = None
    online_level: OnlineLevel | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


def procedure_out(v: ProcedureVersion) -> dict:
    p = v.procedure
    return {
        "code": p.code,
        "name": p.name,
        "sector_code": p.sector.code,
        "sector_name": p.sector.name,
        "version": v.number,
        "level": v.level,
        "online_level": v.online_level,
        "processing_time": v.processing_time,
        "processing_time_unit": v.processing_time_unit,
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
    }


@router.get(
    "/procedures",
    response=with_errors({200: ProcedurePage}),
    auth=None,
    summary="Danh mục thủ tục hành chính",
)
def procedure_list(request, filters: Query[CatalogFilters]):
    """Thủ tục đang áp dụng, lọc theo từ khóa, lĩnh vực, cấp thực hiện, mức trực tuyến."""
    qs = selectors.procedure_catalog(
        text=filters.q,
        sector=filters.sector,
        level=filters.level,
        online_level=filters.online_level,
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [procedure_out(v) for v in page]}


@router.get(
    "/procedures/{code}",
    response=with_errors({200: ProcedureDetailOut}),
    auth=None,
    summary="Chi tiết một thủ tục",
)
def procedure_detail(request, code: Annotated[str, Path(pattern=CODE_PATTERN)]):
    """Một thủ tục theo mã: phiên bản đang áp dụng với thành phần hồ sơ, phí, quy trình."""
    try:
        procedure: Procedure = selectors.procedure_get(code=code)
    except Procedure.DoesNotExist:
        raise not_found(gettext("Không tìm thấy thủ tục hành chính.")) from None
    versions = list(procedure.versions.all())
    try:
        current = selectors.procedure_version_in_force(procedure=procedure, at=timezone.now())
        version = next(v for v in versions if v.pk == current.pk)
    except ValidationError:
        if not versions:
            raise not_found(gettext("Không tìm thấy thủ tục hành chính.")) from None
        version = versions[0]  # none in force: the latest, with its validity dates
    version.procedure = procedure
    return {
        **procedure_out(version),
        "legal_basis": version.legal_basis,
        "result_type": version.result_type,
        "result_name": version.result_name,
        "subjects": version.subjects,
        "conditions": version.conditions,
        "components": list(version.components.all()),
        "fees": list(version.fees.all()),
        "steps": list(version.steps.all()),
    }
