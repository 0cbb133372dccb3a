"""Reads for fees, payments and notifications."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse

from cchc.accounts.models import User
from cchc.accounts.permissions import Action, scope_filter
from cchc.dossiers.fees import (  # the fee rule lives in the dossier domain
    SETTLED,
    fee_blocks_return,
    fee_needs_assessment,
    fee_outstanding,
)
from cchc.dossiers.models import Dossier
from cchc.integrations import conf
from cchc.integrations.models import (
    Notification,
    NotificationStatus,
    NotificationSubscription,
    Payment,
    PaymentStatus,
)
from cchc.procedures.models import FeeItem

__all__ = ["SETTLED", "fee_blocks_return", "fee_needs_assessment", "fee_outstanding"]


def fee_lines(*, dossier: Dossier) -> list[FeeItem]:
    """The fee schedule (biểu phí, lệ phí) of the procedure version the dossier was received under."""
    return list(FeeItem.objects.filter(version_id=dossier.procedure_version_id).order_by("pk"))


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
