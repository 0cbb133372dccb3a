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
