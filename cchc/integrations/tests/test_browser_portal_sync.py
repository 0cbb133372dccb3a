"""Real browser: an officer finds a message the portal refused and sends it again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cchc.core.testing.browser import sign_in
from cchc.dossiers.tests.factories import receive
from cchc.integrations.models import PortalSandboxRecord, PortalSyncMessage
from cchc.integrations.portal.sandbox import sandbox_set_fault


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_retries_a_dead_message(integ, world, page, live_server):
    sandbox_set_fault(mode="reject", count=1)
    dossier = receive(world)  # commits; the immediate worker tries at once and is refused
    assert PortalSyncMessage.objects.get(dossier=dossier).status == "dead"

    sign_in(page, world.officer.username, "mat-khau-an-toan-2026")
    page.goto("/integrations/dong-bo-cong-dvcqg/")
    expect(page.locator("h1")).to_have_text("Đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia")
    expect(page.locator('[data-count="dead"]')).to_have_text("1")
    row = page.locator("tr", has_text=dossier.code)
    expect(row).to_contain_text("Cổng từ chối")
    row.get_by_role("button", name="Gửi lại").click()

    expect(page.get_by_text("Đã đưa bản tin vào hàng đợi gửi lại")).to_be_visible()
    expect(page.locator('[data-count="dead"]')).to_have_text("0")
    expect(page.locator('[data-count="sent"]')).to_have_text("1")
    assert PortalSandboxRecord.objects.filter(ma_ho_so=dossier.code).count() == 2
