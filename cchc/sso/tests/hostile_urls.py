"""The project's URLs with the local IdP's token endpoint wrapped by a hostile one that
tampers with the ID token as `TAMPER["mode"]` says (tests of the relying party only)."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from joserfc import jwt
from joserfc.jwk import RSAKey

from cchc.sso.idp import views as idp_views
from config.urls import urlpatterns as project_urlpatterns

TAMPER: dict[str, str | None] = {"mode": None}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _tampered(id_token: str, mode: str) -> str | None:
    header_b64, payload_b64, signature = id_token.split(".")
    key = idp_views.signing_key(idp_views._key_dir())
    claims = jwt.decode(id_token, key).claims
    header = {"alg": "RS256", "kid": key.kid}
    now = int(time.time())
    if mode == "signature":
        flipped = ("A" if signature[10] != "A" else "B") + signature[11:]
        return f"{header_b64}.{payload_b64}.{signature[:10]}{flipped}"
    if mode == "payload":  # another subject, the original signature
        claims["sub"] = "someone-else"
        return f"{header_b64}.{_b64(json.dumps(claims).encode())}.{signature}"
    if mode == "foreign_key":  # a key the provider never published, under its key id
        other = RSAKey.generate_key(2048, parameters={"kid": str(key.kid)}, private=True)
        return jwt.encode(header, claims, other)
    if mode == "alg_none":
        return _b64(b'{"alg":"none"}') + f".{payload_b64}."
    if mode == "no_id_token":
        return None
    table: dict[str, dict[str, Any]] = {
        "expired": {"iat": now - 3600, "exp": now - 1800},
        "nonce": {"nonce": "not-the-one-we-sent"},
        "audience": {"aud": "another-application"},
        "issuer": {"iss": "https://attacker.example/idp"},
    }
    return jwt.encode(header, {**claims, **table[mode]}, key)


@csrf_exempt
def hostile_token(request):
    response = idp_views.token(request)
    mode = TAMPER["mode"]
    if response.status_code != 200 or not mode:
        return response
    body = json.loads(response.content)
    id_token = _tampered(body.pop("id_token"), mode)
    if id_token is not None:
        body["id_token"] = id_token
    return JsonResponse(body)


urlpatterns = [path("idp/token", hostile_token), *project_urlpatterns]
