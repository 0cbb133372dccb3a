"""Simultaneous callbacks and hooks (threads with their own connections, PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from cchc.dossiers.models import Dossier, DossierEvent, FeeStatus
from cchc.dossiers.tests.factories import receive
from cchc.integrations import services
from cchc.integrations.models import Notification, PaymentReceipt
from cchc.integrations.payments.base import RSP_ALREADY_CONFIRMED, RSP_OK
from cchc.integrations.tests.test_payments import _gateway_result, _start

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="threads need a shared server database (run with DATABASE_URL=postgres://...)",
    ),
]


def _run_threads(n: int, target) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_simultaneous_identical_callbacks_record_one_payment(integ, world):
    dossier = receive(world)
    payment, _ = _start(dossier)
    params = _gateway_result(payment)
    results = _run_threads(
        6, lambda i: services.payment_callback(provider="sandbox", params=params).code
    )
    assert sorted(results) == [RSP_OK] + [RSP_ALREADY_CONFIRMED] * 5
    assert DossierEvent.objects.filter(dossier=dossier, action="fee_recorded").count() == 1
    assert PaymentReceipt.objects.count() == 1
    assert Dossier.objects.get(pk=dossier.pk).fee_status == FeeStatus.PAID_ONLINE


def test_simultaneous_hooks_queue_one_message(integ, world):
    dossier = receive(world)
    results = _run_threads(
        5,
        lambda i: [
            n.pk for n in services.notify_dossier_event(dossier_id=dossier.pk, action="received")
        ],
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Notification.objects.filter(dossier=dossier).count() == 1
    assert len({tuple(r) for r in results}) == 1
