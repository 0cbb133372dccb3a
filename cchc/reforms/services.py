"""Writes: simplification proposals, their review and approval (→ a directive task)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Required, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cchc.accounts.models import User
from cchc.accounts.permissions import Action, require
from cchc.core.uploads import CheckedUpload
from cchc.procedures.models import Procedure
from cchc.reforms import cost
from cchc.reforms.models import (
    ChangeKind,
    Initiative,
    InitiativeStatus,
    OutreachActivity,
    OutreachKind,
    Proposal,
    ProposalItem,
    ProposalStatus,
    TrainingAttendance,
    TrainingMaterial,
    TrainingSession,
)
from cchc.units.models import Unit


def _refuse(field: str, message: str, code: str = "invalid") -> None:
    raise ValidationError({field: ValidationError(message, code=code)})


def _amount(value: Any, field: str, *, integer: bool = False) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", ".").strip() or "0")
    except (InvalidOperation, ValueError):
        _refuse(field, "Vui lòng nhập một số.", "number")
    if not number.is_finite() or number < 0:
        _refuse(field, "Vui lòng nhập một số không âm.", "number")
    if integer and number != number.to_integral_value():
        _refuse(field, "Vui lòng nhập số nguyên.", "integer")
    return number


class CostInputs(TypedDict, total=False):
    """The compliance-cost inputs of a proposal as entered (strings from a form or
    numbers); checked by `_cost_inputs`. Blank numbers count as 0; frequency defaults to
    once a year; the monthly income and divisors are optional (see `_cost_inputs`)."""

    hours: Required[Any]
    income_per_hour: Required[Any]
    income_source: Required[str]
    subjects_per_year: Required[Any]
    frequency_per_year: Any
    fees: Any
    other_costs: Any
    monthly_income: Any
    working_days_per_month: Any
    hours_per_day: Any


COST_INPUTS = tuple(CostInputs.__annotations__)


def _cost_inputs(raw: CostInputs) -> dict[str, Any]:
    """The documented inputs of the compliance cost (cchc.reforms.cost), checked.

    The hourly income is typed, or derived from a monthly income with the divisors
    (days a month, hours a day) — see cost.py for why the divisors are inputs."""
    income_source = raw.get("income_source") or ""
    income_per_hour = raw.get("income_per_hour", "")
    monthly_income = raw.get("monthly_income")
    working_days_per_month = raw.get("working_days_per_month")
    hours_per_day = raw.get("hours_per_day")
    if not income_source.strip():
        # Điều 27 TT 02/2017/TT-VPCP: the figures used must be traceable.
        _refuse("income_source", "Vui lòng ghi nguồn số liệu thu nhập bình quân.", "required")
    values: dict[str, Any] = {
        "hours": _amount(raw.get("hours", ""), "hours"),
        "subjects_per_year": int(
            _amount(raw.get("subjects_per_year", ""), "subjects_per_year", integer=True)
        ),
        "frequency_per_year": _amount(raw.get("frequency_per_year", 1), "frequency_per_year"),
        "fees": _amount(raw.get("fees", 0), "fees", integer=True),
        "other_costs": _amount(raw.get("other_costs", 0), "other_costs", integer=True),
        "income_source": income_source.strip(),
        "working_days_per_month": _amount(working_days_per_month, "working_days_per_month")
        if str(working_days_per_month or "").strip()
        else cost.DEFAULT_WORKING_DAYS_PER_MONTH,
        "hours_per_day": _amount(hours_per_day, "hours_per_day")
        if str(hours_per_day or "").strip()
        else cost.DEFAULT_HOURS_PER_DAY,
    }
    if not 0 < values["working_days_per_month"] <= 31:
        _refuse("working_days_per_month", "Số ngày làm việc một tháng phải từ 1 đến 31.")
    if not 0 < values["hours_per_day"] <= 24:
        _refuse("hours_per_day", "Số giờ làm việc một ngày phải từ 1 đến 24.")
    if str(monthly_income or "").strip():
        values["monthly_income"] = _amount(monthly_income, "monthly_income", integer=True)
        values["income_per_hour"] = cost.income_per_hour_from_monthly(
            values["monthly_income"],
            working_days_per_month=values["working_days_per_month"],
            hours_per_day=values["hours_per_day"],
        )
    else:
        if not str(income_per_hour or "").strip():
            _refuse(
                "income_per_hour",
                "Vui lòng nhập thu nhập bình quân một giờ hoặc một tháng.",
                "required",
            )
        values["monthly_income"] = None
        values["income_per_hour"] = _amount(income_per_hour, "income_per_hour", integer=True)
    return values


@transaction.atomic
def proposal_create(
    *,
    actor: User,
    unit: Unit,
    procedure: Procedure,
    title: str,
    rationale: str = "",
    **inputs: Unpack[CostInputs],
) -> Proposal:
    """A draft proposal of `unit` (any unit may propose: REPORT_VIEW on it)."""
    require(actor, Action.REPORT_VIEW, unit)
    title = " ".join((title or "").split())
    if not title:
        _refuse("title", "Vui lòng nhập tên phương án.", "required")
    values = _cost_inputs(inputs)
    return Proposal.objects.create(
        procedure=procedure,
        unit=unit,
        title=title,
        rationale=(rationale or "").strip(),
        created_by=actor,
        created_at=timezone.now(),
        **values,
    )


@transaction.atomic
def proposal_update(
    *,
    actor: User,
    proposal: Proposal,
    **inputs: Unpack[CostInputs],
) -> Proposal:
    """Correct the cost inputs of a draft; the items' savings must still fit in them."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    require(actor, Action.REPORT_VIEW, proposal.unit)
    _require_draft(proposal)
    values = _cost_inputs(inputs)
    items = list(proposal.items.all())
    if sum((i.hours_saved for i in items), Decimal(0)) > values["hours"]:
        _refuse("hours", "Số giờ thực hiện nhỏ hơn tổng số giờ các nội dung tiết kiệm.")
    if sum((i.cost_saved for i in items), Decimal(0)) > values["other_costs"]:
        _refuse("other_costs", "Chi phí khác nhỏ hơn tổng chi phí các nội dung tiết kiệm.")
    if sum((i.fee_saved for i in items), Decimal(0)) > values["fees"]:
        _refuse("fees", "Phí, lệ phí nhỏ hơn tổng mức giảm của các nội dung.")
    for name, value in values.items():
        setattr(proposal, name, value)
    proposal.save(update_fields=list(values))
    return proposal


