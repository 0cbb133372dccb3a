"""A realistic synchronisation state for the demo database (called by `cchc demo`).

The bulk simulation's history is backfilled as already held by the portal
(PORTAL_BULK_HISTORY "synced"). For the last days that is not realistic: here those
dossiers' latest change goes through the real outbox and the local sandbox instead, with
a few refusals (dead letters for the operators' screen) and a few outages (retries
scheduled), so the dead-letter screen, the retry button and DOSSIER_SYNC below 100%
can be shown.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cchc.integrations.models import PortalSyncMessage, PortalSyncStatus
from cchc.integrations.portal import outbox
from cchc.integrations.portal.client import SandboxPortalClient
from cchc.integrations.portal.sandbox import sandbox_set_fault


def portal_demo_state(
    *, recent_days: int = 2, refused: int = 3, outages: int = 5, now: dt.datetime | None = None
) -> dict[str, int]:
    """Re-send the recent backfilled messages through the sandbox. Returns the counts."""
    now = now or timezone.now()
    recent = PortalSyncMessage.objects.filter(
        backfilled=True, event_at__gte=now - dt.timedelta(days=recent_days)
    )
    ids = sorted(set(recent.values_list("dossier_id", flat=True)))
    if not ids:
        return {"sent": 0, "failed": 0, "dead": 0, "pending": 0}
    with transaction.atomic():
        recent.delete()
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            outbox._backfill_ids(chunk, "enqueue")
    counts = {"sent": 0, "failed": 0, "dead": 0, "pending": 0}
    client = SandboxPortalClient()
    sandbox_set_fault(mode="reject", count=refused)
    for i, dossier_id in enumerate(ids):
        if i == refused:
            sandbox_set_fault(mode="error", count=outages)
        for m in outbox.portal_deliver_dossier(dossier_id=dossier_id, client=client):
            counts[m.status] += 1
    sandbox_set_fault(mode="")
    counts["pending"] = PortalSyncMessage.objects.filter(status=PortalSyncStatus.PENDING).count()
    return counts
