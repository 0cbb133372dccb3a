"""HTTP load on loopback: gunicorn (sync workers) + PostgreSQL, driven by locust.

Scenarios (users in bench/locust_cchc.py): counter intake (API), public lookup (portal
form), step actions (API), dashboard reads (session). Prints requests/s and p50/p95/p99
per request kind and the ratio to the bare-stack anchors of the same machine kind
(`http-anchors.md`: minimal Django + gunicorn sync x4 + PostgreSQL 15, locust and wrk).

Prepare once (a throw-away database with the demo province and a year of activity):

    createdb -h 127.0.0.1 -U postgres cchc_ops_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_ops_bench
    .venv/bin/cchc migrate && .venv/bin/cchc createcachetable && .venv/bin/cchc demo

Run (from the repository root):

    DATABASE_URL=... .venv/bin/python bench/locust_run.py [--seconds 60] [--users 25]
        [--workers 4] [--scenarios intake,lookup,steps,dashboard] [--out FILE.json]

The run adds a small test world (units, a four-step procedure, three staff with API
tokens) to that database, so intake and step actions follow a known process.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.locust_settings")
if TYPE_CHECKING:
    from cchc.ops.gunicorn import GunicornServer

BENCH_PASSWORD = "do-tai-locust-2026"  # a throw-away account in the bench database only
USERS = {
    "intake": "IntakeUser",
    "lookup": "LookupUser",
    "steps": "StepUser",
    "dashboard": "DashboardUser",
}
# http-anchors.md, gunicorn sync x4, 50 connections: (locust run1, run2), (wrk run1, run2).
ANCHORS = {
    "GET /lookup": ((1147, 1186), (1607, 1645)),
    "POST /append": ((588, 597), (689, 689)),
    "GET /plain": ((2281, 2297), (5784, 5827)),
}
SCENARIO_ANCHOR = {
    "intake": "POST /append",
    "steps": "POST /append",
    "lookup": "GET /lookup",
    "dashboard": "GET /lookup",
}


def _mean(pair: tuple[int, int]) -> float:
    return sum(pair) / len(pair)


def prepare(workdir: Path) -> dict:
    """The test world, API tokens and a few dossiers to look up; returns the fixture."""
    import django

    django.setup()
    from cchc.api import services as api_services
    from cchc.dossiers.tests import factories

    # Unit codes must not collide with an earlier run's world in the same database.
    factories._seq = itertools.count(int(time.time()) % 10**7 * 10)
    world = factories.make_world()
    tokens = {
        role: api_services.api_token_create(
            actor=None, user=getattr(world, role), name=f"bench-{role}"
        )[1]
        for role in ("officer", "specialist", "leader")
    }
    lookup = []
    for _ in range(40):
        d = factories.receive(world)
        lookup.append((d.code, d.issued_lookup_secret))
    requirements = [r.pk for r in world.requirements() if r.is_required]
    from cchc.accounts.models import Role, RoleAssignment, User
    from cchc.dossiers.models import Dossier
    from cchc.units.models import Unit

    # A province chairman for the dashboard: the whole demo province in scope.
    busiest = Dossier.objects.exclude(receiving_unit=world.one_stop).order_by("-pk").first()
    root_pk = int((busiest or Dossier.objects.first()).receiving_unit.path.strip("/").split("/")[0])
    chairman, _ = User.objects.get_or_create(
        username="bench.chutich", defaults={"full_name": "Chủ tịch (đo tải)"}
    )
    chairman.set_password(BENCH_PASSWORD)
    chairman.save()
    RoleAssignment.objects.get_or_create(
        user=chairman, role=Role.CHAIRMAN, unit=Unit.objects.get(pk=root_pk), include_subtree=True
    )

    return {
        "tokens": tokens,
        "world": {
            "department": world.department.code,
            "specialist": world.specialist.username,
            "leader": world.leader.username,
        },
        "intake": {
            "procedure_code": world.procedure.code,
            "receiving_unit": world.one_stop.code,
            "applicant": {
                "name": "Nguyễn Thị Tải",
                "personal_id": factories.PERSONAL_ID,
                "phone": "0912345678",
            },
            "components": [{"requirement_id": pk} for pk in requirements],
        },
        "lookup": lookup,
        "steps": [],
        "dashboard": {"username": chairman.username, "password": BENCH_PASSWORD},
        "dossiers_in_database": Dossier.objects.count(),
    }


def gunicorn(workers: int, log: Path):
    from cchc.ops.gunicorn import GunicornServer

    return GunicornServer(
        log=log,
        workers=workers,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        # Generous: on a loaded 2-core machine a worker's first request (lazy imports)
        # takes seconds, and the default 30 s kills workers under load.
        timeout=120,
        stop_seconds=60,
    )


def warm_up(server, paths: list[str]) -> None:
    """Load the application in every worker (not measured): concurrent GETs."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def get(path: str) -> None:
        try:
            with urllib.request.urlopen(server.base + path, timeout=120) as r:
                r.read()
        except OSError:
            pass

    with ThreadPoolExecutor(server.workers * 2) as pool:
        list(pool.map(get, paths * server.workers * 3))


