"""Background tasks (django-tasks): a thin call to the reminder service."""

from __future__ import annotations

from django_tasks import task


@task()
def send_directive_reminders_task() -> int:
    from cchc.directives.services import reminders_send

    return reminders_send()
