"""Pure rules: percentiles, mining folds on hand-built rows, the compliance cost formula."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cchc.reforms import cost, mining

D = Decimal
T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def at(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=float(days))


def elapsed(start, end, pauses):
    """A stand-in calendar: calendar days, pauses removed (the real one is tested in calendars)."""
    total = (end - start).total_seconds()
    for a, b in pauses:
        a, b = max(a, start), min(b, end)
        if b > a:
            total -= (b - a).total_seconds()
    return D(int(total)) / D(86400)


def test_percentiles_interpolate_exactly():
    values = [D(v) for v in (1, 2, 3, 4, 10)]
    assert mining.percentile(values, D("0.5")) == D(3)
    # position (5-1)*0.9 = 3.6 → 4 + 0.6 × (10 − 4)
    assert mining.percentile(values, D("0.9")) == D("7.6")
    assert mining.summarise([D(2), D(4)]) == mining.Percentiles(n=2, median=D(3), p90=D("3.8"))
    assert mining.summarise([]) is None


ONE, ZERO = D(1), D(0)


def step(dossier, index, order, unit, start, end, quota=ONE, overrun=ZERO):
    return mining.StepRow(
        dossier_id=dossier,
        index=index,
        order=order,
        name=f"Bước {order}",
        unit_id=unit,
        quota=quota,
        started_at=at(start),
        finished_at=at(end) if end is not None else None,
        overrun_working_days=overrun,
    )


def dossier(pk, channel="counter", supplements=0, components=2, digitized=1):
    return mining.DossierRow(
        id=pk,
        procedure_id=7,
        receiving_unit_id=1,
        channel=channel,
        received_at=T0,
        supplement_count=supplements,
        components=components,
        digitized_components=digitized,
    )


def ev(dossier_id, seq, action, day, **payload):
    return mining.EventRow(dossier_id, seq, action, at(day), payload)


def test_mining_hand_built_case():
    dossiers = [dossier(1, "online", supplements=1), dossier(2), dossier(3), dossier(99)]
    dossiers[3] = mining.DossierRow(**{**dossiers[3].__dict__, "procedure_id": 8})
    steps = [
        # dossier 1: step 1 (1 day), step 2 at unit 20 (4 days, 2 of them waiting for a
        # supplement → 2), back to step 1? no: bounced 20 → 30 → 20 within step 2.
        step(1, 1, 1, 10, 0, 1),
        step(1, 2, 2, 20, 1, 5, quota=D(3)),
        step(1, 3, 2, 30, 5, 6, quota=D(3)),
        step(1, 4, 2, 20, 6, 7, quota=D(3)),
        # dossier 2: step 1 two days (late by 1), step 2 six days (late by 3), returned to step 1
        step(2, 1, 1, 10, 0, 2, overrun=D(1)),
        step(2, 2, 2, 20, 2, 8, quota=D(3), overrun=D(3)),
        step(2, 3, 1, 10, 8, None),
        # dossier 3: fast
        step(3, 1, 1, 11, 0, D("0.5")),
        step(3, 2, 2, 21, D("0.5"), D("1.5"), quota=D(3)),
    ]
    events = [
        ev(1, 2, "handed_over", 1, from_unit_id=10, to_unit_id=20, bounce=False),
        ev(1, 3, "supplement_requested", 2, items=["Bản sao giấy chứng sinh", "tờ khai "]),
        ev(1, 4, "supplement_provided", 4),
        ev(1, 5, "handed_over", 5, from_unit_id=20, to_unit_id=30, bounce=False),
        ev(1, 6, "handed_over", 6, from_unit_id=30, to_unit_id=20, bounce=True),
        ev(2, 2, "handed_over", 2, from_unit_id=10, to_unit_id=20, bounce=False),
        ev(2, 3, "returned_to_step", 8, from_unit_id=20, to_unit_id=10, step_order=1),
        ev(2, 4, "supplement_requested", 8, items=["Bản sao giấy chứng sinh"]),
        ev(3, 2, "handed_over", D("0.5"), from_unit_id=11, to_unit_id=21),
    ]
    r = mining.mine_procedure(
        procedure_id=7,
        dossiers=dossiers,
        steps=steps,
        events=events,
        working_days=elapsed,
        now=at(20),
    )
    assert r.dossiers == 3
    by_order = {s.order: s for s in r.steps}
    # Step 1 finished passes: 1, 2, 0.5 → median 1, p90 = 1 + 0.8 × 1 = 1.8
    assert by_order[1].times == mining.Percentiles(n=3, median=D(1), p90=D("1.8"))
    # Step 2 passes: 2 (4 − 2 paused), 1, 1, 6, 1 → sorted 1,1,1,2,6: median 1, p90 2 + 0.6×4
    assert by_order[2].times == mining.Percentiles(n=5, median=D(1), p90=D("4.4"))
    assert by_order[2].late == 1 and by_order[2].overrun == D(3)
    # Lateness: 4 days overrun, 3 in step 2 (unit 20), 1 in step 1 (unit 10).
    assert r.total_overrun == D(4)
    assert r.lateness_by_step == {1: D("0.25"), 2: D("0.75")}
    assert r.lateness_by_unit == {10: D("0.25"), 20: D("0.75")}
    # Dossier 1 bounced once (transfer back), dossier 2 returned once: both reworked, none
    # over the threshold.
    assert r.reworked_dossiers == [1, 2]
    assert r.bounced_dossiers == []
    # Pairs with moves both ways: 10↔20 (2 forward + 1 back), 20↔30 (1 + 1).
    assert r.loop_pairs == [(10, 20, 3), (20, 30, 2)]
    # Hand-overs between different units: 3 + 2 + 1 = 6 over 3 dossiers.
    assert r.handovers_per_dossier == D(2)
    assert r.supplement_rate == D(2) / D(3)
    assert r.missing_components[0] == ("Bản sao giấy chứng sinh", 2)
    assert ("Tờ khai", 1) in r.missing_components
    assert r.online_rate == D(1) / D(3)
    assert r.digitization_rate == D("0.5")
    edges = {(e.source, e.target): e for e in r.edges}
    assert edges[(1, 2)].count == 3 and not edges[(1, 2)].rework
    assert edges[(2, 2)].count == 2 and edges[(2, 2)].rework
    assert edges[(2, 1)].count == 1 and edges[(2, 1)].median_days == D(6)


def test_two_bounces_flag_the_dossier():
    steps = [step(5, 1, 1, 10, 0, 1), step(5, 2, 2, 20, 1, 2), step(5, 3, 1, 10, 2, 3)]
    events = [
        ev(5, 2, "returned_to_step", 2, from_unit_id=20, to_unit_id=10),
        ev(5, 3, "handed_over", 3, from_unit_id=10, to_unit_id=20, bounce=True),
    ]
    r = mining.mine_procedure(
        procedure_id=7,
        dossiers=[dossier(5)],
        steps=steps,
        events=events,
        working_days=elapsed,
        now=at(5),
    )
    assert r.bounced_dossiers == [5]


def test_candidates_rank_by_citizen_days_a_year():
    fast = [step(i, 1, 1, 11, 0, D("0.5"), quota=D(2)) for i in range(1, 4)]
    slow = [step(i, 1, 1, 12, 0, 4, quota=D(2)) for i in range(4, 10)]
    other = [step(i, 1, 1, 13, 0, 3, quota=D(2)) for i in range(10, 12)]
    rows = fast + slow + other
    r = mining.mine_procedure(
        procedure_id=7,
        dossiers=[dossier(i) for i in range(1, 12)],
        steps=rows,
        events=[],
        working_days=elapsed,
        now=at(30),
    )
    # median over 11 passes: sorted 0.5×3, 3×2, 4×6 → 6th value = 4
    (c,) = mining.candidates([r], period_days=365)
    assert c.median == D(4)
    # unit 11 has 3 passes at 0.5 < quota 2: it is the benchmark
    assert c.benchmark == D("0.5") and c.benchmark_unit_id == 11
    assert c.saving_per_dossier == D("3.5")
    assert c.saving_per_year == D("38.50")  # 3.5 × 11 dossiers a year
    # With a stricter benchmark (≥ 4 passes) no unit qualifies: the quota is the benchmark.
    (c2,) = mining.candidates([r], period_days=365, min_passes=4)
    assert c2.benchmark == D(2) and c2.saving_per_year == D("22.00")


def test_compliance_cost_hand_computed():
    # 4 h × 30,000 đ = 120,000; + fee 8,000 + copies/travel 32,000 = 160,000 per execution;
    # 1,200 subjects × 1 time a year = 192,000,000 đ a year.
    before = cost.CostInputs(
        hours=D(4),
        income_per_hour=D(30000),
        fees=D(8000),
        other_costs=D(32000),
        subjects_per_year=1200,
    )
    c = cost.compliance_cost(before)
    assert (c.labour, c.per_execution, c.per_year) == (D(120000), D(160000), D(192000000))
    # Reusing data saves 1.5 h and 20,000 đ of copies: 75,000 + 8,000 + 12,000 = 95,000.
    after = cost.CostInputs(
        hours=D("2.5"),
        income_per_hour=D(30000),
        fees=D(8000),
        other_costs=D(12000),
        subjects_per_year=1200,
    )
    red = cost.reduction(before, after)
    assert red.after.per_year == D(114000000)
    assert red.per_year == D(78000000)
    assert red.per_execution == D(65000)
    assert red.percent == D("40.63")  # 78 / 192 = 40.625 %
    assert cost.income_per_hour_from_monthly(D(5280000)) == D(30000)  # ÷ 22 ÷ 8
    with pytest.raises(ValueError):
        cost.compliance_cost(
            cost.CostInputs(
                hours=D(-1), income_per_hour=D(1), fees=D(0), other_costs=D(0), subjects_per_year=1
            )
        )
