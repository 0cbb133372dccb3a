"""Session expiry and the TOTP second factor, enforced on every request.

- `SessionExpiryMiddleware` (ASVS 3.3.1/3.3.2): signs the user out after
  CCHC_SESSION_IDLE_SECONDS without a request, and CCHC_SESSION_MAX_SECONDS after signing
  in whatever the activity. The last-seen time is written at most once a minute so a busy
  page does not write the session on every request.
- `SecondFactorMiddleware`: a user with a confirmed TOTP device who has only given the
  password reaches nothing but the verification page (and sign-out) until the code is
  given; the API answers 401 in its error shape.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

AUTH_AT = "cchc_auth_at"
SEEN_AT = "cchc_seen_at"
SECOND_FACTOR = "cchc_2fa"
SEEN_WRITE_EVERY = 60  # seconds


def mark_signed_in(request: HttpRequest, user) -> None:
    """Called on `user_logged_in`: start both clocks and note whether a code is due."""
    from django_otp import user_has_device

    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
    request.session[SECOND_FACTOR] = bool(user_has_device(user))


class SessionExpiryMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = int(time.time())
            started = session.get(AUTH_AT)
            seen = session.get(SEEN_AT)
            if started is None:
                session[AUTH_AT] = started = now
            idle = settings.CCHC_SESSION_IDLE_SECONDS
            absolute = settings.CCHC_SESSION_MAX_SECONDS
            if (seen is not None and now - seen > idle) or now - started > absolute:
                logout(request)
                messages.info(
                    request,
                    _("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."),
                    fail_silently=True,
                )
            elif seen is None or now - seen >= getattr(
                settings, "CCHC_SESSION_SEEN_WRITE_SECONDS", SEEN_WRITE_EVERY
            ):
                session[SEEN_AT] = now
        return self.get_response(request)


def _exempt_paths() -> tuple[str, ...]:
    return (
        reverse("otp_verify"),
        reverse("logout"),
        reverse("login"),
        "/i18n/",
        "/" + settings.STATIC_URL.lstrip("/"),
    )


class SecondFactorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._code_due(request, user):
            path = request.path
            if not path.startswith(_exempt_paths()):
                if path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "error": {
                                "code": "second_factor_required",
                                "message": _("Cần nhập mã xác thực hai bước trước."),
                                "fields": {},
                            }
                        },
                        status=401,
                    )
                return redirect(f"{reverse('otp_verify')}?{urlencode({'next': path})}")
        return self.get_response(request)

    @staticmethod
    def _code_due(request: HttpRequest, user) -> bool:
        due = request.session.get(SECOND_FACTOR)
        if due is None:  # a session from before the second factor existed
            from django_otp import user_has_device

            due = request.session[SECOND_FACTOR] = bool(user_has_device(user))
        return bool(due) and not user.is_verified()
