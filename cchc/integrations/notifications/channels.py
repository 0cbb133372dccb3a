"""Delivery channels. Each sends one text to one recipient or raises `ChannelError`.

E-mail goes through Django's e-mail backend (SMTP in production is configuration).
SMS and Zalo are interfaces: the local implementations append to an outbox file (and
keep what they sent in memory, like Django's locmem mail outbox) and can be told to
fail, so retries can be tested; a real SMS brandname gateway or the Zalo Official
Account API is a class path plus keys in `CCHC_INTEGRATIONS["NOTIFICATION_CHANNELS"]`.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from cchc.core.text import strip_diacritics
from cchc.integrations import conf


class ChannelError(Exception):
    """Delivery failed; the outbox retries later."""


@dataclass(frozen=True)
class SentMessage:
    channel: str
    recipient: str
    subject: str
    body: str
    message_id: str


class Channel:
    name: ClassVar[str] = ""

    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, *, recipient: str, subject: str, body: str) -> str:
        """Deliver; return the provider's message id. Raise ChannelError on failure."""
        raise NotImplementedError

    def prepare_body(self, body: str) -> str:
        return body


class EmailChannel(Channel):
    name = "email"

    def send(self, *, recipient: str, subject: str, body: str) -> str:
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=self.options.get("from_email") or settings.DEFAULT_FROM_EMAIL,
            to=[recipient],
        )
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # SMTP errors, refused recipients, timeouts
            raise ChannelError(f"{type(exc).__name__}: {exc}") from exc
        return message.extra_headers.get("Message-ID", "")


def ascii_fold(text: str) -> str:
    """Vietnamese without diacritics ("tiếng Việt không dấu"): SMS brandname messages are
    sent unaccented so one segment holds 160 characters, not 70."""
    return strip_diacritics(text).encode("ascii", "ignore").decode()


class SmsChannel(Channel):
    """Interface for SMS gateways (brandname): a phone number in national form."""

    name = "sms"

    def prepare_body(self, body: str) -> str:
        return ascii_fold(body) if self.options.get("ascii_only", True) else body


class ZaloChannel(Channel):
    """Interface for the Zalo Official Account API: the recipient is the user's id
    for this OA (the applicant follows the OA and gives the id when opting in)."""

    name = "zalo"


class _LocalOutbox:
    """Shared behaviour of the local channels: append a JSON line, remember, or fail."""

    sent: ClassVar[list[SentMessage]]
    _lock = threading.Lock()

    def _deliver(self, channel: Channel, *, recipient: str, subject: str, body: str) -> str:
        if channel.options.get("fail"):
            raise ChannelError(str(channel.options.get("fail_message") or "Cổng gửi tin lỗi."))
        message_id = f"local-{channel.name}-{secrets.token_hex(6)}"
        record = SentMessage(channel.name, recipient, subject, body, message_id)
        path = channel.options.get("outbox_file")
        with self._lock:
            type(self).sent.append(record)
            if path:
                line = {**record.__dict__, "at": timezone.now().isoformat()}
                with Path(path).open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        return message_id


class LocalSmsChannel(_LocalOutbox, SmsChannel):
    sent: ClassVar[list[SentMessage]] = []

    def send(self, *, recipient: str, subject: str, body: str) -> str:
        return self._deliver(self, recipient=recipient, subject=subject, body=body)


class LocalZaloChannel(_LocalOutbox, ZaloChannel):
    sent: ClassVar[list[SentMessage]] = []

    def send(self, *, recipient: str, subject: str, body: str) -> str:
        return self._deliver(self, recipient=recipient, subject=subject, body=body)


class ZaloOAChannel(ZaloChannel):
    """Zalo Official Account Open API (v3.0): POST JSON {"recipient": {"user_id"},
    "message": {"text"}} with the OA's `access_token` header; the answer's `error` is 0 on
    success. OPTIONS: `access_token` (required), `endpoint` (default: the consultation
    message endpoint, which Zalo accepts within its interaction window; an OA with
    transaction-message rights configures that endpoint instead), `timeout`.

    Obtaining and refreshing the OA access token is operations' job (Zalo's OAuth flow).
    """

    DEFAULT_ENDPOINT = "https://openapi.zalo.me/v3.0/oa/message/cs"

    def send(self, *, recipient: str, subject: str, body: str) -> str:
        import urllib.error
        import urllib.request

        token = self.options.get("access_token")
        if not token:
            raise ChannelError("Zalo OA access_token is not configured.")
        payload = json.dumps(
            {"recipient": {"user_id": recipient}, "message": {"text": body}}, ensure_ascii=False
        ).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - endpoint from deployment settings (operator-controlled)
            self.options.get("endpoint") or self.DEFAULT_ENDPOINT,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", "access_token": token},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.options.get("timeout", 10)) as resp:  # noqa: S310 - endpoint from deployment settings (operator-controlled)
                answer = json.loads(resp.read().decode("utf-8") or "{}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise ChannelError(f"Zalo OA: {exc}") from exc
        if answer.get("error") not in (0, "0"):
            raise ChannelError(f"Zalo OA error {answer.get('error')}: {answer.get('message')}")
        return str((answer.get("data") or {}).get("message_id", ""))


def get_channel(kind: str) -> Channel:
    cfg = conf.get("NOTIFICATION_CHANNELS")[kind]
    cls = conf.load_class(cfg["CLASS"])
    return cls(**(cfg.get("OPTIONS") or {}))
