"""Home Affairs edits a framework's tree in the real browser; a version in use is copied."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cchc.assessments import services
from cchc.assessments.models import Criterion, Framework
from cchc.assessments.tests.conftest import PASSWORD
from cchc.core.testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _row(page, code):
    return page.locator(f'[data-testid="criterion-{code}"]')


def test_home_affairs_edits_the_tree_then_copies_a_version_in_use(page, small_province):
    fw = small_province.framework
    sign_in(page, "noivu", PASSWORD, next_path=f"/assessments/frameworks/{fw.pk}/")
    expect(page.locator("[data-testid=total]")).to_have_text("10,00")

    # A sub-criterion under 1.1: 1.1 becomes the sum of its sub-criteria.
    row = _row(page, "1.1")
    row.locator("summary", has_text="Thêm tiêu chí thành phần").click()
    form = page.locator('[data-testid="add-1.1"]')
    form.get_by_label("Mã", exact=True).fill("1.1.1")
    form.get_by_label("Tên tiêu chí", exact=True).fill("Ban hành kế hoạch đúng hạn")
    form.get_by_label("Điểm tối đa", exact=True).fill("2,5")
    form.get_by_label("Tài liệu kiểm chứng", exact=True).fill("Quyết định ban hành kế hoạch")
    form.get_by_role("button", name="Thêm").click()
    expect(page.get_by_role("status")).to_have_text("Đã thêm tiêu chí.")
    expect(_row(page, "1.1.1")).to_contain_text("Ban hành kế hoạch đúng hạn")
    expect(_row(page, "1.1")).to_contain_text("Tổng các tiêu chí thành phần")
    expect(page.locator("[data-testid=total]")).to_have_text("6,50")

    # 1.2 becomes computed from the dossiers; a missing formula is refused, nothing changes.
    row = _row(page, "1.2")
    row.locator("summary", has_text="Sửa").first.click()
    edit = page.locator('[data-testid="edit-1.2"]')
    edit.locator("select[name=method]").select_option("computed")
    edit.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("phải chọn công thức")
    expect(_row(page, "1.2")).to_contain_text("Tự đánh giá")
    _row(page, "1.2").locator("summary", has_text="Sửa").first.click()
    edit = page.locator('[data-testid="edit-1.2"]')
    edit.locator("input[name=title]").fill("Tỷ lệ hồ sơ đúng hạn")
    edit.locator("input[name=max_points]").fill("5")
    edit.locator("select[name=method]").select_option("computed")
    edit.locator("select[name=formula]").select_option("dossier_on_time_rate")
    edit.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_have_text("Đã sửa tiêu chí.")
    expect(_row(page, "1.2")).to_contain_text("Tính từ dữ liệu hệ thống (dossier_on_time_rate)")
    expect(page.locator("[data-testid=total]")).to_have_text("7,50")

    # Delete the sub-criterion: 1.1 is a scored criterion again.
    row = _row(page, "1.1.1")
    row.locator("summary", has_text="Sửa").first.click()
    page.locator('[data-testid="criterion-1.1.1"]').get_by_role(
        "button", name="Xóa tiêu chí"
    ).click()
    expect(page.get_by_role("status")).to_have_text("Đã xóa tiêu chí.")
    expect(_row(page, "1.1.1")).to_have_count(0)
    expect(_row(page, "1.1")).to_contain_text("Tự đánh giá")
    expect(page.locator("#changes")).to_contain_text("criterion_deleted 1.1.1")

    # The commune opens its self-assessment: this version is now read-only.
    services.assessment_open(
        actor=small_province.chairman, framework=fw, unit=small_province.commune
    )
    page.reload()
    expect(page.locator("[data-testid=locked]")).to_be_visible()
    expect(_row(page, "1.2").locator("summary")).to_have_count(0)
    page.get_by_role("button", name="Sao chép thành phiên bản mới").click()
    expect(page.get_by_role("status")).to_have_text("Đã tạo phiên bản 2 để chỉnh sửa.")
    expect(page.locator("h1")).to_have_text(re.compile(r"phiên bản 2"))
    copy = Framework.objects.get(version=2)
    assert page.url.endswith(f"/assessments/frameworks/{copy.pk}/")
    assert Criterion.objects.get(area__framework=copy, code="1.2").formula == (
        "dossier_on_time_rate"
    )
    expect(_row(page, "1.2").locator("summary").first).to_be_visible()
