"""Screens: import, review side by side, my unit's tasks, a notice's board, the overview."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cchc.directives import selectors, services
from cchc.directives.exports import progress_report_docx, xlsx_bytes
from cchc.directives.models import DirectiveDocument, Task
from cchc.directives.parsing import Recurrence
from cchc.units.models import Unit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECURRENCE_LABELS = {
    Recurrence.WEEKLY: "Hằng tuần",
    Recurrence.MONTHLY: "Hằng tháng",
    Recurrence.QUARTERLY: "Hằng quý",
    Recurrence.SEMIANNUAL: "6 tháng",
    Recurrence.ANNUAL: "Hằng năm",
}


def _xlsx(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _codes(units) -> str:
    return ", ".join(u.code for u in units)


def _names(units) -> str:
    return "; ".join(u.name for u in units)


def _task_rows(tasks: list[Task]) -> list[list[object]]:
    rows: list[list[object]] = []
    for t in tasks:
        rows.append(
            [
                str(t.document),
                t.number,
                t.text,
                _names(t.lead_units.all()),
                _names(t.coordinating_units.all()),
                timezone.localtime(t.deadline).strftime("%d/%m/%Y %H:%M") if t.deadline else "",
                t.get_status_display() + (" (quá hạn)" if getattr(t, "is_overdue", False) else ""),
                t.progress,
            ]
        )
    return rows


TASK_HEADER = [
    "Văn bản",
    "Mục",
    "Nội dung",
    "Chủ trì",
    "Phối hợp",
    "Thời hạn",
    "Trạng thái",
    "Tiến độ (%)",
]


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    issuers = selectors.issuer_choices(actor=request.user)  # type: ignore[arg-type]
    error = ""
    text = ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        issuer = None
        if request.POST.get("issuer"):
            issuer = Unit.objects.filter(pk=request.POST["issuer"]).first()
        try:
            draft = services.directive_import(
                actor=request.user,  # type: ignore[arg-type]
                text=text,
                file=request.FILES.get("file"),
                issuer=issuer,
            )
        except ValidationError as exc:
            error = "; ".join(exc.messages)
        else:
            return redirect("directives:review", pk=draft.pk)
    elif not issuers:
        raise PermissionDenied(_("Bạn không có quyền nhập văn bản chỉ đạo."))
    return render(
        request,
        "directives/import.html",
        {"issuers": issuers, "error": error, "text": text},
    )


def _posted_rows(request: HttpRequest) -> list[dict[str, Any]]:
    rows = []
    count = int(request.POST.get("count", "0") or 0)
    for i in range(min(count, 500)):
        p = f"t{i}-"
        if request.POST.get(p + "delete"):
            continue
        text = request.POST.get(p + "text", "").strip()
        number = request.POST.get(p + "number", "").strip()
        if i == count - 1 and not text and not number:
            continue  # the blank "add a task" row
        rows.append(
            {
                "number": number,
                "text": text,
                "lead_codes": [c for c in request.POST.get(p + "lead", "").split(",") if c.strip()],
                "coordinating_codes": [
                    c for c in request.POST.get(p + "coordinating", "").split(",") if c.strip()
                ],
                "lead_names": request.POST.get(p + "lead_names", "").split(" | ")
                if request.POST.get(p + "lead_names")
                else [],
                "coordinating_names": request.POST.get(p + "coordinating_names", "").split(" | ")
                if request.POST.get(p + "coordinating_names")
                else [],
                "deadline": request.POST.get(p + "deadline") or None,
                "deadline_time": request.POST.get(p + "deadline_time") or None,
                "recurrence": request.POST.getlist(p + "recurrence"),
                "needs_review": False,
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def review_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_get(actor=request.user, pk=pk)  # type: ignore[arg-type]
    if draft.document_id:
        return redirect("directives:board", pk=draft.document_id)
    error = ""
    if request.method == "POST":
        rows = _posted_rows(request)
        try:
            doc = services.directive_confirm(
                actor=request.user,  # type: ignore[arg-type]
                draft=draft,
                corrections=rows,
            )
        except ValidationError as exc:
            error = "; ".join(exc.messages)
        else:
            messages.success(request, _("Đã giao %(n)d nhiệm vụ.") % {"n": doc.tasks.count()})
            return redirect("directives:board", pk=doc.pk)
    else:
        rows = services.draft_tasks(draft)
    for row in rows:
        row["lead_str"] = ", ".join(row.get("lead_codes") or [])
        row["coordinating_str"] = ", ".join(row.get("coordinating_codes") or [])
        row["lead_names_str"] = " | ".join(row.get("lead_names") or [])
        row["coordinating_names_str"] = " | ".join(row.get("coordinating_names") or [])
    blank = {"number": "", "text": "", "recurrence": [], "blank": True}
    on = None
    extraction = draft.extraction
    for key in ("date", "meeting_date"):
        if extraction.get(key):
            import datetime as dt

            on = dt.date.fromisoformat(extraction[key])
            break
    codes = [
        c for row in rows for c in [*row.get("lead_codes", []), *row.get("coordinating_codes", [])]
    ]
    units = selectors.draft_scope_units(issuer=draft.issuer, on=on, codes=codes)
    return render(
        request,
        "directives/review.html",
        {
            "draft": draft,
            "extraction": extraction,
            "rows": [*rows, blank],
            "count": len(rows) + 1,
            "units": units,
            "recurrences": list(RECURRENCE_LABELS.items()),
            "error": error,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_tasks_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.reminders_mark_read(actor=request.user)  # type: ignore[arg-type]
        return redirect("directives:mine")
    tasks = list(selectors.task_list_for_user(actor=request.user))  # type: ignore[arg-type]
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            "nhiem-vu-don-vi.xlsx",
            xlsx_bytes(title="Nhiệm vụ", header=TASK_HEADER, rows=_task_rows(tasks)),
        )
    reminders = selectors.unread_reminders(actor=request.user)  # type: ignore[arg-type]
    return render(request, "directives/my_tasks.html", {"tasks": tasks, "reminders": reminders})


@login_required
def document_list_view(request: HttpRequest) -> HttpResponse:
    documents = selectors.document_list(actor=request.user)  # type: ignore[arg-type]
    return render(request, "directives/documents.html", {"documents": documents})


@login_required
def board_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(DirectiveDocument.objects.select_related("issuer"), pk=pk)
    if not selectors.document_visible(actor=request.user, document=document):  # type: ignore[arg-type]
        raise Http404  # answered as a missing notice: its existence is not disclosed
    tasks = selectors.document_board(document=document)
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            f"van-ban-{document.pk}.xlsx",
            xlsx_bytes(title="Nhiệm vụ", header=TASK_HEADER, rows=_task_rows(tasks)),
        )
    progress = selectors.document_progress(tasks=tasks)
    if request.GET.get("format") == "docx":
        response = HttpResponse(
            progress_report_docx(
                document=document, tasks=tasks, progress=progress, now=timezone.now()
            ),
            content_type=DOCX,
        )
        response["Content-Disposition"] = f'attachment; filename="bao-cao-{document.pk}.docx"'
        return response
    return render(
        request,
        "directives/board.html",
        {
            "document": document,
            "tasks": tasks,
            "progress": progress,
        },
    )


@login_required
def overview_view(request: HttpRequest) -> HttpResponse:
    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() else None
    rows = selectors.chairman_overview(actor=request.user, year=year)  # type: ignore[arg-type]
    header = [
        "Đơn vị",
        "Tổng số",
        "Hoàn thành đúng hạn",
        "Hoàn thành trễ hạn",
        "Quá hạn",
        "Đang thực hiện",
    ]
    if request.GET.get("format") == "xlsx":
        data = [
            [r.unit_name, r.total, r.done_on_time, r.done_late, r.overdue, r.open] for r in rows
        ]
        return _xlsx("tong-hop-don-vi.xlsx", xlsx_bytes(title="Tổng hợp", header=header, rows=data))
    return render(request, "directives/overview.html", {"rows": rows, "year": year})


def _parse_date(raw: str):
    import datetime as dt

    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError("Ngày không hợp lệ.", code="invalid_date") from None


@login_required
@require_http_methods(["GET", "POST"])
def task_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(pk=pk)
    access = selectors.task_access(actor=request.user, task=task)  # type: ignore[arg-type]
    if not selectors.task_visible(actor=request.user, task=task, access=access):  # type: ignore[arg-type]
        raise PermissionDenied(_("Bạn không có quyền xem nhiệm vụ này."))
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "report":
                raw = request.POST.get("progress", "").strip()
                services.task_report(
                    actor=request.user,  # type: ignore[arg-type]
                    task=task,
                    text=request.POST.get("text", ""),
                    progress=int(raw) if raw.isdigit() else None,
                    link=request.POST.get("link", "").strip(),
                    file=request.FILES.get("file"),
                )
            elif action == "subtask":
                codes = [c.strip() for c in request.POST.get("lead", "").split(",") if c.strip()]
                weight = request.POST.get("weight", "1").strip()
                deadline_raw = request.POST.get("deadline", "").strip()
                services.subtask_create(
                    actor=request.user,  # type: ignore[arg-type]
                    parent=task,
                    text=request.POST.get("text", ""),
                    lead_units=list(Unit.objects.filter(code__in=codes)),
                    weight=int(weight) if weight.isdigit() else 0,
                    deadline=_parse_date(deadline_raw),
                )
            elif action == "contribute":
                from cchc.directives.forms import ContributionForm
                from cchc.directives.models import Contribution

                contribution = get_object_or_404(
                    Contribution, pk=request.POST.get("contribution") or 0, task=task
                )
                form = ContributionForm(request.POST, request.FILES)
                if not form.is_valid():
                    raise ValidationError([e for errs in form.errors.values() for e in errs])
                services.contribution_submit(
                    actor=request.user,  # type: ignore[arg-type]
                    contribution=contribution,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["files"],
                )
                messages.success(request, _("Đã gửi phần phối hợp cho đơn vị chủ trì."))
            elif action in ("accept", "send_back"):
                services.task_sign_off(
                    actor=request.user,  # type: ignore[arg-type]
                    task=task,
                    accept=action == "accept",
                    note=request.POST.get("note", ""),
                )
        except (ValidationError, PermissionDenied) as exc:
            error = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        else:
            return redirect("directives:task", pk=task.pk)
    from cchc.directives.forms import ContributionForm
    from cchc.directives.history import event_text

    contributions = selectors.task_contributions(task=task)
    return render(
        request,
        "directives/task.html",
        {
            "task": task,
            "error": error,
            "access": access,
            "contributions": contributions,
            "missing": [c for c in contributions if c.status == "owed"],
            "contribution_form": ContributionForm(),
            "history": [(e, event_text(e.kind, e.data)) for e in selectors.task_history(task=task)],
            "closed": task.status in ("done", "cancelled"),
        },
    )


@login_required
def records_view(request: HttpRequest) -> HttpResponse:
    """My units' lists of work records for a year (danh mục hồ sơ) and the electronic share."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    blocks = selectors.work_record_lists_for_user(actor=request.user, year=year)  # type: ignore[arg-type]
    return render(request, "directives/records.html", {"blocks": blocks, "year": year})


