"""Directive tasks (nhiệm vụ giao tại văn bản chỉ đạo), read-only: the tasks the caller's
units lead or coordinate, as the directives screens list them."""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from cchc.api.auth import STAFF_AUTH
from cchc.api.errors import with_errors
from cchc.directives import selectors
from cchc.directives.models import Task, TaskStatus

router = Router(tags=["Nhiệm vụ chỉ đạo"], auth=STAFF_AUTH)


class TaskOut(Schema):
    id: int
    document_kind: str
    document_number: str
    document_date: dt.date | None
    document_title: str
    number: str
    text: str
    lead_units: list[str] = Field(description="Mã đơn vị chủ trì.")
    coordinating_units: list[str] = Field(description="Mã đơn vị phối hợp.")
    owner: str | None
    deadline: dt.datetime | None
    status: str
    status_label: str
    progress: int
    is_overdue: bool
    is_late: bool


class TaskPage(Schema):
    count: int
    items: list[TaskOut]


class TaskFilters(Schema):
    status: TaskStatus | None = None
    overdue: bool | None = Field(None, description="Chỉ nhiệm vụ quá hạn (true) / chưa (false).")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


def task_out(t: Task) -> dict:
    d = t.document
    return {
        "id": t.pk,
        "document_kind": d.kind,
        "document_number": d.number,
        "document_date": d.date,
        "document_title": d.title,
        "number": t.number,
        "text": t.text,
        "lead_units": [u.code for u in t.lead_units.all()],
        "coordinating_units": [u.code for u in t.coordinating_units.all()],
        "owner": t.owner.username if t.owner_id else None,
        "deadline": t.deadline,
        "status": t.status,
        "status_label": t.get_status_display(),
        "progress": t.progress,
        "is_overdue": t.is_overdue,
        "is_late": t.is_late,
    }


@router.get(
    "/directives/tasks",
    response=with_errors({200: TaskPage}),
    summary="Nhiệm vụ chỉ đạo của đơn vị tôi",
)
def task_list(request, filters: Query[TaskFilters]):
    """Nhiệm vụ mà đơn vị của tôi chủ trì hoặc phối hợp, gấp nhất trước."""
    qs = selectors.task_list_for_user(actor=request.auth)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.overdue is not None:
        qs = qs.filter(is_overdue=filters.overdue)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [task_out(t) for t in page]}
