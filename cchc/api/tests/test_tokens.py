"""API tokens: stored hashed, shown once, revocable, bound to an active user."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from cchc.api import selectors, services
from cchc.api.models import ApiToken
from cchc.dossiers.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_token_is_stored_only_as_its_hash_and_finds_its_user():
    user = make_user()
    token, raw = services.api_token_create(actor=None, user=user, name="  Cổng   DVC  ")
    assert raw.startswith("cchc_") and len(raw) > 40
    assert token.name == "Cổng DVC"
    assert raw not in {token.token_hash, token.prefix}
    assert not ApiToken.objects.filter(token_hash__contains=raw[5:]).exists()
    assert raw.startswith(token.prefix)
    assert selectors.api_token_find(raw=raw) == token
    assert selectors.api_token_find(raw=raw + "x") is None
    assert selectors.api_token_find(raw="") is None


def test_revoked_token_and_locked_user_no_longer_authenticate():
    user = make_user()
    token, raw = services.api_token_create(actor=None, user=user, name="A")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/dossiers").status_code == 200
    services.api_token_revoke(actor=user, token=token)
    r = client.get("/api/dossiers")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"
    assert r["WWW-Authenticate"].startswith("Bearer")

    _, raw2 = services.api_token_create(actor=None, user=user, name="B")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw2}").get("/api/dossiers").status_code == 401


def test_a_user_manages_only_their_own_tokens():
    owner, other = make_user(), make_user()
    token, _ = services.api_token_create(actor=owner, user=owner, name="Mine")
    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=other, user=owner, name="Theirs")
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=other, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    with pytest.raises(ValidationError) as exc:
        services.api_token_create(actor=None, user=owner, name="   ")
    assert "name" in exc.value.error_dict


def test_last_used_is_recorded_at_most_once_a_minute(monkeypatch):
    user = make_user()
    token, raw = services.api_token_create(actor=None, user=user, name="A")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start)
    client.get("/api/dossiers")
    token.refresh_from_db()
    assert token.last_used_at == start
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(seconds=30))
    client.get("/api/dossiers")
    token.refresh_from_db()
    assert token.last_used_at == start
    later = start + dt.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    client.get("/api/dossiers")
    token.refresh_from_db()
    assert token.last_used_at == later


def test_command_prints_the_token_once():
    user = make_user("he_thong_tich_hop")
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token_create", user=user.username, name="Cổng DVC", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert selectors.api_token_find(raw=raw).user == user
    assert raw not in err.getvalue()
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("api_token_create", user="khong-co", name="X", stdout=out, stderr=err)


def test_revoke_command_by_printed_prefix():
    user = make_user()
    token, raw = services.api_token_create(actor=None, user=user, name="A")
    call_command("api_token_revoke", raw[:11], stdout=io.StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert selectors.api_token_find(raw=raw) is None