# --- after confirmation: edit, cancel, contributions ------------------------------------


def _error_text(exc: ValidationError | PermissionDenied) -> str:
    return "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _unit_codes(raw: str, *, field: str, number: str) -> list[Unit]:
    codes = [c.strip() for c in (raw or "").replace(";", ",").split(",") if c.strip()]
    return services._units_by_code(codes, field=field, number=number)


def _parse_time(raw: str):
    import datetime as dt

    if not raw:
        return None
    try:
        return dt.time.fromisoformat(raw)
    except ValueError:
        raise ValidationError("Giờ không hợp lệ.", code="invalid_time") from None


def _edit_context(request: HttpRequest, task: Task, **extra: Any) -> dict[str, Any]:
    from cchc.directives.history import event_text

    issuer = task.document.issuer
    units = selectors.draft_scope_units(issuer=issuer, on=timezone.localdate()) if issuer else []
    history = [(e, event_text(e.kind, e.data)) for e in selectors.task_history(task=task)]
    deadline = timezone.localtime(task.deadline) if task.deadline else None
    stated = selectors.deadline_stated_time(task=task)
    return {
        "task": task,
        "units": units,
        "owners": selectors.owner_choices(task=task),
        "history": history,
        "recurrences": list(RECURRENCE_LABELS.items()),
        "lead_str": ", ".join(u.code for u in task.lead_units.all()),
        "coordinating_str": ", ".join(u.code for u in task.coordinating_units.all()),
        "deadline_date": deadline.date().isoformat() if deadline else "",
        # Sent back with the form: a stated hour must survive a change of the lead time.
        "deadline_time": stated.strftime("%H:%M") if stated else "",
        "errors": {},
        "done": "",
        **extra,
    }


