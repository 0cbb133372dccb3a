"""The fee rule on return: no result handed over before an obligatory fee is paid."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cchc.dossiers import services
from cchc.dossiers.models import Dossier, DossierEvent, DossierStatus, FeeStatus
from cchc.dossiers.tests.factories import drive_to, make_world, receive

pytestmark = pytest.mark.django_db


def _ready(world) -> Dossier:
    return drive_to(world, receive(world), "result")


def _return(world, d: Dossier) -> Dossier:
    return services.dossier_return_result(
        actor=world.officer, dossier=d, method="counter", expected_version=d.version
    )


def test_unpaid_fee_blocks_the_return_and_changes_nothing():
    world = make_world(fee=Decimal("50000"))
    d = _ready(world)
    assert d.fee_status == FeeStatus.UNPAID
    events = DossierEvent.objects.filter(dossier=d).count()
    with pytest.raises(ValidationError) as exc:
        _return(world, d)
    assert "50.000 đồng" in " ".join(exc.value.messages)
    d.refresh_from_db()
    assert d.status == DossierStatus.RESULT_READY
    assert DossierEvent.objects.filter(dossier=d).count() == events


def test_paid_fee_lets_the_result_be_returned():
    world = make_world(fee=Decimal("50000"))
    d = _ready(world)
    d = services.dossier_fee_record(
        actor=world.officer,
        dossier=d,
        status=FeeStatus.PAID,
        amount=Decimal("50000"),
        receipt="BL-0001",
        expected_version=d.version,
    )
    assert _return(world, d).status == DossierStatus.RETURNED


def test_procedure_collecting_after_return_is_not_blocked():
    world = make_world(fee=Decimal("50000"))
    world.version.fee_collected_after_return = True
    world.version.save(update_fields=["fee_collected_after_return"])
    d = _ready(world)
    assert _return(world, d).status == DossierStatus.RETURNED


def test_free_procedure_is_never_blocked():
    world = make_world()
    assert _return(world, _ready(world)).status == DossierStatus.RETURNED
