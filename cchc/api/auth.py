"""Authentication: a bearer token for systems, the browser session (with CSRF) for people.

Both resolve to a `User`; permissions then come from that user's role assignments
exactly as in the screens, so a token can do no more than its user.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from cchc.api import selectors, services


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cchc_…` (create with `cchc api_token_create`)."""

    openapi_description = (
        "Khóa API: `Authorization: Bearer cchc_…` (tạo bằng `cchc api_token_create`)."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = selectors.api_token_find(raw=token)
        if found is None:
            return None
        services.api_token_mark_used(token=found)
        request.user = found.user  # for code that reads request.user (audit, i18n)
        request.api_token = found
        return found.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session. Unsafe methods need the CSRF token (header
    `X-CSRFToken`), checked only when a session is actually used, so a system sending no
    cookie gets 401, not a CSRF error."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "Phiên đăng nhập của trình duyệt (kèm X-CSRFToken khi ghi)."

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        user = getattr(request, "user", None)
        in_session = bool(key) and user is not None and user.is_authenticated
        if in_session and self.csrf and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed")
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


token_auth = TokenAuth()
session_auth = SessionAuth()
STAFF_AUTH = [token_auth, session_auth]
