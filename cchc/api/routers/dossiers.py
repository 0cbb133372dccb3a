"""Dossiers for staff: work queues, one dossier, intake, and one endpoint per action.

Every endpoint calls one selector or one service of `cchc.dossiers`, so permissions,
rules and the event log are exactly the screens'. A dossier the caller may not see is
"not found" (404), with the same body as a code that does not exist, so nothing of
another unit leaks. Every action takes `expected_version` (the `version` the client
read); somebody else's change in between answers 409.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from cchc.accounts.models import User
from cchc.api.auth import STAFF_AUTH
from cchc.api.errors import ApiError, not_found, with_errors
from cchc.api.types import CODE_PATTERN, Day, Moment, Secret, Text
from cchc.core.privacy import mask_id
from cchc.dossiers import selectors, services
from cchc.dossiers.models import (
    Channel,
    ComponentSource,
    Dossier,
    DossierStep,
    Rating,
    ReturnMethod,
)
from cchc.procedures.models import Procedure
from cchc.units.models import Unit
from cchc.units.selectors import unit_get_by_code

router = Router(tags=["Hồ sơ"], auth=STAFF_AUTH)

QueueKind = Literal[selectors.QUEUE_KINDS]  # type: ignore[valid-type]
DossierCode = Annotated[
    str, Path(pattern=CODE_PATTERN, description="Mã hồ sơ, ví dụ H52.50.05-261127-0001")
]


# --- Output ----------------------------------------------------------------------------


class DossierOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    channel: str
    status: str
    status_label: str
    received_at: dt.datetime
    due_at: dt.datetime
    apology_due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    outcome: str
    receiving_unit_code: str
    current_step_name: str
    current_unit_code: str | None
    current_unit_name: str | None
    current_assignee: str | None = Field(description="Tên đăng nhập của cán bộ đang xử lý.")
    applicant_kind: str
    applicant_name: str
    supplement_count: int
    fee_status: str
    rating: str
    version: int = Field(description="Gửi lại làm `expected_version` khi thao tác.")


class DossierPage(Schema):
    count: int
    items: list[DossierOut]


class StepOut(Schema):
    index: int
    order: int
    name: str
    unit_code: str
    unit_name: str
    assignee: str | None
    started_at: dt.datetime
    due_at: dt.datetime
    finished_at: dt.datetime | None
    outcome: str


class EventOut(Schema):
    seq: int
    action: str
    created_at: dt.datetime
    actor: str | None
    unit_code: str | None


class DossierDetailOut(DossierOut):
    handling_unit_code: str | None
    applicant_identifier_masked: str = Field(
        description="Số định danh / mã số thuế, chỉ hiện 4 ký tự cuối (cchc.core.privacy)."
    )
    steps: list[StepOut]
    events: list[EventOut]


class DossierCreatedOut(DossierOut):
    lookup_secret: str = Field(
        description="Mã tra cứu in trên Giấy tiếp nhận (Mẫu 01); chỉ trả về một lần."
    )


def dossier_out(d: Dossier) -> dict[str, Any]:
    procedure = d.procedure_version.procedure
    return {
        "code": d.code,
        "procedure_code": procedure.code,
        "procedure_name": procedure.name,
        "channel": d.channel,
        "status": d.status,
        "status_label": d.get_status_display(),
        "received_at": d.received_at,
        "due_at": d.due_at,
        "apology_due_at": d.apology_due_at,
        "finished_at": d.finished_at,
        "returned_at": d.returned_at,
        "outcome": d.outcome,
        "receiving_unit_code": d.receiving_unit.code,
        "current_step_name": d.current_step_name,
        "current_unit_code": d.current_unit.code if d.current_unit_id else None,
        "current_unit_name": d.current_unit.name if d.current_unit_id else None,
        "current_assignee": d.current_assignee.username if d.current_assignee_id else None,
        "applicant_kind": d.applicant.kind,
        "applicant_name": d.applicant.name,
        "supplement_count": d.supplement_count,
        "fee_status": d.fee_status,
        "rating": d.rating,
        "version": d.version,
    }


def _step_out(s: DossierStep) -> dict[str, Any]:
    return {
        "index": s.index,
        "order": s.order,
        "name": s.name,
        "unit_code": s.unit.code,
        "unit_name": s.unit.name,
        "assignee": s.assignee.username if s.assignee_id else None,
        "started_at": s.started_at,
        "due_at": s.due_at,
        "finished_at": s.finished_at,
        "outcome": s.outcome,
    }


def dossier_detail_out(d: Dossier) -> dict[str, Any]:
    applicant = d.applicant
    return {
        **dossier_out(d),
        "handling_unit_code": d.handling_unit.code if d.handling_unit_id else None,
        "applicant_identifier_masked": mask_id(applicant.personal_id or applicant.tax_code),
        "steps": [_step_out(s) for s in selectors.dossier_steps(dossier=d)],
        "events": [
            {
                "seq": e.seq,
                "action": e.action,
                "created_at": e.created_at,
                "actor": e.actor.username if e.actor_id else None,
                "unit_code": e.unit.code if e.unit_id else None,
            }
            for e in selectors.dossier_timeline(dossier=d, staff=True)
        ],
    }


# --- Lookups of referenced objects --------------------------------------------------------


def _visible(user: User, code: str) -> Dossier:
    """The dossier if the user may see it; otherwise the same 404 as an unknown code."""
    try:
        return selectors.dossier_get_for_user(user=user, code=code)
    except (Dossier.DoesNotExist, PermissionDenied):
        raise not_found(gettext("Không tìm thấy hồ sơ.")) from None


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid", message, {field: [message]})


def _unit(code: str | None, field: str) -> Unit | None:
    if not code:
        return None
    unit = unit_get_by_code(code=code)
    if unit is None:
        raise _invalid(field, gettext("Không có đơn vị mã “%(code)s”.") % {"code": code})
    return unit


def _user(username: str | None, field: str) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise _invalid(field, gettext("Không tìm thấy cán bộ “%(u)s”.") % {"u": username})
    return user


# --- Reads --------------------------------------------------------------------------------


class QueueFilters(Schema):
    queue: QueueKind = Field(  # type: ignore[valid-type]
        "unit",
        description="mine: được giao cho tôi; unit: đang xử lý trong đơn vị; due_soon; "
        "overdue; waiting_supplement; bounced; to_return.",
    )
    unit: Text(64) | None = Field(None, description="Mã đơn vị đang giữ hồ sơ.")  # type: ignore[valid-type]
    search: Text(200) | None = None  # type: ignore[valid-type]
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get(
    "/dossiers", response=with_errors({200: DossierPage}), summary="Danh sách hồ sơ (hàng đợi)"
)
def dossier_list(request, filters: Query[QueueFilters]):
    """Hàng đợi công việc của người dùng (như màn hình “Hồ sơ”)."""
    qs = selectors.dossier_queue(
        user=request.auth,
        kind=filters.queue,
        search=filters.search,
        unit=_unit(filters.unit, "unit"),
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [dossier_out(d) for d in page]}


@router.get(
    "/dossiers/{code}", response=with_errors({200: DossierDetailOut}), summary="Chi tiết hồ sơ"
)
def dossier_detail(request, code: DossierCode):
    """Một hồ sơ: trạng thái, các bước (Mẫu 05) và nhật ký thao tác."""
    return dossier_detail_out(_visible(request.auth, code))


# --- Intake -------------------------------------------------------------------------------


class ApplicantIn(Schema):
    kind: Literal["person", "organisation"] = "person"
    name: Text(255)  # type: ignore[valid-type]
    personal_id: Text(12) = ""  # type: ignore[valid-type]
    tax_code: Text(14) = ""  # type: ignore[valid-type]
    date_of_birth: Day | None = None
    address: Text(500) = ""  # type: ignore[valid-type]
    phone: Text(32) = ""  # type: ignore[valid-type]
    email: Text(254) = ""  # type: ignore[valid-type]


class ComponentIn(Schema):
    requirement_id: int | None = Field(None, ge=1, le=2**62)
    name: Text(500) = ""  # type: ignore[valid-type]
    source: ComponentSource = ComponentSource.PAPER
    copies: int = Field(1, ge=1, le=100)
    reuse_reference: Text(255) = ""  # type: ignore[valid-type]


def _components(items: list[ComponentIn]) -> list[dict[str, Any]]:
    return [
        {
            "requirement": c.requirement_id,
            "name": c.name,
            "source": c.source,
            "copies": c.copies,
            "reuse_reference": c.reuse_reference,
        }
        for c in items
    ]


class DossierCreateIn(Schema):
    channel: Channel = Channel.COUNTER
    procedure_code: Text(100, 1)  # type: ignore[valid-type]
    receiving_unit: Text(64, 1) = Field(description="Mã đơn vị tiếp nhận.")  # type: ignore[valid-type]
    handling_unit: Text(64) | None = None  # type: ignore[valid-type]
    postal_unit: Text(64) | None = None  # type: ignore[valid-type]
    applicant: ApplicantIn
    components: list[ComponentIn] = Field(default_factory=list, max_length=50)


@router.post("/dossiers", response=with_errors({201: DossierCreatedOut}), summary="Tiếp nhận hồ sơ")
def dossier_create(request, payload: DossierCreateIn):
    """Tiếp nhận hồ sơ (Mẫu 01). Thành phần cần tệp (bản điện tử, số hóa) nộp qua màn
    hình; qua API chỉ ghi nhận bản giấy và dữ liệu tái sử dụng."""
    procedure = Procedure.objects.filter(code=payload.procedure_code).first()
    if procedure is None:
        raise _invalid("procedure_code", gettext("Không tìm thấy thủ tục hành chính."))
    dossier = services.dossier_receive(
        actor=request.auth,
        channel=payload.channel,
        procedure=procedure,
        receiving_unit=_unit(payload.receiving_unit, "receiving_unit"),
        handling_unit=_unit(payload.handling_unit, "handling_unit"),
        postal_unit=_unit(payload.postal_unit, "postal_unit"),
        applicant=payload.applicant.dict(),
        components=_components(payload.components),
    )
    return Status(201, {**dossier_out(dossier), "lookup_secret": dossier.issued_lookup_secret})


# --- Actions ------------------------------------------------------------------------------


class ActionIn(Schema):
    expected_version: int = Field(ge=0, le=2**31, description="`version` đã đọc của hồ sơ.")


class HandoverIn(ActionIn):
    to_unit: Text(64) | None = Field(None, description="Mã đơn vị nhận (bước sau).")  # type: ignore[valid-type]
    to_user: Text(150) | None = None  # type: ignore[valid-type]
    note: Text(2000) = ""  # type: ignore[valid-type]
    advance_step: bool = True
    receipt: Text(100) = Field("", description="Số chứng từ nộp nghĩa vụ tài chính.")  # type: ignore[valid-type]


class AssignIn(ActionIn):
    to_user: Text(150, 1)  # type: ignore[valid-type]
    note: Text(2000) = ""  # type: ignore[valid-type]


class ApproveIn(ActionIn):
    note: Text(2000) = ""  # type: ignore[valid-type]
    to_unit: Text(64) | None = None  # type: ignore[valid-type]


class RefuseIn(ActionIn):
    reason: Text(4000)  # type: ignore[valid-type]


class SupplementRequestIn(ActionIn):
    items: list[Text(500)] = Field(max_length=50)  # type: ignore[valid-type]
    reason: Text(4000)  # type: ignore[valid-type]


class SupplementProvidedIn(ActionIn):
    components: list[ComponentIn] = Field(max_length=50)
    note: Text(2000) = ""  # type: ignore[valid-type]
    lookup_secret: Secret | None = None


class ApologiseIn(ActionIn):
    new_due: Moment
    reason: Text(4000)  # type: ignore[valid-type]


class IssueResultIn(ActionIn):
    paper: bool = True
    result_number: Text(100) = ""  # type: ignore[valid-type]


class CollectedByIn(Schema):
    name: Text(255)  # type: ignore[valid-type]
    personal_id: Text(12)  # type: ignore[valid-type]
    authorisation_ref: Text(255) = ""  # type: ignore[valid-type]


class ReturnResultIn(ActionIn):
    method: ReturnMethod = ReturnMethod.COUNTER
    note: Text(2000) = ""  # type: ignore[valid-type]
    collected_by: CollectedByIn | None = None


class RateIn(ActionIn):
    rating: Rating
    comment: Text(2000) = ""  # type: ignore[valid-type]
    lookup_secret: Secret | None = None


class NoteIn(ActionIn):
    text: Text(4000)  # type: ignore[valid-type]


ACTION_RESPONSES = with_errors({200: DossierOut})


def _done(d: Dossier) -> dict[str, Any]:
    # The service returns the locked row; re-read its relations for the answer (the
    # actor may no longer see the dossier once it has moved to another unit).
    d = (
        Dossier.objects.select_related(
            "applicant",
            "procedure_version__procedure",
            "receiving_unit",
            "current_unit",
            "current_assignee",
        )
        .filter(pk=d.pk)
        .get()
    )
    return dossier_out(d)


@router.post(
    "/dossiers/{code}/handover", response=ACTION_RESPONSES, summary="Chuyển bước, bàn giao"
)
def dossier_handover(request, payload: HandoverIn, code: DossierCode):
    """Chuyển bước / bàn giao hồ sơ cho đơn vị bước sau."""
    d = _visible(request.auth, code)
    return _done(
        services.dossier_handover(
            actor=request.auth,
            dossier=d,
            to_unit=_unit(payload.to_unit, "to_unit"),
            to_user=_user(payload.to_user, "to_user"),
            note=payload.note,
            advance_step=payload.advance_step,
            receipt=payload.receipt,
            expected_version=payload.expected_version,
        )
    )


@router.post("/dossiers/{code}/assign", response=ACTION_RESPONSES, summary="Phân công xử lý")
def dossier_assign(request, payload: AssignIn, code: DossierCode):
    """Lãnh đạo phân công cán bộ xử lý bước hiện tại."""
    d = _visible(request.auth, code)
    return _done(
        services.dossier_assign(
            actor=request.auth,
            dossier=d,
            to_user=_user(payload.to_user, "to_user"),
            note=payload.note,
            expected_version=payload.expected_version,
        )
    )


@router.post("/dossiers/{code}/approve", response=ACTION_RESPONSES, summary="Phê duyệt")
def dossier_approve(request, payload: ApproveIn, code: DossierCode):
    """Lãnh đạo phê duyệt (ký) kết quả."""
    d = _visible(request.auth, code)
    return _done(
        services.dossier_approve(
            actor=request.auth,
            dossier=d,
            note=payload.note,
            to_unit=_unit(payload.to_unit, "to_unit"),
            expected_version=payload.expected_version,
        )
    )


@router.post("/dossiers/{code}/refuse", response=ACTION_RESPONSES, summary="Từ chối giải quyết")
def dossier_refuse(request, payload: RefuseIn, code: DossierCode):
    """Từ chối giải quyết, nêu rõ lý do."""
    d = _visible(request.auth, code)
    return _done(
        services.dossier_refuse(
            actor=request.auth,
            dossier=d,
            reason=payload.reason,
            expected_version=payload.expected_version,
        )
    )


@router.post(
    "/dossiers/{code}/request-supplement",
    response=ACTION_RESPONSES,
    summary="Yêu cầu bổ sung hồ sơ",
)
def dossier_request_supplement(request, payload: SupplementRequestIn, code: DossierCode):
    """Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02); dừng tính thời gian."""
    d = _visible(request.auth, code)
    return _done(
        services.dossier_request_supplement(
            actor=request.auth,
            dossier=d,
            items=list(payload.items),
            reason=payload.reason,
            expected_version=payload.expected_version,
        )
    )


@router.post(
    "/dossiers/{code}/supplement-provided", response=ACTION_RESPONSES, summary="Đã bổ sung hồ sơ"
)
def dossier_supplement_provided(request, payload: SupplementProvidedIn, code: DossierCode):
    """Ghi nhận hồ sơ đã được bổ sung; tiếp tục tính thời gian."""
    d = _visible(request.auth, code)
    return _done(
        services.dossier_supplement_provided(
            actor=request.auth,
            dossier=d,
            components=_components(payload.components),
            note=payload.note,
            lookup_secret=payload.lookup_secret,
            expected_version=payload.expected_version,
        )
    )


@router.post(
    "/dossiers/{code}/apologise", response=ACTION_RESPONSES, summary="Xin lỗi, hẹn lại ngày trả"
)
def dossier_apologise(request, payload: ApologiseIn, code: DossierCode):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)."""
    d = _visible(request.auth, code)
    return _done(
        services.dossier_apologise(
            actor=request.auth,
            dossier=d,
            new_due=payload.new_due,
            reason=payload.reason,
            expected_version=payload.expected_version,
        )
    )


