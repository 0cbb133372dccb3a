"""Applicant notifications: templates, queueing per action and opt-in, delivery with
retries and backoff, the opt-in page and the staff outbox page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.factories import applicant_data, make_user, receive
from cchc.integrations import conf, services
from cchc.integrations.models import Notification, NotificationStatus, NotificationSubscription
from cchc.integrations.notifications import messages, notify_dossier_event
from cchc.integrations.notifications.channels import LocalSmsChannel, LocalZaloChannel, ascii_fold

LINK = "https://dvc.example.vn/dvc/tra-cuu/?ma="


def _subscribe(dossier, **kw):
    kw.setdefault("email", False)
    kw.setdefault("sms", False)
    kw.setdefault("zalo", False)
    return services.notification_subscribe(
        code=dossier.code, lookup_secret=dossier.issued_lookup_secret, **kw
    )


# --- Templates ---------------------------------------------------------------------------


def test_every_template_has_code_link_and_vietnamese_text():
    ctx = messages.MessageContext(
        code="H52.50.05-261116-0001",
        procedure="Đăng ký khai sinh",
        unit="Bộ phận Một cửa phường Quy Nhơn",
        lookup_url=LINK + "H52.50.05-261116-0001",
        received_at=dt.datetime(2026, 11, 16, 1, 0, tzinfo=dt.UTC),
        due_at=dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC),
        new_due_at=dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC),
        items=("Giấy chứng sinh bản chính",),
    )
    expected = {
        "tiep_nhan": "đã được Bộ phận Một cửa phường Quy Nhơn tiếp nhận lúc 08:00 ngày 16/11/2026",
        "yeu_cau_bo_sung": "cần bổ sung, hoàn thiện: Giấy chứng sinh bản chính",
        "xin_loi_hen_lai": "Thời gian hẹn trả kết quả mới: 17:00 ngày 30/11/2026",
        "co_ket_qua": "đã có kết quả",
        "da_tra_ket_qua": "đã được trả kết quả",
    }
    assert set(expected) == set(messages.TEMPLATES.values())
    for template, phrase in expected.items():
        subject, body = messages.render(template, ctx)
        assert "H52.50.05-261116-0001" in subject
        assert phrase in body
        assert body.endswith("Tra cứu: " + LINK + "H52.50.05-261116-0001")


def test_sms_is_unaccented():
    assert ascii_fold("Hồ sơ đã được tiếp nhận. Đăng ký") == "Ho so da duoc tiep nhan. Dang ky"


# --- Queueing ----------------------------------------------------------------------------


def test_receipt_notifies_by_declared_email_through_the_commit_hook(
    integ, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive(world)
    n = Notification.objects.get(dossier=dossier)
    assert (n.action, n.channel, n.recipient) == ("received", "email", "dan@example.vn")
    assert n.status == NotificationStatus.SENT and n.attempts == 1
    assert len(mail.outbox) == 1
    assert dossier.code in mail.outbox[0].subject
    assert LINK + dossier.code in mail.outbox[0].body
    assert "Hẹn trả kết quả" in mail.outbox[0].body


def test_no_contact_no_message(integ, world):
    dossier = receive(world, applicant=applicant_data(email="", phone=""))
    assert notify_dossier_event(dossier_id=dossier.pk, action="received") == []


def test_actions_without_a_template_queue_nothing(integ, world, dossier):
    dossier_services.dossier_note_add(actor=world.officer, dossier=dossier, text="nội bộ")
    assert notify_dossier_event(dossier_id=dossier.pk, action="note_added") == []
    assert notify_dossier_event(dossier_id=dossier.pk, action="result_issued") == []  # no event
    assert not Notification.objects.exists()


def test_opt_in_channels_and_idempotence(integ, world, dossier):
    _subscribe(dossier, sms=True, zalo=True, zalo_user_id="8123456789012")
    first = notify_dossier_event(dossier_id=dossier.pk, action="received")
    # Opted in to SMS and Zalo only: no e-mail; SMS to the declared phone.
    assert sorted((n.channel, n.recipient) for n in first) == [
        ("sms", "0912345678"),
        ("zalo", "8123456789012"),
    ]
    again = notify_dossier_event(dossier_id=dossier.pk, action="received")
    assert sorted(n.pk for n in again) == sorted(n.pk for n in first)
    assert Notification.objects.count() == 2
    sms = Notification.objects.get(channel="sms")
    assert sms.body.isascii() and dossier.code in sms.body and LINK + dossier.code in sms.body
    zalo = Notification.objects.get(channel="zalo")
    assert "đã được" in zalo.body


def test_opt_out_sends_nothing(integ, world, dossier):
    _subscribe(dossier)  # every channel unticked
    assert notify_dossier_event(dossier_id=dossier.pk, action="received") == []


def test_each_lifecycle_action_queues_its_message(integ, world, dossier, clock):
    _subscribe(dossier, email=True, email_address="con@example.vn")
    d = Dossier.objects.get(pk=dossier.pk)
    dossier_services.dossier_request_supplement(
        actor=world.officer,
        dossier=d,
        items=["Giấy chứng sinh bản chính"],
        reason="bản sao không rõ",
        expected_version=d.version,
    )
    [n] = notify_dossier_event(dossier_id=d.pk, action="supplement_requested")
    assert n.recipient == "con@example.vn" and n.template == "yeu_cau_bo_sung"
    assert "Giấy chứng sinh bản chính" in n.body and "bản sao không rõ" in n.body
    # A second request is a new event: a new message, not a duplicate of the first.
    d = Dossier.objects.get(pk=d.pk)
    dossier_services.dossier_supplement_provided(
        actor=world.officer,
        dossier=d,
        components=[{"name": "Giấy chứng sinh", "source": "paper"}],
        expected_version=d.version,
    )
    d = Dossier.objects.get(pk=d.pk)
    dossier_services.dossier_request_supplement(
        actor=world.officer, dossier=d, items=["Tờ khai"], reason="thiếu chữ ký"
    )
    notify_dossier_event(dossier_id=d.pk, action="supplement_requested")
    assert Notification.objects.filter(action="supplement_requested").count() == 2


def test_apology_message_has_new_date(integ, world, dossier):
    d = Dossier.objects.get(pk=dossier.pk)
    new_due = d.due_at + dt.timedelta(days=7)
    dossier_services.dossier_apologise(
        actor=world.leader, dossier=d, new_due=new_due, reason="cần xác minh thêm"
    )
    [n] = notify_dossier_event(dossier_id=d.pk, action="apologised")
    assert "xin lỗi" in n.body and "cần xác minh thêm" in n.body
    assert new_due.astimezone(messages.VN).strftime("%d/%m/%Y") in n.body


def test_result_ready_mentions_unpaid_fee(integ, world, dossier):
    from cchc.dossiers.tests.factories import drive_to

    d = drive_to(world, dossier, "result")
    [n] = notify_dossier_event(dossier_id=d.pk, action="result_issued")
    assert "50.000 đồng" in n.body and n.template == "co_ket_qua"


# --- Delivery, retries, backoff ----------------------------------------------------------


def test_retry_with_backoff_then_success(
    integ, world, dossier, clock, django_capture_on_commit_callbacks
):
    _subscribe(dossier, sms=True, phone="0987654321")
    integ["NOTIFICATION_CHANNELS"]["sms"]["OPTIONS"]["fail"] = True
    with django_capture_on_commit_callbacks(execute=True):
        [n] = notify_dossier_event(dossier_id=dossier.pk, action="received")
    n.refresh_from_db()
    start = clock.now
    assert n.status == NotificationStatus.QUEUED and n.attempts == 1
    assert "Cổng gửi tin lỗi" in n.last_error
    assert n.next_attempt_at == start + dt.timedelta(seconds=60)

    # Not due yet: the cron run does nothing.
    assert services.notifications_deliver_due() == {"sent": 0, "failed": 0, "queued": 0}
    clock.advance(seconds=61)
    services.notifications_deliver_due()
    n.refresh_from_db()
    assert n.attempts == 2 and n.next_attempt_at == clock.now + dt.timedelta(seconds=120)

    integ["NOTIFICATION_CHANNELS"]["sms"]["OPTIONS"]["fail"] = False
    clock.advance(seconds=121)
    call_command("notifications_deliver")
    n.refresh_from_db()
    assert n.status == NotificationStatus.SENT and n.attempts == 3 and n.next_attempt_at is None
    [sent] = LocalSmsChannel.sent
    assert sent.recipient == "0987654321" and dossier.code in sent.body
    assert not LocalZaloChannel.sent


def test_gives_up_after_max_attempts(integ, world, dossier, clock):
    integ["MAX_ATTEMPTS"] = 2
    integ["NOTIFICATION_CHANNELS"]["zalo"]["OPTIONS"]["fail"] = True
    _subscribe(dossier, zalo=True, zalo_user_id="42")
    [n] = notify_dossier_event(dossier_id=dossier.pk, action="received")
    services.notification_deliver(notification_id=n.pk)
    clock.advance(minutes=2)
    n = services.notification_deliver(notification_id=n.pk)
    assert n.status == NotificationStatus.FAILED and n.attempts == 2 and n.next_attempt_at is None
    clock.advance(days=1)
    services.notifications_deliver_due()
    n.refresh_from_db()
    assert n.attempts == 2  # given up: only an officer's retry sends it again


def test_backoff_is_exponential_and_capped(integ):
    assert [conf.retry_delay(a).total_seconds() for a in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert conf.retry_delay(30).total_seconds() == 6 * 3600
    # The portal outbox's own settings, through the same rule.
    assert [conf.retry_delay(a, prefix="PORTAL_").total_seconds() for a in (1, 2, 7, 30)] == [
        30,
        60,
        1920,
        3600,
    ]


# --- Opt-in page -------------------------------------------------------------------------


def test_opt_in_page(integ, world, dossier, client):
    url = reverse("integrations:optin", args=[dossier.code])
    secret = dossier.issued_lookup_secret
    assert client.get(url, {"s": "SAIMA12345"}).status_code == 404
    assert client.get(url).status_code == 404
    page = client.get(url, {"s": secret})
    assert page.status_code == 200 and dossier.code in page.content.decode()
    # Personal data is not shown back (the declared phone/e-mail stay hidden).
    assert "0912345678" not in page.content.decode()

    bad = client.post(url, {"s": secret, "sms": "on", "phone": "12345"})
    assert bad.status_code == 400 and "Số điện thoại không hợp lệ" in bad.content.decode()
    no_zalo_id = client.post(url, {"s": secret, "zalo": "on"})
    assert no_zalo_id.status_code == 400
    assert not NotificationSubscription.objects.exists()

    ok = client.post(url, {"s": secret, "sms": "on", "zalo": "on", "zalo_user_id": "77"})
    assert ok.status_code == 302
    sub = NotificationSubscription.objects.get(dossier=dossier)
    assert (sub.email, sub.sms, sub.zalo, sub.zalo_user_id) == (False, True, True, "77")
    # Wrong secret on POST changes nothing.
    client.post(url, {"s": "SAIMA12345", "email": "on"})
    sub.refresh_from_db()
    assert sub.email is False


def test_subscribe_service_checks_the_secret(integ, dossier):
    with pytest.raises(PermissionDenied):
        services.notification_subscribe(
            code=dossier.code, lookup_secret="SAIMA12345", email=True, sms=False, zalo=False
        )


# --- Staff page --------------------------------------------------------------------------


def _failed(dossier, n: int = 1) -> list[Notification]:
    from django.utils import timezone

    start = Notification.objects.count()
    rows = []
    for i in range(n):
        rows.append(
            Notification.objects.create(
                dossier=dossier,
                action="received",
                event_seq=1 + start + i,
                channel="sms",
                recipient="0912345678",
                template="tiep_nhan",
                body="x",
                status=NotificationStatus.FAILED,
                attempts=6,
                last_error="Cổng SMS không phản hồi",
                created_at=timezone.now(),
            )
        )
    return rows


def test_staff_page_permission_and_query_count(
    integ, world, dossier, client, django_assert_num_queries
):
    url = reverse("integrations:notifications")
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(world.citizen)
    assert client.get(url).status_code == 403
    _failed(dossier, 2)

    client.force_login(world.outsider)  # an officer of another commune
    page = client.get(url)
    assert page.status_code == 200 and dossier.code not in page.content.decode()

    client.force_login(world.officer)
    client.get(url)  # warm caches (session, content types)
    with django_assert_num_queries(6) as few:
        page = client.get(url)
    assert page.content.decode().count(dossier.code) == 2
    assert "Cổng SMS không phản hồi" in page.content.decode()
    _failed(dossier, 5)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count(dossier.code) == 7


def test_staff_retry(integ, world, dossier, client, django_capture_on_commit_callbacks):
    [row] = _failed(dossier)
    retry = reverse("integrations:notification_retry", args=[row.pk])
    client.force_login(world.outsider)
    assert client.post(retry).status_code == 403
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
    with pytest.raises(PermissionDenied):
        services.notification_retry(actor=make_user(), notification=row)

    client.force_login(world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(retry).status_code == 302
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT and row.attempts == 7
    assert len(LocalSmsChannel.sent) == 1


# --- A real channel: Zalo OA over HTTP (the network is mocked) ----------------------------


class _FakeResponse:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def read(self) -> bytes:
        return self.body

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


def test_zalo_oa_channel_request_and_errors(monkeypatch):
    import json
    import urllib.request

    from cchc.integrations.notifications.channels import ChannelError, ZaloOAChannel

    seen = []

    def fake_urlopen(request, timeout):
        seen.append(request)
        return _FakeResponse(b'{"error": 0, "message": "Success", "data": {"message_id": "m1"}}')

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    channel = ZaloOAChannel(access_token="tok")
    assert channel.send(recipient="812", subject="", body="Hồ sơ X") == "m1"
    [req] = seen
    assert (
        req.full_url == ZaloOAChannel.DEFAULT_ENDPOINT and req.get_header("Access_token") == "tok"
    )
    assert json.loads(req.data) == {"recipient": {"user_id": "812"}, "message": {"text": "Hồ sơ X"}}

    monkeypatch.setattr(
        urllib.request,
        "urlopen",
        lambda request, timeout: _FakeResponse(b'{"error": -213, "message": "User not follow OA"}'),
    )
    with pytest.raises(ChannelError, match="-213"):
        channel.send(recipient="812", subject="", body="x")
    with pytest.raises(ChannelError, match="access_token"):
        ZaloOAChannel().send(recipient="812", subject="", body="x")


def test_secret_guessing_is_throttled(integ, dossier, client, settings):
    settings.PORTAL_LOOKUP_ATTEMPTS = 3
    url = reverse("integrations:optin", args=[dossier.code])
    for _ in range(3):
        assert client.get(url, {"s": "SAIMA12345"}).status_code == 404
    # Even the right secret is refused now, on this page and on the payment page.
    assert client.get(url, {"s": dossier.issued_lookup_secret}).status_code == 429
    pay = reverse("integrations:payment", args=[dossier.code])
    assert client.get(pay, {"s": dossier.issued_lookup_secret}).status_code == 429
