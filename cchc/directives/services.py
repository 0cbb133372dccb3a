"""Writes of the directives app: import -> review -> confirm, report, sign off."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from cchc.accounts.permissions import Action, has_permission, require, require_any
from cchc.calendars.selectors import calendar_for_unit, calendars_for_units
from cchc.directives.matching import match_notice
from cchc.directives.models import (
    OPEN_STATUSES,
    Contribution,
    ContributionFile,
    ContributionStatus,
    DirectiveDocument,
    DirectiveDraft,
    DraftStatus,
    ReportKind,
    Task,
    TaskEvent,
    TaskReminder,
    TaskReport,
    TaskStatus,
    WorkRecord,
)
from cchc.directives.parsing import Recurrence, parse_notice
from cchc.directives.reading import text_from_bytes
from cchc.units.models import Unit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cchc.accounts.models import User
    from cchc.core.uploads import CheckedUpload

MAX_TEXT = 200_000


def _require_manage(actor: User, issuer: Unit | None) -> None:
    if issuer is not None:
        require(actor, Action.DIRECTIVE_MANAGE, issuer)
    else:
        require_any(actor, Action.DIRECTIVE_MANAGE)


def deadline_at(
    day: dt.date, *, at: dt.time | None = None, unit: Unit | None = None
) -> dt.datetime:
    """A stated deadline day -> the instant it falls due on the unit's working calendar.

    "Trước ngày 30/6/2024" on a Sunday falls due at the close of the last working day
    before it (Friday 28/6): work is reported during office hours. An explicit time of
    day ("trước 12 giờ ngày 26/5/2021") is kept as stated.
    """
    cal = calendar_for_unit(unit=unit)
    if at is not None:
        return dt.datetime.combine(day, at, tzinfo=cal.tz)
    return cal.closing(cal.working_day_on_or_before(day))


@transaction.atomic
def directive_import(
    *,
    actor: User,
    text: str = "",
    file: UploadedFile | None = None,
    issuer: Unit | None = None,
) -> DirectiveDraft:
    """Read a document (pasted text or a .txt/.docx/.pdf file) and store its extraction as a
    draft to review. No task exists until `directive_confirm`."""
    _require_manage(actor, issuer)
    if file is not None:
        data = file.read()
        text = text_from_bytes(data, filename=file.name or "")
        file.seek(0)
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": ValidationError("Vui lòng dán nội dung hoặc chọn tệp văn bản.", code="empty")}
        )
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": ValidationError("Văn bản quá dài (tối đa 200.000 ký tự).", code="too_long")}
        )
    notice = parse_notice(text)
    extraction = notice.as_dict()
    matched = match_notice(notice=notice, issuer=issuer)
    for row, match in zip(extraction["tasks"], matched, strict=True):  # type: ignore[call-overload]
        row.update(match)
    extraction["meeting_date"] = notice.meeting_date.isoformat() if notice.meeting_date else None
    draft = DirectiveDraft(created_by=actor, issuer=issuer, text=text, extraction=extraction)
    if file is not None:
        draft.file = file
    draft.save()
    return draft


def _units_by_code(codes: list[str], *, field: str, number: str) -> list[Unit]:
    codes = [c.strip() for c in codes if c and c.strip()]
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in units]
    if missing:
        raise ValidationError(
            {
                field: ValidationError(
                    "Nhiệm vụ mục %(number)s: không có đơn vị mã %(codes)s.",
                    code="unknown_unit",
                    params={"number": number, "codes": ", ".join(missing)},
                )
            }
        )
    return [units[c] for c in dict.fromkeys(codes)]


def _flat_codes(value: Any) -> list[str]:
    """[['A'], None, ['B', 'C']] (per name, from matching) or ['A', 'B'] -> ['A', 'B', 'C']."""
    out: list[str] = []
    for item in value or []:
        if item is None:
            continue
        if isinstance(item, list | tuple):
            out.extend(str(c) for c in item)
        else:
            out.append(str(item))
    return out


def draft_tasks(draft: DirectiveDraft) -> list[dict[str, Any]]:
    """The draft's tasks in the shape `directive_confirm` takes as corrections."""
    rows = []
    for t in draft.extraction.get("tasks", []):
        rows.append(
            {
                "number": t["number"],
                "text": t["text"],
                "lead_names": t.get("lead", []),
                "coordinating_names": t.get("coordinating", []),
                "lead_codes": _flat_codes(t.get("lead_codes")),
                "coordinating_codes": _flat_codes(t.get("coordinating_codes")),
                "deadline": t.get("deadline"),
                "deadline_time": t.get("deadline_time"),
                "recurrence": t.get("recurrence", []),
                "needs_review": t.get("needs_review", True),
            }
        )
    return rows


def _as_date(value: Any, number: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            {
                "deadline": ValidationError(
                    "Nhiệm vụ mục %(number)s: thời hạn không hợp lệ.",
                    code="invalid_deadline",
                    params={"number": number},
                )
            }
        ) from None


