"""Self-assess → appraise → finalise in the real browser (Chromium through Playwright)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cchc.accounts.models import Role
from cchc.assessments import services
from cchc.core.testing.browser import sign_in
from cchc.dossiers.tests.factories import grant, make_unit, make_user
from cchc.units.models import UnitKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-an-toan-2026"

FRAMEWORK = {
    "code": "PAR-XA-TEST",
    "year": 2026,
    "level": "commune",
    "title": "Bộ tiêu chí thử",
    "areas": [
        {
            "code": "1",
            "title": "Công tác chỉ đạo, điều hành",
            "criteria": [
                {"code": "1.1", "title": "Kế hoạch CCHC", "max": 6, "evidence": "Kế hoạch"},
                {"code": "1.2", "title": "Tuyên truyền CCHC", "max": 4},
            ],
        }
    ],
}


def _row(page, code):
    return page.locator(f'[data-testid="criterion-{code}"]')


def test_self_assess_appraise_finalise(page):
    province = make_unit("Tỉnh Gia Lai", UnitKind.PROVINCE)
    commune = make_unit("Phường Quy Nhơn", UnitKind.COMMUNE, province, code="XA01")
    chairman = make_user("chutich", full_name="Chủ tịch phường")
    grant(chairman, Role.CHAIRMAN, commune)
    home_affairs = make_user("noivu", full_name="Sở Nội vụ")
    grant(home_affairs, Role.HOME_AFFAIRS, province, include_subtree=True)
    services.framework_create(actor=None, data=FRAMEWORK)

    # The unit self-assesses.
    sign_in(page, "chutich", PASSWORD, next_path="/assessments/")
    expect(page.locator("h1")).to_have_text("Chỉ số cải cách hành chính")
    page.get_by_role("button", name="Mở bản tự đánh giá").click()
    expect(page.locator("[data-testid=status]")).to_have_text("Đang tự đánh giá")
    row = _row(page, "1.1")
    row.locator("input[name=points]").fill("6")
    row.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("Cần tài liệu kiểm chứng")
    row = _row(page, "1.1")
    row.locator("input[name=points]").fill("6")
    row.locator("input[name=evidence_link]").fill("https://vanban.example.vn/kh-cchc-2026")
    row.get_by_role("button", name="Lưu").click()
    expect(page.locator("[data-testid=self-total]")).to_have_text("6,00")
    row = _row(page, "1.2")
    row.locator("input[name=points]").fill("3,5")
    row.get_by_role("button", name="Lưu").click()
    expect(page.locator("[data-testid=self-total]")).to_have_text("9,50")
    page.get_by_role("button", name="Gửi Sở Nội vụ thẩm định").click()
    expect(page.locator("[data-testid=status]")).to_have_text("Đã gửi thẩm định")
    path = "/" + page.url.split("/", 3)[3]

    # Home Affairs appraises: accepts 1.1, lowers 1.2 with a reason, publishes.
    page.context.clear_cookies()
    sign_in(page, "noivu", PASSWORD, next_path=path)
    _row(page, "1.1").get_by_role("button", name="Thống nhất").click()
    expect(_row(page, "1.1")).to_contain_text("Thống nhất: 6,00")
    row = _row(page, "1.2")
    row.locator("input[name=points]").fill("2")
    row.locator("input[name=comment]").fill("Chưa có hình ảnh tuyên truyền")
    row.get_by_role("button", name="Điều chỉnh").click()
    expect(_row(page, "1.2")).to_contain_text("Chưa có hình ảnh tuyên truyền")
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.locator("[data-testid=status]")).to_have_text("Đã công bố kết quả")
    expect(page.locator("[data-testid=final-total]")).to_have_text("8,00")
    expect(page.locator("[data-testid=band]")).to_have_text("Tốt")  # 8 / 10 = 80 %
    history = page.locator("[data-testid=history]")
    expect(history).to_contain_text("self_assessed 1.1: 6.00")
    expect(history).to_contain_text("appraised 1.2: 2.00 (Chưa có hình ảnh tuyên truyền)")
    expect(history).to_contain_text("finalised")
