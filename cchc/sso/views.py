"""Relying-party views: start a sign-in at a provider, and take its answer back."""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from django.conf import settings
from django.contrib.auth import get_backends, login
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from joserfc.errors import JoseError

from cchc.sso import services
from cchc.sso.client import oauth_client, server_metadata
from cchc.sso.conf import ProviderConfig, provider_get

log = logging.getLogger("cchc.sso")

SESSION_NEXT = "sso_next"
SESSION_PROVIDER = "sso_provider"
# The ID token must be fresh: at most this many seconds of clock difference are allowed.
CLOCK_LEEWAY_SECONDS = 60


def _provider_or_404(key: str) -> ProviderConfig:
    provider = provider_get(key)
    if provider is None:
        raise Http404(_("Nhà cung cấp định danh không tồn tại hoặc chưa được cấu hình."))
    return provider


def _refused(
    request: HttpRequest, provider: ProviderConfig, message: str, *, status: int
) -> HttpResponse:
    return render(
        request,
        "sso/refused.html",
        {"provider": provider, "message": message},
        status=status,
    )


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _session_backend() -> str:
    """The backend recorded in the session: the model backend loads the account by id on
    every request (and refuses a locked one), whatever signed it in."""
    for backend in get_backends():
        if isinstance(backend, ModelBackend):
            return f"{type(backend).__module__}.{type(backend).__qualname__}"
    raise RuntimeError("OIDC sign-in needs a ModelBackend in AUTHENTICATION_BACKENDS")


@require_GET
def start(request: HttpRequest, provider: str) -> HttpResponse:
    config = _provider_or_404(provider)
    request.session[SESSION_NEXT] = _safe_next(request, request.GET.get("next"))
    redirect_uri = request.build_absolute_uri(reverse("sso:callback", args=[config.key]))
    try:
        server_metadata(config)
        extra = {"prompt": config.prompt} if config.prompt else {}
        return oauth_client(config).authorize_redirect(request, redirect_uri, **extra)
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as exc:
        log.warning("sso discovery failed provider=%s: %s", config.key, exc)
        return _refused(
            request,
            config,
            _(
                "Không kết nối được tới %(label)s. Vui lòng thử lại sau hoặc đăng nhập bằng tài khoản."
            )
            % {"label": config.name},
            status=502,
        )


def _claims_from_provider(request: HttpRequest, config: ProviderConfig) -> dict[str, Any]:
    client = oauth_client(config)
    metadata = server_metadata(config)
    token = client.authorize_access_token(
        request,
        leeway=CLOCK_LEEWAY_SECONDS,
        claims_options={
            "iss": {"essential": True, "values": [metadata["issuer"]]},
            "exp": {"essential": True},
            "iat": {"essential": True},
            "sub": {"essential": True},
        },
    )
    claims = token.get("userinfo")
    if not claims:
        # authlib only parses an ID token that is there; OpenID Connect requires one.
        raise OAuthError(error="invalid_token", description="no id_token in the token response")
    claims = dict(claims)
    if config.use_userinfo and metadata.get("userinfo_endpoint"):
        extra = dict(client.userinfo(token=token))
        # OpenID Connect Core §5.3.4: a different sub means the response is not to be used.
        if extra.get("sub") != claims.get("sub"):
            raise OAuthError(error="invalid_token", description="userinfo sub differs")
        claims = {**extra, **claims}
    return claims


@require_GET
def callback(request: HttpRequest, provider: str) -> HttpResponse:
    config = _provider_or_404(provider)
    if request.GET.get("error"):
        message = (
            _("Bạn đã hủy đăng nhập tại %(label)s.")
            if request.GET["error"] == "access_denied"
            else _("%(label)s từ chối yêu cầu đăng nhập.")
        )
        return _refused(request, config, message % {"label": config.name}, status=400)
    try:
        raw_claims = _claims_from_provider(request, config)
    except MismatchingStateError:
        return _refused(
            request,
            config,
            _(
                "Phiên đăng nhập không hợp lệ hoặc đã hết hạn (tham số state không khớp). "
                "Vui lòng đăng nhập lại."
            ),
            status=400,
        )
    except (OAuthError, JoseError, ValueError, KeyError) as exc:
        log.warning("sso token refused provider=%s: %r", config.key, exc)
        return _refused(
            request,
            config,
            _(
                "Không xác thực được thông tin đăng nhập do %(label)s trả về (mã thông báo "
                "không hợp lệ, sai chữ ký hoặc đã hết hạn). Vui lòng đăng nhập lại."
            )
            % {"label": config.name},
            status=400,
        )
    except requests.RequestException as exc:
        log.warning("sso provider unreachable provider=%s: %s", config.key, exc)
        return _refused(
            request,
            config,
            _("Không kết nối được tới %(label)s. Vui lòng thử lại sau.") % {"label": config.name},
            status=502,
        )
    try:
        user = services.external_identity_sign_in(provider=config, claims=raw_claims)
    except ValidationError as exc:
        return _refused(request, config, " ".join(exc.messages), status=403)
    except services.SignInRefused as exc:
        return _refused(request, config, str(exc), status=403)
    next_url = request.session.pop(SESSION_NEXT, "")
    login(request, user, backend=_session_backend())
    request.session[SESSION_PROVIDER] = config.key
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
