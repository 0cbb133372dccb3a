"""Reads for the 766 index: scoring the database or an interchange file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError

from cchc.accounts.models import User
from cchc.accounts.permissions import Action, require, units_in_scope
from cchc.indices.definition import CRITERIA_BY_CODE, band_for
from cchc.indices.formulas import CriterionResult, IndexResult, score
from cchc.indices.interchange import facts_from_database, read_csv
from cchc.indices.periods import Period, parse_period
from cchc.indices.sources import database_figures, database_figures_many
from cchc.indices.stats_rollups import (
    counts_by_unit_from_rollups,
    counts_from_rollups,
    month_counts,
    result_from_counts,
)
from cchc.indices.whatif import Action as PlannedAction
from cchc.indices.whatif import Change, Projection, project, rank_actions
from cchc.units.models import Unit
from cchc.units.selectors import unit_children_holding


def unit_get_by_code(*, code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ValidationError(f"Không có đơn vị mã “{code}”.", code="unit_not_found")
    return unit


def index_for_database(
    *, period: Period, unit: Unit | None = None, procedure_code: str | None = None
) -> IndexResult:
    """The index of the dossiers received in `period` by `unit`'s subtree (by the tree),
    with the criteria the database computes from its other data (`cchc.indices.sources`)."""
    return score(
        facts_from_database(period=period, unit=unit),
        period,
        procedure_code=procedure_code,
        official=database_figures(period=period, unit=unit) if procedure_code is None else None,
    )


def index_for_file(
    *, path: str | Path, period: Period, unit: str | None = None, procedure_code: str | None = None
) -> IndexResult:
    """The index of an interchange file; `unit` is a code (the code prefix rule). No queries."""
    return score(read_csv(path), period, unit=unit, procedure_code=procedure_code)


@dataclass(frozen=True)
class ComparisonRow:
    code: str
    max: int
    computed: Decimal | None  # unrounded
    official: Decimal | None
    official_source: str
    computed_from: str = ""  # definition.Source: dossiers, database or official
    computed_at_import: Decimal | None = None  # ours, stored when the official was imported

    @property
    def difference(self) -> Decimal | None:
        """Computed − official, when both exist."""
        if self.computed is None or self.official is None:
            return None
        return self.computed - self.official


def index_comparison(*, period: Period, unit: Unit) -> tuple[IndexResult, list[ComparisonRow]]:
    """Our score beside the official one, criterion by criterion (two queries)."""
    from cchc.indices.models import OfficialScore

    result = index_for_database(period=period, unit=unit)
    official = {
        o.criterion: o
        for o in OfficialScore.objects.filter(
            unit=unit, first_day=period.first_day, last_day=period.last_day
        )
    }
    rows = []
    for c in result.criteria:
        o = official.get(c.code)
        rows.append(
            ComparisonRow(
                code=c.code,
                max=c.criterion.max,
                computed=c.score,
                official=o.score if o is not None else None,
                official_source=o.source if o is not None else "",
                computed_from=str(c.criterion.computed_from),
                computed_at_import=o.computed_score if o is not None else None,
            )
        )
    return result, rows


# --- Leader dashboard -------------------------------------------------------------------


@dataclass(frozen=True)
class RankedUnit:
    unit: Unit
    result: IndexResult

    @property
    def percent(self) -> Decimal | None:
        return self.result.percent

    @property
    def band(self) -> str | None:
        p = self.result.percent
        return band_for(p) if p is not None else None

    @property
    def on_time_rate(self) -> Decimal | None:
        return self.result.criterion("DOSSIER_ON_TIME").rate


@dataclass(frozen=True)
class MonthPoint:
    period: Period
    percent: Decimal | None
    score: Decimal | None
    max: int


@dataclass(frozen=True)
class Dashboard:
    unit: Unit
    result: IndexResult
    ranking: list[RankedUnit]  # the unit's children, best first (no data last)
    trend: list[MonthPoint]  # the months of the period's year up to its last month

    @property
    def band(self) -> str | None:
        p = self.result.percent
        return band_for(p) if p is not None else None

    @property
    def losses(self) -> list[CriterionResult]:
        """Computable criteria that lost points, most points lost first."""
        lost = [c for c in self.result.criteria if c.points_lost]
        return sorted(lost, key=lambda c: c.points_lost or 0, reverse=True)


def index_units_for_user(*, user: User) -> list[Unit]:
    """Units whose index `user` may view (INDEX_VIEW), top of the tree first."""
    return list(units_in_scope(user, Action.INDEX_VIEW).order_by("depth", "path"))


def _month_periods(period: Period) -> list[Period]:
    year, last_month = period.last_day.year, period.last_day.month
    return [parse_period(f"{year}-{m:02d}") for m in range(1, last_month + 1)]


def _ranked(ranking: list[RankedUnit]) -> list[RankedUnit]:
    return sorted(ranking, key=lambda r: (r.percent is None, -(r.percent or 0), r.unit.code))


def _rank_children(
    unit: Unit,
    period: Period,
    figures: dict[int, dict[str, tuple[int, int]]] | None = None,
    children: tuple[list[Unit], dict[int, Unit]] | None = None,
) -> list[RankedUnit]:
    """The index of each child of `unit` from the rollups (one aggregate query grouped by
    receiving unit, two for the tree); `figures` gives each child's database criteria."""
    children_list, holder = children or unit_children_holding(unit=unit)
    if not children_list:
        return []
    per_unit = counts_by_unit_from_rollups(period=period, unit=unit)
    summed: dict[int, dict[str, int]] = {c.pk: {} for c in children_list}
    for unit_id, counts in per_unit.items():
        child = holder.get(unit_id)
        if child is None:
            continue  # received by `unit` itself, not by a child's subtree
        total = summed[child.pk]
        for name, value in counts.items():
            total[name] = total.get(name, 0) + value
    return _ranked(
        [
            RankedUnit(
                c,
                result_from_counts(period, summed[c.pk], official=(figures or {}).get(c.pk)),
            )
            for c in children_list
        ]
    )


