"""Writes of the portal synchronisation: the outbox, its delivery, retries and backfill.

- `on_dossier_changed` (a `dossiers.services.IN_TRANSACTION_HOOKS` subscriber) writes one
  `PortalSyncMessage` per new synchronised event in the dossier service's transaction:
  if the service rolls back, so does the message; if it commits, the message is there.
- `portal_deliver_dossier` sends a dossier's due messages strictly in event order: a
  message is never sent while an earlier one of the same dossier is unsent (a dead one
  holds the rest back until an officer retries it).
- A temporary failure (5xx, timeout, no connection) is retried with exponential backoff;
  after PORTAL_MAX_ATTEMPTS, or at once for a content refusal, the message is dead.
- Every request carries the message's idempotency key, so replaying a message whose
  answer was lost changes nothing on the portal.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cchc.accounts.models import User
from cchc.accounts.permissions import DENIED_MESSAGE, Action, has_permission, scope_filter
from cchc.dossiers.models import Dossier, DossierEvent
from cchc.integrations import conf
from cchc.integrations.models import PortalSyncMessage, PortalSyncStatus
from cchc.integrations.portal import dataset
from cchc.integrations.portal.client import (
    PortalClient,
    PortalError,
    PortalRejected,
    get_client,
)

logger = logging.getLogger(__name__)

S = PortalSyncStatus
WAITING = (S.PENDING, S.FAILED)


# --- Writing the outbox -----------------------------------------------------------------


def _snapshot(d: Dossier) -> dataset.DossierSnapshot:
    procedure = d.procedure_version.procedure
    applicant = d.applicant
    unit = d.current_unit or d.handling_unit or d.receiving_unit
    return dataset.DossierSnapshot(
        code=d.code,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        sector_code=procedure.sector.code,
        sector_name=procedure.sector.name,
        applicant_name=applicant.name,
        applicant_kind=applicant.kind,
        applicant_id=applicant.personal_id or applicant.tax_code,
        email=applicant.email,
        phone=applicant.phone,
        received_at=d.received_at,
        due_at=d.apology_due_at or d.due_at,
        status=d.status,
        pause_kind=d.pause_kind,
        handling_unit=unit.name if unit else "",
        returned_at=d.returned_at,
        finished_at=d.finished_at,
        return_method=d.return_method,
        closing_reason=d.closing_reason,
    )


def _event_snapshot(e: DossierEvent, step_due_at: dt.datetime | None) -> dataset.EventSnapshot:
    payload = e.payload or {}
    return dataset.EventSnapshot(
        seq=e.seq,
        action=e.action,
        created_at=e.created_at,
        actor_name=str(e.actor) if e.actor_id else "",
        unit_name=e.unit.name if e.unit is not None else "",
        reason=str(payload.get("reason") or "")[:1000],
        step_due_at=step_due_at,
    )


def _agency_code(d: Dossier) -> str:
    return str(conf.get("PORTAL_AGENCY_CODE") or d.receiving_unit.agency_code or "")


_DOSSIER_RELATED = (
    "procedure_version__procedure__sector",
    "applicant",
    "receiving_unit",
    "current_unit",
    "handling_unit",
)


def portal_enqueue(*, dossier_id: int) -> list[PortalSyncMessage]:
    """Queue a message for each synchronised event of the dossier not queued yet.

    Runs inside the caller's transaction (the dossier is locked by the service). The
    dossier record in each message is the dossier as it stands now; the progress entry is
    the event's own. Returns the new messages."""
    # One read: the events after the last queued one, each flagged with whether the
    # dossier has any message yet (the portal is told "isUpdating" from the second on).
    queued = PortalSyncMessage.objects.filter(dossier_id=dossier_id)
    last_seq = Subquery(queued.order_by("-event_seq").values("event_seq")[:1])
    events = list(
        DossierEvent.objects.filter(dossier_id=dossier_id, action__in=dataset.SYNCED_ACTIONS)
        .filter(seq__gt=Coalesce(last_seq, 0))
        .annotate(dossier_known=Exists(queued))
        .select_related("actor", "unit")
        .order_by("seq")
    )
    if not events:
        return []
    d = Dossier.objects.select_related(*_DOSSIER_RELATED).get(pk=dossier_id)
    snap = _snapshot(d)
    agency = _agency_code(d)
    now = timezone.now()
    rows = []
    for i, e in enumerate(events):
        rows.append(
            PortalSyncMessage(
                dossier_id=dossier_id,
                event_seq=e.seq,
                action=e.action,
                event_at=e.created_at,
                idempotency_key=dataset.idempotency_key(d.code, e.seq),
                payload=dataset.message_payload(
                    snap,
                    _event_snapshot(e, d.current_step_due_at),
                    updating=e.dossier_known or i > 0,
                    agency_code=agency,
                ),
                status=S.PENDING,
                next_attempt_at=now,
                created_at=now,
            )
        )
    created = PortalSyncMessage.objects.bulk_create(rows)
    transaction.on_commit(lambda: _enqueue_delivery(dossier_id))
    return created


