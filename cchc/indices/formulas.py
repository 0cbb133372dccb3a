"""Scoring dossier facts for the 766 index: the contract of issue 5, to the letter.

Input: `DossierFacts`, one per dossier, with exactly the columns of the interchange file
(times naive local, as the file writes them). Output: `IndexResult`, whose `as_json()`
is the documented JSON (criteria, groups, total) and which also keeps, per criterion,
the codes of the dossiers that cost points (for the click-through).

Rules (issue 5, "Definitions for dossier-based criteria"; QĐ 766/QĐ-TTg and the
portal's formula document, items 2.1, 3.3, 3.6, 4.1–4.3, 5.4):
- population: dossiers received in the period, whatever their final status;
- end time E: `finished_at` if ≤ period end; else `waiting_supplement_since` if ≤ period
  end; else the period end. On time ⇔ at most one supplement request and E ≤ `due_at`;
- "finished with a result": received in the period, finished by the period end, status
  `done` or `returned`;
- rates and scores are exact Decimals; scores are summed unrounded; every rate and score
  is rounded half away from zero to 2 decimals only on output.

Pure module: no Django, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal

from cchc.indices.definition import CRITERIA, GROUPS, Criterion, GroupCode, Source
from cchc.indices.periods import Period

Channel = Literal["direct", "online", "postal"]
FinalStatus = Literal[
    "processing", "supplement", "done", "returned", "refused", "stopped", "withdrawn"
]
RatingValue = Literal["satisfied", "normal", "dissatisfied"]

CHANNELS: tuple[str, ...] = ("direct", "online", "postal")
FINAL_STATUSES: tuple[str, ...] = (
    "processing",
    "supplement",
    "done",
    "returned",
    "refused",
    "stopped",
    "withdrawn",
)
RATINGS: tuple[str, ...] = ("satisfied", "normal", "dissatisfied")
WITH_RESULT: frozenset[str] = frozenset({"done", "returned"})

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class DossierFacts:
    """One row of the interchange file (same names, same order)."""

    code: str
    procedure_code: str
    unit_code: str
    channel: Channel
    received_at: dt.datetime
    due_at: dt.datetime
    finished_at: dt.datetime | None
    final_status: FinalStatus
    supplement_requests: int
    waiting_supplement_since: dt.datetime | None
    online_eligible: bool
    result_paper: bool
    result_electronic: bool
    components_digitized: bool
    reused_data: bool
    fee_required: bool
    paid_online: bool
    rating: RatingValue | None
    complaint: bool


def round_half_away(value: Decimal) -> Decimal:
    """2 decimals, halves away from zero (Decimal's ROUND_HALF_UP is away from zero)."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def in_unit(unit_code: str, unit: str) -> bool:
    """`--unit CODE`: the code itself or any code starting with CODE followed by a dot."""
    return unit_code == unit or unit_code.startswith(unit + ".")


def end_time(f: DossierFacts, period: Period) -> dt.datetime:
    end = period.end
    if f.finished_at is not None and f.finished_at <= end:
        return f.finished_at
    if f.waiting_supplement_since is not None and f.waiting_supplement_since <= end:
        return f.waiting_supplement_since
    return end


def is_on_time(f: DossierFacts, period: Period) -> bool:
    # Portal formula 2.1: more than one supplement request ⇒ counted overdue.
    return f.supplement_requests <= 1 and end_time(f, period) <= f.due_at


def finished_with_result(f: DossierFacts, period: Period) -> bool:
    return (
        f.finished_at is not None and f.finished_at <= period.end and f.final_status in WITH_RESULT
    )


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    numerator: int | None
    denominator: int | None
    rate: Decimal | None  # unrounded
    score: Decimal | None  # unrounded
    lost: tuple[str, ...] = ()  # codes of dossiers in the denominator, not the numerator
    exact_score: Fraction | None = None  # the score as an exact fraction (for the sums)

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def computable(self) -> bool:
        return self.score is not None

    @property
    def lost_count(self) -> int | None:
        """Dossiers that cost points (denominator − numerator) for a dossier criterion,
        whether or not the codes were kept (results served from rollups keep none)."""
        if self.criterion.computed_from != Source.DOSSIERS or self.denominator is None:
            return None
        return self.denominator - (self.numerator or 0)

    @property
    def points_lost(self) -> Decimal | None:
        return None if self.score is None else Decimal(self.criterion.max) - self.score

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.criterion.code,
            "group": str(self.criterion.group),
            "max": self.criterion.max,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "rate": _out(self.rate),
            "score": _out(self.score),
        }


