"""Report screens: request a report, watch its progress, download; received reports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cchc.reports import selectors, services
from cchc.reports.models import JobStatus, ReportFormat, ScheduleKind


def _default_period() -> str:
    today = timezone.localdate()
    q = (today.month - 1) // 3
    return f"{today.year - 1}-Q4" if q == 0 else f"{today.year}-Q{q}"


@login_required
def index(request: HttpRequest) -> HttpResponse:
    units = selectors.report_units_for_user(user=request.user)
    if not units:
        raise PermissionDenied("Bạn không có quyền lập báo cáo của đơn vị nào.")
    errors: list[str] = []
    values = {"unit": units[0].code, "period": _default_period(), "format": "docx"}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        unit = next((u for u in units if u.code == values["unit"]), None)
        if unit is None:
            raise PermissionDenied("Bạn không có quyền lập báo cáo của đơn vị này.")
        try:
            job = services.report_job_create(
                actor=request.user, unit=unit, period=values["period"], format=values["format"]
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect("reports:job", pk=job.pk)
    return render(
        request,
        "reports/index.html",
        {
            "units": units,
            "values": values,
            "errors": errors,
            "formats": ReportFormat.choices,
            "jobs": selectors.report_jobs_for_user(user=request.user),
            "received": selectors.received_reports(user=request.user),
            "kinds": ScheduleKind.choices,
            "schedules": selectors.report_schedules_for_user(user=request.user),
        },
        status=400 if errors else 200,
    )


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    j = selectors.report_job_get_for_user(user=request.user, pk=pk)
    template = "reports/job.html#status" if request.htmx else "reports/job.html"
    return render(
        request, template, {"job": j, "running": j.status in (JobStatus.QUEUED, JobStatus.RUNNING)}
    )


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    j = selectors.report_job_get_for_user(user=request.user, pk=pk)
    if j.status != JobStatus.DONE or not j.file:
        return redirect("reports:job", pk=j.pk)
    for d in j.deliveries.filter(user=request.user, read_at__isnull=True):
        services.report_delivery_mark_read(actor=request.user, delivery=d)
    name = f"bao-cao-cchc-{j.unit.code}-{j.period}.{j.format}"
    return FileResponse(j.file.open("rb"), as_attachment=True, filename=name)


@login_required
def schedule_create(request: HttpRequest) -> HttpResponse:
    """Subscribe to a periodic report: the user receives it in the app, plus any e-mails."""
    if request.method != "POST":
        return redirect("reports:index")
    units = selectors.report_units_for_user(user=request.user)
    unit = next((u for u in units if u.code == request.POST.get("unit", "").strip()), None)
    if unit is None:
        raise PermissionDenied("Bạn không có quyền nhận báo cáo của đơn vị này.")
    emails = [e for e in request.POST.get("emails", "").replace(",", " ").split() if e]
    try:
        services.report_schedule_create(
            actor=request.user,
            unit=unit,
            kind=request.POST.get("kind", ""),
            format=request.POST.get("format", "docx"),
            recipients=[request.user],
            emails=emails,
        )
    except ValidationError as exc:
        return render(request, "reports/error.html", {"errors": exc.messages}, status=400)
    return redirect("reports:index")
