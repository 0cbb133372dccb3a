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


def test_simultaneous_portal_workers_send_each_message_once_in_order(integ, world):
    from cchc.dossiers.tests.factories import drive_to
    from cchc.integrations.models import PortalSandboxRecord, PortalSyncMessage
    from cchc.integrations.portal.outbox import portal_sync_due

    dossiers = [receive(world) for _ in range(3)]
    for d in dossiers:
        drive_to(world, d, "approved")
    # The immediate task backend delivered on commit; put everything back in the queue.
    PortalSyncMessage.objects.update(status="pending", attempts=0, sent_at=None)
    PortalSandboxRecord.objects.all().delete()
    results = run_threads(4, lambda i: portal_sync_due())
    assert not [r for r in results if isinstance(r, Exception)], results
    messages = list(PortalSyncMessage.objects.order_by("dossier_id", "event_seq"))
    assert {(m.status, m.attempts) for m in messages} == {("sent", 1)}
    sent = list(PortalSandboxRecord.objects.filter(service="DongBoHoSoMC").order_by("pk"))
    assert len(sent) == len(messages)
    for d in dossiers:
        keys = [r.idempotency_key for r in sent if r.ma_ho_so == d.code]
        assert keys == [m.idempotency_key for m in messages if m.dossier_id == d.pk]