def _require_draft(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.DRAFT:
        _refuse("status", "Chỉ sửa được phương án ở trạng thái dự thảo.", "not_draft")


@transaction.atomic
def proposal_item_add(
    *,
    actor: User,
    proposal: Proposal,
    kind: str,
    target: str,
    hours_saved: Any = 0,
    cost_saved: Any = 0,
    fee_saved: Any = 0,
    days_saved: Any = 0,
) -> ProposalItem:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    require(actor, Action.REPORT_VIEW, proposal.unit)
    _require_draft(proposal)
    if kind not in ChangeKind.values:
        _refuse("kind", "Nội dung đơn giản hóa không hợp lệ.")
    target = " ".join((target or "").split())
    if not target:
        _refuse(
            "target", "Vui lòng ghi thành phần, bước hoặc mức độ được đơn giản hóa.", "required"
        )
    values = {
        "hours_saved": _amount(hours_saved, "hours_saved"),
        "cost_saved": _amount(cost_saved, "cost_saved", integer=True),
        "fee_saved": _amount(fee_saved, "fee_saved", integer=True),
        "days_saved": _amount(days_saved, "days_saved"),
    }
    existing = list(proposal.items.all())
    if sum((i.hours_saved for i in existing), values["hours_saved"]) > proposal.hours:
        _refuse("hours_saved", "Tổng số giờ tiết kiệm vượt số giờ thực hiện hiện tại.", "too_much")
    if sum((i.cost_saved for i in existing), values["cost_saved"]) > proposal.other_costs:
        _refuse("cost_saved", "Tổng chi phí tiết kiệm vượt chi phí khác hiện tại.", "too_much")
    if sum((i.fee_saved for i in existing), values["fee_saved"]) > proposal.fees:
        _refuse("fee_saved", "Tổng mức giảm vượt phí, lệ phí hiện tại.", "too_much")
    return ProposalItem.objects.create(proposal=proposal, kind=kind, target=target, **values)


@transaction.atomic
def proposal_submit(*, actor: User, proposal: Proposal) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    require(actor, Action.REPORT_VIEW, proposal.unit)
    _require_draft(proposal)
    if not proposal.items.exists():
        _refuse("items", "Phương án chưa có nội dung đơn giản hóa nào.", "empty")
    proposal.status = ProposalStatus.SUBMITTED
    proposal.submitted_at = timezone.now()
    proposal.save(update_fields=["status", "submitted_at"])
    return proposal


@transaction.atomic
def proposal_review(
    *,
    actor: User,
    proposal: Proposal,
    approve: bool,
    note: str = "",
    task_unit: Unit | None = None,
    deadline: dt.date | None = None,
) -> Proposal:
    """Approve or reject a submitted proposal (DIRECTIVE_MANAGE over the proposing unit —
    the same people who assign reform tasks). Approval creates a directive task for
    `task_unit` (default: the proposing unit) to carry the proposal out."""
    proposal = Proposal.objects.select_for_update().select_related("procedure").get(pk=proposal.pk)
    require(actor, Action.DIRECTIVE_MANAGE, proposal.unit)
    if proposal.status != ProposalStatus.SUBMITTED:
        _refuse("status", "Chỉ xem xét được phương án đang chờ xem xét.", "not_submitted")
    note = (note or "").strip()
    if not approve and not note:
        _refuse("note", "Vui lòng nêu lý do không phê duyệt.", "required")
    now = timezone.now()
    proposal.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    proposal.reviewed_by = actor
    proposal.reviewed_at = now
    proposal.review_note = note
    if approve:
        from cchc.directives.services import task_create

        lines = "; ".join(f"{i.get_kind_display()}: {i.target}" for i in proposal.items.all())
        task = task_create(
            actor=actor,
            unit=task_unit or proposal.unit,
            text=(
                f"Thực hiện phương án đơn giản hóa “{proposal.title}” đối với thủ tục "
                f"{proposal.procedure.code} — {proposal.procedure.name}: {lines}"
            ),
            deadline=deadline,
            source=f"reforms:proposal:{proposal.pk}",
        )
        proposal.task_id = task.pk
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "task_id"])
    return proposal


