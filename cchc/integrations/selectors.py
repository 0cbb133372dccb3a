"""Reads for fees, payments and notifications."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote, urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse

from cchc.accounts.models import User
from cchc.accounts.permissions import Action, scope_filter
from cchc.dossiers.models import Dossier, DossierEvent, FeeStatus
from cchc.integrations import conf
from cchc.integrations.models import (
    Notification,
    NotificationStatus,
    NotificationSubscription,
    Payment,
    PaymentStatus,
)
from cchc.procedures.models import FeeItem

SETTLED = frozenset({FeeStatus.PAID, FeeStatus.PAID_ONLINE, FeeStatus.EXEMPT})


def fee_lines(*, dossier: Dossier) -> list[FeeItem]:
    """The fee schedule (biểu phí, lệ phí) of the procedure version the dossier was received under."""
    return list(FeeItem.objects.filter(version_id=dossier.procedure_version_id).order_by("pk"))


def fee_needs_assessment(*, dossier: Dossier) -> bool:
    """A fee whose amount varies (by case, or by the province's HĐND resolution) must be
    set by an officer before it can be paid; any recorded fee decision sets it."""
    if dossier.fee_status in SETTLED:
        return False
    varies = FeeItem.objects.filter(version_id=dossier.procedure_version_id, varies=True).exists()
    if not varies:
        return False
    return not DossierEvent.objects.filter(dossier=dossier, action="fee_recorded").exists()


def fee_outstanding(*, dossier: Dossier) -> Decimal:
    """What the applicant still owes (đồng): the dossier's fee amount while unpaid, else 0.

    For the dossier domain's return service ("no result returned before an obligatory
    fee is paid"); reads only the dossier's own projection, so it costs no query."""
    if dossier.fee_status == FeeStatus.UNPAID and dossier.fee_amount > 0:
        return Decimal(dossier.fee_amount)
    return Decimal(0)


def fee_blocks_return(*, dossier: Dossier) -> bool:
    """True when the fee is unpaid or not yet assessed (the procedure may say otherwise:
    the domain checks that flag before calling this)."""
    return fee_outstanding(dossier=dossier) > 0 or fee_needs_assessment(dossier=dossier)


def payments_of_dossier(*, dossier: Dossier) -> QuerySet[Payment]:
    return Payment.objects.filter(dossier=dossier).select_related("receipt").order_by("-pk")


def payment_paid_for(*, dossier: Dossier) -> Payment | None:
    return (
        Payment.objects.filter(dossier=dossier, status=PaymentStatus.PAID, duplicate=False)
        .select_related("receipt")
        .order_by("-paid_at")
        .first()
    )


def subscription_of(*, dossier: Dossier) -> NotificationSubscription | None:
    return NotificationSubscription.objects.filter(dossier=dossier).first()


def optin_url(*, code: str, secret: str) -> str:
    """The link (absolute) behind the receipt's QR code: choose notification channels."""
    path = reverse("integrations:optin", args=[code]) + "?" + urlencode({"s": secret})
    return conf.public_url(path)


def payment_url(*, code: str, secret: str) -> str:
    path = reverse("integrations:payment", args=[code]) + "?" + urlencode({"s": secret})
    return conf.public_url(path)


def lookup_url(*, code: str) -> str:
    return conf.lookup_url(quote(code, safe=".-"))


def notification_list_for_user(
    *, user: User, status: str | None = None, limit: int = 200
) -> QuerySet[Notification]:
    """Messages of dossiers received by units where `user` has DOSSIER_VIEW.

    Default: the ones that need attention (failed, or queued after a failed attempt)."""
    qs = Notification.objects.filter(
        scope_filter(user, Action.DOSSIER_VIEW, field="dossier__receiving_unit__")
    ).select_related("dossier")
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(
            Q(status=NotificationStatus.FAILED)
            | Q(status=NotificationStatus.QUEUED, attempts__gt=0)
        )
    return qs.order_by("-created_at", "-pk")[:limit]
