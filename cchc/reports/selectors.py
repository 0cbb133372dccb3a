"""Reads: a user's report jobs and received reports."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from cchc.accounts.models import User
from cchc.accounts.permissions import Action, has_permission, units_in_scope
from cchc.reports.models import ReportDelivery, ReportJob, ReportSchedule
from cchc.units.models import Unit


def report_units_for_user(*, user: User) -> list[Unit]:
    return list(units_in_scope(user, Action.REPORT_VIEW).order_by("depth", "path"))


def report_jobs_for_user(*, user: User, limit: int = 30) -> list[ReportJob]:
    return list(ReportJob.objects.filter(requested_by=user).select_related("unit")[:limit])


def report_job_get_for_user(*, user: User, pk: int) -> ReportJob:
    job = ReportJob.objects.select_related("unit").filter(pk=pk).first()
    if job is None:
        raise Http404
    delivered = job.deliveries.filter(user=user).exists()
    if not delivered and not has_permission(user, Action.REPORT_VIEW, job.unit):
        raise PermissionDenied("Bạn không có quyền xem báo cáo của đơn vị này.")
    return job


def received_reports(*, user: User, limit: int = 50) -> QuerySet[ReportDelivery]:
    return ReportDelivery.objects.filter(user=user).select_related("job", "job__unit")[:limit]


def report_schedules_for_user(*, user: User) -> list[ReportSchedule]:
    """Schedules the user created or receives."""
    from django.db.models import Q

    return list(
        ReportSchedule.objects.filter(Q(created_by=user) | Q(recipients=user))
        .select_related("unit")
        .distinct()
        .order_by("unit__name", "kind")
    )
