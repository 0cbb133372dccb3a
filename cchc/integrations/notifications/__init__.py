"""Applicant notifications: channels, Vietnamese message templates, the outbox.

`notify_dossier_event` is the one function the dossier domain (or its commit hook)
calls; the implementation lives in `cchc.integrations.services`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from cchc.integrations.models import Notification


def notify_dossier_event(*, dossier_id: int, action: str) -> list[Notification]:
    from cchc.integrations.services import notify_dossier_event as impl

    return impl(dossier_id=dossier_id, action=action)