# --- Initiatives, training, outreach ------------------------------------------------------


@transaction.atomic
def initiative_submit(
    *,
    actor: User,
    unit: Unit,
    title: str,
    description: str = "",
    procedure: Procedure | None = None,
    metric: str = "",
) -> Initiative:
    """Any unit may submit an initiative (REPORT_VIEW on it). Naming a procedure and a
    metric lets its effect be measured from the dossiers once it is applied."""
    from cchc.reforms.selectors import METRICS

    require(actor, Action.REPORT_VIEW, unit)
    title = " ".join((title or "").split())
    if not title:
        _refuse("title", "Vui lòng nhập tên sáng kiến, giải pháp.", "required")
    if metric and metric not in METRICS:
        _refuse("metric", "Chỉ số đo hiệu quả không hợp lệ.")
    if metric and procedure is None:
        _refuse("procedure", "Vui lòng chọn thủ tục để đo hiệu quả theo chỉ số.", "required")
    return Initiative.objects.create(
        unit=unit,
        title=title,
        description=(description or "").strip(),
        procedure=procedure,
        metric=metric,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )


_INITIATIVE_MOVES = {
    InitiativeStatus.RECOGNISED: {InitiativeStatus.SUBMITTED},
    InitiativeStatus.REJECTED: {InitiativeStatus.SUBMITTED},
    InitiativeStatus.APPLIED: {InitiativeStatus.RECOGNISED},
}


@transaction.atomic
def initiative_review(
    *,
    actor: User,
    initiative: Initiative,
    status: str,
    note: str = "",
    applied_on: dt.date | None = None,
) -> Initiative:
    """Recognise or reject a submitted initiative, or record a recognised one as applied
    (DIRECTIVE_MANAGE over the submitting unit, as for proposals) — from `applied_on`
    (00:00 local time; default now), not in the future."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    require(actor, Action.DIRECTIVE_MANAGE, initiative.unit)
    if initiative.status not in _INITIATIVE_MOVES.get(status, set()):
        _refuse("status", "Không thể chuyển sáng kiến sang trạng thái này.", "bad_transition")
    if status == InitiativeStatus.REJECTED and not (note or "").strip():
        _refuse("note", "Vui lòng nêu lý do không công nhận.", "required")
    now = timezone.now()
    initiative.status = status
    if status == InitiativeStatus.APPLIED:
        if applied_on is not None:
            if applied_on > timezone.localdate(now):
                _refuse("applied_on", "Ngày áp dụng không được sau hôm nay.")
            start = dt.datetime.combine(applied_on, dt.time.min)
            initiative.applied_at = timezone.make_aware(start)
        else:
            initiative.applied_at = now
    else:
        initiative.reviewed_by, initiative.reviewed_at = actor, now
        initiative.review_note = (note or "").strip()
    initiative.save()
    return initiative


@transaction.atomic
def training_session_create(
    *,
    actor: User,
    unit: Unit,
    topic: str,
    held_on: dt.date,
    participants: list[User],
    trainers: str = "",
    materials: str = "",
    absent: list[User] | None = None,
) -> TrainingSession:
    require(actor, Action.REPORT_VIEW, unit)
    topic = _session_text(topic)
    if not participants:
        _refuse("participants", "Vui lòng chọn người tham gia.", "required")
    session = TrainingSession.objects.create(
        unit=unit,
        topic=topic,
        held_on=held_on,
        trainers=(trainers or "").strip(),
        materials=(materials or "").strip(),
        created_by=actor,
    )
    absent_ids = {u.pk for u in absent or []}
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(session=session, user=u, attended=u.pk not in absent_ids)
        for u in {u.pk: u for u in participants}.values()
    )
    return session


@transaction.atomic
def outreach_create(
    *, actor: User, unit: Unit, kind: str, title: str, held_on: dt.date, reach: Any = 0
) -> OutreachActivity:
    require(actor, Action.REPORT_VIEW, unit)
    values = _outreach_values(kind=kind, title=title, held_on=held_on, reach=reach)
    return OutreachActivity.objects.create(unit=unit, created_by=actor, **values)


def _outreach_values(*, kind: str, title: str, held_on: dt.date, reach: Any) -> dict[str, Any]:
    """An outreach activity's fields, checked (shared by create and update)."""
    if kind not in OutreachKind.values:
        _refuse("kind", "Hình thức tuyên truyền không hợp lệ.")
    title = " ".join((title or "").split())
    if not title:
        _refuse("title", "Vui lòng nhập nội dung tuyên truyền.", "required")
    reach = int(_amount(reach, "reach", integer=True))
    return {"kind": kind, "title": title, "held_on": held_on, "reach": reach}


