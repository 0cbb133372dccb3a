"""Sign-in hardening: lock-out after repeated failures, password rules, the TOTP second
factor, session expiry, and the deployment checks of the production settings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cchc.accounts import second_factor
from cchc.accounts.middleware import AUTH_AT, SEEN_AT
from cchc.accounts.models import Role
from cchc.accounts.tests.conftest import grant, make_user

PASSWORD = "mat-khau-an-toan-2026"
LOGIN = "/accounts/login/"


def _login(client, username, password, ip="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def staff(tree):
    user = make_user("canbo", full_name="Cán Bộ Một Cửa", email="hoasen.nguyen@example.vn")
    grant(user, Role.ONE_STOP_OFFICER, tree["one_stop_a"])
    return user


# --- throttling -----------------------------------------------------------------------


def test_lockout_after_the_failure_limit_for_that_username_and_ip(client, staff):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _login(client, "canbo", "sai-mat-khau").status_code == 200
    locked = _login(client, "canbo", "sai-mat-khau")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "tạm khóa 15 phút" in body and f"sai mật khẩu {limit} lần" in body
    # Even the right password is refused while locked, from that address.
    assert _login(client, "canbo", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # The same account from another address, and another account from this one, are not.
    assert _login(client, "canbo", PASSWORD, ip="10.2.2.2").status_code == 302
    client.logout()
    make_user("khac", password=PASSWORD)
    assert _login(client, "khac", PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(client, staff):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        _login(client, "canbo", "sai-mat-khau")
    assert _login(client, "canbo", PASSWORD).status_code == 302
    client.logout()
    for _ in range(limit - 1):
        assert _login(client, "canbo", "sai-mat-khau").status_code == 200


# --- password rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Ng@n1234", "ít nhất 10 ký tự"),
        ("20262027202820", "hoàn toàn là số"),
        ("password123", "quá phổ biến"),
        ("hoasen.nguyen@example", "giống"),
    ],
)
def test_password_change_applies_the_rules(client, staff, new, message):
    client.force_login(staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_password_change_with_a_strong_password(client, staff):
    client.force_login(staff)
    new = "Hoa-sen-no-giua-ho-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(new)
    assert client.get("/").status_code == 200  # still signed in


# --- TOTP -----------------------------------------------------------------------------


def code_for(device: TOTPDevice, *, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def enrol(user) -> TOTPDevice:
    device = second_factor.totp_enrolment_start(user=user)
    return second_factor.totp_enrolment_confirm(user=user, token=code_for(device))


def test_enrolment_needs_a_correct_code(staff):
    device = second_factor.totp_enrolment_start(user=staff)
    assert not device.confirmed
    wrong = "000000" if code_for(device) != "000000" else "111111"
    with pytest.raises(ValidationError) as exc:
        second_factor.totp_enrolment_confirm(user=staff, token=wrong)
    assert "không đúng" in exc.value.message_dict["token"][0]
    with pytest.raises(ValidationError):
        second_factor.totp_enrolment_confirm(user=staff, token="12ab")
    # The failure was recorded (not rolled back): right after it even the right code waits.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    with pytest.raises(ValidationError):
        second_factor.totp_enrolment_confirm(user=staff, token=code_for(device))
    device.throttle_reset()
    device = second_factor.totp_enrolment_confirm(user=staff, token=code_for(device))
    assert device.confirmed
    assert second_factor.confirmed_device(staff) == device


def test_citizens_cannot_enrol(tree):
    from django.core.exceptions import PermissionDenied

    citizen = make_user("congdan")
    grant(citizen, Role.CITIZEN, None)
    with pytest.raises(PermissionDenied):
        second_factor.totp_enrolment_start(user=citizen)


def test_sign_in_with_second_factor_stops_at_the_code(client, staff):
    device = enrol(staff)
    response = _login(client, "canbo", PASSWORD)
    assert response.status_code == 302
    # Password alone reaches nothing but the code page.
    home = client.get("/dossiers/")
    assert home.status_code == 302 and home.url.startswith(reverse("otp_verify"))
    api = client.get("/api/procedures")
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "second_factor_required"
    # A wrong code is refused; the right one (next time step: no replay) lets the user in.
    wrong = client.post(reverse("otp_verify"), {"token": "999999", "next": "/dossiers/"})
    assert wrong.status_code == 400
    assert "không đúng" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # the wrong code above started the device's back-off
    ok = client.post(
        reverse("otp_verify"), {"token": code_for(device, offset=30), "next": "/dossiers/"}
    )
    assert ok.status_code == 302 and ok.url == "/dossiers/"
    assert client.get("/").status_code == 200


def test_disabling_needs_a_current_code(client, staff):
    device = enrol(staff)
    client.force_login(staff)
    session = client.session
    session["cchc_2fa"] = False  # signed in before enrolling, as in the enrolment page
    session.save()
    bad = client.post(reverse("otp_setup"), {"step": "disable", "token": "12"})
    assert bad.status_code == 400
    assert TOTPDevice.objects.filter(user=staff).exists()
    good = client.post(
        reverse("otp_setup"), {"step": "disable", "token": code_for(device, offset=30)}
    )
    assert good.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()


# --- session expiry -------------------------------------------------------------------


@pytest.mark.parametrize("clock", [AUTH_AT, SEEN_AT])
def test_session_expires_after_idle_time_or_absolute_age(client, staff, clock):
    client.force_login(staff)
    assert client.get("/").status_code == 200
    session = client.session
    limit = (
        settings.CCHC_SESSION_MAX_SECONDS
        if clock == AUTH_AT
        else settings.CCHC_SESSION_IDLE_SECONDS
    )
    session[clock] = int(time.time()) - limit - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    page = client.get(response.url)
    assert "Phiên làm việc đã hết hạn" in page.content.decode()


def test_activity_keeps_the_session_alive(client, staff):
    client.force_login(staff)
    session = client.session
    session[SEEN_AT] = int(time.time()) - settings.CCHC_SESSION_IDLE_SECONDS + 60
    session.save()
    assert client.get("/").status_code == 200
    assert client.session[SEEN_AT] >= int(time.time()) - 5


# --- headers and deployment checks -----------------------------------------------------


def test_pages_carry_a_nonce_csp_and_security_headers(client, staff):
    client.force_login(staff)
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    # No inline script anywhere: pages that need none get no nonce at all.
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_page_that_uses_the_nonce_gets_it_in_the_policy(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    request = rf.get("/")
    response = CSPMiddleware(view)(request)
    nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert len(nonce) >= 16
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


@pytest.mark.slow
def test_production_settings_pass_the_deploy_checks(tmp_path: Path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "k" * 20 + "x9-Q" * 10,
        "DJANGO_ALLOWED_HOSTS": "motcua.example.gov.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "CCHC_PUBLIC_BASE_URL": "https://motcua.example.gov.vn",
    }
    # The browser tests of the same worker set this for Playwright; a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=settings.BASE_DIR,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
