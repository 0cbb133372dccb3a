"""Signing in through the local identity provider in the real browser (Chromium)."""

from __future__ import annotations

import re

from cchc.accounts.models import User
from cchc.sso.services import external_identity_link


def test_citizen_signs_in_with_vneid_to_the_portal(page, sso_live):
    page.goto("/dvc/ho-so-cua-toi/")
    assert "/accounts/login/" in page.url  # the portal asks for a sign-in first
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    assert "/idp/authorize" in page.url
    page.get_by_text("Cổng định danh thử nghiệm").first.wait_for()
    page.check("input[name=identity][value='052192004321']")
    page.get_by_role("button", name="Xác nhận đăng nhập").click()
    page.wait_for_url(re.compile(r".*/dvc/ho-so-cua-toi/$"))
    page.get_by_role("heading", name="Hồ sơ của tôi").wait_for()
    assert page.locator(".user-name").inner_text() == "Trần Thị Bích"
    assert User.objects.get(personal_id="052192004321").role_assignments.get().role == "citizen"


def test_linked_staff_signs_in_with_the_provincial_sso(page, sso_live, staff):
    external_identity_link(
        provider="sso-tinh",
        subject="lan.nt@tayson.gialai.gov.vn",
        user=staff.officer,
        actor=staff.admin,
    )
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Đăng nhập một lần (SSO tỉnh)").click()
    page.check("input[name=identity][value='lan.nt@tayson.gialai.gov.vn']")
    page.get_by_role("button", name="Xác nhận đăng nhập").click()
    page.wait_for_url(f"{sso_live.url}/")
    assert page.locator(".user-name").inner_text() == "Nguyễn Thị Lan"


def test_unlinked_staff_sees_why_in_vietnamese(page, sso_live, staff):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Đăng nhập một lần (SSO tỉnh)").click()
    page.check("input[name=identity][value='chua.lienket@gialai.gov.vn']")
    page.get_by_role("button", name="Xác nhận đăng nhập").click()
    alert = page.locator("#sso-refused")
    alert.wait_for()
    assert "chưa được liên kết với tài khoản cán bộ" in alert.inner_text()
    assert page.locator(".user-name").count() == 0
    page.get_by_role("link", name="Quay lại trang đăng nhập").click()
    page.locator("#id_username").wait_for()
