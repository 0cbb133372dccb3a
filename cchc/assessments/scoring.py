"""Pure scoring rules of the PAR assessment: rates to points, totals, bands, ranking,
comparison with earlier years and the weakest criteria across units.

Conventions (documented for Home Affairs):
- A computed criterion gets ``max × min(1, rate / threshold)`` points (threshold 1 unless the
  framework says otherwise), the same shape as the 766 portal formulas.
- Area score = sum of its leaves' final scores (a missing score counts 0); total = sum of areas.
- The index is reported as a percent of the points available (total / max × 100), so a year
  whose framework has 95 points and one with 100 compare (Hà Nội's practice: without the
  sociological survey the appraised score is rescaled to 100).
- Bands are configurable; the defaults below are our reading [I], not a regulation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from cchc.assessments.framework import FrameworkDef

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


def round2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def points_from_rate(rate: Decimal, maximum: Decimal, threshold: Decimal = ONE) -> Decimal:
    """Points for a rate in [0, 1]: full points at `threshold`, proportional below it."""
    if threshold <= 0:
        raise ValueError("threshold must be positive")
    rate = min(max(rate, ZERO), ONE)
    return maximum * min(ONE, rate / threshold)


def check_points(value: Decimal | None, maximum: Decimal, *, field: str = "score") -> Decimal:
    """A score entered by a person: a number between 0 and the criterion's maximum."""
    if value is None:
        raise ValidationError({field: "Vui lòng nhập điểm."}, code="required")
    if not value.is_finite() or value < 0 or value > maximum:
        raise ValidationError(
            {field: f"Điểm phải nằm trong khoảng từ 0 đến {maximum}."}, code="out_of_range"
        )
    return value


@dataclass(frozen=True)
class AreaScore:
    code: str
    title: str
    score: Decimal
    max_points: Decimal

    @property
    def percent(self) -> Decimal:
        return self.score * HUNDRED / self.max_points if self.max_points else ZERO


@dataclass(frozen=True)
class TotalScore:
    areas: tuple[AreaScore, ...]
    score: Decimal
    max_points: Decimal

    @property
    def percent(self) -> Decimal:
        return self.score * HUNDRED / self.max_points if self.max_points else ZERO


def total_score(framework: FrameworkDef, scores: Mapping[str, Decimal | None]) -> TotalScore:
    """Scores per area and in total from the leaf criteria's scores (code → points)."""
    areas = []
    for area in framework.areas:
        got = ZERO
        for a, leaf in framework.leaves():
            if a.code == area.code:
                value = scores.get(leaf.code)
                if value is not None:
                    got += min(max(value, ZERO), leaf.max_points)
        areas.append(AreaScore(area.code, area.title, got, area.max_points))
    total = sum((a.score for a in areas), ZERO)
    return TotalScore(tuple(areas), total, framework.max_points)


# --- Bands ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    name: str
    min_percent: Decimal


PAR_BANDS: tuple[Band, ...] = (
    Band("Xuất sắc", Decimal(90)),
    Band("Tốt", Decimal(80)),
    Band("Khá", Decimal(65)),
    Band("Trung bình", Decimal(50)),
    Band("Yếu", ZERO),
)


def band_for(percent: Decimal, bands: Sequence[Band] = PAR_BANDS) -> str:
    """The first band (highest threshold first) whose threshold the percent reaches."""
    for band in sorted(bands, key=lambda b: b.min_percent, reverse=True):
        if percent >= band.min_percent:
            return band.name
    return sorted(bands, key=lambda b: b.min_percent)[0].name


def parse_bands(data: Iterable[Mapping[str, object]]) -> tuple[Band, ...]:
    bands = tuple(Band(str(b["name"]), Decimal(str(b["min"]))) for b in data)
    if not bands or min(b.min_percent for b in bands) != 0:
        raise ValidationError("Thang xếp loại phải có một mức bắt đầu từ 0.", code="bands")
    return bands


# --- Ranking and comparison ----------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    key: str
    percent: Decimal
    rank: int
    band: str


def rank(rows: Iterable[tuple[str, Decimal]], bands: Sequence[Band] = PAR_BANDS) -> list[Ranked]:
    """Standard competition ranking (1, 2, 2, 4) by percent, ties ordered by key."""
    ordered = sorted(rows, key=lambda r: (-r[1], r[0]))
    out: list[Ranked] = []
    for i, (key, percent) in enumerate(ordered):
        position = out[-1].rank if out and out[-1].percent == percent else i + 1
        out.append(Ranked(key, percent, position, band_for(percent, bands)))
    return out


@dataclass(frozen=True)
class YearPoint:
    year: int
    percent: Decimal
    change: Decimal | None  # against the previous year present


def compare_years(points: Mapping[int, Decimal]) -> list[YearPoint]:
    out: list[YearPoint] = []
    for year in sorted(points):
        previous = out[-1].percent if out else None
        value = points[year]
        out.append(YearPoint(year, value, None if previous is None else value - previous))
    return out


# --- Weakest criteria ("tồn tại, hạn chế") -----------------------------------------


@dataclass(frozen=True)
class Weakness:
    criterion: str
    attainment: Decimal  # mean of score / max over the units that were scored, 0..1
    units: int  # units scored
    weak_units: tuple[str, ...]  # units below the threshold, weakest first


def weakest(
    results: Mapping[str, Mapping[str, tuple[Decimal, Decimal]]],
    *,
    threshold: Decimal = Decimal("0.5"),
    limit: int = 10,
) -> list[Weakness]:
    """Criteria with the lowest mean attainment across units.

    `results`: unit key → criterion code → (score, max). Criteria with max 0 are ignored.
    """
    per_criterion: dict[str, list[tuple[Decimal, str]]] = defaultdict(list)
    for unit, criteria in results.items():
        for code, (score, maximum) in criteria.items():
            if maximum > 0:
                per_criterion[code].append((min(max(score, ZERO), maximum) / maximum, unit))
    out = []
    for code, values in per_criterion.items():
        mean = sum((v for v, _ in values), ZERO) / len(values)
        weak = tuple(u for v, u in sorted(values) if v < threshold)
        out.append(Weakness(code, mean, len(values), weak))
    out.sort(key=lambda w: (w.attainment, w.criterion))
    return out[:limit]
