"""Criteria the database computes from data other than dossier facts.

The dossier-based criteria are scored from dossier facts (`cchc.indices.formulas`); the
others (catalog publication, petitions, portal synchronisation, procedure-level payment...)
come from other apps' data. Each such criterion has one function here, registered by code,
that returns `(numerator, denominator)` for a period and a unit's subtree, or `None` when
the database has no data for it (the criterion then stays null, or takes the official
figure). Apps that own the data register their functions in their `AppConfig.ready()`,
so the index does not import every app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cchc.indices.periods import Period
    from cchc.units.models import Unit

DatabaseCriterion = Callable[["Period", "Unit | None"], "tuple[int, int] | None"]

_REGISTRY: dict[str, DatabaseCriterion] = {}


def register_database_criterion(code: str, fn: DatabaseCriterion) -> None:
    """Make `fn(period, unit)` the database's figure for criterion `code` (idempotent)."""
    from cchc.indices.definition import CRITERIA_BY_CODE, Source

    criterion = CRITERIA_BY_CODE.get(code)
    if criterion is None:
        raise ValueError(f"unknown criterion {code!r}")
    if criterion.computed_from == Source.DOSSIERS:
        raise ValueError(f"{code} is computed from dossier facts, not registered here")
    _REGISTRY[code] = fn


def registered_codes() -> tuple[str, ...]:
    return tuple(sorted(_REGISTRY))


def database_figures(*, period: Period, unit: Unit | None) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of every registered criterion the database has data for."""
    figures: dict[str, tuple[int, int]] = {}
    for code, fn in _REGISTRY.items():
        value = fn(period, unit)
        if value is not None:
            figures[code] = value
    return figures
