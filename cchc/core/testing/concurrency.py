"""Real concurrency in tests: threads, each with its own database connection.

Only meaningful on a server database (PostgreSQL); on SQLite the test database cannot be
shared across threads, so such tests carry `requires_server_database`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

requires_server_database = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads need a shared server database (run with DATABASE_URL=postgres://...)",
)


def run_threads(n: int, target: Callable[[int], Any]) -> list[Any]:
    """Start `n` threads at the same instant (a barrier); return each result or exception."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results
