"""Synchronisation with the national portal: outbox, delivery, retries, idempotency,
ordering, dead letters, the sandbox contract over HTTP, and the DOSSIER_SYNC figure."""

from __future__ import annotations

import datetime as dt
import json
import socket

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.dossiers import services
from cchc.dossiers.models import Dossier, DossierEvent
from cchc.dossiers.tests.factories import drive_to, receive
from cchc.integrations.models import (
    PortalSandboxRecord,
    PortalSyncMessage,
    PortalSyncStatus,
)
from cchc.integrations.portal import outbox
from cchc.integrations.portal.client import (
    HttpPortalClient,
    PortalRejected,
    PortalUnavailable,
    SandboxPortalClient,
)
from cchc.integrations.portal.sandbox import sandbox_set_fault

S = PortalSyncStatus


def messages_of(dossier: Dossier) -> list[PortalSyncMessage]:
    return list(PortalSyncMessage.objects.filter(dossier=dossier).order_by("event_seq"))


def records(service: str = "DongBoHoSoMC") -> list[PortalSandboxRecord]:
    return list(PortalSandboxRecord.objects.filter(service=service).order_by("pk"))


# --- The outbox is written with the dossier change ---------------------------------------


def test_each_status_change_queues_one_message_with_the_portal_fields(integ, world, dossier):
    [first] = messages_of(dossier)
    assert (first.event_seq, first.action, first.status) == (1, "received", S.PENDING)
    assert first.idempotency_key == f"{dossier.code}:1"
    body, progress = first.payload["requests"]
    assert body["service"] == "DongBoHoSoMC" and body["isUpdating"] is False
    record = body["data"][0]
    assert record["MaHoSo"] == dossier.code
    assert record["MaTTHC"] == world.procedure.code
    assert record["TrangThaiHoSo"] == "2"  # Được tiếp nhận
    assert record["NgayTiepNhan"] == "20261116080000"  # yyyyMMddHHmmss, Vietnam time
    assert progress["service"] == "CapNhatTienDoHoSoMC"
    assert progress["data"][0]["NguoiXuLy"] == "Nguyễn Văn Một Cửa"

    drive_to(world, dossier, "at_department")
    second = messages_of(dossier)[1]
    assert second.action == "handed_over"
    assert second.payload["requests"][0]["isUpdating"] is True
    assert second.payload["requests"][0]["data"][0]["TrangThaiHoSo"] == "4"  # Đang xử lý


def test_queueing_in_the_dossier_transaction_is_three_statements(
    integ, world, dossier, django_assert_num_queries
):
    # The hook runs inside every dossier service: one read of the unqueued events (with
    # "is the dossier known to the portal"), one of the dossier, one insert.
    integ["PORTAL_SYNC_ENABLED"] = False
    drive_to(world, dossier, "at_department")
    integ["PORTAL_SYNC_ENABLED"] = True
    with django_assert_num_queries(3):
        outbox.on_dossier_changed(dossier, "handed_over")
    _first, second = messages_of(dossier)
    assert second.action == "handed_over"
    assert second.payload["requests"][0]["isUpdating"] is True
    with django_assert_num_queries(1):  # nothing new: one read, nothing written
        outbox.on_dossier_changed(dossier, "handed_over")


def test_events_outside_the_exchange_queue_nothing(integ, world, dossier):
    services.dossier_note_add(actor=world.officer, dossier=dossier, text="Ghi chú nội bộ")
    assert [m.action for m in messages_of(dossier)] == ["received"]


def test_a_rolled_back_dossier_change_leaves_no_message(integ, world, dossier):
    with pytest.raises(RuntimeError), transaction.atomic():
        drive_to(world, dossier, "at_department")
        raise RuntimeError("the officer's request fails later")
    assert [m.action for m in messages_of(dossier)] == ["received"]
    assert Dossier.objects.get(pk=dossier.pk).version == 1


def test_if_the_outbox_cannot_be_written_the_dossier_change_rolls_back(
    integ, world, dossier, monkeypatch
):
    def broken(**kw):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(outbox, "portal_enqueue", broken)
    with pytest.raises(RuntimeError):
        drive_to(world, dossier, "at_department")
    d = Dossier.objects.get(pk=dossier.pk)
    assert d.version == 1 and d.current_unit_id != world.department.pk
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1
    assert len(messages_of(dossier)) == 1  # nothing lost: no change without its message


