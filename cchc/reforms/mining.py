"""Process mining on the dossier history: where citizens' time goes (issue 8).

Pure: no database, no clock. `cchc.reforms.selectors.mining_input` fetches the rows (a few
queries in all) and the working calendar; this module folds them into per-procedure
figures:

- the time each step really takes, in working days (median, 90th percentile), against
  its quota, per step and per unit;
- the share of the total overrun (lateness) each step and each unit causes;
- rework loops ("đùn đẩy"): a dossier returned to an earlier step (`returned_to_step`)
  or transferred back to a unit that already held it (`handed_over` with `bounce`),
  and the unit pairs that send dossiers back and forth;
- hand-overs per dossier, the supplement rate and the components most often missing
  (the `items` of `supplement_requested` events, Mẫu 02), online and digitization rates;
- candidates for simplification ranked by the citizen time they would save per year.

Durations use `WorkCalendar.working_days_between` with the dossier's pauses (waiting for a
supplement, legal pauses) removed, the same way the statutory clock is kept (Điều 19–20
Nghị định 61/2018/NĐ-CP as amended by Nghị định 107/2021/NĐ-CP: time waiting for the
applicant does not count).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# A dossier sent back this many times is "bounced" (the dossier app's BOUNCE_THRESHOLD).
BOUNCE_THRESHOLD = 2
# A unit must have handled at least this many passes of a step to serve as the benchmark
# ("best unit") for that step; fewer is noise.
MIN_BENCHMARK_PASSES = 3
PAUSE_START = frozenset({"supplement_requested", "paused"})
PAUSE_END = frozenset({"supplement_provided", "resumed"})
TWO = Decimal("0.01")

WorkingDays = Callable[
    [dt.datetime, dt.datetime, Sequence[tuple[dt.datetime, dt.datetime]]], Decimal
]


@dataclass(frozen=True)
class StepRow:
    dossier_id: int
    index: int
    order: int
    name: str
    unit_id: int
    quota: Decimal
    started_at: dt.datetime
    finished_at: dt.datetime | None
    overrun_working_days: Decimal


@dataclass(frozen=True)
class EventRow:
    dossier_id: int
    seq: int
    action: str
    created_at: dt.datetime
    payload: dict


@dataclass(frozen=True)
class DossierRow:
    id: int
    procedure_id: int
    receiving_unit_id: int
    channel: str
    received_at: dt.datetime
    supplement_count: int
    components: int = 0
    digitized_components: int = 0


@dataclass(frozen=True)
class Percentiles:
    n: int
    median: Decimal
    p90: Decimal


def percentile(values: Sequence[Decimal], q: Decimal) -> Decimal:
    """The q-quantile by linear interpolation between closest ranks (the "inclusive"
    definition: position (n − 1)·q in the sorted values), exact in Decimal."""
    if not values:
        raise ValueError("no values")
    data = sorted(values)
    pos = (len(data) - 1) * q
    lo = int(pos)
    frac = pos - lo
    if lo + 1 >= len(data):
        return data[-1]
    return data[lo] + (data[lo + 1] - data[lo]) * frac


def summarise(values: Sequence[Decimal]) -> Percentiles | None:
    if not values:
        return None
    return Percentiles(
        n=len(values),
        median=percentile(values, Decimal("0.5")),
        p90=percentile(values, Decimal("0.9")),
    )


@dataclass
class StepStat:
    order: int
    name: str
    unit_id: int | None  # None: all units together
    quota: Decimal
    times: Percentiles
    late: int
    overrun: Decimal

    @property
    def median_over_quota(self) -> Decimal:
        return self.times.median - self.quota


@dataclass(frozen=True)
class Edge:
    source: int  # step order handed from
    target: int  # step order handed to
    count: int
    median_days: Decimal  # median working days spent in the source step before this move
    rework: bool  # a move back to an earlier step (or a transfer within the same step)


@dataclass(frozen=True)
class Candidate:
    procedure_id: int
    order: int
    name: str
    quota: Decimal
    median: Decimal
    benchmark: Decimal  # what the step could take: min(quota, best unit's median)
    benchmark_unit_id: int | None
    saving_per_dossier: Decimal  # working days
    dossiers_per_year: Decimal
    saving_per_year: Decimal  # citizen working days per year


@dataclass
class ProcedureMining:
    procedure_id: int
    dossiers: int
    steps: list[StepStat] = field(default_factory=list)  # all units, by order
    steps_by_unit: list[StepStat] = field(default_factory=list)
    lateness_by_step: dict[int, Decimal] = field(default_factory=dict)  # order -> share
    lateness_by_unit: dict[int, Decimal] = field(default_factory=dict)  # unit -> share
    total_overrun: Decimal = Decimal(0)
    reworked_dossiers: list[int] = field(default_factory=list)  # ≥ 1 loop
    bounced_dossiers: list[int] = field(default_factory=list)  # ≥ BOUNCE_THRESHOLD loops
    loop_pairs: list[tuple[int, int, int]] = field(default_factory=list)  # (a, b, moves)
    handovers_per_dossier: Decimal = Decimal(0)
    supplement_rate: Decimal = Decimal(0)
    missing_components: list[tuple[str, int]] = field(default_factory=list)
    online_rate: Decimal = Decimal(0)
    digitization_rate: Decimal | None = None
    edges: list[Edge] = field(default_factory=list)
    step_names: dict[int, str] = field(default_factory=dict)


def _ratio(part: int | Decimal, whole: int | Decimal) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(0)


def pause_intervals(
    events: Iterable[EventRow], until: dt.datetime
) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """Per dossier, the intervals its clock stood still (an open pause runs to `until`)."""
    out: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    open_since: dict[int, dt.datetime] = {}
    for e in sorted(events, key=lambda e: (e.dossier_id, e.seq)):
        pause = e.payload.get("pause") if e.action == "handed_over" else None
        resume = e.payload.get("resume") if e.action == "handed_over" else None
        if e.action in PAUSE_START or pause:
            open_since.setdefault(e.dossier_id, e.created_at)
        elif (e.action in PAUSE_END or resume) and e.dossier_id in open_since:
            out[e.dossier_id].append((open_since.pop(e.dossier_id), e.created_at))
    for dossier_id, start in open_since.items():
        out[dossier_id].append((start, until))
    return out


def _normalise_item(text: str) -> str:
    return " ".join(str(text).split()).strip(" .;").capitalize()


def mine_procedure(
    *,
    procedure_id: int,
    dossiers: Sequence[DossierRow],
    steps: Sequence[StepRow],
    events: Sequence[EventRow],
    working_days: WorkingDays,
    now: dt.datetime,
) -> ProcedureMining:
    """Fold one procedure's rows into its figures (rows of other procedures are ignored)."""
    ids = {d.id for d in dossiers if d.procedure_id == procedure_id}
    mine = [d for d in dossiers if d.id in ids]
    my_steps = sorted(
        (s for s in steps if s.dossier_id in ids), key=lambda s: (s.dossier_id, s.index)
    )
    my_events = [e for e in events if e.dossier_id in ids]
    result = ProcedureMining(procedure_id=procedure_id, dossiers=len(mine))
    pauses = pause_intervals(my_events, now)

    # Durations of finished passes.
    duration: dict[tuple[int, int], Decimal] = {}
    by_order: dict[int, list[StepRow]] = defaultdict(list)
    for s in my_steps:
        result.step_names.setdefault(s.order, s.name)
        if s.finished_at is None:
            continue
        duration[(s.dossier_id, s.index)] = working_days(
            s.started_at, s.finished_at, pauses.get(s.dossier_id, ())
        )
        by_order[s.order].append(s)

    def stat(order: int, rows: list[StepRow], unit_id: int | None) -> StepStat:
        return StepStat(
            order=order,
            name=rows[0].name,
            unit_id=unit_id,
            quota=max(r.quota for r in rows),
            times=summarise([duration[(r.dossier_id, r.index)] for r in rows]),  # type: ignore[arg-type]
            late=sum(1 for r in rows if r.overrun_working_days > 0),
            overrun=sum((r.overrun_working_days for r in rows), Decimal(0)),
        )

    for order in sorted(by_order):
        rows = by_order[order]
        result.steps.append(stat(order, rows, None))
        per_unit: dict[int, list[StepRow]] = defaultdict(list)
        for r in rows:
            per_unit[r.unit_id].append(r)
        for unit_id in sorted(per_unit):
            result.steps_by_unit.append(stat(order, per_unit[unit_id], unit_id))

    # Lateness shares, from the steps' recorded overruns (DossierStep.overrun_working_days).
    total = sum((s.overrun_working_days for s in my_steps), Decimal(0))
    result.total_overrun = total
    if total:
        step_over: dict[int, Decimal] = defaultdict(Decimal)
        unit_over: dict[int, Decimal] = defaultdict(Decimal)
        for s in my_steps:
            step_over[s.order] += s.overrun_working_days
            unit_over[s.unit_id] += s.overrun_working_days
        result.lateness_by_step = {k: v / total for k, v in step_over.items() if v}
        result.lateness_by_unit = {k: v / total for k, v in unit_over.items() if v}

    # Rework loops and hand-overs, from the events.
    loops: Counter[int] = Counter()
    pair_moves: Counter[tuple[int, int]] = Counter()
    handovers = 0
    missing: Counter[str] = Counter()
    supplemented: set[int] = set()
    for e in my_events:
        p = e.payload
        if e.action in ("handed_over", "returned_to_step"):
            a, b = p.get("from_unit_id"), p.get("to_unit_id")
            if a is not None and b is not None and a != b:
                handovers += 1
                pair_moves[(a, b)] += 1
            if e.action == "returned_to_step" or p.get("bounce"):
                loops[e.dossier_id] += 1
        elif e.action == "supplement_requested":
            supplemented.add(e.dossier_id)
            for item in p.get("items") or []:
                if str(item).strip():
                    missing[_normalise_item(item)] += 1
    result.reworked_dossiers = sorted(loops)
    result.bounced_dossiers = sorted(d for d, n in loops.items() if n >= BOUNCE_THRESHOLD)
    seen: set[tuple[int, int]] = set()
    for (a, b), n in pair_moves.items():
        key = (min(a, b), max(a, b))
        back = pair_moves.get((b, a), 0)
        if back and key not in seen:
            seen.add(key)
            result.loop_pairs.append((key[0], key[1], n + back))
    result.loop_pairs.sort(key=lambda t: (-t[2], t[0], t[1]))
    result.handovers_per_dossier = _ratio(handovers, len(mine))
    supplemented |= {d.id for d in mine if d.supplement_count}
    result.supplement_rate = _ratio(len(supplemented), len(mine))
    result.missing_components = sorted(missing.items(), key=lambda kv: (-kv[1], kv[0]))
    result.online_rate = _ratio(sum(1 for d in mine if d.channel == "online"), len(mine))
    components = sum(d.components for d in mine)
    if components:
        result.digitization_rate = _ratio(sum(d.digitized_components for d in mine), components)

    # The process map's edges: consecutive passes of each dossier.
    moves: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    previous: StepRow | None = None
    for s in my_steps:
        if previous is not None and previous.dossier_id == s.dossier_id:
            spent = duration.get((previous.dossier_id, previous.index))
            moves[(previous.order, s.order)].append(spent if spent is not None else Decimal(0))
        previous = s
    result.edges = [
        Edge(
            source=a,
            target=b,
            count=len(times),
            median_days=percentile(times, Decimal("0.5")),
            rework=b <= a,
        )
        for (a, b), times in sorted(moves.items())
    ]
    return result


