"""The fee rule of the one-stop (phí, lệ phí): what is owed and whether it blocks returning a result.

Issue 4 / TT 03/2025/TT-VPCP: no result is returned before an obligatory fee is paid, unless
the procedure collects the fee after the return (ProcedureVersion.fee_collected_after_return).
Payments (cchc.integrations) and the return service both read these functions.
"""

from __future__ import annotations

from decimal import Decimal

from cchc.dossiers.models import Dossier, DossierEvent, FeeStatus
from cchc.procedures.models import FeeItem

SETTLED = frozenset({FeeStatus.PAID, FeeStatus.PAID_ONLINE, FeeStatus.EXEMPT})


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


def fee_rule_blocks_return(*, dossier: Dossier) -> bool:
    """The return service's check: unpaid or unassessed fee, and the procedure does not
    allow collecting it after the result is returned."""
    if dossier.procedure_version.fee_collected_after_return:
        return False
    return fee_blocks_return(dossier=dossier)