@router.post("/dossiers/{code}/issue-result", response=ACTION_RESPONSES, summary="Ban hành kết quả")
def dossier_issue_result(request, payload: IssueResultIn, code: DossierCode):
    """Ban hành kết quả (bản giấy). Kết quả điện tử có chữ ký số: màn hình Tài liệu."""
    d = _visible(request.auth, code)
    return _done(
        services.dossier_issue_result(
            actor=request.auth,
            dossier=d,
            paper=payload.paper,
            result_number=payload.result_number,
            expected_version=payload.expected_version,
        )
    )


@router.post("/dossiers/{code}/return-result", response=ACTION_RESPONSES, summary="Trả kết quả")
def dossier_return_result(request, payload: ReturnResultIn, code: DossierCode):
    """Trả kết quả cho người nộp (hoặc người được ủy quyền)."""
    d = _visible(request.auth, code)
    return _done(
        services.dossier_return_result(
            actor=request.auth,
            dossier=d,
            method=payload.method,
            note=payload.note,
            collected_by=payload.collected_by.dict() if payload.collected_by else None,
            expected_version=payload.expected_version,
        )
    )


@router.post("/dossiers/{code}/rate", response=ACTION_RESPONSES, summary="Đánh giá mức độ hài lòng")
def dossier_rate(request, payload: RateIn, code: DossierCode):
    """Đánh giá mức độ hài lòng (của người nộp; tại quầy cần mã tra cứu của họ)."""
    d = _visible(request.auth, code)
    return _done(
        services.dossier_rate(
            actor=request.auth,
            dossier=d,
            rating=payload.rating,
            comment=payload.comment,
            lookup_secret=payload.lookup_secret,
            expected_version=payload.expected_version,
        )
    )


@router.post("/dossiers/{code}/note", response=ACTION_RESPONSES, summary="Ghi chú nội bộ")
def dossier_note(request, payload: NoteIn, code: DossierCode):
    """Ghi chú nội bộ (chỉ cán bộ thấy)."""
    d = _visible(request.auth, code)
    return _done(
        services.dossier_note_add(
            actor=request.auth,
            dossier=d,
            text=payload.text,
            expected_version=payload.expected_version,
        )
    )
