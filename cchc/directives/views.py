"""Screens: import, review side by side, my unit's tasks, a notice's board, the overview."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
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
    return render(request, "directives/task.html", {"task": task, "error": error})


@login_required
def records_view(request: HttpRequest) -> HttpResponse:
    """My units' lists of work records for a year (danh mục hồ sơ) and the electronic share."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    blocks = selectors.work_record_lists_for_user(actor=request.user, year=year)  # type: ignore[arg-type]
    return render(request, "directives/records.html", {"blocks": blocks, "year": year})
