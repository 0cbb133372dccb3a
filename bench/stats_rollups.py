"""The 766 index at province scale: period rollups vs a raw aggregate (PostgreSQL).

Makes a throw-away PostgreSQL database (default `cchc_bench`, created if missing,
migrated), a province tree (a province, its public-service centre, C communes with a
one-stop each, P procedures), and N dossiers' index-relevant rows (the columns of the
interchange file) generated in SQL straight into a table `bench_dossier`: one year,
skewed towards busy units and procedures, ~10 % late, some waiting for a supplement.
Then builds, in SQL, the period cells of `cchc.indices.stats_rollups` (and the day rows
of `cchc.indices.rollups`), checks the numbers against `formulas.score` in Python on a
commune's rows, and times, best of 3, for the province subtree and the busiest commune
over a month, a quarter and the year:

- `index_from_period_rollups` (decision 0007: one aggregate over the period cells),
- `rollups.index_from_rollups` (the day-level rows: any date range),
- a raw aggregate over the dossier rows (one SQL query with FILTERed counts, the same
  contract), asserting all three give the same numerators and denominators, and
  printing the times side by side with the ratios raw / rollup.

    .venv/bin/python bench/stats_rollups.py                          # 200,000 dossiers
    .venv/bin/python bench/stats_rollups.py --dossiers 10000000      # the full run
    .venv/bin/python bench/stats_rollups.py --reuse                  # time again only

The raw side reads a narrow table (what the contract needs, ~20 columns), not the real
dossier table with its joins: a lower bound for the raw path.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2026

# One dossier's contribution to the cell judged at T (a timestamp: 23:59:59 of as_of):
# the SQL twin of stats_rollups.contribution (checked against formulas.py below).
ON_TIME = (
    "(d.supplement_requests <= 1 AND (CASE WHEN d.finished_at <= {T} THEN d.finished_at"
    " WHEN d.waiting_since <= {T} THEN d.waiting_since ELSE {T} END) <= d.due_at)"
)
WITH_RESULT = "(d.finished_at <= {T} AND d.status IN ('done', 'returned'))"
COUNTS = {
    "received": "TRUE",
    "on_time": ON_TIME,
    "online_eligible": "d.online_eligible",
    "online": "(d.online_eligible AND d.channel = 'online')",
    "with_result": WITH_RESULT,
    "paper": f"({WITH_RESULT} AND d.result_paper)",
    "paper_electronic": f"({WITH_RESULT} AND d.result_paper AND d.result_electronic)",
    "digitized_electronic": f"({WITH_RESULT} AND d.components_digitized AND d.result_electronic)",
    "reused": "d.reused_data",
    "fee_required": "d.fee_required",
    "paid_online": "(d.fee_required AND d.paid_online)",
    "satisfied": (f"({ON_TIME} AND d.rating IS DISTINCT FROM 'dissatisfied' AND NOT d.complaint)"),
}

CREATE = """
DROP TABLE IF EXISTS bench_dossier;
CREATE UNLOGGED TABLE bench_dossier (
    id bigint PRIMARY KEY,
    code text NOT NULL,
    unit_id bigint NOT NULL,
    procedure_code text NOT NULL,
    channel text NOT NULL,
    received_at timestamp NOT NULL,
    due_at timestamp NOT NULL,
    finished_at timestamp,
    status text NOT NULL,
    supplement_requests int NOT NULL,
    waiting_since timestamp,
    online_eligible boolean NOT NULL,
    result_paper boolean NOT NULL,
    result_electronic boolean NOT NULL,
    components_digitized boolean NOT NULL,
    reused_data boolean NOT NULL,
    fee_required boolean NOT NULL,
    paid_online boolean NOT NULL,
    rating text,
    complaint boolean NOT NULL
);
"""

# Random draws per row come from a lateral subquery so each is drawn once.
INSERT = """
INSERT INTO bench_dossier
SELECT i, 'B' || i, units[1 + floor(power(r.u, 1.6) * cardinality(units))::int],
       'P' || lpad((1 + floor(power(r.p, 2.5) * %(procedures)s))::text, 4, '0'),
       CASE WHEN r.c < 0.45 THEN 'online' WHEN r.c < 0.5 THEN 'postal' ELSE 'direct' END,
       r.received, r.received + r.allowed,
       CASE WHEN r.s < 0.83 THEN r.received + r.allowed * (0.15 + r.f * 0.97) END,
       CASE WHEN r.s < 0.75 THEN (CASE WHEN r.f < 0.4 THEN 'done' ELSE 'returned' END)
            WHEN r.s < 0.79 THEN 'refused' WHEN r.s < 0.82 THEN 'withdrawn'
            WHEN r.s < 0.83 THEN 'stopped' WHEN r.s < 0.88 THEN 'supplement'
            ELSE 'processing' END,
       CASE WHEN r.q < 0.85 THEN 0 WHEN r.q < 0.97 THEN 1 ELSE 2 END,
       CASE WHEN r.s >= 0.83 AND r.s < 0.88 THEN r.received + r.allowed * r.f END,
       r.e < 0.7, r.g < 0.8, r.h < 0.55, r.k < 0.6, r.m < 0.3, r.n < 0.35,
       r.n < 0.35 AND r.o < 0.5,
       CASE WHEN r.v < 0.7 THEN NULL WHEN r.v < 0.9 THEN 'satisfied'
            WHEN r.v < 0.97 THEN 'normal' ELSE 'dissatisfied' END,
       r.w < 0.01
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS i,
     (SELECT array_agg(id ORDER BY id) AS units FROM units_unit
      WHERE code LIKE 'BENCH.%%' AND kind = 'one_stop') AS u,
     LATERAL (
        SELECT i AS j, random() AS u, random() AS p, random() AS c, random() AS s,
               random() AS f, random() AS q, random() AS e, random() AS g, random() AS h,
               random() AS k, random() AS m, random() AS n, random() AS o, random() AS v,
               random() AS w,
               date_trunc('second', timestamp '%(year)s-01-01'
                   + floor(random() * 365) * interval '1 day'
                   + (25200 + floor(random() * 36000)) * interval '1 second') AS received,
               (1 + floor(random() * 15)) * interval '1 day'
                   + floor(random() * 28800) * interval '1 second' AS allowed
     ) AS r
