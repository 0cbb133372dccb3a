"""Simultaneous callbacks and hooks (threads with their own connections, PostgreSQL)."""

from __future__ import annotations

import pytest

from cchc.core.testing.concurrency import requires_server_database, run_threads
from cchc.dossiers.models import Dossier, DossierEvent, FeeStatus
from cchc.dossiers.tests.factories import receive
from cchc.integrations import services
from cchc.integrations.models import Notification, PaymentReceipt
from cchc.integrations.payments.base import RSP_ALREADY_CONFIRMED, RSP_OK
from cchc.integrations.tests.test_payments import _gateway_result, _start

pytestmark = [
    pytest.mark.django_db(transaction=True),
    requires_server_database,
]


def test_simultaneous_identical_callbacks_record_one_payment(integ, world):
    dossier = receive(world)
    payment, _ = _start(dossier)
    params = _gateway_result(payment)
    results = run_threads(
        6, lambda i: services.payment_callback(provider="sandbox", params=params).code
    )
    assert sorted(results) == [RSP_OK] + [RSP_ALREADY_CONFIRMED] * 5
    assert DossierEvent.objects.filter(dossier=dossier, action="fee_recorded").count() == 1
    assert PaymentReceipt.objects.count() == 1
    assert Dossier.objects.get(pk=dossier.pk).fee_status == FeeStatus.PAID_ONLINE


def test_simultaneous_hooks_queue_one_message(integ, world):
    dossier = receive(world)
    results = run_threads(
        5,
        lambda i: [
            n.pk for n in services.notify_dossier_event(dossier_id=dossier.pk, action="received")
        ],
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Notification.objects.filter(dossier=dossier).count() == 1
    assert len({tuple(r) for r in results}) == 1
