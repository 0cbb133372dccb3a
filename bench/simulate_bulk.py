"""Dossiers per second: `cchc simulate` through the services vs the bulk path.

Builds the demo reference data (official units, organisations, procedure catalog) once
in a throw-away SQLite database, copies it for each path, runs

    cchc simulate --dossiers N --seed S --year Y            (services path)
    cchc simulate --dossiers M --seed S --year Y --bulk     (bulk path)

and prints both rates and their ratio, then checks the chain and projections
(`audit_verify(projections=True)`) on the bulk database unless --no-verify.

    .venv/bin/python bench/simulate_bulk.py                       # 300 vs 20,000
    .venv/bin/python bench/simulate_bulk.py --services 2000 --bulk 50000
    .venv/bin/python bench/simulate_bulk.py --services 0 --bulk 1000000 --no-verify

The services path runs ~2–5 dossiers/s (each act is a full service call: permission
checks, locks, projection update, chain head), so keep its N small.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CCHC = str(ROOT / ".venv" / "bin" / "cchc")


def run(db: Path, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    out = subprocess.run(
        [CCHC, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if out.returncode:
        sys.exit(f"cchc {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def simulate(db: Path, n: int, seed: int, year: int, bulk: bool) -> tuple[int, float, float]:
    args = ["simulate", "--dossiers", str(n), "--seed", str(seed), "--year", str(year)]
    started = time.perf_counter()
    out = run(db, *args, *(["--bulk"] if bulk else []))
    wall = time.perf_counter() - started
    made = int(re.search(r"Đã mô phỏng (\d+) hồ sơ", out).group(1))
    seconds = float(re.search(r"trong ([\d.]+) giây", out).group(1))
    return made, seconds, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=300, help="dossiers, services path")
    parser.add_argument("--bulk", type=int, default=20000, help="dossiers, bulk path")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--no-verify", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    opts = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="cchc-bench-sim-"))
    base = tmp / "base.sqlite3"
    t = time.perf_counter()
    run(base, "migrate", "-v0")
    run(base, "demo")
    print(f"reference data (migrate + demo): {time.perf_counter() - t:.1f} s")

    rates = {}
    for path, n in (("services", opts.services), ("bulk", opts.bulk)):
        if n <= 0:
            continue
        db = tmp / f"{path}.sqlite3"
        shutil.copy(base, db)
        made, seconds, wall = simulate(db, n, opts.seed, opts.year, bulk=path == "bulk")
        rates[path] = made / seconds
        print(
            f"{path:<9} {made:>9,} dossiers in {seconds:8.1f} s "
            f"({wall:.1f} s with start-up): {rates[path]:8.1f} dossiers/s"
        )
    if len(rates) == 2:
        print(f"ratio     bulk / services = {rates['bulk'] / rates['services']:.0f}x")
    if "bulk" in rates and not opts.no_verify:
        t = time.perf_counter()
        out = run(
            tmp / "bulk.sqlite3",
            "shell",
            "-c",
            "from cchc.dossiers.audit import audit_verify; r = audit_verify(projections=True); "
            "print('verify', r.ok, r.events, r.dossiers)",
        )
        print(
            f"audit verify --projections: {out.strip().splitlines()[-1]} "
            f"({time.perf_counter() - t:.1f} s)"
        )
    if opts.keep:
        print(f"databases kept in {tmp}")
    else:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
