"""Reads for the 766 index: scoring the database or an interchange file."""

from __future__ import annotations

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