@transaction.atomic
def directive_confirm(
    *,
    actor: User,
    draft: DirectiveDraft,
    corrections: list[dict[str, Any]] | None = None,
    document: dict[str, Any] | None = None,
) -> DirectiveDocument:
    """Create the document and its tasks from the reviewed draft.

    `corrections` is the full list of tasks as the reviewer left them (edited, added,
    removed); None confirms the extraction as it is. Every task needs a lead unit.
    """
    draft = DirectiveDraft.objects.select_for_update().get(pk=draft.pk)
    _require_manage(actor, draft.issuer)
    if draft.status != DraftStatus.DRAFT:
        raise ValidationError("Bản trích xuất này đã được xử lý.", code="not_draft")
    rows = draft_tasks(draft) if corrections is None else corrections
    if not rows:
        raise ValidationError("Văn bản chưa có nhiệm vụ nào để giao.", code="no_tasks")
    prepared = []
    for row in rows:
        number = str(row.get("number") or "").strip() or "?"
        text = str(row.get("text") or "").strip()
        if not text:
            raise ValidationError(
                {
                    "text": ValidationError(
                        "Nhiệm vụ mục %(number)s chưa có nội dung.",
                        code="empty_text",
                        params={"number": number},
                    )
                }
            )
        lead = _units_by_code(_flat_codes(row.get("lead_codes")), field="lead", number=number)
        if not lead:
            raise ValidationError(
                {
                    "lead": ValidationError(
                        "Nhiệm vụ mục %(number)s chưa có đơn vị chủ trì.",
                        code="no_lead",
                        params={"number": number},
                    )
                }
            )
        coord = _units_by_code(
            _flat_codes(row.get("coordinating_codes")), field="coordinating", number=number
        )
        recurrence = [r for r in row.get("recurrence") or [] if r in Recurrence.ORDER]
        day = _as_date(row.get("deadline"), number)
        at = row.get("deadline_time")
        at_time = dt.time.fromisoformat(at) if isinstance(at, str) and at else None
        prepared.append((number, text, lead, coord, recurrence, day, at_time, row))
    meta = {**draft.extraction, **(document or {})}
    issued = _as_date(meta.get("date"), "") if meta.get("date") else None
    doc = DirectiveDocument.objects.create(
        kind=str(meta.get("kind") or "")[:64],
        number=str(meta.get("number") or "")[:64],
        date=issued,
        issuer=draft.issuer,
        issuer_name=str(meta.get("issuer") or "")[:255],
        title=str(meta.get("title") or ""),
        signer=str(meta.get("signer") or "")[:150],
        signer_title=str(meta.get("signer_title") or "")[:255],
        text=draft.text,
        file=draft.file.name if draft.file else "",
        created_by=actor,
    )
    for position, (number, text, lead, coord, recurrence, day, at_time, row) in enumerate(prepared):
        task = Task.objects.create(
            document=doc,
            number=number,
            position=position,
            text=text,
            lead_names=list(row.get("lead_names") or []),
            coordinating_names=list(row.get("coordinating_names") or []),
            deadline=deadline_at(day, at=at_time, unit=lead[0]) if day else None,
            recurrence=recurrence,
        )
        task.lead_units.set(lead)
        task.coordinating_units.set(coord)
        TaskEvent.objects.create(
            task=task, actor=actor, kind="assigned", data={"lead": [u.code for u in lead]}
        )
        work_record_open(task=task, unit=lead[0])
        _contributions_sync(task, lead=lead, coordinating=coord)
    draft.status = DraftStatus.CONFIRMED
    draft.document = doc
    draft.save(update_fields=["status", "document"])
    return doc


def _rollup(task: Task) -> None:
    """A parent's progress is its sub-tasks' progress weighted by their weights."""
    parent = task.parent
    while parent is not None:
        subs = list(parent.subtasks.exclude(status=TaskStatus.CANCELLED))
        total = sum(s.weight for s in subs)
        if total:
            parent.progress = round(sum(s.progress * s.weight for s in subs) / total)
            parent.save(update_fields=["progress"])
        parent = parent.parent


def _in_units(actor: User, action: Action, units: list[Unit]) -> Unit | None:
    for unit in units:
        if has_permission(actor, action, unit):
            return unit
    return None