def on_dossier_changed(dossier: Any, action: str) -> None:
    """`dossiers.services.IN_TRANSACTION_HOOKS` subscriber: an error here rolls the
    dossier change back, so no status change is ever left without its message."""
    if action not in dataset.SYNCED_ACTIONS or not conf.get("PORTAL_SYNC_ENABLED"):
        return
    portal_enqueue(dossier_id=dossier.pk)


def _enqueue_delivery(dossier_id: int, run_after: dt.datetime | None = None) -> None:
    """Ask the background worker to deliver; if that fails, `cchc portal sync` will."""
    try:
        from cchc.integrations.tasks import portal_deliver_dossier_task

        task = portal_deliver_dossier_task
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return
            task = task.using(run_after=run_after)
        task.enqueue(dossier_id=dossier_id)
    except Exception:
        logger.exception("could not queue portal delivery for dossier %s", dossier_id)


# --- Delivering ---------------------------------------------------------------------------


def _earlier_unsent(message: PortalSyncMessage) -> bool:
    return (
        PortalSyncMessage.objects.filter(
            dossier_id=message.dossier_id, event_seq__lt=message.event_seq
        )
        .exclude(status=S.SENT)
        .exists()
    )


def portal_deliver(
    *, message_id: int, client: PortalClient | None = None, now: dt.datetime | None = None
) -> PortalSyncMessage:
    """One delivery attempt of one message, if it is waiting, due and first in line."""
    with transaction.atomic():
        m = PortalSyncMessage.objects.select_for_update().get(pk=message_id)
        now = now or timezone.now()
        if m.status not in WAITING or (m.next_attempt_at is not None and m.next_attempt_at > now):
            return m
        if _earlier_unsent(m):
            return m  # order per dossier: the earlier message goes first
        m.attempts += 1
        try:
            client = client or get_client()
            answers = [
                client.send(body=body, idempotency_key=m.idempotency_key)
                for body in m.payload.get("requests", [])
            ]
        except PortalRejected as exc:
            m.status, m.next_attempt_at = S.DEAD, None
            m.last_error = f"Cổng từ chối: {exc}"[:2000]
        except Exception as exc:  # PortalUnavailable, or a client bug: retry later
            if not isinstance(exc, PortalError):
                logger.exception("portal client failed on %s", m.idempotency_key)
            m.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            m.next_attempt_at = conf.next_attempt_at(m.attempts, now, prefix="PORTAL_")
            m.status = S.FAILED if m.next_attempt_at is not None else S.DEAD
        else:
            m.status, m.sent_at, m.next_attempt_at = S.SENT, now, None
            m.response = {"answers": answers}
            m.last_error = ""
        if m.status == S.DEAD:
            logger.warning(
                "portal message %s dead after %s attempts: %s",
                m.idempotency_key,
                m.attempts,
                m.last_error,
            )
        m.save()
    if m.status == S.FAILED and m.next_attempt_at is not None:
        _enqueue_delivery(m.dossier_id, run_after=m.next_attempt_at)
    return m


def portal_deliver_dossier(
    *, dossier_id: int, client: PortalClient | None = None, now: dt.datetime | None = None
) -> list[PortalSyncMessage]:
    """Deliver the dossier's messages in order, while they are due and succeed."""
    out: list[PortalSyncMessage] = []
    client = client or get_client()
    while True:
        head = (
            PortalSyncMessage.objects.filter(dossier_id=dossier_id)
            .exclude(status=S.SENT)
            .order_by("event_seq")
            .first()
        )
        if head is None or head.status not in WAITING:
            return out
        m = portal_deliver(message_id=head.pk, client=client, now=now)
        out.append(m)
        if m.status != S.SENT:
            return out


