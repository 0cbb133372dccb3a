"""Reads of the directives app. "Overdue" and "late" are computed here from the deadline
and the clock, never stored, so they cannot drift."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from cchc.accounts.permissions import Action, scope_filter
from cchc.directives.models import (
    OPEN_STATUSES,
    DirectiveDocument,
    DirectiveDraft,
    Task,
    TaskStatus,
)
from cchc.units.models import Unit

if TYPE_CHECKING:
    from cchc.accounts.models import User


def with_state(qs: QuerySet[Task], *, now: dt.datetime | None = None) -> QuerySet[Task]:
    """Annotate `is_overdue` (open past its deadline) and `is_late` (done after it)."""
    now = now or timezone.now()
    return qs.annotate(
        is_overdue=Case(
            When(Q(status__in=OPEN_STATUSES, deadline__lt=now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        is_late=Case(
            When(Q(status=TaskStatus.DONE, done_at__gt=F("deadline")), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def _listing(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.select_related("document", "owner").prefetch_related(
        Prefetch("lead_units", queryset=Unit.objects.order_by("name")),
        Prefetch("coordinating_units", queryset=Unit.objects.order_by("name")),
    )


def task_list_for_user(*, actor: User, now: dt.datetime | None = None) -> QuerySet[Task]:
    """Tasks my units lead or coordinate, most urgent first."""
    units = Unit.objects.filter(scope_filter(actor, Action.DIRECTIVE_UPDATE))
    qs = Task.objects.filter(Q(lead_units__in=units) | Q(coordinating_units__in=units)).distinct()
    return _listing(with_state(qs, now=now)).order_by(
        F("deadline").asc(nulls_last=True), "document_id", "position"
    )


def document_list(*, actor: User) -> QuerySet[DirectiveDocument]:
    managed = Unit.objects.filter(scope_filter(actor, Action.DIRECTIVE_MANAGE))
    return DirectiveDocument.objects.filter(
        Q(issuer__in=managed) | Q(issuer__isnull=True, created_by=actor)
    ).annotate(task_count=Count("tasks"))


def document_board(*, document: DirectiveDocument, now: dt.datetime | None = None) -> list[Task]:
    return list(
        _listing(with_state(document.tasks.filter(parent__isnull=True), now=now)).order_by(
            "position", "pk"
        )
    )


def document_progress(*, tasks: list[Task]) -> int:
    """The notice's progress: its tasks' progress weighted (cancelled tasks left out)."""
    live = [t for t in tasks if t.status != TaskStatus.CANCELLED and t.parent_id is None]
    total = sum(t.weight for t in live)
    return round(sum(t.progress * t.weight for t in live) / total) if total else 0


@dataclass
class UnitRecord:
    unit_id: int
    unit_name: str
    total: int
    done_on_time: int
    done_late: int
    overdue: int
    open: int

    @property
    def worst_key(self) -> tuple[int, int, int, str]:
        return (-self.overdue, -self.done_late, -self.open, self.unit_name)


def chairman_overview(
    *, actor: User, now: dt.datetime | None = None, year: int | None = None
) -> list[UnitRecord]:
    """Per lead unit, tasks of the notices the actor manages: done on time, done late,
    overdue and open; the worst first. One query."""
    now = now or timezone.now()
    managed = Unit.objects.filter(scope_filter(actor, Action.DIRECTIVE_MANAGE))
    tasks = Task.objects.filter(
        Q(document__issuer__in=managed)
        | Q(document__issuer__isnull=True, document__created_by=actor),
        parent__isnull=True,
    ).exclude(status=TaskStatus.CANCELLED)
    if year is not None:
        tasks = tasks.filter(created_at__year=year)
    rows = (
        tasks.values("lead_units", "lead_units__name")
        .annotate(
            total=Count("pk", distinct=True),
            done_on_time=Count(
                "pk",
                filter=Q(status=TaskStatus.DONE)
                & (Q(deadline__isnull=True) | Q(done_at__lte=F("deadline"))),
                distinct=True,
            ),
            done_late=Count(
                "pk", filter=Q(status=TaskStatus.DONE, done_at__gt=F("deadline")), distinct=True
            ),
            overdue=Count(
                "pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=now), distinct=True
            ),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES), distinct=True),
        )
        .order_by()
    )
    records = [
        UnitRecord(
            unit_id=r["lead_units"],
            unit_name=r["lead_units__name"],
            total=r["total"],
            done_on_time=r["done_on_time"],
            done_late=r["done_late"],
            overdue=r["overdue"],
            open=r["open"],
        )
        for r in rows
        if r["lead_units"] is not None
    ]
    return sorted(records, key=lambda r: r.worst_key)


MAX_PICKABLE_UNITS = 1500


def draft_scope_units(
    *, issuer: Unit | None, on: dt.date | None, codes: list[str] | None = None
) -> list[Unit]:
    """Units a reviewer may pick for a draft's tasks: the issuer's subtree as of the date;
    without an issuer only the units the matching found (the whole country is too many)."""
    qs = Unit.objects.active_on(on or timezone.localdate())
    if issuer is not None:
        root = issuer
        if issuer.kind == "peoples_committee" and issuer.parent is not None:
            root = issuer.parent
        qs = qs.subtree_of(root)
    else:
        qs = Unit.objects.filter(code__in=codes or [])
    return list(qs.order_by("path")[:MAX_PICKABLE_UNITS])


def draft_get(*, actor: User, pk: int) -> DirectiveDraft:
    """A draft, for the person who may confirm it."""
    from django.shortcuts import get_object_or_404

    from cchc.accounts.permissions import require, require_any

    draft = get_object_or_404(DirectiveDraft.objects.select_related("issuer"), pk=pk)
    if draft.issuer is not None:
        require(actor, Action.DIRECTIVE_MANAGE, draft.issuer)
    else:
        require_any(actor, Action.DIRECTIVE_MANAGE)
    return draft


def issuer_choices(*, actor: User) -> list[Unit]:
    """Units the actor may issue directives for (People's Committees and territories),
    former ones included: a district's old notices are still followed up."""
    from cchc.units.models import TERRITORIAL_KINDS, UnitKind

    kinds = {*TERRITORIAL_KINDS, UnitKind.PEOPLES_COMMITTEE}
    return list(
        Unit.objects.filter(scope_filter(actor, Action.DIRECTIVE_MANAGE), kind__in=kinds).order_by(
            "path"
        )
    )


def task_get(*, pk: int) -> Task:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        _listing(with_state(Task.objects.all())).prefetch_related("reports__author", "subtasks"),
        pk=pk,
    )


