"""Reads of the portal synchronisation: the operators' screen and the DOSSIER_SYNC figure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)

from cchc.accounts.models import User
from cchc.accounts.permissions import Action, scope_filter
from cchc.dossiers.models import Dossier
from cchc.integrations import conf
from cchc.integrations.models import PortalSyncMessage, PortalSyncStatus

if TYPE_CHECKING:
    from cchc.indices.periods import Period
    from cchc.units.models import Unit


def _in_scope(user: User) -> QuerySet[PortalSyncMessage]:
    return PortalSyncMessage.objects.filter(
        scope_filter(user, Action.PORTAL_SYNC_MANAGE, field="dossier__receiving_unit__")
    )


def portal_messages_for_user(
    *, user: User, status: str = PortalSyncStatus.DEAD, limit: int = 200
) -> QuerySet[PortalSyncMessage]:
    """Messages of dossiers received in the user's scope, dead ones by default."""
    return (
        _in_scope(user)
        .filter(status=status)
        .select_related("dossier")
        .defer("payload", "response")
        .order_by("-created_at", "-pk")[:limit]
    )


def portal_counts_for_user(*, user: User) -> dict[str, int]:
    """How many messages in each state (for the screen's header and the menu)."""
    counts = {value: 0 for value in PortalSyncStatus.values}
    for row in _in_scope(user).values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def dossier_sync_figure(period: Period, unit: Unit | None) -> tuple[int, int] | None:
    """DOSSIER_SYNC (QĐ 766/QĐ-TTg; the portal's "Mô tả công thức", mục 1.4): dossiers
    received in the period that are synchronised / dossiers received in the period.

    The portal divides by max(dossiers in the reporting system, dossiers on the portal);
    ours is the reporting system and the portal cannot hold more of our dossiers than we
    do, so the denominator is our count. A dossier is synchronised when it has at least
    one message whose event happened before the period's end and every such message was
    delivered (or is backfilled history). None (criterion left to the official figure)
    when synchronisation is switched off and has never run, or nothing was received."""
    if not _sync_in_use():
        return None
    figures = _counts(period, unit).aggregate(received=Count("pk"), synced=_SYNCED)
    if not figures["received"]:
        return None
    return figures["synced"], figures["received"]


def _sync_in_use() -> bool:
    return bool(conf.get("PORTAL_SYNC_ENABLED")) or PortalSyncMessage.objects.exists()


_SYNCED = Count("pk", filter=Q(synced_flag=True))


def _counts(period: Period, unit: Unit | None) -> QuerySet[Dossier]:
    """Dossiers received in the period (in the unit's subtree), each with whether it
    counts as synchronised at the period's end."""
    from cchc.indices.interchange import period_bounds

    start, end = period_bounds(period)
    dossiers = Dossier.objects.filter(received_at__gte=start, received_at__lt=end)
    if unit is not None:
        dossiers = dossiers.filter(receiving_unit__path__startswith=unit.path)
    messages = PortalSyncMessage.objects.filter(dossier_id=OuterRef("pk"), event_at__lt=end)
    unsent = messages.exclude(status=PortalSyncStatus.SENT)
    return dossiers.alias(
        synced_flag=ExpressionWrapper(
            Q(Exists(messages)) & ~Q(Exists(unsent)), output_field=BooleanField()
        )
    )


def dossier_sync_many(
    requests: Sequence[tuple[Period, Unit | None]],
) -> list[dict[str, tuple[int, int]]]:
    """DOSSIER_SYNC for many (period, unit) requests: one read per distinct period,
    grouped by receiving unit, so a dashboard's children cost no extra query."""
    out: list[dict[str, tuple[int, int]]] = [{} for _ in requests]
    if not requests or not _sync_in_use():
        return out
    units = [u for _, u in requests if u is not None]
    root = min(units, key=lambda u: len(u.path)) if len(units) == len(requests) else None
    if root is not None and not all(u.path.startswith(root.path) for u in units):
        root = None
    by_period: dict[tuple[object, object], list[int]] = {}
    for i, (period, _) in enumerate(requests):
        by_period.setdefault((period.first_day, period.last_day), []).append(i)
    for indexes in by_period.values():
        rows = list(
            _counts(requests[indexes[0]][0], root)
            .values("receiving_unit__path")
            .annotate(received=Count("pk"), synced=_SYNCED)
            .order_by()
        )
        for i in indexes:
            unit = requests[i][1]
            mine = [
                r for r in rows if unit is None or r["receiving_unit__path"].startswith(unit.path)
            ]
            received = sum(r["received"] for r in mine)
            if received:
                out[i]["DOSSIER_SYNC"] = (sum(r["synced"] for r in mine), received)
    return out
