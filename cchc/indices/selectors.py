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
from cchc.indices.formulas import CriterionResult, DossierFacts, IndexResult, score
from cchc.indices.interchange import facts_from_database, read_csv
from cchc.indices.periods import Period, parse_period
from cchc.indices.sources import database_figures
from cchc.indices.whatif import Action as PlannedAction
from cchc.indices.whatif import Change, Projection, project, rank_actions
from cchc.units.models import Unit


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


def _rank_children(unit: Unit, facts: list[DossierFacts], period: Period) -> list[RankedUnit]:
    """The index of each child of `unit` from the subtree's facts (one query for the tree)."""
    children = list(Unit.objects.filter(parent=unit).order_by("code"))
    ranking: list[RankedUnit] = []
    if children:
        # The child holding a unit is the path segment right below `unit`.
        children_by_pk = {c.pk: c for c in children}
        below = len(unit.ancestor_ids)
        code_to_child: dict[str, Unit] = {}
        for code, path in Unit.objects.filter(path__startswith=unit.path).values_list(
            "code", "path"
        ):
            ids = [int(p) for p in path.strip("/").split("/") if p]
            if len(ids) > below and ids[below] in children_by_pk:
                code_to_child[code] = children_by_pk[ids[below]]
        by_child: dict[int, list[DossierFacts]] = {c.pk: [] for c in children}
        for f in facts:
            child = code_to_child.get(f.unit_code)
            if child is not None:
                by_child[child.pk].append(f)
        ranking = [RankedUnit(c, score(by_child[c.pk], period)) for c in children]
        ranking.sort(key=lambda r: (r.percent is None, -(r.percent or 0), r.unit.code))
    return ranking


def index_dashboard(*, user: User, unit: Unit, period: Period) -> Dashboard:
    """Everything the leader dashboard shows, in three queries.

    The dossier facts of the unit's subtree are read once, for the period and the months
    of its year; each figure then scores the rows it concerns (facts are snapshots, so a
    subset of the rows is exactly what a narrower read would return).
    """
    require(user, Action.INDEX_VIEW, unit)
    months = _month_periods(period)
    first = min(period.first_day, months[0].first_day)
    last = max(period.last_day, months[-1].last_day)
    wide = Period(first, last, f"{first}..{last}")
    facts = list(facts_from_database(period=wide, unit=unit))
    result = score(facts, period)
    ranking = _rank_children(unit, facts, period)
    trend = []
    for m in months:
        r = score(facts, m)
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
    """The unit's index before and after `changes`, and the actions ranked (one query)."""
    require(user, Action.INDEX_VIEW, unit)
    facts = list(facts_from_database(period=period, unit=unit))
    return project(facts, period, changes), rank_actions(facts, period)


# --- Public scoreboard ------------------------------------------------------------------


def index_public_roots() -> list[Unit]:
    """Units a visitor may pick on the public scoreboard: the top of the tree."""
    return list(Unit.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("code"))


def index_public_scoreboard(*, unit: Unit, period: Period) -> list[RankedUnit]:
    """Public (no login): each child unit's on-time rate and index. Aggregates only —
    no dossier codes, no names of applicants (two queries)."""
    facts = list(facts_from_database(period=period, unit=unit))
    return _rank_children(unit, facts, period)
