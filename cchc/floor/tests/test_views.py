from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import drive_to, receive
from cchc.floor import services
from cchc.floor.models import CounterRating, Ticket, TicketStatus

PASSWORD = "mat-khau-an-toan-2026"


@pytest.fixture
def officer_client(client, floor):
    client.login(username=floor.world.officer.username, password=PASSWORD)
    return client


def test_kiosk_takes_a_ticket_and_shows_its_number(client, floor):
    url = reverse("floor:kiosk", args=[floor.world.one_stop.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Hộ tịch" in page.content.decode() and "<svg" in page.content.decode()
    response = client.post(url, {"sector": floor.civil.pk, "priority": "elderly"})
    t = Ticket.objects.get()
    assert response.url == reverse("floor:ticket", args=[t.token])
    shown = client.get(response.url).content.decode()
    assert "0001" in shown and "Người cao tuổi" in shown


def test_kiosk_refusal_is_shown_and_saves_nothing(client, floor):
    url = reverse("floor:kiosk", args=[floor.world.one_stop.pk])
    response = client.post(url, {"priority": "elderly"})
    assert response.status_code == 400
    assert "Vui lòng chọn lĩnh vực" in response.content.decode()
    assert not Ticket.objects.exists()


def test_officer_calls_next_at_own_counter(officer_client, floor):
    services.ticket_take(unit=floor.world.one_stop, sector=floor.civil)
    url = reverse("floor:counter_action", args=[floor.counter_1.pk, "call_next"])
    officer_client.post(url)
    t = Ticket.objects.get()
    assert t.status == TicketStatus.CALLED and t.officer == floor.world.officer
    page = officer_client.get(reverse("floor:counter", args=[floor.counter_1.pk])).content.decode()
    assert "0001" in page and reverse("floor:announce", args=[t.pk]) in page


def test_officer_of_another_unit_cannot_call_at_this_counter(client, floor):
    services.ticket_take(unit=floor.world.one_stop, sector=floor.civil)
    client.login(username=floor.world.outsider.username, password=PASSWORD)
    assert client.get(reverse("floor:counter", args=[floor.counter_1.pk])).status_code == 403
    response = client.post(reverse("floor:counter_action", args=[floor.counter_1.pk, "call_next"]))
    assert response.status_code == 403
    assert Ticket.objects.get().status == TicketStatus.WAITING
    # Nor may they hear the announcement of another unit's ticket.
    t = services.counter_call_next(actor=floor.world.officer, counter=floor.counter_1)
    assert client.get(reverse("floor:announce", args=[t.pk])).status_code == 404


def test_counter_pages_need_login(client, floor):
    response = client.get(reverse("floor:counter", args=[floor.counter_1.pk]))
    assert response.status_code == 302 and "/login/" in response.url


def test_outside_office_hours_message_on_counter_page(officer_client, floor, clock):
    services.ticket_take(unit=floor.world.one_stop, sector=floor.civil)
    clock.set(dt.datetime(2026, 11, 16, 18, 0, tzinfo=VN))
    url = reverse("floor:counter_action", args=[floor.counter_1.pk, "call_next"])
    page = officer_client.post(url, follow=True).content.decode()
    assert "Ngoài giờ làm việc" in page
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_finish_with_dossier_code_links_the_dossier(officer_client, floor):
    services.ticket_take(unit=floor.world.one_stop, sector=floor.civil)
    t = services.counter_call_next(actor=floor.world.officer, counter=floor.counter_1)
    dossier = receive(floor.world)
    url = reverse("floor:counter_action", args=[floor.counter_1.pk, "finish"])
    officer_client.post(url, {"ticket": t.pk, "dossier_code": "KHONG-CO"})
    assert Ticket.objects.get().status == TicketStatus.CALLED
    officer_client.post(url, {"ticket": t.pk, "dossier_code": dossier.code})
    t.refresh_from_db()
    assert t.status == TicketStatus.DONE and t.dossier == dossier


def test_tablet_rates_the_last_visit_once(client, floor):
    services.ticket_take(unit=floor.world.one_stop, sector=floor.civil)
    t = services.counter_call_next(actor=floor.world.officer, counter=floor.counter_1)
    services.ticket_finish(actor=floor.world.officer, ticket=t)
    url = reverse("floor:tablet", args=[floor.counter_1.pk])
    assert f'value="{t.pk}"' in client.get(url).content.decode()
    response = client.post(url, {"ticket": t.pk, "value": "dissatisfied", "reason": ""})
    assert response.status_code == 400
    assert "lý do" in response.content.decode()
    response = client.post(url, {"ticket": t.pk, "value": "very_satisfied"})
    assert "Cảm ơn" in response.content.decode()
    assert client.post(url, {"ticket": t.pk, "value": "satisfied"}).status_code == 400
    assert CounterRating.objects.get().value == "very_satisfied"
    assert f'value="{t.pk}"' not in client.get(url).content.decode()


def test_hall_board_shows_serving_numbers_and_ready_codes_without_personal_data(
    client, floor, django_assert_num_queries
):
    w = floor.world
    services.ticket_take(unit=w.one_stop, sector=floor.civil)
    services.counter_call_next(actor=w.officer, counter=floor.counter_1)
    receive(w)
    ready = drive_to(w, receive(w), "result")
    with django_assert_num_queries(6):
        page = client.get(reverse("floor:board", args=[w.one_stop.pk])).content.decode()
    assert "0001" in page and "Quầy 1" in page
    assert ready.code in page
    assert "Đăng ký khai sinh" in page and "Phường Quy Nhơn" in page
    assert "Nguyễn Thị Dân" not in page and "052090000001" not in page


def test_lookup_kiosk_needs_code_and_secret(client, floor):
    dossier = receive(floor.world)
    url = reverse("floor:lookup")
    scanned = f"http://localhost:8000/portal/tra-cuu/?ma={dossier.code}"
    assert client.post(url, {"scan": scanned, "s": "sai-ma"}).status_code == 404
    page = client.post(url, {"scan": scanned, "s": dossier.issued_lookup_secret})
    body = page.content.decode()
    assert page.status_code == 200
    assert dossier.code in body and "Tiếp nhận hồ sơ" in body
    assert "Nguyễn Thị Dân" not in body


def test_booking_page_gives_a_qr_ticket_for_check_in(client, floor, clock):
    unit = floor.world.one_stop
    response = client.post(
        reverse("floor:book", args=[unit.pk]),
        {"sector": floor.civil.pk, "booked_for": "2026-11-17T09:00"},
    )
    t = Ticket.objects.get()
    assert t.status == TicketStatus.BOOKED
    assert "<svg" in client.get(response.url).content.decode()
    clock.set(dt.datetime(2026, 11, 17, 8, 30, tzinfo=VN))
    scanned = f"http://testserver{reverse('floor:ticket', args=[t.token])}"
    client.post(reverse("floor:check_in", args=[unit.pk]), {"token": scanned})
    t.refresh_from_db()
    assert t.status == TicketStatus.WAITING


def test_kiosk_takes_a_ticket_by_procedure(client, floor):
    w = floor.world
    url = reverse("floor:kiosk", args=[w.one_stop.pk])
    assert w.procedure.name in client.get(url).content.decode()
    client.post(url, {"procedure": w.procedure.pk, "by": "procedure"})
    t = Ticket.objects.get()
    assert t.procedure == w.procedure and t.sector == floor.civil
