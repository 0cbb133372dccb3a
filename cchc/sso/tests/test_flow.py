"""The whole Authorization Code flow over real HTTP against the live server: the relying
party (authlib) talks to the local identity provider, and a hostile token endpoint
(hostile_urls) checks that a tampered, expired or misdirected ID token is refused."""

from __future__ import annotations

import pytest

from cchc.accounts.models import User
from cchc.sso.models import ExternalIdentity
from cchc.sso.services import external_identity_link
from cchc.sso.tests import hostile_urls
from cchc.sso.tests.conftest import Flow, query

pytestmark = pytest.mark.django_db(transaction=True)


def test_citizen_signs_in_through_vneid_and_lands_on_next(flow):
    response = flow.sign_in("vneid", next_path="/dvc/", identity="052085001234")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dvc/"
    user = User.objects.get(pk=flow.user_id())
    assert (user.full_name, user.personal_id, user.phone) == (
        "Nguyễn Văn An",
        "052085001234",
        "0912345678",  # from userinfo's phone_number
    )
    assert ExternalIdentity.objects.get(user=user).provider == "vneid"


def test_unsafe_next_is_ignored(flow):
    response = flow.sign_in("vneid", next_path="https://evil.example/", identity="052085001234")
    assert response.headers["Location"] == "/"


def test_unlinked_staff_is_refused_with_a_clear_message(flow, staff):
    response = flow.sign_in("sso-tinh", identity="lan.nt@tayson.gialai.gov.vn")
    assert response.status_code == 403
    assert "chưa được liên kết với tài khoản cán bộ" in response.text
    assert flow.user_id() is None


def test_linked_staff_signs_in(flow, staff):
    external_identity_link(
        provider="sso-tinh", subject="lan.nt@tayson.gialai.gov.vn", user=staff.officer
    )
    response = flow.sign_in("sso-tinh", identity="lan.nt@tayson.gialai.gov.vn")
    assert response.status_code == 302
    assert flow.user_id() == staff.officer.pk


def test_a_typed_impossible_personal_id_is_refused(flow):
    response = flow.sign_in(
        "vneid", identity="custom", sub="x-1", name="Người Thử", personal_id="999999999999"
    )
    assert response.status_code == 403
    assert "mã tỉnh" in response.text
    assert not User.objects.exists()


def test_cancelling_at_the_provider(flow):
    response = flow.callback(flow.approve(flow.start("vneid"), action="deny"))
    assert response.status_code == 400
    assert "hủy đăng nhập" in response.text
    assert flow.user_id() is None


def test_forged_or_replayed_state_is_refused(flow):
    callback = flow.approve(flow.start("vneid"), identity="052085001234")
    forged = callback.replace(f"state={query(callback)['state']}", "state=forged")
    response = flow.callback(forged)
    assert response.status_code == 400
    assert "state không khớp" in response.text
    assert flow.callback(callback).status_code == 302  # the real one still works once
    flow.http.cookies.clear()
    assert flow.callback(callback).status_code == 400


def test_a_code_injected_into_another_browser_is_refused(flow, sso_live):
    # The attacker gets a callback URL for their own identity and makes the victim open it.
    callback = flow.approve(flow.start("vneid"), identity="052085001234")
    victim = Flow(sso_live.url)
    response = victim.callback(callback)
    assert response.status_code == 400
    assert victim.user_id() is None


@pytest.mark.urls("cchc.sso.tests.hostile_urls")
@pytest.mark.parametrize(
    "mode",
    [
        "signature",
        "payload",
        "foreign_key",
        "alg_none",
        "expired",
        "nonce",
        "audience",
        "issuer",
        "no_id_token",
    ],
)
def test_a_bad_id_token_is_refused(flow, mode):
    hostile_urls.TAMPER["mode"] = mode
    try:
        response = flow.sign_in("vneid", identity="052085001234")
    finally:
        hostile_urls.TAMPER["mode"] = None
    assert response.status_code == 400, mode
    assert "Không xác thực được thông tin đăng nhập" in response.text
    assert flow.user_id() is None
    assert not User.objects.exists()


@pytest.mark.urls("cchc.sso.tests.hostile_urls")
def test_the_hostile_endpoint_passes_an_untouched_token(flow):
    # The refusals above come from the tampering, not from the wrapper itself.
    response = flow.sign_in("vneid", identity="052085001234")
    assert response.status_code == 302
    assert flow.user_id() is not None


def test_an_unreachable_provider_is_reported_not_a_crash(flow, settings):
    settings.CCHC_SSO["PROVIDERS"]["vneid"]["DISCOVERY_URL"] = (
        "http://127.0.0.1:9/.well-known/openid-configuration"
    )
    response = flow.http.get(f"{flow.base}/sso/vneid/", allow_redirects=False)
    assert response.status_code == 502
    assert "Không kết nối được tới VNeID" in response.text


def test_discovery_with_another_issuer_is_refused(flow, settings):
    # OpenID Connect Discovery §4.3: the issuer must be the one the deployment configured.
    settings.CCHC_SSO["LOCAL_IDP"]["ISSUER"] = "https://attacker.example/idp"
    response = flow.http.get(f"{flow.base}/sso/vneid/", allow_redirects=False)
    assert response.status_code == 502


def test_prompt_is_passed_to_the_provider_when_configured(flow, settings):
    settings.CCHC_SSO["PROVIDERS"]["vneid"]["PROMPT"] = "login"
    assert query(flow.start("vneid"))["prompt"] == "login"
    settings.CCHC_SSO["PROVIDERS"]["vneid"]["PROMPT"] = ""
    assert "prompt" not in query(flow.start("vneid"))
