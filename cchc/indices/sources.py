"""Criteria the database computes from data other than dossier facts.

The dossier-based criteria are scored from dossier facts (`cchc.indices.formulas`); the
others (catalog publication, petitions, portal synchronisation, procedure-level payment...)
come from other apps' data. Each such criterion has one function here, registered by code,
that returns `(numerator, denominator)` for a period and a unit's subtree, or `None` when
the database has no data for it (the criterion then stays null, or takes the official
figure). Apps that own the data register their functions in their `AppConfig.ready()`,
so the index does not import every app.

A module that can answer many (period, unit) requests from one read may also register a
batch function (`register_database_batch`); the dashboard asks for a unit, its children
and the months of the year at once (`database_figures_many`), so it costs a fixed number
of queries instead of one round per child and month.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cchc.indices.periods import Period
    from cchc.units.models import Unit

DatabaseCriterion = Callable[["Period", "Unit | None"], "tuple[int, int] | None"]
Request = tuple["Period", "Unit | None"]
DatabaseBatch = Callable[[Sequence[Request]], "list[dict[str, tuple[int, int]]]"]

_REGISTRY: dict[str, DatabaseCriterion] = {}
_BATCHES: list[tuple[tuple[str, ...], DatabaseBatch]] = []


def register_database_criterion(code: str, fn: DatabaseCriterion) -> None:
    """Make `fn(period, unit)` the database's figure for criterion `code` (idempotent)."""
    from cchc.indices.definition import CRITERIA_BY_CODE, Source

    criterion = CRITERIA_BY_CODE.get(code)
    if criterion is None:
        raise ValueError(f"unknown criterion {code!r}")
    if criterion.computed_from == Source.DOSSIERS:
        raise ValueError(f"{code} is computed from dossier facts, not registered here")
    _REGISTRY[code] = fn


def register_database_batch(codes: Sequence[str], fn: DatabaseBatch) -> None:
    """`fn(requests)` answers criteria `codes` (each registered one by one too) for many
    (period, unit) requests at once: a list of {code: (numerator, denominator)}."""
    codes = tuple(codes)
    missing = set(codes) - set(_REGISTRY)
    if missing:
        raise ValueError(f"register {sorted(missing)} with register_database_criterion first")
    if not any(existing is fn for _, existing in _BATCHES):
        _BATCHES.append((codes, fn))


def unbatched_codes() -> tuple[str, ...]:
    """Registered criteria with no batch function: `database_figures_many` calls them
    once per request (the dashboard's query count grows with its requests for them)."""
    batched = {code for codes, _ in _BATCHES for code in codes}
    return tuple(sorted(set(_REGISTRY) - batched))


def registered_codes() -> tuple[str, ...]:
    return tuple(sorted(_REGISTRY))


def database_figures(*, period: Period, unit: Unit | None) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of every registered criterion the database has data for."""
    return database_figures_many([(period, unit)])[0]


def database_figures_many(requests: Sequence[Request]) -> list[dict[str, tuple[int, int]]]:
    """`database_figures` for each (period, unit) request, through the batch functions
    where registered (one read for all requests) and one call per request otherwise."""
    out: list[dict[str, tuple[int, int]]] = [{} for _ in requests]
    batched: set[str] = set()
    for codes, fn in _BATCHES:
        for figures, answer in zip(out, fn(requests), strict=True):
            figures.update({code: answer[code] for code in codes if answer.get(code) is not None})
        batched.update(codes)
    for code, single in _REGISTRY.items():
        if code in batched:
            continue
        for figures, (period, unit) in zip(out, requests, strict=True):
            value = single(period, unit)
            if value is not None:
                figures[code] = value
    return out