"""

# Each row is judged at its month's end, its quarter's end (unless that is the same day)
# and its year's end (unless already produced); cells per procedure and for all ("").
BUILD_PERIOD = """
INSERT INTO indices_periodrollup
    (unit_id, procedure_code, month, as_of, {cols})
SELECT d.unit_id, coalesce(d.procedure_code, ''), d.month, d.as_of, {aggs}
FROM (
    SELECT b.*, date_trunc('month', b.received_at)::date AS month,
           (CASE k.kind
                WHEN 1 THEN date_trunc('month', b.received_at) + interval '1 month - 1 day'
                WHEN 2 THEN date_trunc('quarter', b.received_at) + interval '3 months - 1 day'
                ELSE date_trunc('year', b.received_at) + interval '1 year - 1 day'
            END)::date AS as_of
    FROM bench_dossier b
    CROSS JOIN (VALUES (1), (2), (3)) AS k (kind)
    WHERE k.kind = 1
       OR (k.kind = 2 AND extract(month FROM b.received_at) NOT IN (3, 6, 9, 12))
       OR (k.kind = 3 AND extract(month FROM b.received_at) <= 9)
) AS d
GROUP BY GROUPING SETS ((d.unit_id, d.procedure_code, d.month, d.as_of), (d.unit_id, d.month, d.as_of))
"""

BUILD_DAY = """
INSERT INTO indices_indexrollup
    (unit_id, procedure_code, received_day, end_day, ended_on_time, due_key,
     multi_supplement, with_result, online_eligible, online, result_paper,
     result_electronic, digitized, reused, fee_required, paid_online, unhappy, count)
