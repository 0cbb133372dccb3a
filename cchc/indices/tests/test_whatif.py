"""What-if planner: hand-computed projections and the ranking of actions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cchc.indices.periods import parse_period
from cchc.indices.tests.helpers import facts, row
from cchc.indices.whatif import Change, project, rank_actions

MARCH = parse_period("2024-03")


def _done(**kw):
    return row(finished_at="2024-03-05T10:00", final_status="returned", **kw)


def test_digitization_of_a_unit_to_eighty_percent():
    rows = [_done(unit_code="P52.A") for _ in range(10)] + [
        _done(unit_code="P52.B", components_digitized=1, result_electronic=1)
    ]
    p = project(
        facts(rows),
        MARCH,
        [Change("SO_HOA_GIAY_TO_GIAI_QUYET", unit="P52.A", target_rate=Decimal("0.8"))],
    )
    assert p.changed == {"1. SO_HOA_GIAY_TO_GIAI_QUYET": 8}
    before = p.before.criterion("SO_HOA_GIAY_TO_GIAI_QUYET")
    after = p.after.criterion("SO_HOA_GIAY_TO_GIAI_QUYET")
    assert (before.numerator, after.numerator, after.denominator) == (1, 9, 11)
    # 4 × 9/11 − 4 × 1/11 = 32/11 points more; nothing else moves.
    assert abs(p.gain - Decimal(32) / Decimal(11)) < Decimal("1e-20")
    assert abs((after.score - before.score) - p.gain) < Decimal("1e-20")


def test_late_dossiers_of_a_procedure_halved_also_lift_satisfaction():
    late = {"due_at": "2024-03-08T17:00", "finished_at": "2024-03-12T10:00"}
    rows = [row(procedure_code="1.1", **late) for _ in range(4)] + [
        row(procedure_code="2.2", **late),
        row(procedure_code="1.1", finished_at="2024-03-06T10:00"),
    ]
    p = project(
        facts(rows), MARCH, [Change("DOSSIER_ON_TIME", procedure="1.1", fix_share=Decimal("0.5"))]
    )
    assert p.changed["1. DOSSIER_ON_TIME"] == 2
    assert p.before.criterion("DOSSIER_ON_TIME").numerator == 1
    assert p.after.criterion("DOSSIER_ON_TIME").numerator == 3
    assert p.after.criterion("DOSSIER_RECEIVING_SATISFACTION").numerator == 3
    # 20 × 2/6 on progress + 6 × (3/6 − 1/6) / 0.9 on satisfaction.
    expected = Decimal(20) * 2 / 6 + (
        Decimal(6) * Decimal(3) / 6 / Decimal("0.9") - Decimal(6) * Decimal(1) / 6 / Decimal("0.9")
    )
    assert abs(p.gain - expected) < Decimal("1e-20")


def test_bad_changes_are_refused():
    with pytest.raises(ValueError, match="không tính từ dữ liệu hồ sơ"):
        Change("PUBLISH_ON_TIME", target_rate=Decimal(1))
    with pytest.raises(ValueError, match="đúng một"):
        Change("DOSSIER_ON_TIME")
    with pytest.raises(ValueError, match="từ 0% đến 100%"):
        Change("DOSSIER_ON_TIME", fix_share=Decimal(2))


def test_actions_ranked_by_points_per_dossier():
    rows = [
        # Unit A: 2 dossiers, one late -> fixing it is worth 20/3 + satisfaction.
        row(unit_code="A", finished_at="2024-03-06T10:00"),
        row(unit_code="A", finished_at="2024-03-12T10:00"),
        # Unit B: one with a fee not paid online.
        row(unit_code="B", finished_at="2024-03-06T10:00", fee_required=1),
    ]
    actions = rank_actions(facts(rows), MARCH)
    assert [(a.criterion, a.unit_code) for a in actions][:2] == [
        ("DOSSIER_ON_TIME", "A"),
        ("DOSSIER_RECEIVING_SATISFACTION", "A"),
    ]
    paid = next(a for a in actions if a.criterion == "DOSSIERS_PAID_ONLINE")
    assert (paid.unit_code, paid.losing, paid.gain_per_dossier) == ("B", 1, Decimal(6))
    gains = [a.gain_per_dossier for a in actions]
    assert gains == sorted(gains, reverse=True)
