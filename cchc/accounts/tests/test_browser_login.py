"""Sign-in and sign-out in the real browser (Debian Chromium through Playwright)."""

import re

import pytest
from playwright.sync_api import expect

from cchc.accounts.models import Role
from cchc.accounts.tests.conftest import grant, make_unit, make_user
from cchc.core.testing.browser import sign_in
from cchc.units.models import UnitKind

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-2026!"


@pytest.fixture
def commune(transactional_db):
    province = make_unit("Tỉnh Thử", UnitKind.PROVINCE)
    return make_unit("Xã Hòa An", UnitKind.COMMUNE, province)


def test_specialist_signs_in_sees_role_cards_and_signs_out(page, commune):
    user = make_user("chuyenvien", password=PASSWORD, full_name="Lê Thị Hồng")
    grant(user, Role.SPECIALIST, commune, title="Chuyên viên địa chính")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    sign_in(page, "chuyenvien", PASSWORD)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text("Xin chào, Lê Thị Hồng")
    section = page.locator('section[data-role="specialist"]')
    expect(section.locator("h2")).to_have_text("Chuyên viên xử lý")
    expect(section).to_contain_text("Xã Hòa An")
    expect(section).to_contain_text("Chuyên viên địa chính")
    expect(section.locator('[data-card="dossier_inbox"]')).to_contain_text("Hồ sơ cần xử lý")
    expect(page.locator(".user-name")).to_have_text("Lê Thị Hồng")

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("h1")).to_have_text("Đăng nhập")


def test_wrong_password_shows_a_vietnamese_error(page, commune):
    user = make_user("lanhdao", password=PASSWORD)
    grant(user, Role.UNIT_LEADER, commune)
    sign_in(page, "lanhdao", "sai-mat-khau")
    expect(page.locator(".errorlist")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page.locator("#id_username")).to_have_value("lanhdao")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_locked_account_cannot_sign_in(page, commune):
    user = make_user("dakhoa", password=PASSWORD)
    grant(user, Role.SPECIALIST, commune)
    user.is_active = False
    user.save()
    sign_in(page, "dakhoa", PASSWORD)
    expect(page.locator(".errorlist")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")


def test_system_admin_reaches_the_admin_site_from_a_home_card(page, commune):
    from cchc.accounts.services import role_assign

    user = make_user("quantri", password=PASSWORD, full_name="Quản Trị")
    role_assign(user=user, role=Role.SYSTEM_ADMIN, unit=commune)  # also grants is_staff
    sign_in(page, "quantri", PASSWORD)
    section = page.locator('section[data-role="system_admin"]')
    expect(section.locator("h2")).to_have_text("Quản trị hệ thống")
    section.locator('a[data-card="users"]').click()
    expect(page).to_have_url(re.compile(r"/admin/accounts/user/$"))
    expect(page.locator("body")).to_contain_text("quantri")


def test_citizen_home_and_english_switch(page, db):
    user = make_user("congdan", password=PASSWORD, full_name="Võ Văn Dân")
    grant(user, Role.CITIZEN, None)
    sign_in(page, "congdan", PASSWORD)
    section = page.locator('section[data-role="citizen"]')
    expect(section.locator("h2")).to_have_text("Công dân, doanh nghiệp")
    expect(section.locator('[data-card="dossier_submit"]')).to_contain_text("Nộp hồ sơ trực tuyến")
    expect(page.locator("nav.main-nav")).not_to_contain_text("Cơ cấu đơn vị")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Hello, Võ Văn Dân")
    expect(section.locator("h2")).to_have_text("Citizen or business")
    expect(section.locator('[data-card="dossier_submit"]')).to_contain_text(
        "Submit a dossier online"
    )
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("h1")).to_have_text("Xin chào, Võ Văn Dân")


def test_home_page_fits_a_phone_screen(page, commune):
    user = make_user("motcua", password=PASSWORD, full_name="Đặng Thị Một Cửa")
    grant(user, Role.ONE_STOP_OFFICER, commune)
    grant(user, Role.SPECIALIST, commune)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, "motcua", PASSWORD)
    expect(page.locator('section[data-role="one_stop_officer"]')).to_be_visible()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    # Cards stack in one column on a phone.
    boxes = [
        page.locator('section[data-role="one_stop_officer"] .card').nth(i).bounding_box()
        for i in range(2)
    ]
    assert boxes[0]["x"] == boxes[1]["x"] and boxes[1]["y"] > boxes[0]["y"]
