"""The 766 index of a unit subtree: from rollups vs scoring the dossiers.

Builds a database with the demo reference data and N simulated dossiers (bulk path),
rebuilds the index rollups (`cchc stats rebuild`, checked with `cchc stats check`),
then for the province, a commune and a one-stop, over a month, a quarter and the year,
times the index read from rollups (`index_from_rollups`, one aggregate query) and the
same index scored from the dossiers (`index_for_database`: read every dossier's facts,
score in Python), checks they are equal, and prints both times and their ratio.

    .venv/bin/python bench/index_rollups.py                     # SQLite, 20,000 dossiers
    .venv/bin/python bench/index_rollups.py --dossiers 200000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench_idx \\
        .venv/bin/python bench/index_rollups.py --dossiers 1000000   # PostgreSQL (dropped!)

With DATABASE_URL set, that database is flushed and refilled: use a throw-away one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CCHC = str(ROOT / ".venv" / "bin" / "cchc")

MEASURE = r"""
import time, statistics
from cchc.indices.periods import parse_period
from cchc.indices.rollups import index_from_rollups
from cchc.indices.selectors import index_for_database
from cchc.units.models import Unit
from cchc.dossiers.models import Dossier

def best(fn, n=5):
    times = []
    for _ in range(n):
        t = time.perf_counter(); value = fn(); times.append(time.perf_counter() - t)
    return min(times), value

busiest = (Dossier.objects.values("receiving_unit").order_by().annotate(
    n=__import__("django.db.models", fromlist=["Count"]).Count("id")).order_by("-n").first())
one_stop = Unit.objects.get(pk=busiest["receiving_unit"])
commune = one_stop.parent
province = Unit.objects.filter(path__in=["/" + one_stop.path.strip("/").split("/")[0] + "/"]).first()
print(f"{'unit':<28} {'period':<8} {'dossiers':>9} {'rollups ms':>11} {'dossiers ms':>12} {'ratio':>7}")
for unit in (province, commune, one_stop):
    for text in ("YEAR-06", "YEAR-Q2", "YEAR"):
        period = parse_period(text)
        t_roll, a = best(lambda: index_from_rollups(period=period, unit=unit))
        t_raw, b = best(lambda: index_for_database(period=period, unit=unit), n=2)
        assert a.as_json() == b.as_json(), (unit, text)
        print(f"{unit.code[:28]:<28} {text:<8} {b.dossiers:>9,} {t_roll*1000:>11.1f} "
              f"{t_raw*1000:>12.1f} {t_raw / t_roll:>6.0f}x")
"""


def run(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [CCHC, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if out.returncode:
        sys.exit(f"cchc {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2026)
    opts = parser.parse_args()

    env = dict(os.environ)
    tmp = None
    if not env.get("DATABASE_URL"):
        tmp = Path(tempfile.mkdtemp(prefix="cchc-bench-idx-"))
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        run(env, "flush", "--noinput")
    t = time.perf_counter()
    run(env, "migrate", "-v0")
    run(env, "demo")
    print(f"reference data (migrate + demo): {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    run(
        env,
        "simulate",
        "--dossiers",
        str(opts.dossiers),
        "--seed",
        str(opts.seed),
        "--year",
        str(opts.year),
        "--bulk",
    )
    print(f"simulated {opts.dossiers:,} dossiers (bulk): {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    print(run(env, "stats", "rebuild").strip(), f"({time.perf_counter() - t:.1f} s)")
    print(run(env, "stats", "check").strip())
    print(run(env, "shell", "-c", MEASURE.replace("YEAR", str(opts.year))))
    if tmp is not None:
        print(f"database kept in {tmp}")


if __name__ == "__main__":
    main()
