"""Sign-in steps beyond the password: the TOTP code, its enrolment, password change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from cchc.accounts import second_factor
from cchc.accounts.middleware import SECOND_FACTOR


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _qr_svg(text: str) -> str:
    import segno

    svg = segno.make(text, error="m").svg_inline(scale=4, title=_("Mã QR xác thực hai bước"))
    return mark_safe(svg)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The step after the password for an account with the second factor on."""
    next_url = _safe_next(request)
    if request.user.is_verified() or not request.session.get(SECOND_FACTOR):
        return redirect(next_url)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            device = second_factor.totp_verify(
                user=request.user, token=request.POST.get("token", "")
            )
        except ValidationError as exc:
            errors, status = _errors(exc), 400
        else:
            otp_login(request, device)
            return redirect(next_url)
    return render(
        request, "accounts/otp_verify.html", {"errors": errors, "next": next_url}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Turn the second factor on (scan, then confirm with a code) or off."""
    user = request.user
    if not second_factor.may_enrol(user):
        raise PermissionDenied(_("Chỉ tài khoản cán bộ mới bật được xác thực hai bước."))
    errors: list[str] = []
    status = 200
    step = request.POST.get("step", "")
    pending = None
    if request.method == "POST":
        try:
            if step == "start":
                pending = second_factor.totp_enrolment_start(user=user)
            elif step == "confirm":
                device = second_factor.totp_enrolment_confirm(
                    user=user, token=request.POST.get("token", "")
                )
                otp_login(request, device)
                request.session[SECOND_FACTOR] = True
                messages.success(request, _("Đã bật xác thực hai bước."))
                return redirect("otp_setup")
            elif step == "disable":
                second_factor.totp_disable(user=user, token=request.POST.get("token", ""))
                request.session[SECOND_FACTOR] = False
                messages.success(request, _("Đã tắt xác thực hai bước."))
                return redirect("otp_setup")
        except ValidationError as exc:
            errors, status = _errors(exc), 400
            if step == "confirm":
                pending = user.totpdevice_set.filter(confirmed=False).first()
    device = second_factor.confirmed_device(user)
    context = {"device": device, "pending": pending, "errors": errors}
    if pending is not None:
        context["qr"] = _qr_svg(pending.config_url)
        context["secret"] = second_factor.secret_text(pending)
    return render(request, "accounts/otp_setup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password; AUTH_PASSWORD_VALIDATORS apply (length 10+, not common,
    not all digits, not like the user's name)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Đã đổi mật khẩu."))
        return redirect("home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
