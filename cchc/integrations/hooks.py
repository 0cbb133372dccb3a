"""Subscriptions to the dossier domain's after-commit hook (`ON_COMMIT_HOOKS`)."""

from __future__ import annotations

import logging

from cchc.integrations import conf
from cchc.integrations.notifications.messages import TEMPLATES

logger = logging.getLogger(__name__)


def on_dossier_committed(dossier_id: int, action: str) -> None:
    """Called after a dossier write commits: queue the applicant's messages in the
    background. A failure here is logged, never raised into the officer's request."""
    if action not in TEMPLATES or not conf.get("NOTIFICATIONS_ENABLED"):
        return
    try:
        from cchc.integrations.tasks import notify_dossier_event_task

        notify_dossier_event_task.enqueue(dossier_id=dossier_id, action=action)
    except Exception:
        logger.exception("could not queue notifications for dossier %s (%s)", dossier_id, action)
