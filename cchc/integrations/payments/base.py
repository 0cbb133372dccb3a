"""The payment-provider interface and the signed redirect/callback protocol.

Vietnamese card/QR gateways (VNPAY 2.1.0 and those modelled on it, including the
payment platform of the national public-service portal) share one shape:

1. the merchant redirects the citizen to the gateway with parameters sorted by name,
   URL-encoded into a canonical string and signed with HMAC (SHA-512 at VNPAY) under a
   shared secret; the amount is in minor units (đồng x 100);
2. after the citizen pays, the gateway redirects back to the return URL with a signed
   result, and separately calls the merchant's IPN URL server-to-server with the same
   signed parameters; the merchant verifies the signature, the reference and the
   amount, records the payment once, and answers with a response code;
3. the merchant may query a transaction's status (reconciliation).

`HmacRedirectGateway` implements that protocol once, parameterised by the parameter
prefix, the hash algorithm and the URLs; the local sandbox and a real gateway differ
only in configuration (docs/decisions/0006-payments-and-notifications.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote_plus, urlencode

from django.utils import timezone

from cchc.integrations import conf

# IPN response codes (same meanings as VNPAY's): what the gateway is told.
RSP_OK = "00"
RSP_NOT_FOUND = "01"
RSP_ALREADY_CONFIRMED = "02"
RSP_BAD_AMOUNT = "04"
RSP_BAD_SIGNATURE = "97"
RSP_OTHER = "99"


class CallbackRejected(Exception):
    """A callback that must change nothing (bad signature, unknown reference, wrong amount)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class PaymentRequest:
    reference: str
    amount: Decimal
    order_info: str
    return_url: str
    client_ip: str = "127.0.0.1"
    created_at: dt.datetime | None = None
    # Base of a relative gateway URL (the local sandbox lives on our own site).
    base_url: str | None = None


@dataclass(frozen=True)
class CallbackResult:
    reference: str
    amount: Decimal
    success: bool
    transaction_no: str
    paid_at: dt.datetime | None
    response_code: str
    raw: dict[str, str] = field(default_factory=dict)


class PaymentProvider:
    """What the fee services need from any provider."""

    name: str = ""

    def create_payment_url(self, request: PaymentRequest) -> str:
        raise NotImplementedError

    def verify(self, params: dict[str, str]) -> bool:
        raise NotImplementedError

    def parse_callback(self, params: dict[str, str]) -> CallbackResult:
        raise NotImplementedError

    def query_status(self, reference: str) -> dict[str, str] | None:
        """Signed result parameters for `reference` as the gateway knows them, or None."""
        raise NotImplementedError


VN_TZ = dt.timezone(dt.timedelta(hours=7))


def format_gateway_time(value: dt.datetime) -> str:
    # Gateways exchange local Vietnam time as yyyyMMddHHmmss.
    return value.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def parse_gateway_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
    except (TypeError, ValueError):
        return None


