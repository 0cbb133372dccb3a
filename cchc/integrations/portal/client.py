"""How a message reaches the portal's exchange API: the `PortalClient` interface.

The contract (ours to the portal, and our sandbox's to us):

- `POST <PORTAL_URL>` with a JSON body `{"service": "DongBoHoSoMC" | "CapNhatTienDoHoSoMC",
  "madonvi": ..., "isUpdating": ..., "data": [record]}` (see `dataset`), headers
  `Authorization: Bearer <PORTAL_TOKEN>` and `Idempotency-Key: <MaHoSo>:<event seq>`;
- `200 {"error_code": "0", ...}`: applied (or already applied under that key: a replay
  answers the same, with `"replayed": true`);
- `400/422` or `error_code != "0"`: refused for its content, retrying cannot help
  (`PortalRejected`: the message goes to the dead-letter view at once);
- `401/403`, `408`, `429`, `5xx`, a timeout or a refused connection: try again later
  (`PortalUnavailable`).

`HttpPortalClient` speaks it over HTTP (urllib, as the payment sandbox's callbacks do);
`SandboxPortalClient` hands the same body to our local endpoint's code in-process (tests,
development). Both share `interpret`, so they fail the same way.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any, Protocol

from cchc.integrations import conf


class PortalError(Exception):
    """A delivery that did not succeed."""


class PortalUnavailable(PortalError):
    """Temporary: try again later (5xx, timeout, no connection, throttled, bad token)."""


class PortalRejected(PortalError):
    """Permanent: the portal refused the content; retrying the same body cannot help."""


class PortalClient(Protocol):
    def send(self, *, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """Deliver one request body; return the portal's answer or raise PortalError."""
        ...


RETRYABLE_STATUSES = frozenset({401, 403, 408, 425, 429})


def interpret(status: int, text: str) -> dict[str, Any]:
    """The portal's HTTP answer -> its JSON on success, else the right PortalError."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        data = {"raw": text[:500]}
    if not isinstance(data, dict):
        data = {"raw": str(data)[:500]}
    if status >= 500 or status in RETRYABLE_STATUSES:
        raise PortalUnavailable(f"HTTP {status}: {_message(data)}")
    if status >= 400:
        raise PortalRejected(f"HTTP {status}: {_message(data)}")
    code = str(data.get("error_code", "")).strip()
    if code.lstrip("0") != "":  # "0" and "00" both mean success on the portal
        raise PortalRejected(f"error_code {code}: {_message(data)}")
    return data


def _message(data: dict[str, Any]) -> str:
    return str(data.get("message") or data.get("error_message") or data.get("raw") or "")[:500]


class HttpPortalClient:
    def __init__(self, url: str, token: str, timeout: float = 10) -> None:
        self.url = url
        self.token = token
        self.timeout = timeout

    def send(self, *, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        if not self.url:  # a configuration gap: recorded on the message, retried later
            raise PortalUnavailable("Chưa cấu hình địa chỉ API của Cổng DVCQG (PORTAL_URL).")
        request = urllib.request.Request(  # noqa: S310 - endpoint from deployment settings (operator-controlled)
            self.url,
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:  # noqa: S310 - endpoint from deployment settings (operator-controlled)
                return interpret(resp.status, resp.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as exc:
            return interpret(exc.code, exc.read().decode("utf-8", "replace"))
        except TimeoutError as exc:
            raise PortalUnavailable(f"Hết thời gian chờ ({self.timeout} giây).") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise PortalUnavailable(f"Hết thời gian chờ ({self.timeout} giây).") from exc
            raise PortalUnavailable(f"Không kết nối được: {exc.reason}") from exc
        except (ConnectionError, OSError) as exc:
            raise PortalUnavailable(f"Không kết nối được: {exc}") from exc


class SandboxPortalClient:
    """Our local endpoint's code, called in-process (no socket), same answers."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token if token is not None else str(conf.get("PORTAL_SANDBOX_TOKEN"))

    def send(self, *, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        from cchc.integrations.portal.sandbox import SandboxTimeout, sandbox_handle

        if not conf.get("PORTAL_SANDBOX_ENABLED"):
            # Never count a delivery to the sandbox as synchronised where it is switched off.
            raise PortalUnavailable("Hộp cát Cổng DVCQG đã tắt; cấu hình PORTAL_CLIENT = http.")
        try:
            status, data = sandbox_handle(body=body, token=self.token, key=idempotency_key)
        except SandboxTimeout as exc:
            raise PortalUnavailable("Hết thời gian chờ (hộp cát mô phỏng).") from exc
        return interpret(status, json.dumps(data, ensure_ascii=False))


def get_client() -> PortalClient:
    kind = str(conf.get("PORTAL_CLIENT"))
    if kind == "http":
        return HttpPortalClient(
            url=str(conf.get("PORTAL_URL")),
            token=str(conf.get("PORTAL_TOKEN")),
            timeout=float(conf.get("PORTAL_TIMEOUT_SECONDS")),
        )
    if kind == "sandbox":
        return SandboxPortalClient()
    return conf.load_class(kind)()