@transaction.atomic
def task_report(
    *,
    actor: User,
    task: Task,
    text: str,
    progress: int | None = None,
    link: str = "",
    file: UploadedFile | None = None,
) -> TaskReport:
    """The lead unit reports progress (100% sends it to the issuer for sign-off); a
    coordinating unit reports its contribution without moving the task's progress."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    lead_unit = _in_units(actor, Action.DIRECTIVE_UPDATE, list(task.lead_units.all()))
    unit = lead_unit or _in_units(
        actor, Action.DIRECTIVE_UPDATE, list(task.coordinating_units.all())
    )
    if unit is None:
        raise PermissionDenied("Bạn không thuộc đơn vị chủ trì hoặc phối hợp nhiệm vụ này.")
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise ValidationError("Nhiệm vụ đã kết thúc, không thể báo cáo thêm.", code="closed")
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": ValidationError("Vui lòng nhập nội dung báo cáo.", code="required")}
        )
    if progress is not None and not 0 <= progress <= 100:
        raise ValidationError(
            {"progress": ValidationError("Tiến độ phải từ 0 đến 100%.", code="range")}
        )
    kind = ReportKind.PROGRESS if lead_unit is not None else ReportKind.CONTRIBUTION
    report = TaskReport(
        task=task,
        kind=kind,
        author=actor,
        unit=unit,
        progress=progress if kind == ReportKind.PROGRESS else None,
        text=text,
        link=link,
    )
    if file is not None:
        report.file = file
    report.full_clean(exclude=["task", "author", "unit", "file"])
    report.save()
    if kind == ReportKind.PROGRESS and progress is not None:
        task.progress = progress
        task.status = TaskStatus.REPORTED if progress == 100 else TaskStatus.IN_PROGRESS
        task.save(update_fields=["progress", "status"])
        _rollup(task)
    if kind == ReportKind.CONTRIBUTION:
        # A coordinating unit reporting this way has sent its part: what it owed is met.
        Contribution.objects.filter(task=task, unit=unit, status=ContributionStatus.OWED).update(
            status=ContributionStatus.SUBMITTED,
            text=text,
            submitted_by=actor,
            submitted_at=report.created_at,
            updated_at=timezone.now(),
        )
    TaskEvent.objects.create(
        task=task, actor=actor, kind=kind, data={"progress": progress, "unit": unit.code}
    )
    return report


@transaction.atomic
def task_sign_off(*, actor: User, task: Task, accept: bool, note: str = "") -> Task:
    """The issuing leader accepts a reported task as done, or sends it back."""
    task = Task.objects.select_for_update().select_related("document").get(pk=task.pk)
    _require_manage(actor, task.document.issuer)
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise ValidationError("Nhiệm vụ đã kết thúc.", code="closed")
    if not accept and not note.strip():
        raise ValidationError(
            {"note": ValidationError("Vui lòng ghi rõ lý do trả lại.", code="required")}
        )
    if accept:
        task.status = TaskStatus.DONE
        task.progress = 100
        task.done_at = timezone.now()
        WorkRecord.objects.filter(task=task, closed_at__isnull=True).update(closed_at=task.done_at)
    else:
        task.status = TaskStatus.IN_PROGRESS
        task.progress = min(task.progress, 90)
    task.save(update_fields=["status", "progress", "done_at"])
    TaskReport.objects.create(
        task=task,
        kind=ReportKind.SIGN_OFF if accept else ReportKind.SEND_BACK,
        author=actor,
        text=note.strip(),
        progress=task.progress,
    )
    TaskEvent.objects.create(
        task=task, actor=actor, kind="done" if accept else "sent_back", data={"note": note}
    )
    _rollup(task)
    return task


@transaction.atomic
def subtask_create(
    *,
    actor: User,
    parent: Task,
    text: str,
    lead_units: list[Unit],
    weight: int = 1,
    deadline: dt.date | None = None,
) -> Task:
    """Split a task: the lead unit (or the issuer) adds a weighted sub-task."""
    if not (
        _in_units(actor, Action.DIRECTIVE_UPDATE, list(parent.lead_units.all()))
        or has_permission(actor, Action.DIRECTIVE_MANAGE, parent.document.issuer)
    ):
        raise PermissionDenied("Bạn không có quyền chia nhỏ nhiệm vụ này.")
    if not text.strip() or not lead_units:
        raise ValidationError("Nhiệm vụ con cần nội dung và đơn vị chủ trì.", code="invalid")
    if weight < 1:
        raise ValidationError({"weight": ValidationError("Trọng số phải ≥ 1.", code="range")})
    sub = Task.objects.create(
        document=parent.document,
        number=parent.number,
        position=parent.position,
        text=text.strip(),
        parent=parent,
        weight=weight,
        deadline=deadline_at(deadline, unit=lead_units[0]) if deadline else parent.deadline,
        recurrence=list(parent.recurrence),
    )
    sub.lead_units.set(lead_units)
    TaskEvent.objects.create(task=sub, actor=actor, kind="assigned", data={"parent": parent.pk})
    _rollup(sub)
    return sub


# --- reminders ---------------------------------------------------------------------------


def email_sender(*, user: User, subject: str, body: str) -> None:
    """Default reminder sender: e-mail when the person has an address (settings may name
    another callable in DIRECTIVES_REMINDER_SENDER, e.g. a Zalo channel)."""
    if user.email:
        from django.core.mail import send_mail

        send_mail(subject, body, None, [user.email], fail_silently=True)


def _sender() -> Any:
    from django.conf import settings
    from django.utils.module_loading import import_string

    path = getattr(settings, "DIRECTIVES_REMINDER_SENDER", "")
    return import_string(path) if path else email_sender


def _people_for(units: list[Unit], roles: list[str], on: dt.date) -> list[User]:
    from django.db.models import Q

    from cchc.accounts.models import RoleAssignment

    ids = {pk for u in units for pk in [*u.ancestor_ids, u.pk]}
    rows = (
        RoleAssignment.objects.filter(role__in=roles, unit_id__in=ids, user__is_active=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("unit", "user")
    )
    people: dict[int, User] = {}
    for a in rows:
        assert a.unit is not None  # noqa: S101 - type narrowing for mypy; no check relies on it
        if any(
            a.unit.pk == u.pk or (a.include_subtree and u.path.startswith(a.unit.path))
            for u in units
        ):
            people[a.user.pk] = a.user
    return list(people.values())


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send the reminders due now for every open task; returns how many were sent.

    Before each deadline and each recurring report the lead unit's staff are reminded;
    once overdue, the head of the lead unit is told as well (escalation)."""
    from django.db import IntegrityError

    from cchc.accounts.models import Role
    from cchc.accounts.permissions import roles_for_action
    from cchc.directives.models import OPEN_STATUSES, TaskReminder
    from cchc.directives.reminders import reminders_due

    now = now or timezone.now()
    local = timezone.localtime(now)
    send = _sender()
    sent = 0
    # The lead unit's own staff; the leaders who manage directives are not chased.
    managers = set(roles_for_action(Action.DIRECTIVE_MANAGE))
    staff_roles = [r for r in roles_for_action(Action.DIRECTIVE_UPDATE) if r not in managers]
    tasks = list(
        Task.objects.filter(status__in=OPEN_STATUSES)
        .select_related("document", "owner")
        .prefetch_related("lead_units")
    )
    # One calendar read for all lead units, not one per task.
    calendars = calendars_for_units(units=[u for t in tasks for u in t.lead_units.all()])
    for task in tasks:
        lead = list(task.lead_units.all())
        cal = calendars[lead[0].pk] if lead else calendar_for_unit(unit=None)
        due = reminders_due(
            now=local,
            deadline=timezone.localtime(task.deadline) if task.deadline else None,
            recurrence=list(task.recurrence),
            is_working=cal.is_working_day,
        )
        if not due:
            continue
        staff = _people_for(lead, staff_roles, local.date())
        heads = _people_for(lead, [Role.UNIT_LEADER], local.date())
        for reminder in due:
            recipients = {u.pk: u for u in staff}
            if reminder.escalate:
                recipients |= {u.pk: u for u in heads}
            if task.owner is not None:
                recipients[task.owner.pk] = task.owner
            message = _reminder_text(task, reminder.kind)
            for user in recipients.values():
                try:
                    with transaction.atomic():
                        TaskReminder.objects.create(
                            task=task,
                            recipient=user,
                            key=reminder.key,
                            kind=reminder.kind,
                            message=message,
                        )
                except IntegrityError:
                    continue  # already sent
                send(user=user, subject=message.split("\n", 1)[0], body=message)
                sent += 1
    return sent + contribution_reminders_send(now=now, send=send)


