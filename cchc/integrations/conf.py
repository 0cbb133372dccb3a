"""Settings of the integrations app, with local defaults.

Everything is read from one dict, `settings.CCHC_INTEGRATIONS`; keys missing there fall
back to `DEFAULTS`, so a development checkout works with no configuration (sandbox
payments, local SMS/Zalo outboxes, Django's e-mail backend). A real gateway is a class
path plus its keys in that dict; see docs/decisions/0006-payments-and-notifications.md.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULTS: dict[str, Any] = {
    # Absolute base of links sent to applicants (SMS, e-mail, Zalo) and of the return URL
    # given to a payment gateway when no request is at hand.
    "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
    # The public status page of the portal; "{code}" is the dossier code.
    "LOOKUP_PATH": "/dvc/tra-cuu/?ma={code}",
    "PAYMENT_PROVIDER": "sandbox",
    "PAYMENT_PROVIDERS": {
        "sandbox": {
            "CLASS": "cchc.integrations.payments.sandbox.SandboxProvider",
            "MERCHANT_CODE": "CCHCSBX1",
            # Shared by the sandbox "gateway" pages and our verifier; never a real key.
            "SECRET": "sandbox-only-secret-not-for-production",
            "GATEWAY_URL": "/integrations/sandbox-pay/",
            # How the sandbox delivers its server-to-server callback: "http" (a real
            # POST to the IPN URL, as a gateway does), "inprocess" (through Django's
            # handler, no socket) or "off" (only the return redirect and status query).
            "CALLBACK_TRANSPORT": "http",
        },
    },
    # Series (ký hiệu) of the electronic fee receipts issued for online payments.
    "RECEIPT_SERIES": "BLDT",
    "NOTIFICATIONS_ENABLED": True,
    "NOTIFICATION_CHANNELS": {
        "email": {"CLASS": "cchc.integrations.notifications.channels.EmailChannel"},
        "sms": {
            "CLASS": "cchc.integrations.notifications.channels.LocalSmsChannel",
            "OPTIONS": {"outbox_file": "", "fail": False, "ascii_only": True},
        },
        "zalo": {
            "CLASS": "cchc.integrations.notifications.channels.LocalZaloChannel",
            "OPTIONS": {"outbox_file": "", "fail": False},
        },
    },
    # Retries: delay = BASE * 2 ** (attempt - 1), capped; after MAX_ATTEMPTS the message
    # stays "failed" until an officer retries it.
    "RETRY_BASE_SECONDS": 60,
    "RETRY_MAX_SECONDS": 6 * 3600,
    "MAX_ATTEMPTS": 6,
}


def get(key: str) -> Any:
    configured = getattr(settings, "CCHC_INTEGRATIONS", {}) or {}
    if key in configured:
        return configured[key]
    return copy.deepcopy(DEFAULTS[key])


def public_url(path: str) -> str:
    return str(get("PUBLIC_BASE_URL")).rstrip("/") + "/" + path.lstrip("/")


def lookup_url(code: str) -> str:
    return public_url(str(get("LOOKUP_PATH")).format(code=code))


def load_class(path: str) -> Any:
    return import_string(path)
