"""Pages of the portal synchronisation: the operators' dead-letter screen (with retry)
and the local sandbox endpoint of the exchange API."""

from __future__ import annotations

import json
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cchc.accounts.permissions import DENIED_MESSAGE, Action, has_any_permission
from cchc.integrations import conf
from cchc.integrations.models import PortalSyncMessage, PortalSyncStatus
from cchc.integrations.portal import outbox, selectors
from cchc.integrations.portal.dataset import PORTAL_STATUS_LABELS
from cchc.integrations.portal.sandbox import SandboxTimeout, sandbox_handle


def _require_operator(request: HttpRequest) -> None:
    if not has_any_permission(request.user, Action.PORTAL_SYNC_MANAGE):
        raise PermissionDenied(_(DENIED_MESSAGE))


@login_required
def sync_list(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    status = request.GET.get("status") or PortalSyncStatus.DEAD
    if status not in PortalSyncStatus.values:
        status = PortalSyncStatus.DEAD
    rows = list(selectors.portal_messages_for_user(user=request.user, status=status))
    return render(
        request,
        "integrations/portal_sync.html",
        {
            "rows": rows,
            "status": status,
            "statuses": PortalSyncStatus.choices,
            "counts": selectors.portal_counts_for_user(user=request.user),
            "portal_statuses": PORTAL_STATUS_LABELS,
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("integrations:portal_sync") + "?" + request.GET.urlencode())


@login_required
@require_POST
def sync_retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = PortalSyncMessage.objects.filter(pk=pk).first()
    if message is None:
        raise Http404
    try:
        outbox.portal_retry(actor=request.user, message=message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã đưa bản tin vào hàng đợi gửi lại lên Cổng DVCQG."))
    return _back(request)


@login_required
@require_POST
def sync_retry_all(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    count = outbox.portal_retry_all(actor=request.user)
    messages.success(
        request, _("Đã đưa %(count)s bản tin vào hàng đợi gửi lại.") % {"count": count}
    )
    return _back(request)


@csrf_exempt
@require_POST
def sandbox_api(request: HttpRequest) -> HttpResponse:
    """The local portal sandbox over HTTP (the same code the in-process client calls)."""
    if not conf.get("PORTAL_SANDBOX_ENABLED"):
        raise Http404
    auth = request.headers.get("Authorization", "")
    token = auth[7:] if auth.startswith("Bearer ") else ""
    try:
        body = json.loads(request.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"error_code": "400", "message": "JSON không hợp lệ."}, status=400)
    try:
        status, data = sandbox_handle(
            body=body, token=token, key=request.headers.get("Idempotency-Key", "")
        )
    except SandboxTimeout:
        # Told to time out: answer only after the client has given up (bounded wait).
        time.sleep(min(float(conf.get("PORTAL_TIMEOUT_SECONDS")) + 1, 15))
        return JsonResponse({"error_code": "504", "message": "Quá thời gian."}, status=504)
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