def _reminder_text(task: Task, kind: str) -> str:
    deadline = (
        timezone.localtime(task.deadline).strftime("%H:%M ngày %d/%m/%Y") if task.deadline else ""
    )
    head = {
        "deadline": f"Nhiệm vụ sắp đến hạn ({deadline})",
        "overdue": f"Nhiệm vụ đã quá hạn ({deadline})",
        "report": "Đến kỳ báo cáo định kỳ kết quả thực hiện nhiệm vụ",
    }[kind]
    return f"{head}\n{task.document}, mục {task.number}: {task.text[:300]}"


# --- electronic work records ------------------------------------------------------------


def work_record_open(*, task: Task, unit: Unit, keeper: User | None = None) -> WorkRecord:
    """Open the task's work record in the lead unit's list of records for the year
    (Nghị định 30/2020/NĐ-CP, Chương IV: a record is opened when the work starts).
    Code: year.unit code.sequence, unique in the unit."""
    now = timezone.now()
    year = timezone.localtime(now).year
    last = (
        WorkRecord.objects.select_for_update()
        .filter(unit=unit, year=year)
        .order_by("-pk")
        .values_list("code", flat=True)
        .first()
    )
    seq = int(last.rsplit(".", 1)[1]) + 1 if last else 1
    title = f"Hồ sơ thực hiện nhiệm vụ mục {task.number} — {task.document}"[:500]
    return WorkRecord.objects.create(
        task=task,
        unit=unit,
        year=year,
        code=f"{year}.{unit.code}.{seq:03d}",
        title=title,
        keeper=keeper or task.owner,
        opened_at=now,
    )


