"""A full visit in the real browser: ticket at the kiosk → the officer calls it (with the
voice clip) → intake on the dossier screen → the ticket is closed with the dossier code
→ the citizen rates the officer on the counter's tablet; the hall board and the lookup
kiosk along the way.

Counter actions are refused outside office hours, so the clock is pinned to a working
Monday morning and runs on from there (the live server thread shares the patch).
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cchc.core.testing.browser import sign_in
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import make_world
from cchc.dossiers.tests.test_browser_screens import receive_at_counter
from cchc.floor.models import CounterRating, Ticket, TicketStatus
from cchc.floor.tests.conftest import make_floor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-an-toan-2026"


@pytest.fixture
def running_clock(monkeypatch):
    start = dt.datetime(2026, 11, 16, 9, 0, tzinfo=VN)
    t0 = time.monotonic()
    monkeypatch.setattr(
        timezone, "now", lambda: start + dt.timedelta(seconds=time.monotonic() - t0)
    )


def test_full_visit_ticket_call_intake_rating(page, transactional_db, running_clock):
    floor = make_floor(make_world())
    w = floor.world

    # 1. The citizen takes a priority ticket at the kiosk (touch buttons per sector).
    page.goto(f"/floor/lay-so/{w.one_stop.pk}/")
    page.get_by_label("Người cao tuổi").check()
    page.get_by_role("button", name="Hộ tịch").click()
    expect(page.locator("#ticket-number")).to_have_text("0001")
    expect(page.locator("#ticket-status")).to_contain_text("Đang chờ")
    ticket_url = page.url

    # 2. The officer calls the next number; the page carries the announcement clip.
    sign_in(page, w.officer.username, PASSWORD, next_path=f"/floor/quay/{floor.counter_1.pk}/")
    page.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(page.locator("#current-number")).to_have_text("0001")
    clip = page.locator("audio#announce")
    expect(clip).to_have_attribute("data-announce-text", "Xin mời số 0 0 0 1, đến quầy số 1.")
    response = page.request.get(clip.get_attribute("src"))
    assert response.status in (200, 404)  # 404 only without espeak-ng (speech fallback)
    if response.status == 200:
        assert response.headers["content-type"] == "audio/wav"
    page.get_by_role("button", name="Bắt đầu phục vụ").click()
    expect(page.locator("#current-number")).to_have_text("0001")

    # The hall board shows the number at counter 1 (no personal data).
    board = page.context.new_page()
    board.goto(f"/floor/bang/{w.one_stop.pk}/")
    expect(board.locator(".serving-list")).to_contain_text("0001")
    expect(board.locator(".serving-list")).to_contain_text("Quầy 1")

    # 3. Intake on the dossier screen, then close the ticket with the dossier code.
    receive_at_counter(page, w)
    code = page.locator("#receipt-code").inner_text().strip()
    page.goto(f"/floor/quay/{floor.counter_1.pk}/")
    page.fill("#id_dossier_code", code)
    page.get_by_role("button", name="Kết thúc lượt").click()
    expect(page.locator(".messages")).to_contain_text("Đã kết thúc lượt phục vụ số 0001")
    expect(page.get_by_role("button", name="Gọi số tiếp theo")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.DONE and ticket.dossier.code == code

    # 4. The tablet asks about visit 0001; dissatisfied needs a reason.
    tablet = page.context.new_page()
    tablet.goto(f"/floor/danh-gia/{floor.counter_1.pk}/")
    expect(tablet.locator(".rating-form")).to_contain_text("số 0001")
    tablet.get_by_role("radio", name="Không hài lòng").check()
    tablet.get_by_role("button", name="Gửi đánh giá").click()
    expect(tablet.get_by_role("alert")).to_contain_text("lý do")
    tablet.get_by_role("radio", name="Rất hài lòng").check()
    tablet.get_by_role("button", name="Gửi đánh giá").click()
    expect(tablet.locator(".thanks")).to_contain_text("Cảm ơn")
    rating = CounterRating.objects.get()
    assert rating.value == "very_satisfied" and rating.officer == w.officer

    # The citizen's phone shows the visit as done.
    page.goto(ticket_url)
    expect(page.locator("#ticket-status")).to_contain_text("Đã phục vụ xong")


def test_booking_transfer_board_refresh_and_lookup_kiosk(page, transactional_db, running_clock):
    from cchc.dossiers.tests.factories import receive

    floor = make_floor(make_world())
    w = floor.world

    # A booking for later this morning: the slip carries a QR code for check-in.
    page.goto(f"/floor/lay-so/{w.one_stop.pk}/dat-lich/")
    page.select_option("#id_sector", str(floor.land.pk))
    page.fill("#id_booked_for", "2026-11-16T10:00")
    page.get_by_role("button", name="Đặt lịch").click()
    expect(page.locator(".ticket-kind")).to_have_text("Phiếu hẹn")
    expect(page.locator(".ticket-qr svg")).to_be_visible()
    slip_url = page.url
    # Check-in at the kiosk by scanning the slip's QR (the scanner types the link).
    page.goto(f"/floor/lay-so/{w.one_stop.pk}/")
    page.fill("#id_token", slip_url)
    page.get_by_role("button", name="Xác nhận đến").click()
    expect(page.locator("#ticket-status")).to_contain_text("Đang chờ")

    # The hall board refreshes itself when the number is called.
    board = page.context.new_page()
    board.goto(f"/floor/bang/{w.one_stop.pk}/")
    expect(board.locator(".serving-list")).to_contain_text("Chưa có số nào được gọi")

    sign_in(page, w.officer.username, PASSWORD, next_path=f"/floor/quay/{floor.counter_1.pk}/")
    page.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(page.locator("#current-number")).to_have_text("0001")
    expect(board.locator(".serving-list")).to_contain_text("Quầy 1", timeout=20_000)

    # Transfer to counter 2: counter 1 is free again, counter 2 calls it first.
    page.select_option("#id_to_counter", str(floor.counter_2.pk))
    page.get_by_role("button", name="Chuyển quầy").click()
    expect(page.locator(".messages")).to_contain_text("Đã chuyển số 0001 sang quầy 2")
    page.goto(f"/floor/quay/{floor.counter_2.pk}/")
    expect(page.locator("#waiting")).to_contain_text("1 số đang chờ")
    page.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(page.locator("#current-number")).to_have_text("0001")
    page.get_by_role("button", name="Bỏ lượt (không có mặt)").click()
    expect(page.get_by_role("button", name="Gọi số tiếp theo")).to_be_visible()
    assert Ticket.objects.get().status == TicketStatus.ABANDONED

    # Lookup kiosk: the receipt's QR link plus the printed secret; no personal data.
    dossier = receive(w)
    page.goto("/floor/tra-cuu/")
    page.fill("#id_scan", f"http://localhost:8000/portal/tra-cuu/?ma={dossier.code}")
    page.fill("#id_s", "sai")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.fill("#id_s", dossier.issued_lookup_secret)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator(".lookup-result h2")).to_have_text(dossier.code)
    expect(page.locator(".timeline")).to_contain_text("Tiếp nhận hồ sơ")
    expect(page.locator("main")).not_to_contain_text("Nguyễn Thị Dân")
