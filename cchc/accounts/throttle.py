"""Throttling, in one place: who the client is, fixed-window counters, and the refusals.

- `client_ip` / `valid_ip` / `axes_client_ip`: the client's address. The reverse proxy sets REMOTE_ADDR;
  a client-supplied X-Forwarded-For is never trusted.
- `rate_limited`: one fixed-window counter per key in the shared cache (the database cache
  in production, settings.CACHES, so a limit holds across worker processes).
- `hit`: guessing limits on the public lookups by dossier code + secret (status lookup,
  rating link, kiosk, SIPAS survey, API), per client IP and per dossier code.
- `submission_refused`: anti-spam limits on public writes (online submission, petitions).
- `LoginThrottleBackend`: log-in throttling through django-axes (settings AXES_*).
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.cache import cache


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' standalone backend, except that an authenticate() call without a
    request (tests' `client.login`, management commands) is let through: there is no
    client to throttle, and every sign-in over HTTP passes its request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


# --- The client -------------------------------------------------------------------------


def client_ip(request) -> str:
    """The client's address as a counter key and for access logs ("unknown" if none)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def valid_ip(value: str | None) -> str | None:
    """An address for an IP column (inet on PostgreSQL, which checks it): the normalised
    address, or None (NULL) for anything else, e.g. `client_ip`'s "unknown"."""
    try:
        return str(ipaddress.ip_address(value or ""))
    except ValueError:
        return None


def axes_client_ip(request) -> str | None:
    """The client address for django-axes' log-in records: a valid IP or None (NULL).

    A request with no REMOTE_ADDR (e.g. `Client.force_login` in tests, or a sign-in from a
    management command) must give NULL, not a placeholder string."""
    return valid_ip(request.META.get("REMOTE_ADDR"))


# --- Counters ---------------------------------------------------------------------------


def rate_limited(*, scope: str, keys: dict[str, str], limit: int, window: int) -> bool:
    """Count one request under each of `keys` ({"user": "42", "ip": "1.2.3.4"}) in a fixed
    window of `window` seconds in the shared cache; True when any is over `limit`."""
    over = False
    bucket = int(time.time()) // window
    for kind, value in keys.items():
        digest = hashlib.sha256(value.encode()).hexdigest()[:32]
        key = f"rl:{scope}:{kind}:{digest}:{bucket}"
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
        over = over or count > limit
    return over


# --- Refusals ---------------------------------------------------------------------------


def hit(*, scope: str, ip: str, code: str) -> str | None:
    """Count one lookup attempt; return the Vietnamese refusal if over the limit.

    Limits per client IP and per dossier code, so neither one client trying many codes
    nor many clients trying one code's secret gets far: PORTAL_LOOKUP_ATTEMPTS (default
    10) per PORTAL_LOOKUP_WINDOW seconds (default 600). An address already over its limit
    is refused before the code is counted."""
    attempts = int(getattr(settings, "PORTAL_LOOKUP_ATTEMPTS", 10))
    window = int(getattr(settings, "PORTAL_LOOKUP_WINDOW", 600))
    minutes = max(1, window // 60)
    if rate_limited(scope=scope, keys={"ip": ip}, limit=attempts, window=window):
        return (
            f"Bạn đã tra cứu quá {attempts} lần trong {minutes} phút từ địa chỉ này. "
            f"Vui lòng thử lại sau {minutes} phút."
        )
    code = code.strip().upper() if code else ""
    if code and rate_limited(scope=scope, keys={"code": code}, limit=attempts, window=window):
        return (
            f"Mã hồ sơ này đã được tra cứu quá {attempts} lần trong {minutes} phút. "
            f"Vì an toàn, vui lòng thử lại sau {minutes} phút."
        )
    return None


def submission_refused(request, *, scope: str) -> str | None:
    """Anti-spam for public writes (online dossier submission, petitions): at most
    PORTAL_SUBMIT_LIMIT per account and PORTAL_SUBMIT_IP_LIMIT per client IP in
    PORTAL_SUBMIT_WINDOW seconds (defaults 10 and 100 an hour: one IP may be a whole
    office behind NAT). Returns the Vietnamese refusal, or None."""
    window = int(getattr(settings, "PORTAL_SUBMIT_WINDOW", 3600))
    user = getattr(request, "user", None)
    checks = [("ip", client_ip(request), int(getattr(settings, "PORTAL_SUBMIT_IP_LIMIT", 100)))]
    if user is not None and user.is_authenticated:
        checks.append(("user", str(user.pk), int(getattr(settings, "PORTAL_SUBMIT_LIMIT", 10))))
    minutes = max(1, window // 60)
    for kind, value, limit in checks:
        if rate_limited(scope=scope, keys={kind: value}, limit=limit, window=window):
            return (
                f"Bạn đã gửi quá {limit} lần trong {minutes} phút. "
                f"Để chống gửi tự động, vui lòng thử lại sau."
            )
    return None
