"""Reads for API tokens."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet

from cchc.accounts.models import User
from cchc.api.models import ApiToken

TOKEN_PREFIX = "cchc_"  # noqa: S105 - a public token prefix, not a secret


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_find(*, raw: str) -> ApiToken | None:
    """The active token with this value whose user may still sign in, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "pk")
