"""Log-in throttling through django-axes (configured in settings: AXES_*).

`LoginThrottleBackend` is django-axes' standalone backend, except that an authenticate()
call without a request (tests' `client.login`, management commands) is let through: there
is no client to throttle, and every sign-in over HTTP passes its request.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str:
    # The reverse proxy sets REMOTE_ADDR; a client-supplied X-Forwarded-For is not trusted.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


# --- request rate limits (anti-spam) ----------------------------------------------------


def rate_limited(*, scope: str, keys: dict[str, str], limit: int, window: int) -> bool:
    """Count one request under each of `keys` ({"user": "42", "ip": "1.2.3.4"}) in a fixed
    window of `window` seconds in the shared cache; True when any is over `limit`.

    The cache is the database cache in production, shared by every worker process
    (settings.CACHES), so the limit holds across processes.
    """
    import hashlib
    import time

    from django.core.cache import cache

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


def submission_refused(request, *, scope: str) -> str | None:
    """Anti-spam for public writes (online dossier submission, petitions): at most
    PORTAL_SUBMIT_LIMIT per account and PORTAL_SUBMIT_IP_LIMIT per client IP in
    PORTAL_SUBMIT_WINDOW seconds (defaults 10 and 100 an hour: one IP may be a whole
    office behind NAT). Returns the Vietnamese refusal, or None."""
    from django.conf import settings

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


def axes_client_ip(request) -> str | None:
    """The client address for django-axes' log-in records: a valid IP or None (NULL).

    Its access log stores the address in an IP column, which PostgreSQL checks: a request
    with no REMOTE_ADDR (e.g. `Client.force_login` in tests, or a sign-in from a management
    command) must give NULL, not a placeholder string."""
    import ipaddress

    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