@transaction.atomic
def task_assign_owner(*, actor: User, task: Task, owner: User | None) -> Task:
    """The lead unit names the person in charge (who is reminded along with the unit)."""
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("document", "owner")
        .get(pk=task.pk)
    )
    lead = list(task.lead_units.all())
    if _in_units(actor, Action.DIRECTIVE_UPDATE, lead) is None and not _is_issuer_side(actor, task):
        raise PermissionDenied("Chỉ đơn vị chủ trì hoặc cơ quan giao nhiệm vụ được phân công.")
    _require_open(task)
    if owner is not None and (
        not owner.is_active or _in_units(owner, Action.DIRECTIVE_UPDATE, lead) is None
    ):
        raise ValidationError(
            {"owner": ValidationError("Người phụ trách phải thuộc đơn vị chủ trì.", code="unit")}
        )
    previous = task.owner
    if (previous.pk if previous else None) == (owner.pk if owner else None):
        return task
    task.owner = owner
    task.save(update_fields=["owner"])
    WorkRecord.objects.filter(task=task, keeper__isnull=True).update(keeper=owner)
    TaskEvent.objects.create(
        task=task,
        actor=actor,
        kind="owner",
        data={
            "owner": owner.pk if owner else None,
            "owner_name": str(owner) if owner else "",
            "from": str(previous) if previous else "",
        },
    )
    return task


def reminders_mark_read(*, actor: User) -> int:
    from cchc.directives.models import TaskReminder

    return TaskReminder.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


REMEDY_KIND = "Nhiệm vụ khắc phục"


@transaction.atomic
def task_create(
    *,
    actor: User,
    unit: Unit,
    text: str,
    deadline: dt.date | None = None,
    source: str = "",
) -> Task:
    """A standalone task for `unit` (e.g. remedying a weak reform-index criterion), filed
    under one "Nhiệm vụ khắc phục" document per year and issuing unit.

    The issuer is the nearest People's Committee (or territory) at or above `unit` where
    the actor manages directives.
    """
    from cchc.units.models import TERRITORIAL_KINDS, UnitKind

    require(actor, Action.DIRECTIVE_MANAGE, unit)
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": ValidationError("Vui lòng nhập nội dung nhiệm vụ.", code="required")}
        )
    chain = list(Unit.objects.filter(pk__in=unit.ancestor_ids).order_by("-depth"))
    issuing_kinds = {*TERRITORIAL_KINDS, UnitKind.PEOPLES_COMMITTEE}
    issuer = next(
        (
            u
            for u in [unit, *chain]
            if u.kind in issuing_kinds and has_permission(actor, Action.DIRECTIVE_MANAGE, u)
        ),
        unit,
    )
    year = timezone.localdate().year
    document, _ = DirectiveDocument.objects.get_or_create(
        kind=REMEDY_KIND,
        number=f"KP-{year}",
        issuer=issuer,
        defaults={
            "title": f"Khắc phục tồn tại, hạn chế trong công tác cải cách hành chính năm {year}",
            "text": "",
            "created_by": actor,
            "date": timezone.localdate(),
        },
    )
    position = document.tasks.count()
    task = Task.objects.create(
        document=document,
        number=str(position + 1),
        position=position,
        text=text,
        deadline=deadline_at(deadline, unit=unit) if deadline else None,
        source=source[:100],
    )
    task.lead_units.set([unit])
    TaskEvent.objects.create(task=task, actor=actor, kind="assigned", data={"source": source})
    work_record_open(task=task, unit=unit)
    return task


# --- changes after confirmation (the issuing side) ----------------------------------------

CLOSED_STATUSES = (TaskStatus.DONE, TaskStatus.CANCELLED)
MAX_REASON = 2000


def _is_issuer_side(actor: User, task: Task) -> bool:
    """Whether `actor` manages directives for the task's issuer (for a document without
    an issuer: its creator, still holding DIRECTIVE_MANAGE somewhere)."""
    issuer = task.document.issuer
    if issuer is not None:
        return has_permission(actor, Action.DIRECTIVE_MANAGE, issuer)
    from cchc.accounts.permissions import has_any_permission

    return task.document.created_by_id == actor.pk and has_any_permission(
        actor, Action.DIRECTIVE_MANAGE
    )


def _require_issuer_side(actor: User, task: Task) -> None:
    if not _is_issuer_side(actor, task):
        raise PermissionDenied("Chỉ cơ quan giao nhiệm vụ được thay đổi nhiệm vụ đã giao.")


def _require_open(task: Task) -> None:
    if task.status in CLOSED_STATUSES:
        raise ValidationError(
            "Nhiệm vụ đã kết thúc (hoàn thành hoặc đã hủy), không thể thay đổi.", code="closed"
        )


def _locked(task: Task) -> Task:
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("document", "owner")
        .get(pk=task.pk)
    )


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_REASON:
        raise ValidationError(
            {"note": ValidationError("Ghi chú quá dài (tối đa 2.000 ký tự).", code="too_long")}
        )
    return note