# --- Delivery ----------------------------------------------------------------------------


def test_delivery_sends_both_services_and_marks_sent(integ, world, dossier, clock):
    counts = outbox.portal_sync_due()
    assert counts["sent"] == 1
    [m] = messages_of(dossier)
    assert m.status == S.SENT and m.sent_at == clock.now and m.attempts == 1
    assert [r.idempotency_key for r in records()] == [m.idempotency_key]
    assert records("CapNhatTienDoHoSoMC")[0].trang_thai == "2"


def test_5xx_is_retried_with_exponential_backoff(integ, world, dossier, clock):
    integ["PORTAL_RETRY_BASE_SECONDS"] = 30
    sandbox_set_fault(mode="error", count=2)
    m = outbox.portal_deliver(message_id=messages_of(dossier)[0].pk)
    assert m.status == S.FAILED and "503" in m.last_error
    assert m.next_attempt_at == clock.now + dt.timedelta(seconds=30)
    # Not due yet: a pass does nothing.
    assert outbox.portal_sync_due()["sent"] == 0
    clock.advance(seconds=31)
    m = outbox.portal_deliver(message_id=m.pk)
    assert m.status == S.FAILED and m.attempts == 2
    assert m.next_attempt_at == clock.now + dt.timedelta(seconds=60)
    clock.advance(seconds=61)
    assert outbox.portal_sync_due()["sent"] == 1
    assert messages_of(dossier)[0].status == S.SENT
    assert len(records()) == 1


def test_a_timeout_is_retried(integ, world, dossier, clock):
    sandbox_set_fault(mode="timeout", count=1)
    m = outbox.portal_deliver(message_id=messages_of(dossier)[0].pk)
    assert m.status == S.FAILED and "thời gian" in m.last_error
    clock.advance(hours=1)
    assert outbox.portal_deliver(message_id=m.pk).status == S.SENT


def test_http_client_turns_a_silent_server_into_a_retryable_timeout():
    # A socket that accepts connections but never answers: a real read timeout.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        client = HttpPortalClient(
            url=f"http://127.0.0.1:{server.getsockname()[1]}/api/", token="t", timeout=0.3
        )
        with pytest.raises(PortalUnavailable, match="thời gian"):
            client.send(body={"service": "DongBoHoSoMC"}, idempotency_key="X:1")
    finally:
        server.close()


def test_http_client_turns_a_refused_connection_into_a_retryable_error():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there any more
    client = HttpPortalClient(url=f"http://127.0.0.1:{port}/api/", token="t", timeout=2)
    with pytest.raises(PortalUnavailable):
        client.send(body={}, idempotency_key="X:1")


def test_replaying_a_delivered_message_changes_nothing_on_the_portal(integ, world, dossier):
    [m] = messages_of(dossier)
    assert outbox.portal_deliver(message_id=m.pk).status == S.SENT
    # The answer was lost (e.g. the worker died before saving): the message goes again.
    PortalSyncMessage.objects.filter(pk=m.pk).update(status=S.PENDING)
    m = outbox.portal_deliver(message_id=m.pk)
    assert m.status == S.SENT
    assert all(a["replayed"] for a in m.response["answers"])
    assert len(records()) == 1 and len(records("CapNhatTienDoHoSoMC")) == 1


def test_a_key_reused_for_other_content_is_refused(integ, world, dossier):
    client = SandboxPortalClient()
    body = messages_of(dossier)[0].payload["requests"][0]
    client.send(body=body, idempotency_key="K:1")
    changed = json.loads(json.dumps(body))
    changed["data"][0]["TrangThaiHoSo"] = "4"
    with pytest.raises(PortalRejected):
        client.send(body=changed, idempotency_key="K:1")


