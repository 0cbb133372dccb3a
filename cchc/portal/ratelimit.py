"""Fixed-window attempt counters in the cache framework (status lookup, rating link).

Limits per client IP and per dossier code, so neither one client trying many codes nor
many clients trying one code's secret gets far. Settings: PORTAL_LOOKUP_ATTEMPTS
(default 10) per PORTAL_LOOKUP_WINDOW seconds (default 600).
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "PORTAL_LOOKUP_ATTEMPTS", 10)),
        int(getattr(settings, "PORTAL_LOOKUP_WINDOW", 600)),
    )


def _key(scope: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"portal:rl:{scope}:{digest}:{int(time.time()) // window}"


def client_ip(request) -> str:
    # Behind the reverse proxy, deployment sets REMOTE_ADDR correctly (no trust in
    # client-supplied X-Forwarded-For here).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(*, scope: str, ip: str, code: str) -> str | None:
    """Count one attempt; return a Vietnamese refusal reason if over the limit."""
    attempts, window = _limits()
    minutes = max(1, window // 60)
    keys = [("ip", ip)] + ([("code", code.strip().upper())] if code else [])
    for kind, value in keys:
        key = _key(f"{scope}:{kind}", value, window)
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
        if count > attempts:
            if kind == "ip":
                return (
                    f"Bạn đã tra cứu quá {attempts} lần trong {minutes} phút từ địa chỉ này. "
                    f"Vui lòng thử lại sau {minutes} phút."
                )
            return (
                f"Mã hồ sơ này đã được tra cứu quá {attempts} lần trong {minutes} phút. "
                f"Vì an toàn, vui lòng thử lại sau {minutes} phút."
            )
    return None
