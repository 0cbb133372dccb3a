"""Public endpoints for applicants and integrators: status lookup by code + secret,
the applicant's rating, and an Open311 GeoReport v2 shaped status feed.

No sign-in; the code and the secret printed on the receipt (Mẫu 01) are the
credential, so both lookups share the portal's rate limit (per client IP and per dossier
code, `cchc.accounts.throttle.hit`), and a wrong code and a wrong secret answer alike. No
personal data is returned.
"""

import datetime as dt
from typing import Annotated, Any

from django.utils.translation import gettext
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from cchc.accounts import throttle
from cchc.api.errors import ApiError, not_found, with_errors
from cchc.api.types import CODE_PATTERN, Code, Secret, Text
from cchc.dossiers import selectors as dossier_selectors
from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import OPEN_STATUSES, Rating
from cchc.portal import selectors as portal_selectors
from cchc.procedures import selectors as procedure_selectors

router = Router(tags=["Tra cứu công khai"])
open311 = Router(tags=["Open311 GeoReport v2"])

DossierCode = Annotated[
    str, Path(pattern=CODE_PATTERN, description="Mã hồ sơ trên Giấy tiếp nhận.")
]


def _limit(request, scope: str, code: str) -> None:
    refusal = throttle.hit(scope=scope, ip=throttle.client_ip(request), code=code)
    if refusal:
        raise ApiError(429, "rate_limited", refusal)


def _no_match() -> ApiError:
    return not_found(gettext("Không tìm thấy hồ sơ với mã và mã tra cứu đã nhập."))


# --- Native lookup ------------------------------------------------------------------------


class LookupIn(Schema):
    code: Code
    secret: Secret = Field(description="Mã tra cứu in trên Giấy tiếp nhận (Mẫu 01).")


class PublicStepOut(Schema):
    name: str
    unit_name: str
    started_at: dt.datetime
    due_at: dt.datetime
    finished_at: dt.datetime | None
    outcome: str
    outcome_label: str


class PublicStatusOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    receiving_unit_name: str
    status: str
    status_label: str
    received_at: dt.datetime
    due_at: dt.datetime
    apology_due_at: dt.datetime | None
    is_late: bool
    outcome_label: str
    supplement_items: list[str]
    supplement_reason: str
    steps: list[PublicStepOut]
    can_rate: bool
    rated: bool


@router.post(
    "/public/lookup",
    response=with_errors({200: PublicStatusOut}),
    auth=None,
    summary="Tra cứu tình trạng hồ sơ",
)
def public_lookup(request, payload: LookupIn):
    """Tra cứu tình trạng hồ sơ bằng mã hồ sơ và mã tra cứu (mã gửi trong thân yêu cầu,
    không nằm trên URL)."""
    _limit(request, "lookup", payload.code)
    status = portal_selectors.public_status(code=payload.code, secret=payload.secret)
    if status is None:
        raise _no_match()
    return status


class RatingIn(LookupIn):
    rating: Rating
    comment: Text(2000) = ""  # type: ignore[valid-type]


class RatingOut(Schema):
    code: str
    rating: str
    rating_label: str


@router.post(
    "/public/ratings",
    response=with_errors({201: RatingOut}),
    auth=None,
    summary="Người nộp đánh giá",
)
def public_rating(request, payload: RatingIn):
    """Người nộp đánh giá mức độ hài lòng (một lần cho mỗi hồ sơ, sau khi có kết quả)."""
    _limit(request, "rate", payload.code)
    dossier = dossier_selectors.dossier_get_by_lookup(code=payload.code, secret=payload.secret)
    if dossier is None:
        raise _no_match()
    dossier = dossier_services.dossier_rate(
        actor=None,
        dossier=dossier,
        rating=payload.rating,
        comment=payload.comment,
        lookup_secret=payload.secret,
    )
    return Status(
        201,
        {
            "code": dossier.code,
            "rating": dossier.rating,
            "rating_label": Rating(dossier.rating).label,
        },
    )


# --- Open311 GeoReport v2 ---------------------------------------------------------------


class Open311ServiceOut(Schema):
    service_code: str
    service_name: str
    description: str
    metadata: bool = False
    type: str = "realtime"
    keywords: str
    group: str


class Open311RequestOut(Schema):
    service_request_id: str
    status: str = Field(description="open | closed")
    status_notes: str
    service_name: str
    service_code: str
    agency_responsible: str
    requested_datetime: dt.datetime
    updated_datetime: dt.datetime
    expected_datetime: dt.datetime


class Open311Filters(Schema):
    q: Text(200) | None = None  # type: ignore[valid-type]
    limit: int = Field(200, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000)


@open311.get(
    "/services.json",
    response=with_errors({200: list[Open311ServiceOut]}),
    auth=None,
    summary="Open311: danh mục dịch vụ",
)
def open311_services(request, filters: Query[Open311Filters]):
    """Danh mục thủ tục theo dạng `services.json` của Open311 GeoReport v2."""
    qs = procedure_selectors.procedure_catalog(text=filters.q)
    return [
        {
            "service_code": v.procedure.code,
            "service_name": v.procedure.name,
            "description": v.result_name or v.procedure.name,
            "keywords": v.procedure.sector.name,
            "group": v.procedure.sector.name,
        }
        for v in qs[filters.offset : filters.offset + filters.limit]
    ]


class Open311Lookup(Schema):
    secret: Secret = Field(description="Mã tra cứu in trên Giấy tiếp nhận (Mẫu 01).")


def open311_request(status: Any) -> dict[str, Any]:
    """One request in GeoReport v2 terms; `closed` once processing has ended."""
    notes = status.status_label
    if status.supplement_items:
        notes += ": " + "; ".join(status.supplement_items)
    if status.is_late and status.status in OPEN_STATUSES:
        notes += " (" + gettext("quá hạn") + ")"
    moments = [status.received_at] + [
        m for s in status.steps for m in (s.started_at, s.finished_at) if m is not None
    ]
    return {
        "service_request_id": status.code,
        "status": "open" if status.status in OPEN_STATUSES else "closed",
        "status_notes": notes,
        "service_name": status.procedure_name,
        "service_code": status.procedure_code,
        "agency_responsible": status.receiving_unit_name,
        "requested_datetime": status.received_at,
        "updated_datetime": max(moments),
        # Mẫu 04's new date when the dossier was apologised for, else the appointment.
        "expected_datetime": status.apology_due_at or status.due_at,
    }


@open311.get(
    "/requests/{code}.json",
    response=with_errors({200: list[Open311RequestOut]}),
    auth=None,
    summary="Open311: tình trạng hồ sơ",
)
def open311_request_lookup(request, code: DossierCode, params: Query[Open311Lookup]):
    """Tình trạng một hồ sơ theo dạng `GET requests/{id}.json` của Open311 GeoReport v2
    (không có dữ liệu cá nhân; cần mã tra cứu)."""
    _limit(request, "lookup", code)
    status = portal_selectors.public_status(code=code, secret=params.secret)
    if status is None:
        raise _no_match()
    return [open311_request(status)]
