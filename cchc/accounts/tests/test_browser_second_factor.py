"""TOTP second factor in the real browser: enrol by scanning (here: reading the key),
confirm with a code, then sign in with password and code."""

from __future__ import annotations

import re
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from cchc.accounts.models import Role
from cchc.accounts.tests.conftest import grant, make_unit, make_user
from cchc.core.testing.browser import sign_in
from cchc.units.models import UnitKind

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-2026!"


def code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def test_staff_enrols_then_signs_in_with_the_code(page, transactional_db):
    province = make_unit("Tỉnh Thử", UnitKind.PROVINCE)
    user = make_user("lanhdao", password=PASSWORD, full_name="Lê Lãnh Đạo")
    grant(user, Role.UNIT_LEADER, province)

    sign_in(page, "lanhdao", PASSWORD)
    page.goto("/accounts/xac-thuc-hai-buoc/cai-dat/")
    expect(page.locator("#otp-status")).to_contain_text("Chưa bật")
    page.get_by_role("button", name="Bật xác thực hai bước").click()
    expect(page.locator("#otp-qr svg")).to_be_visible()
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    import base64

    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key

    page.fill("#id_token", "000000" if code(device) != "000000" else "111111")
    page.get_by_role("button", name="Xác nhận và bật").click()
    expect(page.locator(".errorlist")).to_contain_text("không đúng")
    device.refresh_from_db()
    device.throttle_reset()
    page.fill("#id_token", code(device))
    page.get_by_role("button", name="Xác nhận và bật").click()
    expect(page.locator("#otp-status")).to_contain_text("Đang bật")
    assert TOTPDevice.objects.get(user=user).confirmed

    page.get_by_role("button", name="Đăng xuất").click()
    sign_in(page, "lanhdao", PASSWORD, next_path="/dossiers/")
    expect(page).to_have_url(re.compile(r"/accounts/xac-thuc-hai-buoc/\?next=%2Fdossiers%2F$"))
    page.goto("/")  # nothing else is reachable before the code
    expect(page).to_have_url(re.compile(r"/accounts/xac-thuc-hai-buoc/"))
    page.fill("#id_token", code(device, offset=30))  # the next time step: no replay
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text("Xin chào, Lê Lãnh Đạo")
