"""Relying-party side: one authlib Django client per configured provider.

authlib does the protocol: discovery, Authorization Code with PKCE (S256), state and
nonce kept in the session, the code exchange, and the ID token's signature checked
against the provider's JWKS (re-fetched once when the key id is unknown, for key
rotation) together with iss, aud, exp, iat, nonce and at_hash.
Clients are cached per process (they hold the discovery document and JWKS) and dropped
when CCHC_SSO changes (tests).
"""

from __future__ import annotations

import threading
from typing import Any

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.core.signals import setting_changed
from django.dispatch import receiver

from cchc.sso.conf import ProviderConfig

HTTP_TIMEOUT_SECONDS = 10

_lock = threading.Lock()
_clients: dict[str, tuple[ProviderConfig, DjangoOAuth2App]] = {}


def oauth_client(provider: ProviderConfig) -> DjangoOAuth2App:
    with _lock:
        cached = _clients.get(provider.key)
        if cached is not None and cached[0] == provider:
            return cached[1]
        client = OAuth().register(
            provider.key,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.discovery_url,
            client_kwargs={
                "scope": provider.scopes,
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": provider.token_auth_method,
                "default_timeout": HTTP_TIMEOUT_SECONDS,
            },
        )
        _clients[provider.key] = (provider, client)
        return client


def reset() -> None:
    with _lock:
        _clients.clear()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "CCHC_SSO":
        reset()


def server_metadata(provider: ProviderConfig) -> dict[str, Any]:
    """The provider's discovery document, refused when its issuer is not the one the
    deployment configured (OpenID Connect Discovery 1.0 §4.3)."""
    metadata = oauth_client(provider).load_server_metadata()
    issuer = str(metadata.get("issuer") or "")
    if not issuer or provider.discovery_url != (
        issuer.rstrip("/") + "/.well-known/openid-configuration"
    ):
        raise ValueError(f"issuer {issuer!r} does not match {provider.discovery_url!r}")
    return metadata