@dataclass(frozen=True)
class GroupResult:
    code: GroupCode
    max: int  # sum of the maxima of the computable criteria
    score: Decimal | None  # unrounded sum; None when no criterion is computable
    exact_score: Fraction | None = None

    def as_json(self) -> dict[str, Any]:
        return {"code": str(self.code), "max": self.max, "score": _out(self.score)}


@dataclass(frozen=True)
class IndexResult:
    period: Period
    criteria: tuple[CriterionResult, ...]
    groups: tuple[GroupResult, ...]
    total_score: Decimal | None
    total_max: int
    dossiers: int  # rows in the population (received in the period, after filters)
    extra: dict[str, Any] = field(default_factory=dict)
    exact_total: Fraction | None = None

    @property
    def percent(self) -> Decimal | None:
        if self.total_score is None or self.total_max == 0:
            return None
        if self.exact_total is not None:
            return to_decimal(self.exact_total * 100 / self.total_max)
        return self.total_score * 100 / self.total_max

    def criterion(self, code: str) -> CriterionResult:
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)

    def as_json(self) -> dict[str, Any]:
        return {
            "criteria": [c.as_json() for c in self.criteria],
            "groups": [g.as_json() for g in self.groups],
            "total": {
                "score": _out(self.total_score),
                "max": self.total_max,
                "percent": _out(self.percent),
            },
        }


def _out(value: Decimal | None) -> float | None:
    # JSON numbers: the rounded Decimal's shortest float spelling is the same 2 decimals.
    return None if value is None else float(round_half_away(value))