EDIT_DONE = {
    "units": "Đã cập nhật đơn vị chủ trì, phối hợp.",
    "deadline": "Đã cập nhật thời hạn.",
    "owner": "Đã cập nhật người phụ trách.",
    "recurrence": "Đã cập nhật kỳ báo cáo.",
    "cancel": "Đã hủy nhiệm vụ.",
}


@login_required
@require_http_methods(["GET", "POST"])
def task_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The issuing side changes a confirmed task: units, deadline, owner, reporting
    periods, or cancels it. With htmx each form swaps only the panel."""
    task = selectors.task_get(pk=pk)
    actor = request.user
    if not services._is_issuer_side(actor, task):  # type: ignore[arg-type]
        raise PermissionDenied(_("Chỉ cơ quan giao nhiệm vụ được thay đổi nhiệm vụ đã giao."))
    errors: dict[str, str] = {}
    done = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        post = request.POST
        note = post.get("note", "")
        try:
            if action == "units":
                services.task_change_units(
                    actor=actor,  # type: ignore[arg-type]
                    task=task,
                    lead_units=_unit_codes(post.get("lead", ""), field="lead", number=task.number),
                    coordinating_units=_unit_codes(
                        post.get("coordinating", ""), field="coordinating", number=task.number
                    ),
                    note=note,
                )
            elif action == "deadline":
                days = post.get("contribution_days", "").strip()
                services.task_change_deadline(
                    actor=actor,  # type: ignore[arg-type]
                    task=task,
                    deadline=_parse_date(post.get("deadline", "").strip()),
                    at=_parse_time(post.get("time", "").strip()),
                    contribution_days=int(days) if days.lstrip("-").isdigit() else None,
                    note=note,
                )
            elif action == "owner":
                from cchc.accounts.models import User

                raw = post.get("owner", "").strip()
                owner = User.objects.filter(pk=raw).first() if raw.isdigit() else None
                if raw and owner is None:
                    raise ValidationError("Không tìm thấy người được chọn.", code="unknown")
                services.task_assign_owner(actor=actor, task=task, owner=owner)  # type: ignore[arg-type]
            elif action == "recurrence":
                services.task_change_recurrence(
                    actor=actor,  # type: ignore[arg-type]
                    task=task,
                    recurrence=post.getlist("recurrence"),
                    note=note,
                )
            elif action == "cancel":
                services.task_cancel(actor=actor, task=task, reason=post.get("reason", ""))  # type: ignore[arg-type]
            else:
                raise ValidationError("Thao tác không hợp lệ.", code="action")
        except (ValidationError, PermissionDenied) as exc:
            errors[action] = _error_text(exc)
            status = 400 if not request.htmx else 200  # type: ignore[attr-defined]
        else:
            done = EDIT_DONE.get(action, "")
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, done)
                target = "directives:task" if action == "cancel" else "directives:task_edit"
                return redirect(target, pk=task.pk)
            task = selectors.task_get(pk=pk)
    context = _edit_context(request, task, errors=errors, done=done)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "directives/task_edit.html#panel", context)
    return render(request, "directives/task_edit.html", context, status=status)


CONTRIBUTION_HEADER = [
    "Văn bản",
    "Mục",
    "Nhiệm vụ",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Hạn gửi",
    "Trạng thái",
    "Ngày gửi",
    "Số tệp",
]


@login_required
def coordination_view(request: HttpRequest) -> HttpResponse:
    """ "Việc phối hợp": what my units owe other units' tasks, and what they sent."""
    rows = selectors.contribution_list_for_user(actor=request.user)  # type: ignore[arg-type]
    if request.GET.get("format") == "xlsx":

        def when(value) -> str:
            return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""

        data = [
            [
                str(c.task.document),
                c.task.number,
                c.task.text,
                _names(c.task.lead_units.all()),
                c.unit.name,
                when(c.due_at),
                c.get_status_display() + (" (quá hạn)" if c.is_overdue else ""),
                when(c.submitted_at),
                c.file_count,
            ]
            for c in rows
        ]
        return _xlsx(
            "viec-phoi-hop.xlsx",
            xlsx_bytes(title="Việc phối hợp", header=CONTRIBUTION_HEADER, rows=data),
        )
    return render(request, "directives/coordination.html", {"rows": rows})