def percentile(histogram: dict[str, int], q: float) -> float:
    """Locust's response_times histogram: rounded ms -> count."""
    items = sorted((float(k), v) for k, v in histogram.items())
    total = sum(v for _, v in items)
    if not total:
        return float("nan")
    threshold = q * total
    seen = 0
    for ms, count in items:
        seen += count
        if seen >= threshold:
            return ms
    return items[-1][0]


def run_locust(
    scenario: str, server: GunicornServer, fixture: Path, created: Path, args
) -> list[dict]:
    env = {**os.environ, "BENCH_FIXTURE": str(fixture), "BENCH_CREATED": str(created)}
    cmd = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(ROOT / "bench" / "locust_cchc.py"),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(args.users),
        "-t",
        f"{args.seconds}s",
        "-H",
        server.base,
        "--json",
        "--only-summary",
        "--loglevel",
        "ERROR",
        USERS[scenario],
    ]
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    start = result.stdout.find("[")
    if start < 0:
        raise SystemExit(f"locust gave no JSON:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    stats = json.loads(result.stdout[start:])
    rows = []
    if len(stats) > 1:
        merged: dict[str, int] = {}
        for s in stats:
            for k, v in s["response_times"].items():
                merged[k] = merged.get(k, 0) + v
        stats = [
            *stats,
            {
                "name": "Aggregated",
                "num_requests": sum(s["num_requests"] for s in stats),
                "num_failures": sum(s["num_failures"] for s in stats),
                "start_time": min(s["start_time"] for s in stats),
                "last_request_timestamp": max(s["last_request_timestamp"] for s in stats),
                "response_times": merged,
            },
        ]
    for s in stats:
        elapsed = max(1e-9, s["last_request_timestamp"] - s["start_time"])
        rows.append(
            {
                "scenario": scenario,
                "request": s["name"],
                "requests": s["num_requests"],
                "failures": s["num_failures"],
                "rps": s["num_requests"] / elapsed,
                "p50": percentile(s["response_times"], 0.50),
                "p95": percentile(s["response_times"], 0.95),
                "p99": percentile(s["response_times"], 0.99),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--scenarios", default="intake,lookup,steps,dashboard")
    parser.add_argument("--out", default="", help="also write the rows as JSON here")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database prepared with `cchc demo`.")

    work = Path(tempfile.mkdtemp(prefix="cchc-locust-"))
    fixture_data = prepare(work)
    created = work / "created.tsv"
    created.touch()
    fixture = work / "fixture.json"
    fixture.write_text(json.dumps(fixture_data, ensure_ascii=False))
    print(
        f"# {fixture_data['dossiers_in_database']} dossiers in the database; "
        f"gunicorn sync x{args.workers}; {args.users} locust users, {args.seconds} s per "
        f"scenario; load average before: {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    rows: list[dict] = []
    with gunicorn(args.workers, work / "gunicorn.log") as server:
        warm_up(server, ["/healthz", "/accounts/login/", "/dvc/tra-cuu/", "/api/procedures"])
        for scenario in args.scenarios.split(","):
            if scenario in ("lookup", "steps"):
                made = [
                    line.split("\t")
                    for line in created.read_text().splitlines()
                    if line.count("\t") == 1
                ]
                if scenario == "lookup" and made:
                    fixture_data["lookup"] = made[:2000]
                if scenario == "steps":
                    fixture_data["steps"] = [code for code, _ in made] or [
                        code for code, _ in fixture_data["lookup"]
                    ]
                fixture.write_text(json.dumps(fixture_data, ensure_ascii=False))
            load = os.getloadavg()[0]
            scenario_rows = run_locust(scenario, server, fixture, created, args)
            for r in scenario_rows:
                r["load_before"] = load
            rows += scenario_rows
            for r in scenario_rows:  # as soon as measured, in case a later scenario fails
                print(
                    f"# {scenario}: {r['request']}: {r['rps']:.1f} req/s, p50/p95/p99 "
                    f"{r['p50']:.0f}/{r['p95']:.0f}/{r['p99']:.0f} ms, "
                    f"{r['failures']}/{r['requests']} failed",
                    flush=True,
                )
            if args.out:
                Path(args.out).write_text(json.dumps(rows, indent=2))
            time.sleep(3)

    print()
    print(
        "| scenario | request | req/s | p50 ms | p95 ms | p99 ms | failures | anchor "
        "| anchor req/s locust / wrk | ratio to locust / wrk |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---|---:|---:|")
    for r in rows:
        anchor = SCENARIO_ANCHOR[r["scenario"]]
        loc, wrk = (_mean(p) for p in ANCHORS[anchor])
        name = r["request"]
        if name == "Aggregated":
            name = "**all requests**"
        print(
            f"| {r['scenario']} | {name} | {r['rps']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} "
            f"| {r['p99']:.0f} | {r['failures']}/{r['requests']} | {anchor} "
            f"| {loc:.0f} / {wrk:.0f} | {r['rps'] / loc:.2f} / {r['rps'] / wrk:.2f} |"
        )
    print(f"\n# load average after: {os.getloadavg()[0]:.1f}; work files in {work}")
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