@dataclass
class RecordItem:
    at: dt.datetime | None
    kind: str
    title: str
    url: str = ""


def work_record_items(*, record) -> list[RecordItem]:
    """What the record holds: the notice, then reports, evidence and sign-offs in order."""
    task = record.task
    doc = task.document
    items = [RecordItem(at=doc.created_at, kind="Văn bản chỉ đạo", title=str(doc))]
    for report in task.reports.select_related("author").order_by("created_at", "pk"):
        url = report.file.url if report.file else report.link
        items.append(
            RecordItem(
                at=report.created_at,
                kind=report.get_kind_display(),
                title=report.text[:200] or report.get_kind_display(),
                url=url,
            )
        )
    return items


def work_record_list(*, unit: Unit, year: int) -> QuerySet:
    """A unit's list of records for the year (danh mục hồ sơ)."""
    from cchc.directives.models import WorkRecord

    return (
        WorkRecord.objects.filter(unit=unit, year=year)
        .select_related("task", "keeper")
        .annotate(document_count=Count("task__reports") + 1)
        .order_by("code")
    )


def electronic_record_share(*, unit: Unit, year: int) -> tuple[int, int]:
    """(tasks the unit led in `year` kept as an electronic work record, tasks it led)."""
    tasks = Task.objects.filter(lead_units=unit, parent__isnull=True, created_at__year=year)
    total = tasks.count()
    electronic = tasks.filter(work_record__is_electronic=True).count()
    return electronic, total


@dataclass
class RecordListBlock:
    unit: Unit
    records: list
    electronic: int
    total: int


def work_record_lists_for_user(*, actor: User, year: int) -> list[RecordListBlock]:
    """Per unit the actor works in (DIRECTIVE_UPDATE), its records of the year."""
    from cchc.directives.models import WorkRecord

    units = Unit.objects.filter(scope_filter(actor, Action.DIRECTIVE_UPDATE))
    records = list(
        WorkRecord.objects.filter(unit__in=units, year=year)
        .select_related("unit", "keeper")
        .annotate(document_count=Count("task__reports") + 1)
        .order_by("unit__path", "code")
    )
    totals = dict(
        Task.objects.filter(lead_units__in=units, parent__isnull=True, created_at__year=year)
        .values_list("lead_units")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    blocks: dict[int, RecordListBlock] = {}
    for record in records:
        block = blocks.get(record.unit_id)
        if block is None:
            block = blocks[record.unit_id] = RecordListBlock(
                unit=record.unit, records=[], electronic=0, total=totals.get(record.unit_id, 0)
            )
        block.records.append(record)
        block.electronic += int(record.is_electronic)
    return list(blocks.values())


def unread_reminders(*, actor: User, limit: int = 20) -> list:
    from cchc.directives.models import TaskReminder

    return list(
        TaskReminder.objects.filter(recipient=actor, read_at__isnull=True)
        .select_related("task")
        .order_by("-created_at")[:limit]
    )


def tasks_on_time_summary(*, unit: Unit, year: int) -> dict[str, int]:
    """For the reform index and the heads' evaluation: top-level tasks led by `unit`
    itself (not its subtree) whose deadline fell in `year` (local time), and how many were
    done by their deadline. Cancelled tasks do not count."""
    import zoneinfo

    from django.conf import settings

    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    tasks = Task.objects.filter(
        lead_units=unit, parent__isnull=True, deadline__gte=start, deadline__lt=end
    ).exclude(status=TaskStatus.CANCELLED)
    return tasks.aggregate(
        due=Count("pk", distinct=True),
        done_on_time=Count(
            "pk",
            filter=Q(status=TaskStatus.DONE, done_at__lte=F("deadline")),
            distinct=True,
        ),
    )