def contribution_due(task: Task, *, lead: Unit | None = None) -> dt.datetime | None:
    """When coordinating units owe their part: `task.contribution_days` working days
    before the lead's deadline (on the lead unit's calendar), at the close of that day."""
    if task.deadline is None:
        return None
    if task.contribution_days == 0:
        return task.deadline
    cal = calendar_for_unit(unit=lead)
    day = task.deadline.astimezone(cal.tz).date()
    return cal.closing(cal.subtract_working_days(day, task.contribution_days))


def _contributions_sync(
    task: Task, *, lead: list[Unit] | None = None, coordinating: list[Unit] | None = None
) -> None:
    """One contribution per coordinating unit: new units owe theirs, units taken off the
    task no longer do (what they sent stays on record), and what is owed is re-dated."""
    lead = list(task.lead_units.all()) if lead is None else lead
    coordinating = list(task.coordinating_units.all()) if coordinating is None else coordinating
    due = contribution_due(task, lead=lead[0] if lead else None)
    wanted = {u.pk for u in coordinating}
    existing = {c.unit_id: c for c in Contribution.objects.filter(task=task)}
    for unit in coordinating:
        if unit.pk not in existing:
            Contribution.objects.create(task=task, unit=unit, due_at=due)
    for unit_id, c in existing.items():
        if unit_id not in wanted or task.status == TaskStatus.CANCELLED:
            if c.status == ContributionStatus.OWED:
                c.status = ContributionStatus.WITHDRAWN
                c.save(update_fields=["status", "updated_at"])
        elif c.status == ContributionStatus.WITHDRAWN:
            c.status = ContributionStatus.OWED
            c.due_at = due
            c.save(update_fields=["status", "due_at", "updated_at"])
        elif c.status == ContributionStatus.OWED and c.due_at != due:
            c.due_at = due
            c.save(update_fields=["due_at", "updated_at"])


def _check_units(task: Task, units: list[Unit], *, field: str, keep: set[int]) -> None:
    """New units must be open today and lie within the issuer's territory (units already
    on the task are kept even if they have since closed: the record keeps them)."""
    issuer = task.document.issuer
    root = issuer
    if issuer is not None and issuer.kind == "peoples_committee" and issuer.parent_id:
        root = issuer.parent
    today = timezone.localdate()
    active = set(
        Unit.objects.active_on(today)
        .filter(pk__in=[u.pk for u in units])
        .values_list("pk", flat=True)
    )
    bad = [
        u
        for u in units
        if u.pk not in keep
        and (
            u.pk not in active
            or (root is not None and u.pk != root.pk and not u.path.startswith(root.path))
        )
    ]
    if bad:
        raise ValidationError(
            {
                field: ValidationError(
                    "Đơn vị %(names)s không thuộc phạm vi của cơ quan giao nhiệm vụ "
                    "hoặc đã ngừng hoạt động.",
                    code="out_of_scope",
                    params={"names": "; ".join(u.name for u in bad)},
                )
            }
        )


@transaction.atomic
def task_change_units(
    *,
    actor: User,
    task: Task,
    lead_units: list[Unit],
    coordinating_units: list[Unit],
    note: str = "",
) -> Task:
    """The issuer changes who leads and who coordinates a confirmed task. The work
    record follows the lead unit; an owner outside the new lead units is released."""
    task = _locked(task)
    _require_issuer_side(actor, task)
    _require_open(task)
    note = _note(note)
    lead = list(dict.fromkeys(lead_units))
    coord = list(dict.fromkeys(coordinating_units))
    if not lead:
        raise ValidationError(
            {"lead": ValidationError("Nhiệm vụ cần ít nhất một đơn vị chủ trì.", code="no_lead")}
        )
    both = [u for u in coord if u in lead]
    if both:
        raise ValidationError(
            {
                "coordinating": ValidationError(
                    "Một đơn vị không thể vừa chủ trì vừa phối hợp: %(names)s.",
                    code="both",
                    params={"names": "; ".join(u.name for u in both)},
                )
            }
        )
    old_lead = list(task.lead_units.all())
    old_coord = list(task.coordinating_units.all())
    _check_units(task, lead, field="lead", keep={u.pk for u in old_lead + old_coord})
    _check_units(task, coord, field="coordinating", keep={u.pk for u in old_lead + old_coord})
    if {u.pk for u in lead} == {u.pk for u in old_lead} and {u.pk for u in coord} == {
        u.pk for u in old_coord
    }:
        return task
    task.lead_units.set(lead)
    task.coordinating_units.set(coord)
    data: dict[str, Any] = {
        "lead": {"from": [u.code for u in old_lead], "to": [u.code for u in lead]},
        "coordinating": {"from": [u.code for u in old_coord], "to": [u.code for u in coord]},
        "note": note,
    }
    if task.owner is not None and _in_units(task.owner, Action.DIRECTIVE_UPDATE, lead) is None:
        data["owner_released"] = str(task.owner)
        task.owner = None
        task.save(update_fields=["owner"])
    record = WorkRecord.objects.filter(task=task).select_related("unit").first()
    if record is not None and record.unit_id not in {u.pk for u in lead}:
        # The record moves to the new lead unit's list under a new code.
        old_code = record.code
        record.delete()
        moved = work_record_open(task=task, unit=lead[0])
        moved.opened_at = record.opened_at
        moved.save(update_fields=["opened_at", "keeper"])
        data["work_record"] = {"from": old_code, "to": moved.code}
    _contributions_sync(task, lead=lead, coordinating=coord)
    TaskEvent.objects.create(task=task, actor=actor, kind="units_changed", data=data)
    return task


