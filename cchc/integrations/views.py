"""Pages of the integrations app: paying a fee, the sandbox gateway, the gateway's
callbacks, the applicant's notification opt-in and the staff outbox page.

Views parse input, call one service or selector and render; the services decide.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cchc.accounts.permissions import Action, has_any_permission
from cchc.dossiers.models import Dossier
from cchc.dossiers.selectors import dossier_get_by_lookup, dossier_get_for_user
from cchc.integrations import conf, selectors, services
from cchc.integrations.forms import OptInForm, add_service_error
from cchc.integrations.models import Notification, NotificationStatus, Payment
from cchc.integrations.payments import sandbox
from cchc.integrations.payments.base import RSP_NOT_FOUND, CallbackRejected, get_provider

# --- Paying a fee ----------------------------------------------------------------------


class Throttled(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _throttle(request: HttpRequest, code: str) -> None:
    """Counted with the portal's status lookup (same scope): the receipt's secret is only
    50 bits, so guessing it must stay slow on every page that checks it."""
    from cchc.accounts import throttle

    refusal = throttle.hit(scope="lookup", ip=throttle.client_ip(request), code=code)
    if refusal:
        raise Throttled(refusal)


def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return render(request, "integrations/throttled.html", {"reason": exc.reason}, status=429)


def _dossier_for_payer(request: HttpRequest, code: str, secret: str) -> Dossier:
    if secret:
        _throttle(request, code)
        dossier = dossier_get_by_lookup(code=code, secret=secret)
        if dossier is not None:
            return dossier
        raise Http404(_("Mã hồ sơ hoặc mã tra cứu không đúng."))
    if request.user.is_authenticated:
        own = Dossier.objects.filter(code=code, applicant__user=request.user).first()
        if own is not None:
            return own
        try:
            return dossier_get_for_user(user=request.user, code=code)
        except (Dossier.DoesNotExist, PermissionDenied):
            pass
    raise Http404(_("Mã hồ sơ hoặc mã tra cứu không đúng."))


@require_http_methods(["GET", "POST"])
def payment(request: HttpRequest, code: str) -> HttpResponse:
    secret = (request.POST.get("s") or request.GET.get("s") or "").strip()
    try:
        dossier = _dossier_for_payer(request, code, secret)
    except Throttled as exc:
        return _throttled(request, exc)
    error = ""
    if request.method == "POST":
        try:
            url = services.payment_start(
                dossier=dossier,
                actor=request.user if request.user.is_authenticated else None,
                lookup_secret=secret or None,
                base_url=request.build_absolute_uri("/"),
                client_ip=request.META.get("REMOTE_ADDR", "127.0.0.1"),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied:
            error = _("Bạn không có quyền thanh toán cho hồ sơ này.")
        else:
            return redirect(url)
    context = {
        "dossier": dossier,
        "secret": secret,
        "lines": selectors.fee_lines(dossier=dossier),
        "outstanding": selectors.fee_outstanding(dossier=dossier),
        "needs_assessment": selectors.fee_needs_assessment(dossier=dossier),
        "paid": selectors.payment_paid_for(dossier=dossier),
        "error": error,
    }
    return render(request, "integrations/payment.html", context, status=400 if error else 200)


def payment_return(request: HttpRequest, provider: str) -> HttpResponse:
    """Where the gateway sends the payer back: verify, apply (idempotent), show."""
    try:
        gateway = get_provider(provider)
    except LookupError as exc:
        raise Http404 from exc
    params = request.GET.dict()
    if not gateway.verify(params):
        return render(request, "integrations/payment_return.html", {"invalid": True}, status=400)
    try:
        outcome = services.payment_callback(provider=provider, params=params)
        payment_row = outcome.payment
    except CallbackRejected as exc:
        return render(
            request,
            "integrations/payment_return.html",
            {"invalid": True, "message": exc.message},
            status=400,
        )
    payment_row = services.payment_reconcile(payment=payment_row)
    payment_row = Payment.objects.select_related("dossier", "receipt").get(pk=payment_row.pk)
    return render(request, "integrations/payment_return.html", {"payment": payment_row})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def payment_ipn(request: HttpRequest, provider: str) -> HttpResponse:
    """Server-to-server result (IPN). Answers with the gateway's response codes."""
    params = (request.POST if request.method == "POST" else request.GET).dict()
    try:
        outcome = services.payment_callback(provider=provider, params=params)
    except LookupError:
        return JsonResponse({"RspCode": RSP_NOT_FOUND, "Message": "Unknown provider"}, status=404)
    except CallbackRejected as exc:
        status = 404 if exc.code == RSP_NOT_FOUND else 400
        return JsonResponse({"RspCode": exc.code, "Message": exc.message}, status=status)
    message = "Confirm Success" if outcome.changed else "Order already confirmed"
    return JsonResponse({"RspCode": outcome.code, "Message": message})


