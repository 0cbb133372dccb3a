"""A local stand-in for a payment gateway, speaking the same signed protocol.

`SandboxProvider` is our side (the merchant), configured like any gateway. The
`sandbox_*` functions are the gateway's side: its payment page checks the merchant's
signature, the citizen approves or declines, and the gateway signs the result, sends
the citizen back to the return URL and calls the IPN URL server-to-server (a task, so
a slow or failing merchant never blocks the page). Nothing here touches dossiers.
"""

from __future__ import annotations

import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cchc.integrations.models import SandboxStatus, SandboxTransaction
from cchc.integrations.payments.base import (
    HmacRedirectGateway,
    format_gateway_time,
    get_provider,
    parse_gateway_time,
)

logger = logging.getLogger(__name__)

SANDBOX = "sandbox"


class SandboxProvider(HmacRedirectGateway):
    prefix = "pay_"
    algorithm = "sha256"
    version = "1.0.0"

    def query_status(self, reference: str) -> dict[str, str] | None:
        # The gateway's "query transaction" API: here, its ledger in our database.
        txn = SandboxTransaction.objects.filter(reference=reference).first()
        if txn is None or txn.status == SandboxStatus.PENDING:
            return None
        return dict(txn.result_params)


def _provider() -> SandboxProvider:
    provider = get_provider(SANDBOX)
    assert isinstance(provider, SandboxProvider)  # noqa: S101 - type narrowing for mypy; no check relies on it
    return provider


def sandbox_check_request(params: dict[str, str]) -> dict[str, str]:
    """The gateway's first check of an incoming payment request (signature, fields)."""
    provider = _provider()
    p = provider._p
    if not provider.verify(params):
        raise ValidationError("Chữ ký yêu cầu thanh toán không hợp lệ.", code="signature")
    for name in ("TxnRef", "Amount", "ReturnUrl", "TmnCode"):
        if not params.get(p(name)):
            raise ValidationError(f"Thiếu tham số {p(name)}.", code="missing")
    if params[p("TmnCode")] != provider.merchant_code:
        raise ValidationError("Mã đơn vị chấp nhận thanh toán không đúng.", code="merchant")
    expires = parse_gateway_time(params.get(p("ExpireDate"), ""))
    if expires is not None and expires < timezone.now():
        # A signed request is good for its 15 minutes only (a stale link cannot be replayed).
        raise ValidationError("Giao dịch đã hết hạn chờ thanh toán.", code="expired")
    return params


@transaction.atomic
def sandbox_decide(*, params: dict[str, str], approve: bool, ipn_url: str = "") -> str:
    """The citizen approved or declined on the sandbox page: sign the result, queue the
    IPN call, return the URL to send the browser back to. A reference is decided once."""
    provider = _provider()
    p = provider._p
    sandbox_check_request(params)
    now = timezone.now()
    txn = SandboxTransaction.objects.select_for_update().filter(reference=params[p("TxnRef")])
    existing = txn.first()
    if existing is not None and existing.status != SandboxStatus.PENDING:
        raise ValidationError("Giao dịch này đã được xử lý.", code="already_decided")
    status = SandboxStatus.APPROVED if approve else SandboxStatus.DECLINED
    transaction_no = f"{now:%y%m%d}{secrets.randbelow(10**8):08d}"
    code = "00" if approve else "24"  # 24 = customer cancelled (VNPAY's code)
    result = provider.signed(
        {
            p("TmnCode"): provider.merchant_code,
            p("TxnRef"): params[p("TxnRef")],
            p("Amount"): params[p("Amount")],
            p("OrderInfo"): params.get(p("OrderInfo"), ""),
            p("ResponseCode"): code,
            p("TransactionStatus"): "00" if approve else "02",
            p("TransactionNo"): transaction_no,
            p("BankCode"): "SANDBOX",
            p("PayDate"): format_gateway_time(now),
        }
    )
    SandboxTransaction.objects.update_or_create(
        reference=params[p("TxnRef")],
        defaults={
            "merchant_code": provider.merchant_code,
            "amount_minor": int(params[p("Amount")]),
            "order_info": params.get(p("OrderInfo"), ""),
            "return_url": params[p("ReturnUrl")],
            "ipn_url": ipn_url,
            "status": status,
            "transaction_no": transaction_no,
            "created_at": now,
            "decided_at": now,
            "result_params": result,
        },
    )
    reference = params[p("TxnRef")]
    if ipn_url and provider.options.get("callback_transport", "http") != "off":
        from cchc.integrations.tasks import sandbox_send_callback_task

        transaction.on_commit(lambda: sandbox_send_callback_task.enqueue(reference=reference))
    return_url = params[p("ReturnUrl")]
    sep = "&" if "?" in return_url else "?"
    return f"{return_url}{sep}{urllib.parse.urlencode(result)}"


def sandbox_send_callback(*, reference: str) -> bool:
    """POST the signed result to the merchant's IPN URL; True when it answered "00"/"02"."""
    provider = _provider()
    txn = SandboxTransaction.objects.get(reference=reference)
    transport = provider.options.get("callback_transport", "http")
    ok, error = False, ""
    try:
        if transport == "inprocess":
            from django.test import Client  # the sandbox only: no socket, same handler

            parsed = urllib.parse.urlsplit(txn.ipn_url)
            response = Client(HTTP_HOST=parsed.netloc or "testserver").post(
                parsed.path, txn.result_params
            )
            status, body = response.status_code, response.content
        else:
            data = urllib.parse.urlencode(txn.result_params).encode()
            req = urllib.request.Request(txn.ipn_url, data=data, method="POST")  # noqa: S310 - IPN URL stored by our own sandbox (dev/test gateway)
            with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - IPN URL stored by our own sandbox (dev/test gateway)
                status, body = resp.status, resp.read()
        ok = status == 200 and (b'"00"' in body or b'"02"' in body)
        if not ok:
            error = f"HTTP {status}: {body[:200]!r}"
    except (urllib.error.URLError, OSError) as exc:
        error = str(exc)
    SandboxTransaction.objects.filter(pk=txn.pk).update(
        callback_attempts=txn.callback_attempts + 1,
        callback_status="sent" if ok else "failed",
        callback_error=error,
    )
    if not ok:
        logger.warning("sandbox IPN to %s failed: %s", txn.ipn_url, error)
    return ok
