"""Writes for API tokens."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cchc.accounts.models import User
from cchc.accounts.permissions import DENIED_MESSAGE
from cchc.api.models import ApiToken
from cchc.api.selectors import TOKEN_PREFIX, token_digest

# Recording every request's time would turn each read into a write; a minute is enough
# to tell a token in use from a forgotten one.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _may_manage(actor: User | None, user: User) -> None:
    # actor=None is the system (management command run by an administrator); otherwise a
    # user manages only their own tokens.
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(gettext(DENIED_MESSAGE))


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with the raw value, which is never stored."""
    _may_manage(actor, user)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(
            {"name": ValidationError(gettext("Vui lòng đặt tên cho khóa API."), code="required")}
        )
    if len(name) > 100:
        raise ValidationError(
            {"name": ValidationError(gettext("Tên khóa API tối đa 100 ký tự."), code="max_length")}
        )
    if not user.is_active:
        raise ValidationError(
            {
                "user": ValidationError(
                    gettext("Tài khoản đã bị khóa, không thể cấp khóa API."), code="inactive"
                )
            }
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=token_digest(raw),
        created_at=timezone.now(),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token (kept for the record); revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    _may_manage(actor, token.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_mark_used(*, token: ApiToken) -> None:
    """Record the time of use, at most once a minute per token (one UPDATE, no lock)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
