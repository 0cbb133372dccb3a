"""Reads for the 766 index: scoring the database or an interchange file."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError

from cchc.indices.formulas import IndexResult, score
from cchc.indices.interchange import facts_from_database, read_csv
from cchc.indices.periods import Period
from cchc.units.models import Unit


def unit_get_by_code(*, code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ValidationError(f"Không có đơn vị mã “{code}”.", code="unit_not_found")
    return unit


def index_for_database(
    *, period: Period, unit: Unit | None = None, procedure_code: str | None = None
) -> IndexResult:
    """The index of the dossiers received in `period` by `unit`'s subtree (by the tree)."""
    return score(
        facts_from_database(period=period, unit=unit), period, procedure_code=procedure_code
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