def test_messages_of_a_dossier_are_delivered_in_event_order(integ, world, dossier, clock):
    drive_to(world, dossier, "assigned")  # handed_over (assignments are not synchronised)
    drive_to(world, dossier, "approved")  # handed_over, approved
    queued = messages_of(dossier)
    assert [m.action for m in queued] == ["received", "handed_over", "handed_over", "approved"]
    sandbox_set_fault(mode="error", count=1)
    outbox.portal_sync_due()
    assert [m.status for m in messages_of(dossier)] == [S.FAILED, S.PENDING, S.PENDING, S.PENDING]
    # A later message asked directly still waits for the first.
    assert outbox.portal_deliver(message_id=queued[3].pk).attempts == 0
    clock.advance(minutes=5)
    assert outbox.portal_sync_due()["sent"] == 4
    keys = [r.idempotency_key for r in records()]
    assert keys == [m.idempotency_key for m in queued]
    assert [r.trang_thai for r in records()][-1] == "4"


def test_one_dossiers_dead_message_does_not_hold_other_dossiers(integ, world, dossier, clock):
    other = receive(world)
    sandbox_set_fault(mode="reject", count=1)
    counts = outbox.portal_sync_due()
    assert counts == {"sent": 1, "failed": 0, "dead": 1, "pending": 0}
    assert {messages_of(dossier)[0].status, messages_of(other)[0].status} == {S.SENT, S.DEAD}


# --- Dead letters ------------------------------------------------------------------------


def test_after_max_attempts_the_message_is_dead_and_holds_the_rest(integ, world, dossier, clock):
    integ["PORTAL_MAX_ATTEMPTS"] = 2
    drive_to(world, dossier, "at_department")
    sandbox_set_fault(mode="error")
    for _ in range(3):
        outbox.portal_sync_due()
        clock.advance(hours=2)
    first, second = messages_of(dossier)
    assert (first.status, first.attempts) == (S.DEAD, 2)
    assert (second.status, second.attempts) == (S.PENDING, 0)
    sandbox_set_fault(mode="")
    assert outbox.portal_sync_due()["sent"] == 0  # still held behind the dead one


def test_a_refusal_goes_to_dead_letters_at_once(integ, world, dossier):
    sandbox_set_fault(mode="reject", count=1)
    m = outbox.portal_deliver(message_id=messages_of(dossier)[0].pk)
    assert (m.status, m.attempts) == (S.DEAD, 1)
    assert "từ chối" in m.last_error


def test_operator_sees_dead_letters_and_retries(
    integ,
    world,
    dossier,
    client,
    clock,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    sandbox_set_fault(mode="reject")
    outbox.portal_sync_due()
    client.force_login(world.officer)
    url = reverse("integrations:portal_sync")
    with CaptureQueriesContext(connection) as one_row:
        client.get(url)
    for _ in range(3):
        receive(world)
    outbox.portal_sync_due()
    sandbox_set_fault(mode="")
    # The count itself: the captured list is gone once the query log is reset.
    baseline = one_row.final_queries - one_row.initial_queries
    assert baseline <= 12
    with django_assert_max_num_queries(baseline):  # no read per row
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia" in html
    assert '<span data-count="dead">4</span>' in html
    assert dossier.code in html

    m = messages_of(dossier)[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("integrations:portal_retry", args=[m.pk]))
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == S.SENT  # the retry queued a delivery, run by the (immediate) worker

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("integrations:portal_retry_all"))
    assert PortalSyncMessage.objects.filter(status=S.DEAD).count() == 0
    assert PortalSyncMessage.objects.filter(status=S.SENT).count() == 4


def test_officers_of_other_units_neither_see_nor_retry(integ, world, dossier, client):
    sandbox_set_fault(mode="reject", count=1)
    outbox.portal_sync_due()
    m = messages_of(dossier)[0]
    client.force_login(world.outsider)
    page = client.get(reverse("integrations:portal_sync"))
    assert page.status_code == 200 and dossier.code not in page.content.decode()
    assert client.post(reverse("integrations:portal_retry", args=[m.pk])).status_code == 403
    client.post(reverse("integrations:portal_retry_all"))
    m.refresh_from_db()
    assert m.status == S.DEAD
    client.force_login(world.citizen)
    assert client.get(reverse("integrations:portal_sync")).status_code == 403


# --- The sandbox endpoint: the same contract over HTTP ------------------------------------