def _due_heads(now: dt.datetime) -> QuerySet[PortalSyncMessage]:
    earlier = PortalSyncMessage.objects.filter(
        dossier_id=OuterRef("dossier_id"), event_seq__lt=OuterRef("event_seq")
    ).exclude(status=S.SENT)
    return (
        PortalSyncMessage.objects.filter(status__in=WAITING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(~Exists(earlier))
    )


def portal_sync_due(
    *, limit: int = 1000, client: PortalClient | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """One pass: deliver every dossier whose first unsent message is due (cron, worker).

    Returns how many attempts ended sent / failed (retry scheduled) / dead."""
    now = now or timezone.now()
    client = client or get_client()
    counts = {"sent": 0, "failed": 0, "dead": 0, "pending": 0}
    dossier_ids = list(
        _due_heads(now)
        .order_by("next_attempt_at", "pk")
        .values_list("dossier_id", flat=True)[:limit]
    )
    for dossier_id in dict.fromkeys(dossier_ids):
        for m in portal_deliver_dossier(dossier_id=dossier_id, client=client, now=now):
            counts[m.status] += 1
    return counts


# --- Operators ----------------------------------------------------------------------------


def _refuse(message: str, code: str) -> None:
    raise ValidationError(message, code=code)


@transaction.atomic
def portal_retry(*, actor: User, message: PortalSyncMessage) -> PortalSyncMessage:
    """An officer sends a dead (or waiting) message again now, with a fresh set of attempts."""
    m = (
        PortalSyncMessage.objects.select_for_update(of=("self",))
        .select_related("dossier__receiving_unit")
        .get(pk=message.pk)
    )
    if not has_permission(actor, Action.PORTAL_SYNC_MANAGE, m.dossier.receiving_unit):
        raise PermissionDenied(DENIED_MESSAGE)
    if m.status == S.SENT:
        _refuse("Bản tin đã được đồng bộ lên Cổng DVCQG.", "already_sent")
    m.status, m.attempts, m.next_attempt_at = S.PENDING, 0, timezone.now()
    m.save(update_fields=["status", "attempts", "next_attempt_at"])
    dossier_id = m.dossier_id
    transaction.on_commit(lambda: _enqueue_delivery(dossier_id))
    return m


@transaction.atomic
def portal_retry_all(*, actor: User) -> int:
    """Every dead message of the dossiers in the officer's scope, back in the queue."""
    qs = PortalSyncMessage.objects.filter(
        scope_filter(actor, Action.PORTAL_SYNC_MANAGE, field="dossier__receiving_unit__"),
        status=S.DEAD,
    )
    dossier_ids = set(qs.values_list("dossier_id", flat=True))
    count = qs.update(status=S.PENDING, attempts=0, next_attempt_at=timezone.now())
    for dossier_id in sorted(dossier_ids):
        transaction.on_commit(lambda pk=dossier_id: _enqueue_delivery(pk))
    return count


# --- Bulk simulation ----------------------------------------------------------------------


def portal_after_bulk(ids: range) -> int:
    """`dossiers.simulation.AFTER_BULK_HOOKS` subscriber (see conf PORTAL_BULK_HISTORY).

    The bulk path writes dossiers and events without the services, so no message was
    queued. Each such dossier gets one message for its latest synchronised event:
    "synced" records it as held by the portal already (`backfilled`, nothing sent; the
    simulated history stands for the past the portal has), "enqueue" leaves it pending
    with the full record for the worker to deliver, "skip" writes nothing."""
    mode = str(conf.get("PORTAL_BULK_HISTORY"))
    if mode == "skip" or not conf.get("PORTAL_SYNC_ENABLED"):
        return 0
    total = 0
    chunk = 2000
    for start in range(ids.start, ids.stop, chunk):
        with transaction.atomic():
            total += _backfill(range(start, min(ids.stop, start + chunk)), mode)
    return total


def _backfill(ids: range, mode: str) -> int:
    return _backfill_qs(Dossier.objects.filter(pk__gte=ids.start, pk__lt=ids.stop), mode)


def _backfill_ids(ids: list[int], mode: str) -> int:
    return _backfill_qs(Dossier.objects.filter(pk__in=ids), mode)


def _backfill_qs(dossiers: QuerySet[Dossier], mode: str) -> int:
    last = DossierEvent.objects.filter(
        dossier_id=OuterRef("pk"), action__in=dataset.SYNCED_ACTIONS
    ).order_by("-seq")
    dossiers = dossiers.annotate(
        last_seq=Subquery(last.values("seq")[:1]),
        already=Exists(PortalSyncMessage.objects.filter(dossier_id=OuterRef("pk"))),
    )
    if mode == "enqueue":
        dossiers = dossiers.select_related(*_DOSSIER_RELATED)
    rows = []
    now = timezone.now()
    todo = [d for d in dossiers if d.last_seq is not None and not d.already]
    events = {
        (e.dossier_id, e.seq): e
        for e in DossierEvent.objects.filter(
            dossier_id__in=[d.pk for d in todo], seq__in={d.last_seq for d in todo}
        ).select_related("actor", "unit")
    }
    for d in todo:
        e = events.get((d.pk, d.last_seq))
        if e is None:
            continue
        key = dataset.idempotency_key(d.code, e.seq)
        if mode == "enqueue":
            payload = dataset.message_payload(
                _snapshot(d),
                _event_snapshot(e, d.current_step_due_at),
                updating=False,
                agency_code=_agency_code(d),
            )
            rows.append(
                PortalSyncMessage(
                    dossier_id=d.pk,
                    event_seq=e.seq,
                    action=e.action,
                    event_at=e.created_at,
                    idempotency_key=key,
                    payload=payload,
                    status=S.PENDING,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        else:
            rows.append(
                PortalSyncMessage(
                    dossier_id=d.pk,
                    event_seq=e.seq,
                    action=e.action,
                    event_at=e.created_at,
                    idempotency_key=key,
                    payload={},
                    status=S.SENT,
                    sent_at=e.created_at,
                    created_at=now,
                    backfilled=True,
                )
            )
    PortalSyncMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def portal_prune(*, older_than_days: int = 90, now: dt.datetime | None = None) -> int:
    """Blank the payload of messages delivered more than `older_than_days` ago.

    The payload holds the applicant's identifier and contacts (NĐ 13/2023: keep personal
    data no longer than needed); once the portal has it, the row's key, status and times
    are what the index and the operators need."""
    now = now or timezone.now()
    return (
        PortalSyncMessage.objects.filter(
            status=S.SENT, sent_at__lt=now - dt.timedelta(days=older_than_days)
        )
        .exclude(payload={})
        .update(payload={})
    )