def to_decimal(value: Fraction) -> Decimal:
    """One correctly rounded division: a value with a finite decimal expansion (such as
    an exact tie like 0.125) comes out exact, so rounding it later is exact too."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def ratio_result(criterion: Criterion, num: int, den: int, lost: list[str]) -> CriterionResult:
    # Exact rational arithmetic, converted to Decimal once per figure: chained Decimal
    # operations could turn an exact half (e.g. 6 × (3/160) / 0.9 = 0.125) into
    # 0.12499…9 and round it the wrong way.
    if den == 0:
        return CriterionResult(criterion, num, den, None, None, ())
    rate = Fraction(num, den)
    if criterion.threshold is None:
        score = criterion.max * rate
    else:
        score = criterion.max * min(Fraction(1), rate / Fraction(criterion.threshold))
    return CriterionResult(
        criterion, num, den, to_decimal(rate), to_decimal(score), tuple(lost), score
    )


@dataclass
class _Tally:
    num: int = 0
    den: int = 0
    lost: list[str] = field(default_factory=list)

    def add(self, code: str, counted: bool) -> None:
        self.den += 1
        if counted:
            self.num += 1
        else:
            self.lost.append(code)


def _tallies(facts: Iterable[DossierFacts], period: Period) -> tuple[int, dict[str, _Tally]]:
    t = {
        code: _Tally()
        for code in (
            "DOSSIER_ON_TIME",
            "ONLINE_DOSSIERS",
            "ORIGINAL_RESULT_AVAILABLE",
            "SO_HOA_GIAY_TO_GIAI_QUYET",
            "REUSED_DIGITIZED_DATA",
            "DOSSIERS_PAID_ONLINE",
            "DOSSIER_RECEIVING_SATISFACTION",
        )
    }
    received = 0
    for f in facts:
        if not period.contains(f.received_at):
            continue
        received += 1
        on_time = is_on_time(f, period)
        t["DOSSIER_ON_TIME"].add(f.code, on_time)
        if f.online_eligible:
            t["ONLINE_DOSSIERS"].add(f.code, f.channel == "online")
        if finished_with_result(f, period):
            if f.result_paper:
                t["ORIGINAL_RESULT_AVAILABLE"].add(f.code, f.result_electronic)
            t["SO_HOA_GIAY_TO_GIAI_QUYET"].add(
                f.code, f.components_digitized and f.result_electronic
            )
        t["REUSED_DIGITIZED_DATA"].add(f.code, f.reused_data)
        if f.fee_required:
            t["DOSSIERS_PAID_ONLINE"].add(f.code, f.paid_online)
        # QĐ 766: minus dossiers late, rated "not satisfied" or with a PAKN — each once.
        t["DOSSIER_RECEIVING_SATISFACTION"].add(
            f.code, on_time and f.rating != "dissatisfied" and not f.complaint
        )
    return received, t


def score(
    facts: Iterable[DossierFacts],
    period: Period,
    *,
    unit: str | None = None,
    procedure_code: str | None = None,
    official: dict[str, tuple[int, int]] | None = None,
) -> IndexResult:
    """Score dossier facts for a period.

    `unit` keeps rows of that unit code's subtree by the code prefix rule (`in_unit`);
    `procedure_code` keeps one procedure's rows. `official` optionally gives
    (numerator, denominator) for criteria not computed from dossiers (e.g. figures the
    database has for them); criteria neither computed nor given stay null.
    """

    def keep(f: DossierFacts) -> bool:
        return (unit is None or in_unit(f.unit_code, unit)) and (
            procedure_code is None or f.procedure_code == procedure_code
        )

    received, tallies = _tallies((f for f in facts if keep(f)), period)
    dossier_ratios = {code: (t.num, t.den, t.lost) for code, t in tallies.items()}
    return assemble(period, criterion_results(dossier_ratios, official), dossiers=received)


def criterion_results(
    dossier_ratios: dict[str, tuple[int, int, list[str]]],
    official: dict[str, tuple[int, int]] | None = None,
) -> list[CriterionResult]:
    """Every criterion's result, in definition order: the dossier criteria from their
    (numerator, denominator, lost codes), the others from `official` (numerator,
    denominator) where given, null otherwise. Scoring facts and scoring rollup counts
    both end here."""
    results: list[CriterionResult] = []
    for criterion in CRITERIA:
        if criterion.computed_from == Source.DOSSIERS:
            num, den, lost = dossier_ratios.get(criterion.code, (0, 0, []))
            results.append(ratio_result(criterion, num, den, lost))
        elif official and criterion.code in official:
            num, den = official[criterion.code]
            results.append(ratio_result(criterion, num, den, []))
        else:
            results.append(CriterionResult(criterion, None, None, None, None, ()))
    return results


def assemble(
    period: Period, results: Iterable[CriterionResult], *, dossiers: int = 0
) -> IndexResult:
    """Groups and total from criterion results (sums of unrounded computable scores)."""
    criteria = tuple(results)
    groups: list[GroupResult] = []
    for group in GROUPS:
        members = [r for r in criteria if r.criterion.group == group.code and r.computable]
        if members:
            exact = sum((_exact(r) for r in members), Fraction(0))
            groups.append(
                GroupResult(
                    group.code,
                    sum(r.criterion.max for r in members),
                    to_decimal(exact),
                    exact,
                )
            )
        else:
            groups.append(GroupResult(group.code, 0, None))
    computable = [g for g in groups if g.exact_score is not None]
    exact_total = (
        sum((g.exact_score for g in computable if g.exact_score is not None), Fraction(0))
        if computable
        else None
    )
    total_score = to_decimal(exact_total) if exact_total is not None else None
    total_max = sum(g.max for g in groups)
    return IndexResult(
        period, criteria, tuple(groups), total_score, total_max, dossiers, {}, exact_total
    )


def _exact(r: CriterionResult) -> Fraction:
    if r.exact_score is not None:
        return r.exact_score
    assert r.score is not None  # noqa: S101 - type narrowing for mypy; no check relies on it
    return Fraction(r.score)
