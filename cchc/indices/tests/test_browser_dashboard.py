"""The leader dashboard in the real browser: the chairman reads the index of the
province, picks a period, follows the points lost to the dossiers behind them."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cchc.accounts.models import Role
from cchc.core.testing.browser import sign_in
from cchc.dossiers import services
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.factories import drive_to, grant, make_user, make_world, receive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-an-toan-2026"


def test_chairman_reads_the_index_and_finds_the_late_dossier(page):
    world = make_world()
    chairman = make_user(full_name="Chủ tịch tỉnh")
    grant(chairman, Role.CHAIRMAN, world.province, include_subtree=True)
    drive_to(world, receive(world), "returned")
    # Supplement requested twice: late whatever the dates (766 formula 2.1).
    late = drive_to(world, receive(world), "at_department")
    for _ in range(2):
        services.dossier_request_supplement(
            actor=world.specialist, dossier=late, items=["Bản chính"], reason="Mờ"
        )
        late = Dossier.objects.get(pk=late.pk)
        services.dossier_supplement_provided(
            actor=world.officer,
            dossier=late,
            components=[{"requirement": world.requirements()[0], "source": "paper"}],
        )
        late = Dossier.objects.get(pk=late.pk)
    today = timezone.localdate()
    month = f"{today:%Y-%m}"

    sign_in(page, chairman.username, PASSWORD, next_path="/indices/")
    expect(page.locator("h1")).to_have_text("Chỉ số phục vụ người dân, doanh nghiệp")
    page.fill("#period", month)
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("[data-testid=total]")).to_be_visible()
    expect(page.get_by_role("heading", name="Xếp hạng đơn vị trực thuộc")).to_be_visible()
    # The month-by-month chart is drawn (Chart.js attaches itself to the canvas).
    page.wait_for_function(
        "() => window.Chart && window.Chart.getChart(document.getElementById('trend-chart'))"
    )
    page.locator("a[href*='criterion=DOSSIER_ON_TIME']").click()
    expect(page.locator("h1")).to_contain_text("Hồ sơ làm mất điểm")
    expect(page.locator("table")).to_contain_text(late.code)
    # A period that does not exist is explained, in Vietnamese.
    page.goto("/indices/?period=2026-13")
    expect(page.locator("[role=alert]")).to_contain_text("tháng phải từ 01 đến 12")