def _session_text(topic: str) -> str:
    topic = " ".join((topic or "").split())
    if not topic:
        _refuse("topic", "Vui lòng nhập chủ đề tập huấn.", "required")
    return topic


@transaction.atomic
def training_session_update(
    *,
    actor: User,
    session: TrainingSession,
    topic: str,
    held_on: dt.date,
    trainers: str = "",
    materials: str = "",
) -> TrainingSession:
    """Correct a session's topic, date, trainers and notes on its materials."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    require(actor, Action.REPORT_VIEW, session.unit)
    session.topic = _session_text(topic)
    session.held_on = held_on
    session.trainers = (trainers or "").strip()
    session.materials = (materials or "").strip()
    session.save(update_fields=["topic", "held_on", "trainers", "materials"])
    return session


@transaction.atomic
def training_attendance_set(
    *,
    actor: User,
    session: TrainingSession,
    participants: list[User],
    present: list[User],
) -> TrainingSession:
    """The people called to the session (by unit, in the actor's scope — the caller
    picks them from there) and who attended; `present` must be among `participants`."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    require(actor, Action.REPORT_VIEW, session.unit)
    if not participants:
        _refuse("participants", "Vui lòng chọn người tham gia.", "required")
    invited = {u.pk for u in participants}
    attended = {u.pk for u in present}
    if attended - invited:
        _refuse("present", "Người có mặt phải nằm trong danh sách triệu tập.")
    existing = {a.user_id: a for a in session.attendance.all()}
    session.attendance.exclude(user_id__in=invited).delete()
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(session=session, user_id=pk, attended=pk in attended)
        for pk in invited
        if pk not in existing
    )
    changed = [
        row for pk, row in existing.items() if pk in invited and row.attended != (pk in attended)
    ]
    for row in changed:
        row.attended = not row.attended
    TrainingAttendance.objects.bulk_update(changed, ["attended"])
    return session


@transaction.atomic
def training_material_add(
    *, actor: User, session: TrainingSession, upload: CheckedUpload
) -> TrainingMaterial:
    """Store a file already checked by content (cchc.core.uploads.check_upload)."""
    require(actor, Action.REPORT_VIEW, session.unit)
    return TrainingMaterial.objects.create(
        session=session,
        file=upload.content,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=actor,
    )


@transaction.atomic
def training_material_remove(*, actor: User, material: TrainingMaterial) -> None:
    require(actor, Action.REPORT_VIEW, material.session.unit)
    stored = material.file.name
    storage = material.file.storage
    material.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def outreach_update(
    *,
    actor: User,
    activity: OutreachActivity,
    kind: str,
    title: str,
    held_on: dt.date,
    reach: Any = 0,
) -> OutreachActivity:
    activity = OutreachActivity.objects.select_for_update().get(pk=activity.pk)
    require(actor, Action.REPORT_VIEW, activity.unit)
    values = _outreach_values(kind=kind, title=title, held_on=held_on, reach=reach)
    for name, value in values.items():
        setattr(activity, name, value)
    activity.save(update_fields=list(values))
    return activity
