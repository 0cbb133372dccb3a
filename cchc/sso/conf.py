"""OpenID Connect providers configured for this deployment.

Pure module (no models): `config/settings/*` imports `providers_from_env` to build
`CCHC_SSO["PROVIDERS"]` from environment variables, and the rest of the app reads the
providers through `providers()` / `provider_get()` at request time, so tests can change
the settings.

Settings shape::

    CCHC_SSO = {
        "PROVIDERS": {
            "vneid": {
                "NAME": "VNeID",
                "LABEL": "Đăng nhập bằng VNeID",
                "AUDIENCE": "citizen",          # citizen | staff | both
                "DISCOVERY_URL": "https://.../.well-known/openid-configuration",
                "CLIENT_ID": "...",
                "CLIENT_SECRET": "...",
                "SCOPES": "openid profile email phone",
                "CLAIMS": {"subject": "sub", "full_name": "name",
                           "personal_id": "personal_id", "email": "email",
                           "phone": "phone_number"},
                "PERSONAL_ID_VERIFIED": True,   # may match an existing citizen account
                "TOKEN_AUTH_METHOD": "client_secret_basic",
                "USE_USERINFO": True,
            },
        },
        "LOCAL_IDP": {"ENABLED": False, "KEY_DIR": ..., "CLIENTS": {...}},
    }
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Audience(StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"
    BOTH = "both"


# Standard OIDC claim names (OpenID Connect Core 1.0 §5.1). The personal identification
# number has no standard claim: each identity provider names it, so it is unmapped unless
# the deployment says which claim carries it.
DEFAULT_CLAIMS: dict[str, str] = {
    "subject": "sub",
    "full_name": "name",
    "personal_id": "",
    "email": "email",
    "phone": "phone_number",
}
DEFAULT_LABELS = {
    Audience.CITIZEN: "Đăng nhập bằng tài khoản định danh điện tử",
    Audience.STAFF: "Đăng nhập một lần",
    Audience.BOTH: "Đăng nhập một lần",
}
TOKEN_AUTH_METHODS = ("client_secret_basic", "client_secret_post")
PROVIDER_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")


class ImproperlyConfiguredProvider(ValueError):
    pass


@dataclass(frozen=True)
class ProviderConfig:
    key: str
    label: str  # the button: "Đăng nhập bằng VNeID"
    audience: Audience
    discovery_url: str
    client_id: str
    client_secret: str
    scopes: str = "openid profile email phone"
    claims: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_CLAIMS))
    personal_id_verified: bool = False
    token_auth_method: str = "client_secret_basic"  # noqa: S105 - the name of an OIDC auth method, not a secret
    use_userinfo: bool = True
    name: str = ""  # the provider in messages: "VNeID"
    # OpenID Connect Core §3.1.2.1 prompt, e.g. "login": ask for credentials at the provider
    # every time, so a shared computer (a one-stop centre kiosk) never reuses a session.
    prompt: str = ""

    @property
    def serves_citizens(self) -> bool:
        return self.audience in (Audience.CITIZEN, Audience.BOTH)

    @property
    def serves_staff(self) -> bool:
        return self.audience in (Audience.STAFF, Audience.BOTH)


def provider_from_mapping(key: str, raw: Mapping[str, Any]) -> ProviderConfig:
    """Validate one provider's settings; raise ImproperlyConfiguredProvider with the reason."""
    if not PROVIDER_KEY.fullmatch(key):
        raise ImproperlyConfiguredProvider(
            f"SSO provider key {key!r}: lowercase letters, digits and '-', at most 32."
        )
    try:
        audience = Audience(str(raw.get("AUDIENCE", Audience.CITIZEN)).lower())
    except ValueError as exc:
        raise ImproperlyConfiguredProvider(
            f"SSO provider {key!r}: AUDIENCE must be citizen, staff or both."
        ) from exc
    for name in ("DISCOVERY_URL", "CLIENT_ID"):
        if not raw.get(name):
            raise ImproperlyConfiguredProvider(f"SSO provider {key!r}: {name} is required.")
    scopes = " ".join(
        str(raw.get("SCOPES", "openid profile email phone")).replace(",", " ").split()
    )
    if "openid" not in scopes.split():
        raise ImproperlyConfiguredProvider(f"SSO provider {key!r}: SCOPES must include openid.")
    claims = {**DEFAULT_CLAIMS, **{k: str(v or "") for k, v in (raw.get("CLAIMS") or {}).items()}}
    unknown = set(claims) - set(DEFAULT_CLAIMS)
    if unknown:
        raise ImproperlyConfiguredProvider(
            f"SSO provider {key!r}: unknown CLAIMS keys {sorted(unknown)}."
        )
    if not claims["subject"]:
        raise ImproperlyConfiguredProvider(f"SSO provider {key!r}: CLAIMS['subject'] is empty.")
    method = str(raw.get("TOKEN_AUTH_METHOD", "client_secret_basic"))
    if method not in TOKEN_AUTH_METHODS:
        raise ImproperlyConfiguredProvider(
            f"SSO provider {key!r}: TOKEN_AUTH_METHOD must be one of {TOKEN_AUTH_METHODS}."
        )
    return ProviderConfig(
        key=key,
        label=str(raw.get("LABEL") or DEFAULT_LABELS[audience]),
        audience=audience,
        discovery_url=str(raw["DISCOVERY_URL"]),
        client_id=str(raw["CLIENT_ID"]),
        client_secret=str(raw.get("CLIENT_SECRET", "")),
        scopes=scopes,
        claims=claims,
        personal_id_verified=bool(raw.get("PERSONAL_ID_VERIFIED", False)),
        token_auth_method=method,
        use_userinfo=bool(raw.get("USE_USERINFO", True)),
        name=str(raw.get("NAME") or key),
        prompt=str(raw.get("PROMPT") or ""),
    )


