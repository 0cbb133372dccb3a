"""The centre's manager keeps the counter registry in the real browser: add a counter
(a duplicate number is refused in Vietnamese first), put an officer at a counter, close a
counter and see the kiosk stop offering a sector nobody serves any more."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cchc.core.testing.browser import sign_in
from cchc.dossiers.tests.factories import make_world
from cchc.floor.models import Counter
from cchc.floor.tests.conftest import make_floor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-an-toan-2026"


def test_manager_keeps_the_counter_registry(page, transactional_db):
    floor = make_floor(make_world())
    w = floor.world
    sign_in(page, w.leader.username, PASSWORD, next_path="/floor/quan-ly/")
    expect(page.locator("h1")).to_contain_text(w.one_stop.name)
    expect(page.locator("#counter-1")).to_contain_text("Hộ tịch, Đất đai")

    # A duplicate number and no sector: both refused, nothing saved.
    page.fill("#id_number", "2")
    page.fill("#id_name", "Chứng thực")
    page.get_by_role("button", name="Thêm quầy").click()
    expect(page.locator(".registry-form")).to_contain_text("Số quầy 2 đã có")
    expect(page.locator(".registry-form")).to_contain_text("ít nhất một lĩnh vực")
    page.fill("#id_number", "3")
    page.locator("#id_sectors").get_by_label("Hộ tịch").check()
    page.select_option("#id_officer", label=w.officer.full_name)
    page.get_by_role("button", name="Thêm quầy").click()
    expect(page.locator(".messages")).to_contain_text("Đã thêm Quầy 3")
    expect(page.locator("#counter-3")).to_contain_text("Chứng thực")
    expect(page.locator("#counter-3")).to_contain_text(w.officer.full_name)

    # Counter 2 stops serving land and is closed: land stays on counter 1 only.
    page.get_by_role("link", name="Sửa quầy 2").click()
    page.fill("#id_name", "Đất đai, xây dựng")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#counter-2")).to_contain_text("Đất đai, xây dựng")
    page.get_by_role("button", name="Tạm ngừng quầy 2").click()
    expect(page.locator("#counter-2 .status")).to_have_text("Tạm ngừng")
    assert not Counter.objects.get(pk=floor.counter_2.pk).is_active
    page.get_by_role("button", name="Mở lại quầy 2").click()
    expect(page.locator("#counter-2 .status")).to_have_text("Đang hoạt động")

    # The office hours shown are the centre's working calendar (no own row: defaults).
    expect(page.locator("#office-hours")).to_contain_text("07:30–11:30")

    # The kiosk offers the sectors of open counters.
    page.goto(f"/floor/lay-so/{w.one_stop.pk}/")
    expect(page.get_by_role("button", name="Hộ tịch")).to_be_visible()
