"""A real gunicorn on loopback, for the fault test and the HTTP load bench.

Sync workers, in their own process group so that one killpg reaches the master and
every worker (`kill` for a crash, `stop` for a clean shutdown). Standard library only:
the bench runs it outside the test environment.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GunicornServer:
    """`config.wsgi` under gunicorn on 127.0.0.1; `env` is the whole environment of the
    server process (database, settings module)."""

    def __init__(
        self,
        *,
        log: Path,
        workers: int,
        env: Mapping[str, str],
        timeout: int = 60,
        port: int | None = None,
        start_seconds: float = 90,
        stop_seconds: float = 20,
    ) -> None:
        self.log = log
        self.workers = workers
        self.env = dict(env)
        self.timeout = timeout
        self.port = port or free_port()
        self.start_seconds = start_seconds
        self.stop_seconds = stop_seconds
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start it and wait until /healthz answers (or fail with the log's tail)."""
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - fixed argument list, our own interpreter
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--worker-class",
                    "sync",
                    "--no-control-socket",
                    "--timeout",
                    str(self.timeout),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.start_seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self._log_tail())
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as r:  # noqa: S310 - loopback http URL built here
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz:\n" + self._log_tail())

    def kill(self) -> None:
        """SIGKILL the master and its workers: no clean shutdown, requests die in flight."""
        assert self.proc is not None  # noqa: S101 - type narrowing for mypy; no check relies on it
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        """SIGTERM (workers finish their request), SIGKILL after `stop_seconds`."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(self.stop_seconds)
        except subprocess.TimeoutExpired:  # workers still busy with queued slow requests
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def __enter__(self) -> GunicornServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]
