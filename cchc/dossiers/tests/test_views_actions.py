"""Less frequent step actions through the screens: pauses, apology, closing the
dossier on the applicant's request, postal intake, and the leader page's query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.dossiers.models import Channel, Dossier, DossierStatus
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import drive_to, receive
from cchc.dossiers.tests.test_views import (
    detail_url,
    events,
    fresh,
    intake_data,
    post_action,
    text,
)

pytestmark = pytest.mark.django_db


def test_pause_and_resume_for_financial_obligation(client, world):
    d = drive_to(world, receive(world), "assigned")
    client.force_login(world.specialist)
    r = post_action(
        client,
        d,
        "pause",
        {
            "kind": "financial_obligation",
            "basis": "Điều 13 Nghị định 101/2024/NĐ-CP",
            "notice": "Thông báo thuế số 45/TB-CCT",
        },
    )
    assert r.status_code == 302, text(r)
    assert fresh(d).status == DossierStatus.PAUSED
    before = events(d)
    r = post_action(client, d, "resume", {"receipt": ""})
    assert r.status_code == 400
    assert "biên lai" in text(r)
    assert events(d) == before
    r = post_action(client, d, "resume", {"receipt": "BL-0001"})
    assert r.status_code == 302, text(r)
    body = text(client.get(detail_url(d)))
    assert "Thông báo thuế số 45/TB-CCT" in body and "Chứng từ: BL-0001" in body


def test_apology_once_with_a_new_date(client, world):
    d = drive_to(world, receive(world), "assigned")
    client.force_login(world.leader)
    new_due = (fresh(d).due_at + dt.timedelta(days=3)).astimezone(VN)
    r = post_action(
        client,
        d,
        "apologise",
        {"new_due": new_due.strftime("%Y-%m-%dT%H:%M"), "reason": "Chờ xác minh"},
    )
    assert r.status_code == 302, text(r)
    body = text(client.get(detail_url(d)))
    assert "Hẹn lại (Mẫu 04)" in body and new_due.strftime("%H:%M %d/%m/%Y") in body
    assert "Tính là trễ hạn" in body
    # The form is gone once used; a second posting is refused by the service.
    assert 'id="action-apologise"' not in body
    before = events(d)
    r = post_action(
        client,
        d,
        "apologise",
        {"new_due": new_due.strftime("%Y-%m-%dT%H:%M"), "reason": "Lần hai"},
    )
    assert r.status_code == 400
    assert "không được hẹn lại lần thứ hai" in text(r)
    assert events(d) == before


@pytest.mark.parametrize(
    "action,status", [("withdraw", DossierStatus.WITHDRAWN), ("stop", DossierStatus.STOPPED)]
)
def test_applicant_requests_to_withdraw_or_stop(client, world, action, status):
    d = receive(world)
    client.force_login(world.officer)
    before = events(d)
    r = post_action(client, d, action, {"reason": ""})
    assert r.status_code == 400
    assert "Vui lòng ghi lý do" in text(r)
    assert events(d) == before
    r = post_action(client, d, action, {"reason": "Người nộp đề nghị bằng văn bản"})
    assert r.status_code == 302, text(r)
    assert fresh(d).status == status


def test_return_to_an_earlier_step_needs_a_reason(client, world):
    d = drive_to(world, receive(world), "at_leader")
    client.force_login(world.leader)
    before = events(d)
    r = post_action(client, d, "return_to_step", {"step_order": 2, "reason": ""})
    assert r.status_code == 400
    assert "Vui lòng nêu lý do chuyển trả." in text(r)
    assert events(d) == before
    r = post_action(client, d, "return_to_step", {"step_order": 2, "reason": "Bổ sung xác minh"})
    assert r.status_code == 302
    assert fresh(d).current_step_order == 2


def test_postal_partner_receives_for_a_one_stop(client, world):
    client.force_login(world.postal_staff)
    assert client.get(reverse("dossiers:intake")).status_code == 200
    data = intake_data(world, channel="postal", postal_unit=world.post.pk)
    r = client.post(reverse("dossiers:intake"), data)
    assert r.status_code == 302, text(r)
    d = Dossier.objects.get()
    assert d.channel == Channel.POSTAL and d.postal_unit == world.post
    assert d.receiving_unit == world.one_stop
    # The post office prints the receipt (Mẫu 01) for the applicant.
    body = text(client.get(r["Location"]))
    assert d.code in body and 'id="receipt-secret"' in body


def test_postal_channel_without_post_office_is_refused(client, world):
    client.force_login(world.postal_staff)
    r = client.post(reverse("dossiers:intake"), intake_data(world, channel="postal"))
    assert r.status_code == 400
    assert "Vui lòng chọn bưu cục tiếp nhận." in text(r)
    assert Dossier.objects.count() == 0


def test_leader_page_query_count_does_not_grow(client, world, clock, django_assert_num_queries):
    drive_to(world, receive(world), "assigned")
    client.force_login(world.leader)
    url = reverse("dossiers:leader")
    params = {"unit": world.department.pk}
    clock.advance(days=10)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    baseline = len(ctx.captured_queries)
    clock.advance(days=-10)
    for _ in range(5):
        drive_to(world, receive(world), "assigned")
    clock.advance(days=10)
    with django_assert_num_queries(baseline):
        response = client.get(url, params)
    assert 'id="total-overdue">6<' in text(response)


def test_petition_recorded_and_answered(client, world):
    d = drive_to(world, receive(world), "returned")
    client.force_login(world.officer)
    before = events(d)
    r = post_action(client, d, "petition", {"kind": "complaint", "content": ""})
    assert r.status_code == 400
    assert "Vui lòng nhập nội dung phản ánh, kiến nghị." in text(r)
    assert events(d) == before
    r = post_action(client, d, "petition", {"kind": "complaint", "content": "Chờ lâu ở quầy"})
    assert r.status_code == 302, text(r)
    body = text(client.get(detail_url(d)))
    assert "Chờ lâu ở quầy" in body and "Chưa trả lời" in body
    r = post_action(client, d, "petition_answer", {"no": 1, "answer": ""})
    assert r.status_code == 400
    assert "Vui lòng nhập kết quả xử lý phản ánh, kiến nghị." in text(r)
    r = post_action(client, d, "petition_answer", {"no": 1, "answer": "Đã bố trí thêm quầy"})
    assert r.status_code == 302, text(r)
    body = text(client.get(detail_url(d)))
    assert "Đã bố trí thêm quầy" in body and "Chưa trả lời" not in body


def test_results_waiting_to_be_returned_and_form_links(client, world):
    d = drive_to(world, receive(world), "result")
    client.force_login(world.officer)
    body = text(client.get(reverse("dossiers:queue"), {"kind": "to_return"}))
    assert d.code in body and "Chờ trả kết quả" in body
    body = text(client.get(detail_url(d)))
    assert reverse("documents:form_pdf", args=[d.code, "control"]) in body
    assert reverse("documents:form_pdf", args=[d.code, "receipt"]) in body
    # No Mẫu 04 link for a dossier that never needed an apology.
    assert reverse("documents:form_pdf", args=[d.code, "apology"]) not in body