@transaction.atomic
def task_change_deadline(
    *,
    actor: User,
    task: Task,
    deadline: dt.date | None,
    at: dt.time | None = None,
    contribution_days: int | None = None,
    note: str = "",
) -> Task:
    """The issuer moves (or removes) a task's deadline; reminders about the old deadline
    are withdrawn so the new one's go out, and what coordinating units owe is re-dated."""
    task = _locked(task)
    _require_issuer_side(actor, task)
    _require_open(task)
    note = _note(note)
    if deadline is not None and deadline < timezone.localdate():
        raise ValidationError(
            {
                "deadline": ValidationError(
                    "Thời hạn mới không được trước ngày hôm nay.", code="past"
                )
            }
        )
    if contribution_days is not None and not 0 <= contribution_days <= 30:
        raise ValidationError(
            {
                "contribution_days": ValidationError(
                    "Số ngày đơn vị phối hợp gửi trước hạn phải từ 0 đến 30.", code="range"
                )
            }
        )
    lead = list(task.lead_units.all())
    new = deadline_at(deadline, at=at, unit=lead[0] if lead else None) if deadline else None
    days = task.contribution_days if contribution_days is None else contribution_days
    if new == task.deadline and days == task.contribution_days:
        return task
    old = task.deadline
    task.deadline = new
    task.contribution_days = days
    task.save(update_fields=["deadline", "contribution_days"])
    TaskReminder.objects.filter(
        task=task, kind__in=["deadline", "overdue", "contribution"]
    ).delete()
    _contributions_sync(task, lead=lead)
    TaskEvent.objects.create(
        task=task,
        actor=actor,
        kind="deadline_changed",
        data={
            "from": old.isoformat() if old else None,
            "to": new.isoformat() if new else None,
            "contribution_days": days,
            "note": note,
        },
    )
    return task


@transaction.atomic
def task_change_recurrence(
    *, actor: User, task: Task, recurrence: list[str], note: str = ""
) -> Task:
    """The issuer changes how often the lead unit reports (weekly … yearly, or never)."""
    task = _locked(task)
    _require_issuer_side(actor, task)
    _require_open(task)
    note = _note(note)
    bad = [r for r in recurrence if r not in Recurrence.ORDER]
    if bad:
        raise ValidationError(
            {
                "recurrence": ValidationError(
                    "Kỳ báo cáo không hợp lệ: %(values)s.",
                    code="invalid",
                    params={"values": ", ".join(map(str, bad))},
                )
            }
        )
    new = [r for r in Recurrence.ORDER if r in recurrence]
    if new == list(task.recurrence):
        return task
    old = list(task.recurrence)
    task.recurrence = new
    task.save(update_fields=["recurrence"])
    TaskEvent.objects.create(
        task=task,
        actor=actor,
        kind="recurrence_changed",
        data={"from": old, "to": new, "note": note},
    )
    return task


@transaction.atomic
def task_cancel(*, actor: User, task: Task, reason: str) -> Task:
    """The issuer cancels a task, with a reason (kept in the task's history and record).
    Its open sub-tasks are cancelled with it; what coordinating units still owed is
    withdrawn; the work record is closed."""
    task = _locked(task)
    _require_issuer_side(actor, task)
    _require_open(task)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError(
            {"reason": ValidationError("Vui lòng ghi rõ lý do hủy nhiệm vụ.", code="required")}
        )
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {"reason": ValidationError("Lý do quá dài (tối đa 2.000 ký tự).", code="too_long")}
        )
    now = timezone.now()
    cancelled = [task]
    frontier = [task.pk]
    while frontier:
        subs = list(
            Task.objects.select_for_update().filter(
                parent_id__in=frontier, status__in=OPEN_STATUSES
            )
        )
        cancelled.extend(subs)
        frontier = [s.pk for s in subs]
    for t in cancelled:
        t.status = TaskStatus.CANCELLED
        t.cancelled_at = now
        t.cancel_reason = reason
        t.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        _contributions_sync(t)
        WorkRecord.objects.filter(task=t, closed_at__isnull=True).update(closed_at=now)
        TaskEvent.objects.create(
            task=t,
            actor=actor,
            kind="cancelled",
            data={"reason": reason, "with_parent": t.pk != task.pk},
        )
    _rollup(task)
    return task