# --- The local sandbox gateway ----------------------------------------------------------


def _sandbox_enabled() -> bool:
    return sandbox.SANDBOX in conf.get("PAYMENT_PROVIDERS")


@require_http_methods(["GET", "POST"])
def sandbox_pay(request: HttpRequest) -> HttpResponse:
    if not _sandbox_enabled():
        raise Http404
    if request.method == "POST":
        params = {
            k: v
            for k, v in request.POST.dict().items()
            if k not in ("csrfmiddlewaretoken", "decision")
        }
        try:
            url = sandbox.sandbox_decide(
                params=params,
                approve=request.POST.get("decision") == "approve",
                ipn_url=request.build_absolute_uri(
                    reverse("integrations:payment_ipn", args=[sandbox.SANDBOX])
                ),
            )
        except ValidationError as exc:
            return render(
                request,
                "integrations/sandbox_pay.html",
                {"error": " ".join(exc.messages)},
                status=400,
            )
        return redirect(url)
    params = request.GET.dict()
    try:
        sandbox.sandbox_check_request(params)
    except ValidationError as exc:
        return render(
            request, "integrations/sandbox_pay.html", {"error": " ".join(exc.messages)}, status=400
        )
    return render(
        request,
        "integrations/sandbox_pay.html",
        {
            "params": sorted(params.items()),
            "amount": int(params["pay_Amount"]) // 100,
            "reference": params["pay_TxnRef"],
            "order_info": params.get("pay_OrderInfo", ""),
            "merchant": params["pay_TmnCode"],
        },
    )


# --- Notification opt-in -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def optin(request: HttpRequest, code: str) -> HttpResponse:
    secret = (request.POST.get("s") or request.GET.get("s") or "").strip()
    if secret:
        try:
            _throttle(request, code)
        except Throttled as exc:
            return _throttled(request, exc)
    dossier = dossier_get_by_lookup(code=code, secret=secret) if secret else None
    if dossier is None:
        return render(request, "integrations/optin.html", {"invalid": True}, status=404)
    subscription = selectors.subscription_of(dossier=dossier)
    if request.method == "POST":
        form = OptInForm(request.POST)
        if form.is_valid():
            try:
                services.notification_subscribe(
                    code=code, lookup_secret=secret, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã lưu lựa chọn nhận thông báo của Ông/Bà."))
                return redirect(f"{request.path}?s={secret}")
    else:
        initial = {"email": True}
        if subscription is not None:
            initial = {
                "email": subscription.email,
                "sms": subscription.sms,
                "zalo": subscription.zalo,
                "email_address": subscription.email_address,
                "phone": subscription.phone,
                "zalo_user_id": subscription.zalo_user_id,
            }
        form = OptInForm(initial=initial)
    return render(
        request,
        "integrations/optin.html",
        {"dossier": dossier, "form": form, "secret": secret, "subscription": subscription},
        status=400 if form.errors else 200,
    )


# --- Staff: the outbox -------------------------------------------------------------------


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    if not has_any_permission(request.user, Action.DOSSIER_VIEW):
        raise PermissionDenied(_("Bạn không có quyền xem hồ sơ."))
    status = request.GET.get("status") or ""
    if status not in NotificationStatus.values:
        status = ""
    rows = selectors.notification_list_for_user(user=request.user, status=status or None)
    return render(
        request,
        "integrations/notifications.html",
        {"rows": rows, "status": status, "statuses": NotificationStatus.choices},
    )


@login_required
@require_POST
def notification_retry(request: HttpRequest, pk: int) -> HttpResponse:
    notification = Notification.objects.filter(pk=pk).first()
    if notification is None:
        raise Http404
    try:
        services.notification_retry(actor=request.user, notification=notification)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã đưa thông báo vào hàng đợi gửi lại."))
    return redirect(reverse("integrations:notifications") + "?" + request.GET.urlencode())