SELECT unit_id, procedure_code, received_at::date, e::date,
       e IS NOT NULL AND e <= due_at,
       CASE WHEN due_at::time >= time '23:59:59' THEN due_at::date
            ELSE due_at::date - 1 END,
       supplement_requests > 1, status IN ('done', 'returned') AND finished_at IS NOT NULL,
       online_eligible, channel = 'online', result_paper, result_electronic,
       components_digitized, reused_data, fee_required, paid_online,
       coalesce(rating = 'dissatisfied', FALSE) OR complaint, count(*)
FROM (SELECT *, coalesce(finished_at, waiting_since) AS e FROM bench_dossier) AS d
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
"""

RAW = """
SELECT {aggs}
FROM bench_dossier d JOIN units_unit u ON u.id = d.unit_id
WHERE u.path LIKE %s AND d.received_at >= %s AND d.received_at < %s
"""


def _aggs(t: str) -> str:
    return ", ".join(f"count(*) FILTER (WHERE {expr.format(T=t)})" for expr in COUNTS.values())


def _database(name: str) -> str:
    import psycopg

    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def _units(communes: int):
    from cchc.units import services
    from cchc.units.models import Unit, UnitKind

    province = Unit.objects.filter(code="BENCH").first()
    if province is None:
        province = services.unit_create(code="BENCH", name="Tỉnh Thử Tải", kind=UnitKind.PROVINCE)
        centre = services.unit_create(
            code="BENCH.TTPVHCC", name="Trung tâm PVHCC tỉnh", kind=UnitKind.AGENCY, parent=province
        )
        services.unit_create(
            code="BENCH.TTPVHCC.MC",
            name="Bộ phận tiếp nhận tỉnh",
            kind=UnitKind.ONE_STOP,
            parent=centre,
        )
        for n in range(1, communes + 1):
            commune = services.unit_create(
                code=f"BENCH.X{n:03d}",
                name=f"Xã Thử Tải {n}",
                kind=UnitKind.COMMUNE,
                parent=province,
            )
            services.unit_create(
                code=f"BENCH.X{n:03d}.MC",
                name=f"Bộ phận Một cửa xã {n}",
                kind=UnitKind.ONE_STOP,
                parent=commune,
            )
    return province


def _generate(cursor, n: int, procedures: int) -> None:
    cursor.execute(CREATE)
    cursor.execute("SELECT setseed(0.42)")
    chunk = 1_000_000
    for first in range(1, n + 1, chunk):
        last = min(n, first + chunk - 1)
        t = time.perf_counter()
        cursor.execute(
            INSERT, {"first": first, "last": last, "procedures": procedures, "year": YEAR}
        )
        print(f"  rows {first:,}–{last:,}: {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    cursor.execute("CREATE INDEX bench_dossier_received ON bench_dossier (received_at)")
    cursor.execute(
        "CREATE INDEX bench_dossier_unit_received ON bench_dossier (unit_id, received_at)"
    )
    cursor.execute("VACUUM ANALYZE bench_dossier")
    print(f"  indexes + analyze: {time.perf_counter() - t:.1f} s", flush=True)


def _build(cursor) -> tuple[int, int]:
    from cchc.indices.stats_models import COUNT_FIELDS

    cursor.execute("TRUNCATE indices_periodrollup, indices_indexrollup")
    t = time.perf_counter()
    cursor.execute(
        BUILD_PERIOD.format(cols=", ".join(COUNT_FIELDS), aggs=_aggs("(d.as_of + time '23:59:59')"))
    )
    cells = cursor.rowcount
    print(f"  period cells: {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    cursor.execute(BUILD_DAY)
    days = cursor.rowcount
    print(f"  day rows: {time.perf_counter() - t:.1f} s", flush=True)
    cursor.execute("VACUUM ANALYZE indices_periodrollup")
    cursor.execute("VACUUM ANALYZE indices_indexrollup")
    return cells, days


def _facts(cursor, unit, period):
    from cchc.indices.formulas import DossierFacts

    cursor.execute(
        "SELECT d.code, d.procedure_code, u.code, d.channel, d.received_at, d.due_at,"
        " d.finished_at, d.status, d.supplement_requests, d.waiting_since,"
        " d.online_eligible, d.result_paper, d.result_electronic, d.components_digitized,"
        " d.reused_data, d.fee_required, d.paid_online, d.rating, d.complaint"
        " FROM bench_dossier d JOIN units_unit u ON u.id = d.unit_id"
        " WHERE u.path LIKE %s AND d.received_at >= %s AND d.received_at < %s",
        [unit.path + "%", period.start, period.end + dt.timedelta(seconds=1)],
    )
    return [DossierFacts(*row) for row in cursor.fetchall()]


def _numbers(result) -> dict[str, tuple[int | None, int | None]]:
    from cchc.indices.stats_rollups import RATIOS

    return {
        code: (result.criterion(code).numerator, result.criterion(code).denominator)
        for code in RATIOS
    }


def _raw(cursor, unit, period) -> dict[str, tuple[int, int]]:
    from cchc.indices.stats_models import COUNT_FIELDS
    from cchc.indices.stats_rollups import RATIOS

    cursor.execute(
        RAW.format(aggs=_aggs("%s")),
        [period.end] * (sum(e.count("{T}") for e in COUNTS.values()))
        + [unit.path + "%", period.start, period.end + dt.timedelta(seconds=1)],
    )
    n = dict(zip(COUNT_FIELDS, cursor.fetchone(), strict=True))
    return {code: (n[num], n[den]) for code, (num, den) in RATIOS.items()}


def _best(fn, repeat: int = 3):
    times, value = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--communes", type=int, default=120)
    parser.add_argument("--procedures", type=int, default=300)
    parser.add_argument("--database", default="cchc_bench")
    parser.add_argument("--reuse", action="store_true", help="keep the rows and rollups")
    opts = parser.parse_args()

    os.environ["DATABASE_URL"] = _database(opts.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cchc.indices import rollups
    from cchc.indices.formulas import score
    from cchc.indices.periods import parse_period
    from cchc.indices.stats_rollups import index_from_period_rollups

    call_command("migrate", verbosity=0)
    province = _units(opts.communes)
    with connection.cursor() as cursor:
        if not opts.reuse:
            t = time.perf_counter()
            print(f"generating {opts.dossiers:,} dossier rows:", flush=True)
            _generate(cursor, opts.dossiers, opts.procedures)
            print(f"generated in {time.perf_counter() - t:.1f} s", flush=True)
            t = time.perf_counter()
            cells, days = _build(cursor)
            print(
                f"rollups built in {time.perf_counter() - t:.1f} s: {cells:,} period cells, "
                f"{days:,} day rows",
                flush=True,
            )
        cursor.execute("SELECT count(*) FROM bench_dossier")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM indices_periodrollup")
        cells = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM indices_indexrollup")
        days = cursor.fetchone()[0]
        cursor.execute(
            "SELECT u.parent_id FROM bench_dossier d JOIN units_unit u ON u.id = d.unit_id"
            " JOIN units_unit c ON c.id = u.parent_id WHERE c.kind = 'commune'"
            " GROUP BY u.parent_id ORDER BY count(*) DESC LIMIT 1"
        )
        from cchc.units.models import Unit

        commune = Unit.objects.get(pk=cursor.fetchone()[0])
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('bench_dossier'))")
        size = cursor.fetchone()[0]
    print(
        f"\n{total:,} dossiers ({size}), {cells:,} period cells, {days:,} day rows; "
        f"province {province.code}, busiest commune {commune.code}\n"
    )

    periods = [parse_period(p) for p in (f"{YEAR}-06", f"{YEAR}-Q2", str(YEAR))]
    # Exactness first: the three paths and formulas.py over the commune's rows.
    with connection.cursor() as cursor:
        for period in periods:
            expected = _numbers(score(_facts(cursor, commune, period), period))
            assert _raw(cursor, commune, period) == expected, period
            assert _numbers(index_from_period_rollups(period=period, unit=commune)) == expected
            assert _numbers(rollups.index_from_rollups(period=period, unit=commune)) == expected
    print("commune month/quarter/year: period cells = day rows = raw SQL = formulas.py\n")

    head = (
        f"{'unit':<18}{'period':<9}{'dossiers':>11}{'cells ms':>10}{'days ms':>10}"
        f"{'raw ms':>10}{'raw/cells':>11}{'raw/days':>10}"
    )
    print(head)
    print("-" * len(head))
    with connection.cursor() as cursor:
        for unit in (province, commune):
            for period in periods:
                kw = {"period": period, "unit": unit}
                t_cells, a = _best(lambda kw=kw: index_from_period_rollups(**kw))
                t_days, b = _best(lambda kw=kw: rollups.index_from_rollups(**kw))
                t_raw, c = _best(lambda kw=kw: _raw(cursor, kw["unit"], kw["period"]))
                assert _numbers(a) == _numbers(b) == c, (unit.code, period)
                print(
                    f"{unit.code:<18}{period.label:<9}{a.dossiers:>11,}{t_cells * 1000:>10.1f}"
                    f"{t_days * 1000:>10.1f}{t_raw * 1000:>10.1f}{t_raw / t_cells:>10.0f}x"
                    f"{t_raw / t_days:>9.1f}x",
                    flush=True,
                )

    # The leader dashboard's reads (selectors.index_dashboard without the permission
    # check): headline cells, the same cells grouped by receiving unit (the ranking of
    # the province's children), the twelve months, and the batch of database criteria
    # (catalog, petitions, payments) for the province, its children and the months.
    from cchc.indices.database_criteria import figures_many
    from cchc.indices.sources import database_figures_many, unbatched_codes
    from cchc.indices.stats_rollups import (
        counts_by_unit_from_rollups,
        counts_from_rollups,
        month_counts,
    )

    year = parse_period(str(YEAR))
    months = [parse_period(f"{YEAR}-{m:02d}") for m in range(1, 13)]
    children = list(Unit.objects.filter(parent=province))
    requests = [(year, province)] + [(year, c) for c in children] + [(m, province) for m in months]
    t_head, head_counts = _best(lambda: counts_from_rollups(period=year, unit=province))
    t_rank, by_unit = _best(lambda: counts_by_unit_from_rollups(period=year, unit=province))
    t_trend, _ = _best(lambda: month_counts(months=months, unit=province))
    t_db, _ = _best(lambda: database_figures_many(requests))
    t_own, _ = _best(lambda: figures_many(requests))
    assert sum(c["received"] for c in by_unit.values()) == head_counts["received"]
    print(
        f"\ndashboard, province {YEAR} ({len(children)} children, {len(by_unit)} receiving "
        f"units): headline {t_head * 1000:.1f} ms, ranking {t_rank * 1000:.1f} ms, "
        f"12 months {t_trend * 1000:.1f} ms, database criteria ({len(requests)} requests) "
        f"{t_db * 1000:.1f} ms; total {(t_head + t_rank + t_trend + t_db) * 1000:.1f} ms",
        flush=True,
    )
    print(
        f"  of which the batched catalog/PAKN/payment criteria {t_own * 1000:.1f} ms; "
        f"criteria registered without a batch ({', '.join(unbatched_codes()) or 'none'}) "
        f"{max(t_db - t_own, 0) * 1000:.1f} ms",
        flush=True,
    )


if __name__ == "__main__":
    main()