# --- coordinating units' contributions ------------------------------------------------------

MAX_CONTRIBUTION_FILES = 10
MAX_CONTRIBUTION_TEXT = 20_000


@transaction.atomic
def contribution_submit(
    *,
    actor: User,
    contribution: Contribution,
    text: str,
    files: Sequence[CheckedUpload] = (),
) -> Contribution:
    """A coordinating unit sends (or adds to) its part of a task to the lead unit.

    The first sending date is the one measured against the due date; later additions
    replace the text and add files."""
    contribution = (
        Contribution.objects.select_for_update()
        .select_related("task", "unit")
        .get(pk=contribution.pk)
    )
    require(actor, Action.DIRECTIVE_UPDATE, contribution.unit)
    task = contribution.task
    if task.status in CLOSED_STATUSES:
        raise ValidationError(
            "Nhiệm vụ đã kết thúc, không thể gửi thêm nội dung phối hợp.", code="closed"
        )
    if contribution.status == ContributionStatus.WITHDRAWN:
        raise ValidationError("Đơn vị không còn được giao phối hợp nhiệm vụ này.", code="withdrawn")
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": ValidationError("Vui lòng nhập nội dung phối hợp.", code="required")}
        )
    if len(text) > MAX_CONTRIBUTION_TEXT:
        raise ValidationError(
            {"text": ValidationError("Nội dung quá dài (tối đa 20.000 ký tự).", code="too_long")}
        )
    existing = contribution.files.count()
    if existing + len(files) > MAX_CONTRIBUTION_FILES:
        raise ValidationError(
            {
                "files": ValidationError(
                    "Tối đa %(n)d tệp minh chứng cho mỗi phần phối hợp.",
                    code="too_many",
                    params={"n": MAX_CONTRIBUTION_FILES},
                )
            }
        )
    now = timezone.now()
    first = contribution.submitted_at is None
    contribution.text = text
    contribution.status = ContributionStatus.SUBMITTED
    contribution.submitted_by = actor
    if first:
        contribution.submitted_at = now
    contribution.save()
    for item in files:
        ContributionFile.objects.create(
            contribution=contribution,
            file=item.content,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            uploaded_by=actor,
        )
    TaskEvent.objects.create(
        task=task,
        actor=actor,
        kind="contribution" if first else "contribution_added",
        data={
            "unit": contribution.unit.code,
            "files": len(files),
            "late": bool(first and contribution.is_late),
        },
    )
    return contribution


def contribution_reminders_send(*, now: dt.datetime, send: Any) -> int:
    """Remind coordinating units of what they owe: before it is due and, once overdue,
    their head and the lead's person in charge as well. Idempotent like the task's."""
    from django.db import IntegrityError

    from cchc.accounts.models import Role
    from cchc.accounts.permissions import roles_for_action
    from cchc.directives.reminders import reminders_due

    local = timezone.localtime(now)
    managers = set(roles_for_action(Action.DIRECTIVE_MANAGE))
    staff_roles = [r for r in roles_for_action(Action.DIRECTIVE_UPDATE) if r not in managers]
    owed = list(
        Contribution.objects.filter(
            status=ContributionStatus.OWED, due_at__isnull=False, task__status__in=OPEN_STATUSES
        )
        .select_related("task__document", "task__owner", "unit")
        .order_by("due_at", "pk")
    )
    calendars = calendars_for_units(units=[c.unit for c in owed])
    sent = 0
    for c in owed:
        cal = calendars[c.unit_id]
        assert c.due_at is not None  # noqa: S101 - type narrowing for mypy; no check relies on it
        due = reminders_due(
            now=local,
            deadline=timezone.localtime(c.due_at),
            recurrence=[],
            is_working=cal.is_working_day,
        )
        if not due:
            continue
        reminder = due[0]
        recipients = {u.pk: u for u in _people_for([c.unit], staff_roles, local.date())}
        if reminder.escalate:
            recipients |= {u.pk: u for u in _people_for([c.unit], [Role.UNIT_LEADER], local.date())}
            if c.task.owner is not None:
                recipients[c.task.owner.pk] = c.task.owner
        when = timezone.localtime(c.due_at).strftime("%H:%M ngày %d/%m/%Y")
        head = (
            f"Phần phối hợp của {c.unit.name} đã quá hạn gửi ({when})"
            if reminder.escalate
            else f"Phần phối hợp của {c.unit.name} sắp đến hạn gửi ({when})"
        )
        message = f"{head}\n{c.task.document}, mục {c.task.number}: {c.task.text[:300]}"
        key = f"contrib-{c.unit_id}-{reminder.key}"
        for user in recipients.values():
            try:
                with transaction.atomic():
                    TaskReminder.objects.create(
                        task=c.task, recipient=user, key=key, kind="contribution", message=message
                    )
            except IntegrityError:
                continue
            send(user=user, subject=head, body=message)
            sent += 1
    return sent
