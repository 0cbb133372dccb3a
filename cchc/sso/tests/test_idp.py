"""The local identity provider, driven with Django's test client (no HTTP)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import urlencode

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from cchc.sso.tests.conftest import query

REDIRECT = "http://testserver/sso/vneid/callback/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _challenge(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def _auth_params(verifier: str, **over: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": "cchc-vneid",
        "redirect_uri": REDIRECT,
        "scope": "openid profile email phone",
        "state": "st-1",
        "nonce": "n-1",
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
        **over,
    }


def _code(client, verifier: str, **form: str) -> str:
    params = _auth_params(verifier)
    response = client.post(
        "/idp/authorize",
        {**params, "action": "approve", "identity": "052085001234", **form},
    )
    assert response.status_code == 302
    answer = query(response["Location"])
    assert answer["state"] == "st-1"
    return answer["code"]


def _token(client, code: str, verifier: str, secret: str = "cchc-vneid-demo-secret"):
    basic = base64.b64encode(f"cchc-vneid:{secret}".encode()).decode()
    return client.post(
        "/idp/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


@pytest.fixture
def idp(client, vneid):
    return client


def test_disabled_provider_answers_404(client, settings):
    settings.CCHC_SSO = {"PROVIDERS": {}, "LOCAL_IDP": {"ENABLED": False}}
    for path in ("/idp/.well-known/openid-configuration", "/idp/jwks.json", "/idp/authorize"):
        assert client.get(path).status_code == 404


def test_discovery_and_keys(idp):
    meta = idp.get("/idp/.well-known/openid-configuration").json()
    assert meta["issuer"] == "http://testserver/idp"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    keys = idp.get("/idp/jwks.json").json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and "d" not in keys[0]


def test_the_authorize_page_offers_the_demo_identities(idp):
    page = idp.get("/idp/authorize?" + urlencode(_auth_params("v" * 43)))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nguyễn Văn An" in html and "Chỉ dùng cho thử nghiệm" in html
    assert "lan.nt@" not in html  # staff identities are offered to the staff client only


def test_unregistered_redirect_uri_is_never_redirected_to(idp):
    params = _auth_params("v" * 43, redirect_uri="https://evil.example/cb")
    response = idp.get("/idp/authorize?" + urlencode(params))
    assert response.status_code == 400
    assert "không được đăng ký" in response.content.decode()


def test_pkce_is_required(idp):
    params = _auth_params("v" * 43, code_challenge_method="plain")
    response = idp.get("/idp/authorize?" + urlencode(params))
    assert response.status_code == 302
    assert query(response["Location"])["error"] == "invalid_request"


def test_code_exchange_gives_a_signed_id_token_and_userinfo(idp):
    verifier = secrets.token_urlsafe(43)
    response = _token(idp, _code(idp, verifier), verifier)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    keys = KeySet.import_key_set(idp.get("/idp/jwks.json").json())
    token = jwt.decode(body["id_token"], keys)
    assert token.header["alg"] == "RS256"
    assert token.claims["iss"] == "http://testserver/idp"
    assert token.claims["aud"] == "cchc-vneid"
    assert token.claims["nonce"] == "n-1"
    assert token.claims["personal_id"] == "052085001234"
    info = idp.get("/idp/userinfo", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert info.json()["sub"] == "052085001234"
    assert idp.get("/idp/userinfo", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_a_code_is_used_once(idp):
    verifier = secrets.token_urlsafe(43)
    code = _code(idp, verifier)
    assert _token(idp, code, verifier).status_code == 200
    second = _token(idp, code, verifier)
    assert (second.status_code, second.json()["error"]) == (400, "invalid_grant")


def test_wrong_verifier_or_secret_is_refused(idp):
    verifier = secrets.token_urlsafe(43)
    code = _code(idp, verifier)
    assert _token(idp, code, verifier, secret="wrong").status_code == 401
    assert _token(idp, code, "another-verifier-" * 3).json()["error"] == "invalid_grant"


def test_a_typed_identity_needs_a_subject_and_a_name(idp):
    params = _auth_params("v" * 43)
    response = idp.post(
        "/idp/authorize", {**params, "action": "approve", "identity": "custom", "sub": "x"}
    )
    assert response.status_code == 400
    assert "nhập mã định danh và họ tên" in response.content.decode()


def test_deny_returns_access_denied_to_the_application(idp):
    response = idp.post("/idp/authorize", {**_auth_params("v" * 43), "action": "deny"})
    assert query(response["Location"]) == {
        "error": "access_denied",
        "error_description": "refused by the user",
        "state": "st-1",
    }
