"""Service time of the requests that `bench/locust_run.py` loads, one at a time, in-process.

On a shared 2-core machine the load test's throughput mostly measures the other tenants.
The CPU time one request costs (time.process_time of this process, which runs the
whole request through Django's handler, and the SQL it sends) does not depend on them,
and it bounds the throughput: 2 cores / CPU per request (PostgreSQL's own share comes on
top). Compare with the bare-stack anchors' unloaded service times (`http-anchors.md`,
wrk -c1: 0.33 ms /plain, 1.2 ms /lookup, 3.0 ms /append, wall time incl. PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_ops_bench \\
        .venv/bin/python bench/locust_service_time.py [--repeat 15]

Uses the fixture of the latest `bench/locust_run.py` run (its test world and tokens) or
prepares a new one.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.locust_settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    pattern = str(Path(tempfile.gettempdir()) / "cchc-locust-*" / "fixture.json")
    runs = sorted(glob.glob(pattern), key=os.path.getmtime)
    if runs:
        fx = json.loads(Path(runs[-1]).read_text())
    else:
        from bench.locust_run import prepare

        fx = prepare(Path(tempfile.mkdtemp()))
    host = {"HTTP_HOST": "127.0.0.1"}

    def bearer(role: str) -> dict[str, str]:
        return {**host, "HTTP_AUTHORIZATION": f"Bearer {fx['tokens'][role]}"}

    client = Client(**host)
    staff = Client(**host)
    staff.post(
        "/accounts/login/",
        {"username": fx["dashboard"]["username"], "password": fx["dashboard"]["password"]},
    )
    code, secret = fx["lookup"][0]
    created: list[str] = []

    def intake() -> None:
        r = client.post(
            "/api/dossiers", json.dumps(fx["intake"]), "application/json", **bearer("officer")
        )
        assert r.status_code == 201, r.content[:300]
        created.append(r.json()["code"])

    def step() -> None:
        c = created.pop() if created else code
        r = client.get(f"/api/dossiers/{c}", **bearer("officer"))
        v = r.json()["version"]
        w = fx["world"]
        role, name, body = {
            1: ("officer", "handover", {"to_unit": w["department"]}),
            2: ("leader", "assign", {"to_user": w["specialist"]}),
        }.get(v, ("officer", "note", {"text": "ghi chú"}))
        r = client.post(
            f"/api/dossiers/{c}/{name}",
            json.dumps({"expected_version": v, **body}),
            "application/json",
            **bearer(role),
        )
        assert r.status_code == 200, r.content[:300]

    kinds = {
        "GET /healthz": lambda: client.get("/healthz"),
        "POST /api/dossiers (intake)": intake,
        "POST /dvc/tra-cuu/ (lookup)": lambda: client.post(
            "/dvc/tra-cuu/", {"ma": code, "s": secret}
        ),
        "GET /api/dossiers/[code] + POST action (step)": step,
        "GET /indices/ (dashboard, province)": lambda: staff.get("/indices/"),
        "GET /dossiers/ (queue)": lambda: staff.get("/dossiers/"),
        "POST /accounts/login/": lambda: Client(**host).post(
            "/accounts/login/",
            {"username": fx["dashboard"]["username"], "password": fx["dashboard"]["password"]},
        ),
    }
    print(f"# load average: {os.getloadavg()[0]:.1f}; {args.repeat} runs each after 2 warm-ups")
    print(
        "| request | CPU ms (median) | wall ms (median) | SQL queries | ceiling req/s on 2 cores |"
    )
    print("|---|---:|---:|---:|---:|")
    for name, fn in kinds.items():
        for _ in range(2):
            fn()
        cpu, wall, queries = [], [], 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as q:
                c0, w0 = time.process_time(), time.perf_counter()
                fn()
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - w0) * 1000)
            queries = len(q.captured_queries)
        c = statistics.median(cpu)
        print(
            f"| {name} | {c:.1f} | {statistics.median(wall):.1f} | {queries} "
            f"| {2000 / c if c else float('inf'):.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