@login_required
def contribution_file_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence file, for the task's issuer, lead and coordinating units only."""
    from django.http import FileResponse

    from cchc.directives.models import ContributionFile

    item = get_object_or_404(
        ContributionFile.objects.select_related("contribution__task__document"), pk=pk
    )
    task = item.contribution.task
    access = selectors.task_access(actor=request.user, task=task)  # type: ignore[arg-type]
    coordinating = any(
        c.pk == item.contribution_id for c in access.contributions
    ) or selectors.unit_record_visible(actor=request.user, unit=item.contribution.unit)  # type: ignore[arg-type]
    if not (access.can_manage or access.lead_unit or coordinating):
        raise PermissionDenied(_("Bạn không có quyền xem tệp này."))
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )


UNIT_RECORD_HEADER = [
    "Văn bản",
    "Mục",
    "Nội dung",
    "Thời hạn",
    "Hoàn thành",
    "Kết quả",
    "Chậm (ngày làm việc)",
    "Hồ sơ điện tử",
]


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def unit_record_view(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """A unit's record over a year: tasks it led, on time, late, overdue, cancelled, the
    average delay and the share kept as electronic work records."""
    unit = get_object_or_404(Unit, pk=unit_pk)
    if not selectors.unit_record_visible(actor=request.user, unit=unit):  # type: ignore[arg-type]
        raise PermissionDenied(_("Bạn không có quyền xem kết quả của đơn vị này."))
    year = _year(request)
    now = timezone.now()
    record = selectors.unit_directive_record(unit=unit, year=year, now=now)
    rows = selectors.unit_directive_tasks(unit=unit, year=year, now=now)
    labels = selectors.STATE_LABELS
    if request.GET.get("format") == "xlsx":
        data: list[list[object]] = [
            [
                str(r.task.document),
                r.task.number,
                r.task.text,
                timezone.localtime(r.task.deadline).strftime("%d/%m/%Y %H:%M")
                if r.task.deadline
                else "",
                timezone.localtime(r.task.done_at).strftime("%d/%m/%Y %H:%M")
                if r.task.done_at
                else "",
                labels[r.state],
                float(r.delay_working_days) if r.delay_working_days is not None else None,
                "Có"
                if getattr(r.task, "work_record", None) and r.task.work_record.is_electronic
                else "Không",
            ]
            for r in rows
        ]
        summary = [
            [f"Tổng hợp năm {year}: {unit.name}"],
            ["Nhiệm vụ được giao", record.assigned],
            ["Hoàn thành đúng hạn", record.done_on_time],
            ["Hoàn thành trễ hạn", record.done_late],
            ["Quá hạn", record.overdue],
            ["Đang thực hiện", record.open],
            ["Đã hủy", record.cancelled],
            [
                "Chậm bình quân (ngày làm việc)",
                float(record.average_delay_working_days)
                if record.average_delay_working_days is not None
                else None,
            ],
            ["Hồ sơ công việc điện tử", record.electronic_records],
            [],
        ]
        return _xlsx(
            f"ket-qua-{unit.code}-{year}.xlsx",
            _unit_record_book(summary=summary, rows=data),
        )
    return render(
        request,
        "directives/unit_record.html",
        {"unit": unit, "year": year, "record": record, "rows": rows, "labels": labels},
    )


def _unit_record_book(*, summary: list[list[object]], rows: list[list[object]]) -> bytes:
    """Two sheets: the year's figures, then the tasks."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = book.active
    assert first is not None  # noqa: S101 - type narrowing for mypy; no check relies on it
    first.title = "Tổng hợp"
    for line in summary:
        first.append(line)
    first["A1"].font = Font(bold=True)
    sheet = book.create_sheet("Nhiệm vụ")
    sheet.append(UNIT_RECORD_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