def test_sandbox_endpoint_checks_token_and_is_idempotent(integ, world, dossier, client):
    body = messages_of(dossier)[0].payload["requests"][0]
    url = reverse("integrations:portal_sandbox_api")
    send = lambda token: client.post(  # noqa: E731
        url,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "K:1"},
    )
    assert send("wrong").status_code == 401
    first, again = send(integ["PORTAL_SANDBOX_TOKEN"]), send(integ["PORTAL_SANDBOX_TOKEN"])
    assert first.json() == {"error_code": "0", "message": "Thành công.", "replayed": False}
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert len(records()) == 1
    bad = client.post(
        url,
        data=json.dumps({"service": "DongBoHoSoMC", "data": [{"MaHoSo": "X"}]}),
        content_type="application/json",
        headers={
            "Authorization": f"Bearer {integ['PORTAL_SANDBOX_TOKEN']}",
            "Idempotency-Key": "K:2",
        },
    )
    assert bad.status_code == 422 and "MaTTHC" in bad.json()["message"]


@pytest.mark.django_db(transaction=True)
def test_http_client_delivers_to_the_sandbox_over_a_real_socket(integ, live_server, clock):
    from cchc.dossiers.tests.factories import make_world

    world = make_world()
    integ.update(
        PORTAL_CLIENT="http",
        PORTAL_URL=live_server.url + reverse("integrations:portal_sandbox_api"),
        PORTAL_TOKEN=integ["PORTAL_SANDBOX_TOKEN"],
        PORTAL_TIMEOUT_SECONDS=5,
    )
    dossier = receive(world)  # commits: the immediate task backend delivers at once
    [m] = messages_of(dossier)
    assert m.status == S.SENT
    assert records()[0].body["data"][0]["MaHoSo"] == dossier.code
    sandbox_set_fault(mode="error", count=1)
    drive_to(world, dossier, "at_department")
    second = messages_of(dossier)[1]
    assert second.status == S.FAILED and "HTTP 503" in second.last_error


def test_sync_command_delivers_what_is_due(integ, world, dossier, capsys):
    call_command("portal", "sync", "--once")
    assert "sent=1" in capsys.readouterr().out
    call_command("portal", "status")
    assert "sent=1" in capsys.readouterr().out


# --- DOSSIER_SYNC ------------------------------------------------------------------------


def _sync_criterion(period: str, unit=None):
    from cchc.indices.periods import parse_period
    from cchc.indices.selectors import index_for_database

    result = index_for_database(period=parse_period(period), unit=unit)
    return next(c for c in result.criteria if c.code == "DOSSIER_SYNC")


def test_dossier_sync_is_synced_dossiers_over_received(integ, world, clock):
    receive(world)
    b, c = receive(world), receive(world)
    outbox.portal_sync_due()
    drive_to(world, c, "at_department")  # c's latest change is not delivered yet
    sandbox_set_fault(mode="reject", count=1)
    drive_to(world, b, "at_department")
    outbox.portal_deliver_dossier(dossier_id=b.pk)  # dead
    result = _sync_criterion("2026-11")
    assert (result.numerator, result.denominator) == (1, 3)
    assert result.score is not None
    outbox.portal_sync_due()
    result = _sync_criterion("2026-11", unit=world.commune)
    assert (result.numerator, result.denominator) == (2, 3)
    other = _sync_criterion("2026-11", unit=world.other_commune_one_stop)
    assert other.numerator is None  # nothing received there: no figure


def test_changes_after_the_period_do_not_count_against_it(integ, world, clock):
    d = receive(world)
    outbox.portal_sync_due()
    clock.set(dt.datetime(2026, 12, 2, 9, 0, tzinfo=clock.now.tzinfo))
    drive_to(world, d, "at_department")  # December, not delivered
    result = _sync_criterion("2026-11")
    assert (result.numerator, result.denominator) == (1, 1)


# --- Bulk-simulated history ----------------------------------------------------------------


