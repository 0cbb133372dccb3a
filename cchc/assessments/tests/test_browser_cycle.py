"""Self-assess → appraise → finalise in the real browser (Chromium through Playwright)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cchc.assessments.tests.conftest import PASSWORD
from cchc.core.testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _row(page, code):
    return page.locator(f'[data-testid="criterion-{code}"]')


@pytest.mark.usefixtures("small_province")
def test_self_assess_appraise_finalise(page):
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
