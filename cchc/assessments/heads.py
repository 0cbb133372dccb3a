"""Evaluation of heads of units on their unit's reform results (pure, transparent).

Score = Σ wᵢ·xᵢ / Σ wᵢ over the components that have data, each xᵢ a percent 0..100:
- index766: the unit's 766 index, total percent (QĐ 766/QĐ-TTg);
- par: the unit's finalised PAR score, percent of the framework's points;
- tasks: directive tasks done on time, percent;
- late: 100 − percent of the unit's finished steps that overran their quota (dossiers late
  attributed to the unit, cchc.dossiers step_overruns);
- satisfaction: the unit's SIPAS index.
A component without data is left out and the weights renormalised; the breakdown says so.

The four classification names are those of NĐ 90/2020/NĐ-CP (Điều 2, as amended by
NĐ 48/2023/NĐ-CP) for officials; the thresholds are configuration [I], not regulation.
Home Affairs reviews and confirms every result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

ZERO = Decimal(0)
HUNDRED = Decimal(100)

COMPONENTS: dict[str, str] = {
    "index766": "Bộ chỉ số 766 của đơn vị",
    "par": "Chỉ số cải cách hành chính (PAR)",
    "tasks": "Nhiệm vụ được giao hoàn thành đúng hạn",
    "late": "Hồ sơ không trễ hạn do đơn vị",
    "satisfaction": "Mức độ hài lòng (SIPAS)",
}

DEFAULT_WEIGHTS: dict[str, Decimal] = {
    "index766": Decimal(25),
    "par": Decimal(30),
    "tasks": Decimal(20),
    "late": Decimal(15),
    "satisfaction": Decimal(10),
}

EXCELLENT = "Hoàn thành xuất sắc nhiệm vụ"
GOOD = "Hoàn thành tốt nhiệm vụ"
DONE = "Hoàn thành nhiệm vụ"
NOT_DONE = "Không hoàn thành nhiệm vụ"

DEFAULT_THRESHOLDS: tuple[tuple[str, Decimal], ...] = (
    (EXCELLENT, Decimal(90)),
    (GOOD, Decimal(75)),
    (DONE, Decimal(50)),
    (NOT_DONE, ZERO),
)


def parse_weights(data: Mapping[str, Any]) -> dict[str, Decimal]:
    weights: dict[str, Decimal] = {}
    for key in COMPONENTS:
        raw = data.get(key, 0)
        try:
            w = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            raise ValidationError(
                {key: f"Trọng số “{raw}” không phải là số."}, code="weight"
            ) from None
        if not w.is_finite() or w < 0:
            raise ValidationError({key: "Trọng số phải là số không âm."}, code="weight")
        weights[key] = w
    unknown = set(data) - set(COMPONENTS)
    if unknown:
        raise ValidationError(f"Thành phần không có: {', '.join(sorted(unknown))}.", code="weight")
    if sum(weights.values()) <= 0:
        raise ValidationError("Tổng trọng số phải lớn hơn 0.", code="weight")
    return weights


@dataclass(frozen=True)
class Line:
    component: str
    title: str
    value: Decimal | None
    weight: Decimal
    effective_weight: Decimal  # share of the score, 0..1 (0 when no data)
    contribution: Decimal  # points of the final score


@dataclass(frozen=True)
class HeadResult:
    score: Decimal | None
    band: str | None
    lines: tuple[Line, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "score": None if self.score is None else str(self.score),
            "band": self.band,
            "lines": [
                {
                    "component": line.component,
                    "title": line.title,
                    "value": None if line.value is None else str(line.value),
                    "weight": str(line.weight),
                    "effective_weight": str(line.effective_weight),
                    "contribution": str(line.contribution),
                }
                for line in self.lines
            ],
        }


def classify(
    score: Decimal, thresholds: tuple[tuple[str, Decimal], ...] = DEFAULT_THRESHOLDS
) -> str:
    for name, minimum in sorted(thresholds, key=lambda t: t[1], reverse=True):
        if score >= minimum:
            return name
    return thresholds[-1][0]


def evaluate(
    values: Mapping[str, Decimal | None],
    weights: Mapping[str, Decimal] = DEFAULT_WEIGHTS,
    thresholds: tuple[tuple[str, Decimal], ...] = DEFAULT_THRESHOLDS,
) -> HeadResult:
    """The head's score (0..100), band and the line-by-line breakdown."""
    clean: dict[str, Decimal | None] = {}
    for key in COMPONENTS:
        v = values.get(key)
        clean[key] = None if v is None else min(max(Decimal(v), ZERO), HUNDRED)
    used = sum((weights.get(k, ZERO) for k, v in clean.items() if v is not None), ZERO)
    lines = []
    for key, title in COMPONENTS.items():
        w = weights.get(key, ZERO)
        v = clean[key]
        share = w / used if v is not None and used > 0 else ZERO
        lines.append(Line(key, title, v, w, share, share * v if v is not None else ZERO))
    if used == 0:
        return HeadResult(None, None, tuple(lines))
    score = sum((line.contribution for line in lines), ZERO)
    return HeadResult(score, classify(score, thresholds), tuple(lines))
