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
