"""Settings of the integrations app, with local defaults.

Everything is read from one dict, `settings.CCHC_INTEGRATIONS`; keys missing there fall
back to `DEFAULTS`, so a development checkout works with no configuration (sandbox
payments, local SMS/Zalo outboxes, Django's e-mail backend). A real gateway is a class
path plus its keys in that dict; see docs/decisions/0006-payments-and-notifications.md.
"""

from __future__ import annotations

import copy
import datetime as dt
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
    # --- Synchronisation with the national public service portal (cchc.integrations.portal)
    "PORTAL_SYNC_ENABLED": True,
    # "sandbox": our local endpoint, called in-process (no socket); "http": POST to
    # PORTAL_URL with PORTAL_TOKEN (the real exchange API, or our sandbox over HTTP).
    "PORTAL_CLIENT": "sandbox",
    "PORTAL_URL": "",
    "PORTAL_TOKEN": "",
    "PORTAL_TIMEOUT_SECONDS": 10,
    # Mã định danh of the sending system's agency (the exchange's "madonvi"); empty = the
    # receiving unit's own agency code.
    "PORTAL_AGENCY_CODE": "",
    # Backoff: BASE * 2 ** (attempt - 1), capped; after MAX_ATTEMPTS the message is dead
    # (dead-letter screen) until an officer retries it.
    "PORTAL_RETRY_BASE_SECONDS": 30,
    "PORTAL_RETRY_MAX_SECONDS": 3600,
    "PORTAL_MAX_ATTEMPTS": 8,
    # Dossiers written by the bulk simulation (no services, no events hooks): "synced" =
    # one snapshot message each, recorded as already held by the portal (history); "enqueue"
    # = the same snapshot left pending for the worker to deliver; "skip" = nothing (they
    # then count as not synchronised in DOSSIER_SYNC).
    "PORTAL_BULK_HISTORY": "synced",
    # Our local sandbox endpoint (/integrations/portal-sandbox/api/); off in production.
    "PORTAL_SANDBOX_ENABLED": True,
    # The token it accepts (Authorization: Bearer ...).
    "PORTAL_SANDBOX_TOKEN": "sandbox-portal-token-not-for-production",
}


def get(key: str) -> Any:
    configured = getattr(settings, "CCHC_INTEGRATIONS", {}) or {}
    if key in configured:
        return configured[key]
    return copy.deepcopy(DEFAULTS[key])


def retry_delay(attempts: int, *, prefix: str = "") -> dt.timedelta:
    """Exponential backoff after the `attempts`-th failed attempt: base, 2x, 4x... capped
    (`{prefix}RETRY_BASE_SECONDS`, `{prefix}RETRY_MAX_SECONDS`)."""
    base = int(get(f"{prefix}RETRY_BASE_SECONDS"))
    cap = int(get(f"{prefix}RETRY_MAX_SECONDS"))
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def next_attempt_at(attempts: int, now: dt.datetime, *, prefix: str = "") -> dt.datetime | None:
    """When to try again after the `attempts`-th failed attempt, or None once
    `{prefix}MAX_ATTEMPTS` are spent (the message then waits for an officer's retry).

    One rule for the notification outbox (prefix "") and the portal outbox ("PORTAL_")."""
    if attempts >= int(get(f"{prefix}MAX_ATTEMPTS")):
        return None
    return now + retry_delay(attempts, prefix=prefix)


def public_url(path: str) -> str:
    return str(get("PUBLIC_BASE_URL")).rstrip("/") + "/" + path.lstrip("/")


def lookup_url(code: str) -> str:
    return public_url(str(get("LOOKUP_PATH")).format(code=code))


def load_class(path: str) -> Any:
    return import_string(path)
