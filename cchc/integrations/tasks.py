"""Background tasks (django-tasks; the database backend's `db_worker` runs them in
production, the immediate backend in tests). Each task is a thin call to a service."""

from __future__ import annotations

from django_tasks import task


@task()
def notify_dossier_event_task(dossier_id: int, action: str) -> int:
    from cchc.integrations.services import notify_dossier_event

    return len(notify_dossier_event(dossier_id=dossier_id, action=action))


@task()
def deliver_notification_task(notification_id: int) -> str:
    from cchc.integrations.services import notification_deliver

    return notification_deliver(notification_id=notification_id).status


@task()
def sandbox_send_callback_task(reference: str) -> bool:
    from cchc.integrations.payments.sandbox import sandbox_send_callback

    return sandbox_send_callback(reference=reference)


@task()
def portal_deliver_dossier_task(dossier_id: int) -> list[str]:
    from cchc.integrations.portal.outbox import portal_deliver_dossier

    return [m.status for m in portal_deliver_dossier(dossier_id=dossier_id)]
