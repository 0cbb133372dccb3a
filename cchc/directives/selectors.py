"""Reads of the directives app. "Overdue" and "late" are computed here from the deadline
and the clock, never stored, so they cannot drift."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
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


def document_visible(*, actor: User, document: DirectiveDocument) -> bool:
    """Who may open a notice's board: the issuing side (as `document_list`), and the units
    one of its tasks concerns (as `task_visible`) — a notice is addressed to all of them.

    The units' side is one query over all the notice's tasks (plus the actor's
    assignments), not `task_visible` per task."""
    from cchc.accounts.permissions import has_permission

    if document.issuer_id is not None:
        if has_permission(actor, Action.DIRECTIVE_MANAGE, document.issuer):
            return True
    elif document.created_by_id == actor.pk:
        return True
    # As task_visible: officers of a lead or coordinating unit (or of a unit above it),
    # and units that were once asked to coordinate (their contribution row stays).
    senders = scope_filter(actor, Action.DIRECTIVE_UPDATE)
    units = Unit.objects.filter(senders | scope_filter(actor, Action.DIRECTIVE_MANAGE))
    return (
        document.tasks.filter(parent__isnull=True)
        .filter(
            Q(lead_units__in=units)
            | Q(coordinating_units__in=units)
            | Q(contributions__unit__in=Unit.objects.filter(senders))
        )
        .exists()
    )


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
    # The coordinating units' parts are correspondence of the record too.
    from django.urls import reverse

    from cchc.directives.models import Contribution

    sent = (
        Contribution.objects.filter(task=task, submitted_at__isnull=False)
        .select_related("unit")
        .prefetch_related("files")
    )
    for c in sent:
        items.append(
            RecordItem(
                at=c.submitted_at,
                kind="Phần phối hợp",
                title=f"{c.unit.name}: {c.text[:180]}",
            )
        )
        for f in c.files.all():
            items.append(
                RecordItem(
                    at=f.uploaded_at,
                    kind="Minh chứng phối hợp",
                    title=f.original_name,
                    url=reverse("directives:contribution_file", args=[f.pk]),
                )
            )
    items[1:] = sorted(items[1:], key=lambda i: (i.at is None, i.at))
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


# --- after confirmation: who may do what on a task, its history, contributions ------------


@dataclass
class TaskAccess:
    """What the actor may do on one task (for showing the right forms; the services
    check again)."""

    can_manage: bool  # the issuing side: edit, cancel, sign off
    lead_unit: Unit | None  # the lead unit the actor reports for
    contributions: list  # the contributions the actor may send (its coordinating units)


def task_access(*, actor: User, task: Task) -> TaskAccess:
    from cchc.accounts.permissions import has_permission
    from cchc.directives.models import Contribution, ContributionStatus
    from cchc.directives.services import _is_issuer_side

    lead_unit = next(
        (u for u in task.lead_units.all() if has_permission(actor, Action.DIRECTIVE_UPDATE, u)),
        None,
    )
    scope = Unit.objects.filter(scope_filter(actor, Action.DIRECTIVE_UPDATE))
    mine = list(
        Contribution.objects.filter(task=task, unit__in=scope)
        .exclude(status=ContributionStatus.WITHDRAWN)
        .select_related("unit")
        .prefetch_related("files")
    )
    return TaskAccess(
        can_manage=_is_issuer_side(actor, task), lead_unit=lead_unit, contributions=mine
    )


def deadline_stated_time(*, task: Task) -> dt.time | None:
    """The hour a task's deadline was stated with ("trước 12 giờ ngày 26/5/2021"), or None
    when it falls due at the close of office hours, as `deadline_at` sets a plain day."""
    from cchc.directives.services import deadline_at

    if task.deadline is None:
        return None
    lead = list(task.lead_units.all())
    local = timezone.localtime(task.deadline)
    if deadline_at(local.date(), unit=lead[0] if lead else None) == task.deadline:
        return None
    return local.time()


def task_history(*, task: Task) -> list:
    """Every change of the task, oldest first (assignment, edits, reports, cancellation)."""
    return list(task.events.select_related("actor").order_by("at", "pk"))


def task_contributions(*, task: Task, now: dt.datetime | None = None) -> list:
    """The coordinating units' contributions to a task (for the lead unit before it
    reports): each with `is_overdue` (owed past its due date); withdrawn ones that sent
    something are kept, silent withdrawn ones are left out."""
    from cchc.directives.models import Contribution, ContributionStatus

    now = now or timezone.now()
    rows = list(
        Contribution.objects.filter(task=task)
        .exclude(status=ContributionStatus.WITHDRAWN, submitted_at__isnull=True)
        .select_related("unit", "submitted_by")
        .prefetch_related("files")
        .order_by("unit__name", "pk")
    )
    for c in rows:
        c.is_overdue = bool(
            c.status == ContributionStatus.OWED and c.due_at is not None and c.due_at < now
        )
    return rows


def contribution_list_for_user(*, actor: User, now: dt.datetime | None = None) -> list:
    """ "Việc phối hợp": what my units owe as coordinating units (still owed first, by due
    date), and what they sent, on tasks that are not cancelled."""
    from django.db.models import IntegerField

    from cchc.directives.models import Contribution, ContributionStatus

    now = now or timezone.now()
    units = Unit.objects.filter(scope_filter(actor, Action.DIRECTIVE_UPDATE))
    qs = (
        Contribution.objects.filter(unit__in=units)
        .exclude(status=ContributionStatus.WITHDRAWN)
        .exclude(task__status=TaskStatus.CANCELLED)
        .select_related("unit", "task__document")
        .prefetch_related(Prefetch("task__lead_units", queryset=Unit.objects.order_by("name")))
        .annotate(
            file_count=Count("files"),
            is_overdue=Case(
                When(Q(status=ContributionStatus.OWED, due_at__lt=now), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            owed_first=Case(
                When(status=ContributionStatus.OWED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("owed_first", F("due_at").asc(nulls_last=True), "pk")
    )
    return list(qs)


def owner_choices(*, task: Task) -> list:
    """People who may be put in charge of the task: active officers holding
    DIRECTIVE_UPDATE in one of its lead units today."""
    from cchc.accounts.models import RoleAssignment, User
    from cchc.accounts.permissions import roles_for_action

    lead = list(task.lead_units.all())
    today = timezone.localdate()
    ancestors = {pk for u in lead for pk in [*u.ancestor_ids, u.pk]}
    rows = (
        RoleAssignment.objects.filter(
            role__in=roles_for_action(Action.DIRECTIVE_UPDATE),
            unit_id__in=ancestors,
            user__is_active=True,
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("unit")
    )
    ids = {
        a.user_id
        for a in rows
        if a.unit is not None
        and any(
            a.unit.pk == u.pk
            or (a.include_subtree and a.unit.path and u.path.startswith(a.unit.path))
            for u in lead
        )
    }
    return list(User.objects.filter(pk__in=ids).order_by("full_name", "username"))


# --- a unit's record over a year (for the heads' evaluation) -------------------------------


@dataclass(frozen=True)
class UnitDirectiveRecord:
    """A unit's directive record for one year, as `unit_directive_record` returns it.

    Tasks: top-level tasks the unit itself leads (not its subtree) that were assigned
    (confirmed) in `year`, local time. Every such task falls in exactly one of
    done_on_time, done_late, overdue, open, cancelled; they add up to `assigned`.
    A task without a deadline that is done counts as on time.

    - overdue: still open (assigned, in progress or reported) past its deadline at `now`.
    - open: still open and not yet due (or without deadline).
    - average_delay_working_days: mean delay of the tasks done late, in working days of
      office time on the unit's calendar (cchc.calendars), rounded to 0.1; None when no
      task was done late.
    - electronic_records / electronic_share: tasks kept as an electronic work record
      (Nghị định 30/2020/NĐ-CP ch. IV) out of `assigned`; share in [0, 1], None when
      nothing was assigned.
    - contributions_*: the unit as a coordinating unit on tasks assigned in `year`
      (contributions it was released from are left out): sent by the due date, sent
      late, still owed past the due date (missing), still owed and not yet due (pending).
    """

    unit_id: int
    unit_name: str
    year: int
    assigned: int
    done_on_time: int
    done_late: int
    overdue: int
    open: int
    cancelled: int
    average_delay_working_days: Decimal | None
    electronic_records: int
    electronic_share: Decimal | None
    contributions_on_time: int
    contributions_late: int
    contributions_missing: int
    contributions_pending: int

    @property
    def finished(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def on_time_share(self) -> Decimal | None:
        """Done on time out of the tasks that are done or overdue (None when none)."""
        due = self.done_on_time + self.done_late + self.overdue
        return (Decimal(self.done_on_time) / due).quantize(Decimal("0.001")) if due else None


@dataclass
class UnitTaskRow:
    task: Task
    state: str  # "done_on_time", "done_late", "overdue", "open", "cancelled"
    delay_working_days: Decimal | None  # done late: delay; overdue: delay so far


STATE_LABELS = {
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành trễ hạn",
    "overdue": "Quá hạn",
    "open": "Đang thực hiện",
    "cancelled": "Đã hủy",
}


def _year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    import zoneinfo

    from django.conf import settings

    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def unit_directive_tasks(
    *, unit: Unit, year: int, now: dt.datetime | None = None
) -> list[UnitTaskRow]:
    """The tasks behind `unit_directive_record`, each with its state and delay."""
    from cchc.calendars.selectors import calendar_for_unit

    now = now or timezone.now()
    start, end = _year_range(year)
    tasks = list(
        Task.objects.filter(
            lead_units=unit, parent__isnull=True, created_at__gte=start, created_at__lt=end
        )
        .select_related("document", "owner", "work_record")
        .order_by("created_at", "pk")
    )
    cal = calendar_for_unit(unit=unit)
    rows = []
    for t in tasks:
        delay = None
        if t.status == TaskStatus.CANCELLED:
            state = "cancelled"
        elif t.status == TaskStatus.DONE:
            late = t.deadline is not None and t.done_at is not None and t.done_at > t.deadline
            state = "done_late" if late else "done_on_time"
            if late:
                assert t.deadline is not None and t.done_at is not None  # noqa: S101 - type narrowing for mypy; no check relies on it
                delay = cal.working_days_between(t.deadline, t.done_at)
        elif t.deadline is not None and t.deadline < now:
            state = "overdue"
            delay = cal.working_days_between(t.deadline, now)
        else:
            state = "open"
        rows.append(
            UnitTaskRow(
                task=t,
                state=state,
                delay_working_days=delay.quantize(Decimal("0.1")) if delay is not None else None,
            )
        )
    return rows


def unit_directive_record(
    *, unit: Unit, year: int, now: dt.datetime | None = None
) -> UnitDirectiveRecord:
    """A unit's directive record over `year` (see UnitDirectiveRecord for each figure).

    For the head-of-unit evaluation (cchc.assessments.heads) and the unit's yearly
    view; no permission check here: the caller decides who may see it. Four queries
    (tasks, the unit's calendar, contributions) whatever the number of tasks."""
    from cchc.directives.models import Contribution, ContributionStatus

    now = now or timezone.now()
    rows = unit_directive_tasks(unit=unit, year=year, now=now)
    count = {state: 0 for state in STATE_LABELS}
    late_delays: list[Decimal] = []
    electronic = 0
    for row in rows:
        count[row.state] += 1
        if row.state == "done_late" and row.delay_working_days is not None:
            late_delays.append(row.delay_working_days)
        record = getattr(row.task, "work_record", None)
        electronic += int(bool(record and record.is_electronic))
    start, end = _year_range(year)
    contributions = Contribution.objects.filter(
        unit=unit, task__created_at__gte=start, task__created_at__lt=end
    ).exclude(status=ContributionStatus.WITHDRAWN, submitted_at__isnull=True)
    c = contributions.aggregate(
        on_time=Count(
            "pk",
            filter=Q(submitted_at__isnull=False)
            & (Q(due_at__isnull=True) | Q(submitted_at__lte=F("due_at"))),
        ),
        late=Count("pk", filter=Q(submitted_at__isnull=False, submitted_at__gt=F("due_at"))),
        missing=Count("pk", filter=Q(status=ContributionStatus.OWED, due_at__lt=now)),
        pending=Count(
            "pk",
            filter=Q(status=ContributionStatus.OWED)
            & (Q(due_at__isnull=True) | Q(due_at__gte=now)),
        ),
    )
    assigned = len(rows)
    average = (
        (sum(late_delays, Decimal(0)) / len(late_delays)).quantize(Decimal("0.1"))
        if late_delays
        else None
    )
    return UnitDirectiveRecord(
        unit_id=unit.pk,
        unit_name=unit.name,
        year=year,
        assigned=assigned,
        done_on_time=count["done_on_time"],
        done_late=count["done_late"],
        overdue=count["overdue"],
        open=count["open"],
        cancelled=count["cancelled"],
        average_delay_working_days=average,
        electronic_records=electronic,
        electronic_share=(
            (Decimal(electronic) / assigned).quantize(Decimal("0.001")) if assigned else None
        ),
        contributions_on_time=c["on_time"],
        contributions_late=c["late"],
        contributions_missing=c["missing"],
        contributions_pending=c["pending"],
    )


def unit_record_visible(*, actor: User, unit: Unit) -> bool:
    """The unit itself, and whoever manages directives above it, may see its record."""
    from cchc.accounts.permissions import has_permission

    return has_permission(actor, Action.DIRECTIVE_MANAGE, unit) or has_permission(
        actor, Action.DIRECTIVE_UPDATE, unit
    )


def task_visible(*, actor: User, task: Task, access: TaskAccess | None = None) -> bool:
    """Who may open a task: the issuing side, officers of its lead or coordinating units
    (or of a unit above them), and units that were once asked to coordinate it."""
    from cchc.accounts.permissions import has_permission

    access = access or task_access(actor=actor, task=task)
    if access.can_manage or access.lead_unit is not None or access.contributions:
        return True
    units = [*task.lead_units.all(), *task.coordinating_units.all()]
    return (
        any(
            has_permission(actor, Action.DIRECTIVE_UPDATE, u)
            or has_permission(actor, Action.DIRECTIVE_MANAGE, u)
            for u in units
        )
        or task.contributions.filter(
            unit__in=Unit.objects.filter(scope_filter(actor, Action.DIRECTIVE_UPDATE))
        ).exists()
    )
