"""Writes: report jobs (queued, run with progress), schedules and their delivery."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from cchc.accounts.models import User
from cchc.accounts.permissions import Action, require
from cchc.indices.periods import parse_period
from cchc.reports.data import report_data
from cchc.reports.models import (
    JobStatus,
    ReportDelivery,
    ReportFormat,
    ReportJob,
    ReportSchedule,
    ScheduleKind,
)
from cchc.reports.render import CONTENT_TYPES, render
from cchc.units.models import Unit

log = logging.getLogger(__name__)


def _check_format(fmt: str) -> None:
    if fmt not in ReportFormat.values:
        raise ValidationError(
            {"format": ValidationError("Chọn định dạng docx, pdf hoặc xlsx.", code="format")}
        )


@transaction.atomic
def report_job_create(*, actor: User, unit: Unit, period: str, format: str) -> ReportJob:
    """Queue a report of `unit` for `period`; the background task generates it."""
    require(actor, Action.REPORT_VIEW, unit)
    _check_format(format)
    p = parse_period(period)  # ValidationError on a bad period
    job = ReportJob.objects.create(unit=unit, period=p.label, format=format, requested_by=actor)
    from cchc.reports.tasks import generate_report_task

    transaction.on_commit(lambda: generate_report_task.enqueue(job_id=job.pk))
    return job


def _progress(job: ReportJob, progress: int, step: str, **extra) -> None:
    ReportJob.objects.filter(pk=job.pk).update(progress=progress, step=step, **extra)


def report_job_run(*, job_id: int) -> ReportJob:
    """Generate a queued report, recording progress as it goes (called by the task)."""
    job = ReportJob.objects.select_related("unit").get(pk=job_id)
    if job.status == JobStatus.DONE:
        return job
    _progress(job, 10, "Đang tổng hợp số liệu", status=JobStatus.RUNNING)
    try:
        data = report_data(unit=job.unit, period=parse_period(job.period))
        _progress(job, 60, "Đang lập văn bản")
        content = render(data, job.format)
        with transaction.atomic():
            job = ReportJob.objects.select_for_update().get(pk=job.pk)
            name = f"bao-cao-cchc-{job.unit.code}-{job.period}.{job.format}"
            job.file.save(name, ContentFile(content), save=False)
            job.status, job.progress, job.step = JobStatus.DONE, 100, "Hoàn thành"
            job.snapshot_at, job.finished_at = data.snapshot_at, timezone.now()
            job.save()
    except Exception as exc:  # a failed report must be visible on the status page
        log.exception("report job %s failed", job_id)
        _progress(job, 100, "Lỗi", status=JobStatus.FAILED, error=str(exc)[:2000])
        job.refresh_from_db()
    return job


# --- Schedules ---------------------------------------------------------------------------


@transaction.atomic
def report_schedule_create(
    *,
    actor: User,
    unit: Unit,
    kind: str,
    format: str = "docx",
    recipients: list[User] | None = None,
    emails: list[str] | None = None,
) -> ReportSchedule:
    require(actor, Action.REPORT_VIEW, unit)
    _check_format(format)
    if kind not in ScheduleKind.values:
        raise ValidationError(
            {"kind": ValidationError("Chu kỳ báo cáo không hợp lệ.", code="kind")}
        )
    from django.core.validators import validate_email

    for e in emails or []:
        try:
            validate_email(e)
        except ValidationError:
            raise ValidationError(
                {"emails": ValidationError(f"Địa chỉ thư “{e}” không hợp lệ.", code="email")}
            ) from None
    s = ReportSchedule.objects.create(
        unit=unit, kind=kind, format=format, emails="\n".join(emails or []), created_by=actor
    )
    s.recipients.set(recipients or [])
    return s


def closed_period(kind: str, today: dt.date) -> str:
    """The label of the last period of `kind` that ended before `today`."""
    if kind == ScheduleKind.MONTHLY:
        last = today.replace(day=1) - dt.timedelta(days=1)
        return f"{last.year}-{last.month:02d}"
    if kind == ScheduleKind.QUARTERLY:
        q = (today.month - 1) // 3  # the current quarter's index 0..3
        return f"{today.year - 1}-Q4" if q == 0 else f"{today.year}-Q{q}"
    if kind == ScheduleKind.HALF_YEARLY:
        return f"{today.year - 1}-H2" if today.month <= 6 else f"{today.year}-H1"
    return str(today.year - 1)


def report_schedule_run(*, schedule: ReportSchedule, now: dt.datetime | None = None):
    """Generate the schedule's report for the period just closed (once) and deliver it."""
    today = timezone.localtime(now or timezone.now()).date()
    period = closed_period(schedule.kind, today)
    if schedule.last_period == period:
        return None
    job = ReportJob.objects.create(
        unit=schedule.unit, period=period, format=schedule.format, schedule=schedule
    )
    job = report_job_run(job_id=job.pk)
    if job.status != JobStatus.DONE:
        return job
    with transaction.atomic():
        users = list(schedule.recipients.all())
        ReportDelivery.objects.bulk_create([ReportDelivery(job=job, user=u) for u in users])
        ReportSchedule.objects.filter(pk=schedule.pk).update(last_period=period)
    to = sorted({*schedule.email_list, *(u.email for u in users if u.email)})
    if to:
        msg = EmailMessage(
            subject=f"Báo cáo CCHC {schedule.unit.name} kỳ {period}",
            body=(
                f"Kính gửi Quý cơ quan,\n\nHệ thống gửi kèm báo cáo công tác cải cách hành "
                f"chính của {schedule.unit.name}, kỳ {period}.\n"
            ),
            to=to,
        )
        job.file.open("rb")
        try:
            msg.attach(job.file.name.rsplit("/", 1)[-1], job.file.read(), CONTENT_TYPES[job.format])
        finally:
            job.file.close()
        msg.send()
    return job


def reports_run_scheduled(*, now: dt.datetime | None = None) -> list[ReportJob]:
    """Every active schedule whose period has closed (the cron entry point)."""
    jobs = []
    for s in ReportSchedule.objects.filter(active=True).select_related("unit"):
        job = report_schedule_run(schedule=s, now=now)
        if job is not None:
            jobs.append(job)
    return jobs


@transaction.atomic
def report_delivery_mark_read(*, actor: User, delivery: ReportDelivery) -> ReportDelivery:
    if delivery.user_id != actor.pk:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Báo cáo này không gửi cho bạn.")
    if delivery.read_at is None:
        delivery.read_at = timezone.now()
        delivery.save(update_fields=["read_at"])
    return delivery
