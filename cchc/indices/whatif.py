"""What-if planner: projected index after changes to the dossiers, and where to act first.

A change names a dossier-based criterion, a scope (unit code subtree by the code prefix
rule, and/or a procedure code) and either a target rate ("digitization in unit X to
80%") or a share of the dossiers that now lose points to fix ("late dossiers of
procedure Y halved"). The planner "fixes" that many of the losing dossiers in the scope
— deterministically, in code order — by changing exactly the facts the criterion reads
(a late dossier ends by its due time with at most one supplement request, a paper-only
result gets an electronic one, ...), then scores the changed facts with the same
formulas. A fixed late dossier also stops costing satisfaction, as it would in reality.

Pure module: no Django, no database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from cchc.indices.definition import CRITERIA_BY_CODE, Source
from cchc.indices.formulas import DossierFacts, IndexResult, end_time, in_unit, score
from cchc.indices.periods import Period


def _fix_on_time(f: DossierFacts, period: Period) -> DossierFacts:
    return dataclasses.replace(
        f,
        supplement_requests=min(f.supplement_requests, 1),
        due_at=max(f.due_at, end_time(f, period)),
    )


def _fix_satisfaction(f: DossierFacts, period: Period) -> DossierFacts:
    f = _fix_on_time(f, period)
    rating = None if f.rating == "dissatisfied" else f.rating
    return dataclasses.replace(f, rating=rating, complaint=False)


FIXES: dict[str, Callable[[DossierFacts, Period], DossierFacts]] = {
    "DOSSIER_ON_TIME": _fix_on_time,
    "ONLINE_DOSSIERS": lambda f, p: dataclasses.replace(f, channel="online"),
    "ORIGINAL_RESULT_AVAILABLE": lambda f, p: dataclasses.replace(f, result_electronic=True),
    "SO_HOA_GIAY_TO_GIAI_QUYET": lambda f, p: dataclasses.replace(
        f, components_digitized=True, result_electronic=True
    ),
    "REUSED_DIGITIZED_DATA": lambda f, p: dataclasses.replace(f, reused_data=True),
    "DOSSIERS_PAID_ONLINE": lambda f, p: dataclasses.replace(f, paid_online=True),
    "DOSSIER_RECEIVING_SATISFACTION": _fix_satisfaction,
}
assert set(FIXES) == {c for c, d in CRITERIA_BY_CODE.items() if d.computed_from == Source.DOSSIERS}  # noqa: S101 - import-time self-check of a constant table


@dataclass(frozen=True)
class Change:
    criterion: str
    unit: str | None = None  # unit code (subtree by the code prefix rule)
    procedure: str | None = None
    target_rate: Decimal | None = None  # e.g. Decimal("0.8")
    fix_share: Decimal | None = None  # e.g. Decimal("0.5"): half the losing dossiers

    def __post_init__(self) -> None:
        if self.criterion not in FIXES:
            raise ValueError(f"Tiêu chí “{self.criterion}” không tính từ dữ liệu hồ sơ.")
        if (self.target_rate is None) == (self.fix_share is None):
            raise ValueError("Cần đúng một trong hai: tỷ lệ mục tiêu hoặc tỷ lệ hồ sơ khắc phục.")
        value = self.target_rate if self.target_rate is not None else self.fix_share
        if value is None or not Decimal(0) <= value <= Decimal(1):
            raise ValueError("Tỷ lệ phải từ 0% đến 100%.")

    def in_scope(self, f: DossierFacts) -> bool:
        return (self.unit is None or in_unit(f.unit_code, self.unit)) and (
            self.procedure is None or f.procedure_code == self.procedure
        )


@dataclass(frozen=True)
class Projection:
    before: IndexResult
    after: IndexResult
    changed: dict[str, int]  # dossiers fixed, per change description

    @property
    def gain(self) -> Decimal:
        return (self.after.total_score or Decimal(0)) - (self.before.total_score or Decimal(0))


def _apply(
    facts: list[DossierFacts], period: Period, change: Change
) -> tuple[list[DossierFacts], int]:
    scoped = [f for f in facts if change.in_scope(f)]
    res = score(scoped, period).criterion(change.criterion)
    losing = sorted(res.lost)
    if not losing or not res.denominator:
        return facts, 0
    if change.target_rate is not None:
        needed = change.target_rate * res.denominator - (res.numerator or 0)
        k = int(needed.to_integral_value(rounding=ROUND_CEILING)) if needed > 0 else 0
    else:
        assert change.fix_share is not None  # noqa: S101 - type narrowing for mypy; no check relies on it
        k = int((change.fix_share * len(losing)).to_integral_value(rounding=ROUND_FLOOR))
    chosen = set(losing[: min(k, len(losing))])
    fix = FIXES[change.criterion]
    return [fix(f, period) if f.code in chosen else f for f in facts], len(chosen)


def project(
    facts: Iterable[DossierFacts],
    period: Period,
    changes: Sequence[Change],
    *,
    unit: str | None = None,
    official: dict[str, tuple[int, int]] | None = None,
) -> Projection:
    """The index before and after `changes`, applied in order (each on the previous result).
    `official` gives the other criteria's figures (unchanged by dossier changes), so the
    projection starts from the same total as the dashboard."""
    rows = [f for f in facts if unit is None or in_unit(f.unit_code, unit)]
    before = score(rows, period, official=official)
    changed: dict[str, int] = {}
    for i, change in enumerate(changes):
        rows, n = _apply(rows, period, change)
        changed[f"{i + 1}. {change.criterion}"] = n
    return Projection(before, score(rows, period, official=official), changed)


@dataclass(frozen=True)
class Action:
    criterion: str
    unit_code: str
    losing: int  # dossiers of this unit losing points on this criterion
    gain_per_dossier: Decimal  # total points gained by fixing one of them
    gain_if_all: Decimal  # total points gained by fixing all of them


def rank_actions(
    facts: Iterable[DossierFacts], period: Period, *, unit: str | None = None
) -> list[Action]:
    """For every (criterion, receiving unit) with losing dossiers: points per dossier fixed.

    Best first: the most points per dossier changed, then the most points in all.
    """
    rows = [f for f in facts if unit is None or in_unit(f.unit_code, unit)]
    base = score(rows, period)
    base_total = base.total_score or Decimal(0)
    by_unit: dict[tuple[str, str], list[str]] = {}
    unit_of = {f.code: f.unit_code for f in rows}
    for c in base.criteria:
        for code in c.lost:
            by_unit.setdefault((c.code, unit_of[code]), []).append(code)
    actions: list[Action] = []
    for (criterion, unit_code), codes in by_unit.items():
        fix = FIXES[criterion]
        one = {min(codes)}
        every = set(codes)
        after_one = score([fix(f, period) if f.code in one else f for f in rows], period)
        after_all = score([fix(f, period) if f.code in every else f for f in rows], period)
        gain_one = (after_one.total_score or Decimal(0)) - base_total
        gain_all = (after_all.total_score or Decimal(0)) - base_total
        actions.append(Action(criterion, unit_code, len(codes), gain_one, gain_all))
    actions.sort(key=lambda a: (-a.gain_per_dossier, -a.gain_if_all, a.criterion, a.unit_code))
    return actions