def test_bulk_history_is_backfilled_as_synced_or_enqueued(integ, world, clock):
    integ["PORTAL_SYNC_ENABLED"] = False
    a, b = receive(world), receive(world)
    drive_to(world, b, "at_department")
    integ["PORTAL_SYNC_ENABLED"] = True
    assert PortalSyncMessage.objects.count() == 0
    ids = range(min(a.pk, b.pk), max(a.pk, b.pk) + 1)

    assert outbox.portal_after_bulk(ids) == 2
    m = messages_of(b)[0]
    assert (m.status, m.backfilled, m.event_seq, m.payload) == (S.SENT, True, 2, {})
    assert outbox.portal_after_bulk(ids) == 0  # idempotent
    assert _sync_criterion("2026-11").numerator == 2
    assert records() == []  # history is never sent

    PortalSyncMessage.objects.all().delete()
    integ["PORTAL_BULK_HISTORY"] = "enqueue"
    outbox.portal_after_bulk(ids)
    assert [m.status for m in PortalSyncMessage.objects.all()] == [S.PENDING, S.PENDING]
    assert outbox.portal_sync_due()["sent"] == 2
    assert {r.ma_ho_so for r in records()} == {a.code, b.code}


def test_demo_state_leaves_dead_failed_and_sent_messages(integ, world, clock):
    from cchc.integrations.portal.demo import portal_demo_state

    integ["PORTAL_SYNC_ENABLED"] = False
    dossiers = [receive(world) for _ in range(6)]
    integ["PORTAL_SYNC_ENABLED"] = True
    outbox.portal_after_bulk(range(dossiers[0].pk, dossiers[-1].pk + 1))
    clock.advance(hours=1)
    counts = portal_demo_state(refused=2, outages=1)
    assert (counts["dead"], counts["failed"], counts["sent"]) == (2, 1, 3)
    assert PortalSyncMessage.objects.filter(backfilled=True).count() == 0
    assert len(records()) == 3
    result = _sync_criterion("2026-11")
    assert (result.numerator, result.denominator) == (3, 6)


def test_with_the_sandbox_switched_off_nothing_counts_as_delivered(integ, world, dossier, client):
    integ["PORTAL_SANDBOX_ENABLED"] = False
    m = outbox.portal_deliver(message_id=messages_of(dossier)[0].pk)
    assert m.status == S.FAILED and "tắt" in m.last_error
    assert records() == []
    response = client.post(
        reverse("integrations:portal_sandbox_api"), data="{}", content_type="application/json"
    )
    assert response.status_code == 404


def test_prune_blanks_old_delivered_payloads_only(integ, world, dossier, clock, capsys):
    outbox.portal_sync_due()
    drive_to(world, dossier, "at_department")  # pending
    clock.advance(days=91)
    call_command("portal", "prune")
    assert "1 bản tin" in capsys.readouterr().out
    sent, pending = messages_of(dossier)
    assert sent.payload == {} and sent.status == S.SENT
    assert pending.payload["requests"][0]["data"][0]["MaDoiTuong"]  # still to send


def test_batch_equals_one_request_at_a_time(integ, world, clock, django_assert_max_num_queries):
    from cchc.indices.periods import parse_period
    from cchc.integrations.portal.selectors import dossier_sync_figure, dossier_sync_many

    receive(world)
    receive(world, receiving_unit=world.other_commune_one_stop, actor=world.outsider)
    sandbox_set_fault(mode="reject", count=1)
    outbox.portal_sync_due()
    requests = [
        (parse_period(p), u)
        for p in ("2026-11", "2026-Q4", "2026-10")
        for u in (world.province, world.commune, world.other_commune_one_stop.parent)
    ]
    with django_assert_max_num_queries(4):  # one per distinct period (+ nothing per unit)
        many = dossier_sync_many(requests)
    for (period, unit), answer in zip(requests, many, strict=True):
        assert answer.get("DOSSIER_SYNC") == dossier_sync_figure(period, unit)
    assert many[0]["DOSSIER_SYNC"] == (1, 2)


def test_a_missing_portal_url_is_recorded_on_the_message(integ, world, dossier):
    integ.update(PORTAL_CLIENT="http", PORTAL_URL="")
    assert outbox.portal_sync_due()["failed"] == 1
    assert "PORTAL_URL" in messages_of(dossier)[0].last_error