def index_dashboard(*, user: User, unit: Unit, period: Period) -> Dashboard:
    """Everything the leader dashboard shows, from the rollups (decision 0007), in a fixed
    number of queries whatever the number of dossiers, children or months.

    Headline: the period's cells (or the day rollups for a date range) of the unit's
    subtree plus the criteria the database computes from its other data; ranking: the
    same cells grouped by receiving unit, summed per child; trend: each month of the
    period's year up to its last month, judged at the month's end. The database criteria
    of the unit, its children and the months are read in one batch. The click-through to
    the lost dossiers (`index_lost_dossiers`) reads the dossiers themselves.
    """
    require(user, Action.INDEX_VIEW, unit)
    months = _month_periods(period)
    children = unit_children_holding(unit=unit)
    requests: list[tuple[Period, Unit | None]] = [(period, unit)]
    requests += [(period, c) for c in children[0]]
    requests += [(m, unit) for m in months]
    figures = database_figures_many(requests)
    own, by_child = figures[0], figures[1 : 1 + len(children[0])]
    by_month = figures[1 + len(children[0]) :]
    result = result_from_counts(period, counts_from_rollups(period=period, unit=unit), official=own)
    ranking = _rank_children(
        unit,
        period,
        {c.pk: f for c, f in zip(children[0], by_child, strict=True)},
        children,
    )
    counts = month_counts(months=months, unit=unit)
    trend = []
    for m, f in zip(months, by_month, strict=True):
        r = result_from_counts(m, counts[m.first_day], official=f)
        trend.append(MonthPoint(m, r.percent, r.total_score, r.total_max))
    return Dashboard(unit=unit, result=result, ranking=ranking, trend=trend)


@dataclass(frozen=True)
class LostDossier:
    code: str
    procedure_code: str
    unit_code: str
    received_at: dt.datetime
    due_at: dt.datetime
    finished_at: dt.datetime | None
    final_status: str


def index_lost_dossiers(
    *, user: User, unit: Unit, period: Period, criterion: str
) -> tuple[CriterionResult, list[LostDossier]]:
    """The dossiers that cost `criterion` its points (the dashboard's click-through)."""
    require(user, Action.INDEX_VIEW, unit)
    if criterion not in CRITERIA_BY_CODE:
        raise ValidationError(f"Không có tiêu chí “{criterion}”.", code="criterion")
    facts = list(facts_from_database(period=period, unit=unit))
    result = score(facts, period).criterion(criterion)
    lost = set(result.lost)
    rows = [
        LostDossier(
            f.code,
            f.procedure_code,
            f.unit_code,
            f.received_at,
            f.due_at,
            f.finished_at,
            f.final_status,
        )
        for f in facts
        if f.code in lost
    ]
    return result, rows


# --- What-if planner --------------------------------------------------------------------


def index_whatif(
    *, user: User, unit: Unit, period: Period, changes: list[Change]
) -> tuple[Projection, list[PlannedAction]]:
    """The unit's index before and after `changes` (with the database criteria, which
    dossier changes leave as they are), and the actions ranked."""
    require(user, Action.INDEX_VIEW, unit)
    facts = list(facts_from_database(period=period, unit=unit))
    official = database_figures(period=period, unit=unit)
    return project(facts, period, changes, official=official), rank_actions(facts, period)


# --- Public scoreboard ------------------------------------------------------------------


def index_public_roots() -> list[Unit]:
    """Units a visitor may pick on the public scoreboard: the top of the tree."""
    return list(Unit.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("code"))


def index_public_scoreboard(*, unit: Unit, period: Period) -> list[RankedUnit]:
    """Public (no login): each child unit's on-time rate and index. Aggregates only —
    no dossier codes, no names of applicants (from the rollups, a fixed number of
    queries)."""
    children = unit_children_holding(unit=unit)
    figures = database_figures_many([(period, c) for c in children[0]])
    return _rank_children(
        unit, period, {c.pk: f for c, f in zip(children[0], figures, strict=True)}, children
    )