def providers() -> list[ProviderConfig]:
    """Every configured provider, in settings order (the order of the login buttons)."""
    from django.conf import settings

    raw = (getattr(settings, "CCHC_SSO", None) or {}).get("PROVIDERS") or {}
    return [provider_from_mapping(key, value) for key, value in raw.items()]


def provider_get(key: str) -> ProviderConfig | None:
    return next((p for p in providers() if p.key == key), None)


def local_idp_settings() -> dict[str, Any]:
    from django.conf import settings

    return dict((getattr(settings, "CCHC_SSO", None) or {}).get("LOCAL_IDP") or {})


# --- environment ------------------------------------------------------------------------------


def _env_name(key: str, name: str) -> str:
    return f"CCHC_SSO_{key.upper().replace('-', '_')}_{name}"


def providers_from_env(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Build the PROVIDERS setting from environment variables.

    CCHC_SSO_PROVIDERS=vneid,sso-tinh names the providers; for each, e.g. for "sso-tinh":
    CCHC_SSO_SSO_TINH_DISCOVERY_URL, _CLIENT_ID, _CLIENT_SECRET, _AUDIENCE, _NAME, _LABEL, _SCOPES,
    _TOKEN_AUTH_METHOD, _PROMPT, _PERSONAL_ID_VERIFIED (1/0), _USE_USERINFO (1/0) and
    _CLAIM_SUBJECT, _CLAIM_FULL_NAME, _CLAIM_PERSONAL_ID, _CLAIM_EMAIL, _CLAIM_PHONE.
    """
    result: dict[str, dict[str, Any]] = {}
    keys = [k.strip() for k in environ.get("CCHC_SSO_PROVIDERS", "").split(",") if k.strip()]
    for key in keys:
        raw: dict[str, Any] = {}
        for name in (
            "NAME",
            "LABEL",
            "AUDIENCE",
            "DISCOVERY_URL",
            "CLIENT_ID",
            "CLIENT_SECRET",
            "SCOPES",
            "TOKEN_AUTH_METHOD",
            "PROMPT",
        ):
            value = environ.get(_env_name(key, name))
            if value:
                raw[name] = value
        for name in ("PERSONAL_ID_VERIFIED", "USE_USERINFO"):
            value = environ.get(_env_name(key, name))
            if value:
                raw[name] = value.strip().lower() in ("1", "true", "yes", "on")
        claims = {}
        for claim in DEFAULT_CLAIMS:
            value = environ.get(_env_name(key, f"CLAIM_{claim.upper()}"))
            if value is not None:
                claims[claim] = value
        if claims:
            raw["CLAIMS"] = claims
        provider_from_mapping(key, raw)  # fail at start-up, not at the first sign-in
        result[key] = raw
    return result


# --- local identity provider (dev, demo, tests) ---------------------------------------------

LOCAL_CLIENTS = {
    # provider key: (client id, audience, kind of demo identities, name, button label)
    "vneid": ("cchc-vneid", Audience.CITIZEN, "citizen", "VNeID", "Đăng nhập bằng VNeID"),
    "sso-tinh": (
        "cchc-sso-tinh",
        Audience.STAFF,
        "staff",
        "SSO tỉnh",
        "Đăng nhập một lần (SSO tỉnh)",
    ),
}


def with_local_idp(
    sso: Mapping[str, Any], *, base_urls: list[str], key_dir: Any, providers_too: bool = True
) -> dict[str, Any]:
    """`sso` with the local identity provider enabled and a "vneid" (citizens) and a
    "sso-tinh" (staff) client registered for each of `base_urls` (the first one also
    serves discovery). With `providers_too`, the two providers are configured as well,
    unless the deployment already configured a provider of that name."""
    base_urls = [u.rstrip("/") for u in base_urls]
    result: dict[str, Any] = {"PROVIDERS": dict(sso.get("PROVIDERS") or {})}
    clients: dict[str, Any] = {}
    for key, (client_id, audience, kind, name, label) in LOCAL_CLIENTS.items():
        secret = f"{client_id}-demo-secret"
        clients[client_id] = {
            "SECRET": secret,
            "NAME": f"CCHC ({label})",
            "KIND": kind,
            "REDIRECT_URIS": [f"{u}/sso/{key}/callback/" for u in base_urls],
        }
        if providers_too and key not in result["PROVIDERS"]:
            result["PROVIDERS"][key] = {
                "NAME": name,
                "LABEL": label,
                "AUDIENCE": audience.value,
                "DISCOVERY_URL": f"{base_urls[0]}/idp/.well-known/openid-configuration",
                "CLIENT_ID": client_id,
                "CLIENT_SECRET": secret,
                "CLAIMS": {"personal_id": "personal_id"},
                "PERSONAL_ID_VERIFIED": audience == Audience.CITIZEN,
            }
    result["LOCAL_IDP"] = {
        **dict(sso.get("LOCAL_IDP") or {}),
        "ENABLED": True,
        "KEY_DIR": key_dir,
        "CLIENTS": clients,
    }
    return result