def candidates(
    results: Iterable[ProcedureMining], *, period_days: int, min_passes: int = MIN_BENCHMARK_PASSES
) -> list[Candidate]:
    """Steps ranked by the citizen working days a year they would save if their median
    came down to the benchmark: the quota, or the best unit's median when a unit with at
    least `min_passes` passes already does better than the quota.

    saving per year = (median − benchmark) × passes a year, passes a year = passes in the
    period × 365 / `period_days`.
    """
    out: list[Candidate] = []
    scale = Decimal(365) / Decimal(period_days) if period_days > 0 else Decimal(1)
    for res in results:
        by_unit: dict[int, list[StepStat]] = defaultdict(list)
        for s in res.steps_by_unit:
            by_unit[s.order].append(s)
        for s in res.steps:
            benchmark, unit_id = s.quota, None
            for u in by_unit.get(s.order, []):
                if u.times.n >= min_passes and u.times.median < benchmark:
                    benchmark, unit_id = u.times.median, u.unit_id
            saving = s.times.median - benchmark
            if saving <= 0:
                continue
            per_year = Decimal(s.times.n) * scale
            out.append(
                Candidate(
                    procedure_id=res.procedure_id,
                    order=s.order,
                    name=s.name,
                    quota=s.quota,
                    median=s.times.median,
                    benchmark=benchmark,
                    benchmark_unit_id=unit_id,
                    saving_per_dossier=saving,
                    dossiers_per_year=per_year.quantize(TWO, ROUND_HALF_UP),
                    saving_per_year=(saving * per_year).quantize(TWO, ROUND_HALF_UP),
                )
            )
    out.sort(key=lambda c: (-c.saving_per_year, c.procedure_id, c.order))
    return out
