"""Training in the real browser: organise a session with people by unit, take
attendance, attach a material; the untrained list follows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cchc.accounts.models import Role
from cchc.core.testing.browser import sign_in
from cchc.dossiers.tests.factories import grant, make_unit, make_user
from cchc.reforms.models import TrainingSession
from cchc.units.models import UnitKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-an-toan-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_organise_a_session_take_attendance_and_attach_a_material(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    province = make_unit("Tỉnh Gia Lai", UnitKind.PROVINCE)
    commune = make_unit("Phường Quy Nhơn", UnitKind.COMMUNE, province, code="XA01")
    one_stop = make_unit("Bộ phận Một cửa phường", UnitKind.ONE_STOP, commune)
    chief = make_user("chutich", full_name="Chủ tịch phường")
    grant(chief, Role.CHAIRMAN, commune, include_subtree=True)
    grant(chief, Role.UNIT_LEADER, commune, include_subtree=True)
    officer = make_user("motcua1", full_name="Nguyễn Văn Một Cửa")
    grant(officer, Role.ONE_STOP_OFFICER, one_stop)
    other = make_user("motcua2", full_name="Trần Thị Tiếp Nhận")
    grant(other, Role.ONE_STOP_OFFICER, one_stop)

    sign_in(page, "chutich", PASSWORD, next_path="/reforms/phong-trao/?year=2026")
    untrained = page.locator("#untrained")
    expect(untrained).to_contain_text("Nguyễn Văn Một Cửa")
    page.get_by_role("link", name="Tổ chức lớp tập huấn mới").click()
    page.get_by_label("Chủ đề").fill("Sử dụng hệ thống một cửa điện tử")
    page.get_by_label("Ngày tổ chức").fill("2026-10-05")
    page.get_by_label("Báo cáo viên").fill("Sở Nội vụ")
    page.get_by_label("Triệu tập Nguyễn Văn Một Cửa").check()
    page.get_by_label("Triệu tập Trần Thị Tiếp Nhận").check()
    page.get_by_label("Có mặt Nguyễn Văn Một Cửa").check()
    page.get_by_role("button", name="Tạo lớp tập huấn").click()
    expect(page.get_by_role("status")).to_contain_text("Đã tạo lớp tập huấn.")
    expect(page.locator("h1")).to_have_text("Sử dụng hệ thống một cửa điện tử")
    expect(page.locator("#by-unit")).to_contain_text("Bộ phận Một cửa phường")
    expect(page.locator("#by-unit tbody tr").first).to_contain_text("2")

    # Attendance corrected: the second officer came too.
    page.get_by_label("Có mặt Trần Thị Tiếp Nhận").check()
    page.get_by_role("button", name="Lưu danh sách tham gia").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu danh sách tham gia.")
    row = page.locator("#by-unit tbody tr").first
    expect(row.locator("td").nth(1)).to_have_text("2")
    expect(row.locator("td").nth(2)).to_have_text("2")

    # A material: a fake PDF is refused by content, a real one is listed.
    page.get_by_label("Tệp tài liệu (PDF, JPEG, PNG)").set_input_files(
        files=[{"name": "bai-giang.pdf", "mimeType": "application/pdf", "buffer": b"MZ fake"}]
    )
    page.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_role("status")).to_contain_text("không đúng định dạng")
    page.get_by_label("Tệp tài liệu (PDF, JPEG, PNG)").set_input_files(
        files=[{"name": "Bài giảng một cửa.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#materials")).to_contain_text("Bài giảng một cửa.pdf")
    session = TrainingSession.objects.get()
    assert session.files.get().original_name == "Bài giảng một cửa.pdf"

    # Both officers are trained now; the chairman is still on the untrained list.
    page.get_by_role("link", name="Về danh sách").click()
    untrained = page.locator("#untrained")
    expect(untrained).to_contain_text("Chủ tịch phường")
    expect(untrained).not_to_contain_text("Nguyễn Văn Một Cửa")
    expect(untrained).not_to_contain_text("Trần Thị Tiếp Nhận")
    expect(page.locator("#sessions")).to_contain_text("Sử dụng hệ thống một cửa điện tử")
