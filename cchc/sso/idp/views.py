"""A small OpenID Connect provider for tests and the demo, mounted under /idp/.

It stands in for VNeID and the provincial SSO: discovery, JWKS, an authorize page where
a demo identity is chosen (or typed in), the token endpoint (Authorization Code with
PKCE S256 required, client_secret_basic or client_secret_post) issuing RS256 ID tokens,
and userinfo. Codes and access tokens live in the cache (codes 2 minutes, single use).
It answers 404 unless CCHC_SSO["LOCAL_IDP"]["ENABLED"] is true (dev, demo, tests).

Built on joserfc rather than django-oauth-toolkit: its identities must not be accounts of
this site (a VNeID identity is not a CCHC account; signing in at the provider must not
sign anyone in here), and it needs no tables. See docs/decisions/0010-oidc.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from joserfc import jwt

from cchc.sso.conf import local_idp_settings
from cchc.sso.idp.identities import DEMO_IDENTITIES
from cchc.sso.idp.keys import public_jwks, signing_key

CODE_TTL = 120
ACCESS_TOKEN_TTL = 600
ID_TOKEN_TTL = 300
SCOPE_CLAIMS = {
    "profile": ("name", "personal_id"),
    "email": ("email",),
    "phone": ("phone_number",),
}
CACHE_PREFIX = "cchc-sso-idp"


def _enabled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not local_idp_settings().get("ENABLED"):
            raise Http404("local identity provider disabled")
        return view(request, *args, **kwargs)

    return wrapper


def _key_dir() -> Path:
    return Path(local_idp_settings().get("KEY_DIR") or settings.VAR_DIR / "sso")


def _clients() -> dict[str, dict[str, Any]]:
    return dict(local_idp_settings().get("CLIENTS") or {})


def _issuer(request: HttpRequest) -> str:
    configured = local_idp_settings().get("ISSUER")
    if configured:
        return str(configured).rstrip("/")
    return request.build_absolute_uri(reverse("idp:discovery")).removesuffix(
        "/.well-known/openid-configuration"
    )


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _with_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


# --- discovery and keys -------------------------------------------------------------------


@_enabled
def discovery(request: HttpRequest) -> HttpResponse:
    issuer = _issuer(request)
    return JsonResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": issuer + "/authorize",
            "token_endpoint": issuer + "/token",
            "userinfo_endpoint": issuer + "/userinfo",
            "jwks_uri": issuer + "/jwks.json",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", *SCOPE_CLAIMS],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce"]
            + [c for claims in SCOPE_CLAIMS.values() for c in claims],
        }
    )


@_enabled
def jwks(request: HttpRequest) -> HttpResponse:
    return JsonResponse(public_jwks(_key_dir()))


# --- authorize ----------------------------------------------------------------------------

AUTH_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)


def _error_redirect(params: dict[str, str], error: str, description: str) -> HttpResponse:
    answer = {"error": error, "error_description": description}
    if params.get("state"):
        answer["state"] = params["state"]
    return HttpResponseRedirect(_with_query(params["redirect_uri"], answer))


def _chosen_identity(request: HttpRequest, kind: str) -> dict[str, str] | None:
    choice = request.POST.get("identity", "")
    if choice and choice != "custom":
        for identity in DEMO_IDENTITIES:
            if identity.subject == choice and identity.kind == kind:
                return identity.claims()
        return None
    claims = {
        "sub": request.POST.get("sub", "").strip(),
        "name": " ".join(request.POST.get("name", "").split()),
        "personal_id": request.POST.get("personal_id", "").strip(),
        "email": request.POST.get("email", "").strip(),
        "phone_number": request.POST.get("phone_number", "").strip(),
    }
    if not claims["sub"] or not claims["name"]:
        return None
    return {k: v for k, v in claims.items() if v}


@_enabled
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    params = {name: source.get(name, "") for name in AUTH_PARAMS}
    client = _clients().get(params["client_id"])
    # RFC 6749 §4.1.2.1: with an unknown client or redirect URI, never redirect.
    if client is None or params["redirect_uri"] not in client.get("REDIRECT_URIS", ()):
        return render(
            request,
            "sso/idp/error.html",
            {"message": _("Ứng dụng hoặc địa chỉ chuyển hướng không được đăng ký.")},
            status=400,
        )
    if params["response_type"] != "code":
        return _error_redirect(params, "unsupported_response_type", "only code")
    if "openid" not in params["scope"].split():
        return _error_redirect(params, "invalid_scope", "openid scope required")
    if not params["code_challenge"] or params["code_challenge_method"] != "S256":
        return _error_redirect(params, "invalid_request", "PKCE with S256 required")

    kind = str(client.get("KIND", "citizen"))
    error = ""
    if request.method == "POST":
        if request.POST.get("action") == "deny":
            return _error_redirect(params, "access_denied", "refused by the user")
        claims = _chosen_identity(request, kind)
        if claims is not None:
            code = secrets.token_urlsafe(32)
            cache.set(
                f"{CACHE_PREFIX}:code:{code}",
                {
                    "client_id": params["client_id"],
                    "redirect_uri": params["redirect_uri"],
                    "scope": params["scope"],
                    "nonce": params["nonce"],
                    "code_challenge": params["code_challenge"],
                    "claims": claims,
                    "auth_time": int(time.time()),
                },
                CODE_TTL,
            )
            answer = {"code": code}
            if params["state"]:
                answer["state"] = params["state"]
            return HttpResponseRedirect(_with_query(params["redirect_uri"], answer))
        error = _("Vui lòng chọn một danh tính, hoặc nhập mã định danh và họ tên.")
    return render(
        request,
        "sso/idp/authorize.html",
        {
            "params": params,
            "client_name": client.get("NAME", params["client_id"]),
            "kind": kind,
            "identities": [i for i in DEMO_IDENTITIES if i.kind == kind],
            "error": error,
        },
        status=400 if error else 200,
    )


# --- token and userinfo -------------------------------------------------------------------


def _token_error(error: str, status: int = 400) -> HttpResponse:
    response = _no_store(JsonResponse({"error": error}, status=status))
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="idp"'
    return response


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _sep, secret = decoded.partition(":")
        # RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
        return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


@csrf_exempt
@_enabled
@require_http_methods(["POST"])
def token(request: HttpRequest) -> HttpResponse:
    client_id, secret = _client_credentials(request)
    client = _clients().get(client_id)
    if client is None or not hmac.compare_digest(
        str(client.get("SECRET", "")).encode(), secret.encode()
    ):
        return _token_error("invalid_client", 401)
    if request.POST.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type")
    code = request.POST.get("code", "")
    key = f"{CACHE_PREFIX}:code:{code}"
    grant = cache.get(key) if code else None
    # Single use: the first redemption marks the code (an atomic add), later ones fail.
    if grant is None or not cache.add(f"{key}:used", 1, CODE_TTL):
        return _token_error("invalid_grant")
    cache.delete(key)
    if grant["client_id"] != client_id or grant["redirect_uri"] != request.POST.get(
        "redirect_uri", ""
    ):
        return _token_error("invalid_grant")
    verifier = request.POST.get("code_verifier", "")
    challenge = _b64url(hashlib.sha256(verifier.encode()).digest())
    if not verifier or not hmac.compare_digest(challenge, grant["code_challenge"]):
        return _token_error("invalid_grant")

    scopes = grant["scope"].split()
    claims = {
        k: v
        for scope in scopes
        for k in SCOPE_CLAIMS.get(scope, ())
        if (v := grant["claims"].get(k))
    }
    claims["sub"] = grant["claims"]["sub"]
    access_token = secrets.token_urlsafe(32)
    cache.set(f"{CACHE_PREFIX}:at:{access_token}", claims, ACCESS_TOKEN_TTL)
    now = int(time.time())
    id_claims = {
        **claims,
        "iss": _issuer(request),
        "aud": client_id,
        "iat": now,
        "exp": now + ID_TOKEN_TTL,
        "auth_time": grant["auth_time"],
        # OpenID Connect Core §3.1.3.6: left half of SHA-256 of the access token.
        "at_hash": _b64url(hashlib.sha256(access_token.encode()).digest()[:16]),
    }
    if grant["nonce"]:
        id_claims["nonce"] = grant["nonce"]
    key_ = signing_key(_key_dir())
    id_token = jwt.encode({"alg": "RS256", "kid": key_.kid, "typ": "JWT"}, id_claims, key_)
    return _no_store(
        JsonResponse(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": ACCESS_TOKEN_TTL,
                "scope": grant["scope"],
                "id_token": id_token,
            }
        )
    )


@csrf_exempt
@_enabled
@require_http_methods(["GET", "POST"])
def userinfo(request: HttpRequest) -> HttpResponse:
    header = request.headers.get("Authorization", "")
    claims = None
    if header.startswith("Bearer "):
        claims = cache.get(f"{CACHE_PREFIX}:at:{header[7:].strip()}")
    if claims is None:
        response = _no_store(JsonResponse({"error": "invalid_token"}, status=401))
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    return _no_store(JsonResponse(claims))
