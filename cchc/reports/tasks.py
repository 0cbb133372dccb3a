"""Background task (django-tasks): a thin call to the report job service."""

from __future__ import annotations

from django_tasks import task


@task()
def generate_report_task(job_id: int) -> str:
    from cchc.reports.services import report_job_run

    return report_job_run(job_id=job_id).status
