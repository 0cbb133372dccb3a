"""Reads of the portal synchronisation: the operators' screen and the DOSSIER_SYNC figure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

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
    from cchc.indices.interchange import period_bounds

    if not conf.get("PORTAL_SYNC_ENABLED") and not PortalSyncMessage.objects.exists():
        return None
    start, end = period_bounds(period)
    dossiers = Dossier.objects.filter(received_at__gte=start, received_at__lt=end)
    if unit is not None:
        dossiers = dossiers.filter(receiving_unit__path__startswith=unit.path)
    messages = PortalSyncMessage.objects.filter(dossier_id=OuterRef("pk"), event_at__lt=end)
    figures = dossiers.aggregate(
        received=Count("pk"),
        synced=Count(
            "pk",
            filter=Q(Exists(messages)) & ~Q(Exists(messages.exclude(status=PortalSyncStatus.SENT))),
        ),
    )
    if not figures["received"]:
        return None
    return figures["synced"], figures["received"]