class HmacRedirectGateway(PaymentProvider):
    prefix = "pay_"
    algorithm = "sha256"
    version = "1.0.0"

    def __init__(
        self,
        *,
        name: str,
        merchant_code: str,
        secret: str,
        gateway_url: str,
        **options: Any,
    ) -> None:
        if not secret:
            raise ValueError(f"payment provider {name!r} has no secret")
        self.name = name
        self.merchant_code = merchant_code
        self.secret = secret
        self.gateway_url = gateway_url
        self.options = options

    # --- Signing -----------------------------------------------------------------

    @property
    def hash_field(self) -> str:
        return f"{self.prefix}SecureHash"

    def _p(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def canonical(self, params: dict[str, str]) -> str:
        """Sorted by name, both sides URL-encoded (spaces as '+'), joined with '&'.

        Only the protocol's own parameters are signed; the hash fields never are."""
        items = sorted(
            (k, str(v))
            for k, v in params.items()
            if k.startswith(self.prefix)
            and k not in (self.hash_field, self._p("SecureHashType"))
            and str(v) != ""
        )
        return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in items)

    def sign(self, params: dict[str, str]) -> str:
        digest = getattr(hashlib, self.algorithm)
        return hmac.new(
            self.secret.encode(), self.canonical(params).encode("utf-8"), digest
        ).hexdigest()

    def signed(self, params: dict[str, str]) -> dict[str, str]:
        out = {k: str(v) for k, v in params.items()}
        out[self.hash_field] = self.sign(out)
        return out

    def verify(self, params: dict[str, str]) -> bool:
        given = str(params.get(self.hash_field) or "")
        if not given:
            return False
        return hmac.compare_digest(given.lower(), self.sign(params))

    # --- Request -----------------------------------------------------------------

    def request_params(self, request: PaymentRequest) -> dict[str, str]:
        created = request.created_at or timezone.now()
        return self.signed(
            {
                self._p("Version"): self.version,
                self._p("Command"): "pay",
                self._p("TmnCode"): self.merchant_code,
                self._p("Amount"): str(int(request.amount * 100)),
                self._p("CurrCode"): "VND",
                self._p("TxnRef"): request.reference,
                self._p("OrderInfo"): request.order_info,
                self._p("OrderType"): "other",
                self._p("Locale"): "vn",
                self._p("ReturnUrl"): request.return_url,
                self._p("IpAddr"): request.client_ip,
                self._p("CreateDate"): format_gateway_time(created),
                self._p("ExpireDate"): format_gateway_time(created + dt.timedelta(minutes=15)),
            }
        )

    def create_payment_url(self, request: PaymentRequest) -> str:
        url = self.gateway_url
        if url.startswith("/"):
            url = request.base_url.rstrip("/") + url if request.base_url else conf.public_url(url)
        return f"{url}?{urlencode(self.request_params(request))}"

    # --- Result ------------------------------------------------------------------

    def parse_callback(self, params: dict[str, str]) -> CallbackResult:
        required = ("TxnRef", "Amount", "ResponseCode", "TransactionNo", "TmnCode")
        missing = [n for n in required if not params.get(self._p(n))]
        if missing:
            raise CallbackRejected(RSP_OTHER, "Thiếu tham số: " + ", ".join(missing))
        if params[self._p("TmnCode")] != self.merchant_code:
            raise CallbackRejected(RSP_OTHER, "Sai mã đơn vị chấp nhận thanh toán.")
        try:
            minor = int(params[self._p("Amount")])
        except ValueError as exc:
            raise CallbackRejected(RSP_BAD_AMOUNT, "Số tiền không hợp lệ.") from exc
        code = params[self._p("ResponseCode")]
        status = params.get(self._p("TransactionStatus"), code)
        return CallbackResult(
            reference=params[self._p("TxnRef")],
            amount=Decimal(minor) / 100,
            success=code == "00" and status == "00",
            transaction_no=params[self._p("TransactionNo")],
            paid_at=parse_gateway_time(params.get(self._p("PayDate"), "")),
            response_code=code,
            raw={k: str(v) for k, v in params.items()},
        )

    def query_status(self, reference: str) -> dict[str, str] | None:
        raise NotImplementedError(
            f"{type(self).__name__} has no status query; configure the gateway's query API."
        )


class VnpayProvider(HmacRedirectGateway):
    """VNPAY 2.1.0 parameter names and HMAC-SHA512, per its public integration guide.

    Not exercised against the real gateway here (no network): configure CLASS, the
    terminal code, the hash secret and the gateway URL, then test in VNPAY's sandbox."""

    prefix = "vnp_"
    algorithm = "sha512"
    version = "2.1.0"


def get_provider(name: str | None = None) -> HmacRedirectGateway:
    name = name or conf.get("PAYMENT_PROVIDER")
    providers = conf.get("PAYMENT_PROVIDERS")
    if name not in providers:
        raise LookupError(f"unknown payment provider {name!r}")
    cfg = dict(providers[name])
    cls = conf.load_class(cfg.pop("CLASS"))
    return cls(
        name=name,
        merchant_code=cfg.pop("MERCHANT_CODE"),
        secret=cfg.pop("SECRET"),
        gateway_url=cfg.pop("GATEWAY_URL"),
        **{k.lower(): v for k, v in cfg.items()},
    )
