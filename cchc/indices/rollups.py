"""Rollups of the dossier-based 766 criteria: counts per receiving unit × procedure × day.

Each dossier falls in one row of `IndexRollup` by its receiving unit, procedure and day
received, and by the handful of facts the contract's formulas ask of it; a period's
index is then one aggregate query. The split is exact, not an approximation, because
every time comparison the contract makes against the period end T (23:59:59 of its last
day T_day) is a comparison of days once times are truncated to the second:

- "finished_at (or waiting_supplement_since) ≤ T" ⇔ its day ≤ T_day → `end_day`;
- then on time ⇔ that end ≤ due_at, a fact of the dossier alone → `ended_on_time`;
- otherwise E = T and on time ⇔ T ≤ due_at ⇔ T_day ≤ `due_key`, the last day whose
  23:59:59 is still on or before due_at.

`rollup_refresh_bucket` recomputes one (unit, procedure, day) bucket from the dossier
projections; it runs after every dossier event (the dossiers' `ON_COMMIT_HOOKS`) and
inside the interchange import. `rollup_rebuild` recomputes everything and `rollup_check`
lists every difference between the table and a recomputation.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum

from cchc.indices.formulas import (
    WITH_RESULT,
    DossierFacts,
    IndexResult,
)
from cchc.indices.interchange import facts_from_queryset, local_tz, period_bounds
from cchc.indices.models import IndexRollup
from cchc.indices.periods import Period

logger = logging.getLogger(__name__)
LAST_SECOND = dt.time(23, 59, 59)


@dataclass(frozen=True)
class RollupKey:
    unit_code: str
    procedure_code: str
    received_day: dt.date
    end_day: dt.date | None
    ended_on_time: bool
    due_key: dt.date
    multi_supplement: bool
    with_result: bool
    online_eligible: bool
    online: bool
    result_paper: bool
    result_electronic: bool
    digitized: bool
    reused: bool
    fee_required: bool
    paid_online: bool
    unhappy: bool


FLAG_FIELDS = tuple(RollupKey.__dataclass_fields__)[3:]


def rollup_key(f: DossierFacts) -> RollupKey:
    """Pure: the row a dossier counts in (snapshots never have both end times set)."""
    end = f.finished_at if f.finished_at is not None else f.waiting_supplement_since
    due_day = f.due_at.date()
    return RollupKey(
        unit_code=f.unit_code,
        procedure_code=f.procedure_code,
        received_day=f.received_at.date(),
        end_day=end.date() if end is not None else None,
        ended_on_time=end is not None and end <= f.due_at,
        due_key=due_day if f.due_at.time() >= LAST_SECOND else due_day - dt.timedelta(days=1),
        multi_supplement=f.supplement_requests > 1,
        with_result=f.final_status in WITH_RESULT and f.finished_at is not None,
        online_eligible=f.online_eligible,
        online=f.channel == "online",
        result_paper=f.result_paper,
        result_electronic=f.result_electronic,
        digitized=f.components_digitized,
        reused=f.reused_data,
        fee_required=f.fee_required,
        paid_online=f.paid_online,
        unhappy=f.rating == "dissatisfied" or f.complaint,
    )


def rollup_counts(facts: Iterable[DossierFacts]) -> Counter[RollupKey]:
    return Counter(rollup_key(f) for f in facts)


# --- Storage ----------------------------------------------------------------------------


def _unit_ids(codes: Iterable[str]) -> dict[str, int]:
    from cchc.units.models import Unit

    return dict(Unit.objects.filter(code__in=set(codes)).values_list("code", "pk"))


def _rows(counts: Counter[RollupKey], unit_ids: dict[str, int]) -> list[IndexRollup]:
    return [
        IndexRollup(
            unit_id=unit_ids[k.unit_code],
            procedure_code=k.procedure_code,
            received_day=k.received_day,
            **{name: getattr(k, name) for name in FLAG_FIELDS},
            count=n,
        )
        for k, n in counts.items()
    ]


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return period_bounds(Period(day, day, str(day)))


@transaction.atomic
def rollup_refresh_bucket(*, unit_id: int, procedure_code: str, day: dt.date) -> None:
    """Recompute the rows of one receiving unit, procedure and day received."""
    from cchc.dossiers.models import Dossier

    start, end = _day_bounds(day)
    qs = Dossier.objects.filter(
        receiving_unit_id=unit_id,
        procedure_version__procedure__code=procedure_code,
        received_at__gte=start,
        received_at__lt=end,
    )
    counts = rollup_counts(facts_from_queryset(qs))
    IndexRollup.objects.filter(
        unit_id=unit_id, procedure_code=procedure_code, received_day=day
    ).delete()
    codes = {k.unit_code for k in counts}
    IndexRollup.objects.bulk_create(_rows(counts, _unit_ids(codes)))


def rollup_refresh_dossier(*, dossier_id: int) -> None:
    from cchc.dossiers.models import Dossier

    row = (
        Dossier.objects.filter(pk=dossier_id)
        .values_list("receiving_unit_id", "procedure_version__procedure__code", "received_at")
        .first()
    )
    if row is None:
        return
    unit_id, procedure_code, received_at = row
    day = received_at.astimezone(local_tz()).date()
    rollup_refresh_bucket(unit_id=unit_id, procedure_code=procedure_code, day=day)


def on_dossier_committed(dossier_id: int, action: str) -> None:
    """After-commit hook of the dossier services: keep the dossier's bucket current.

    A failure here must not hide the dossier's own success; it is logged, and
    `cchc stats check` reports the stale bucket until `cchc stats rebuild` runs.
    """
    try:
        rollup_refresh_dossier(dossier_id=dossier_id)
    except Exception:  # pragma: no cover - logged, detected by `stats check`
        logger.exception("index rollup refresh failed for dossier %s (%s)", dossier_id, action)


def _expected() -> Counter[RollupKey]:
    from cchc.dossiers.models import Dossier

    return rollup_counts(facts_from_queryset(Dossier.objects.all()))


def _stored() -> Counter[RollupKey]:
    counts: Counter[RollupKey] = Counter()
    fields = ("unit__code", "procedure_code", "received_day", *FLAG_FIELDS, "count")
    for values in IndexRollup.objects.values_list(*fields).iterator(chunk_size=5000):
        counts[RollupKey(*values[:-1])] += values[-1]
    return counts


@transaction.atomic
def rollup_rebuild() -> int:
    """Recompute every rollup row from the dossiers; returns the number of rows."""
    counts = _expected()
    IndexRollup.objects.all().delete()
    rows = _rows(counts, _unit_ids(k.unit_code for k in counts))
    IndexRollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def rollup_check() -> list[str]:
    """Every difference between the stored rollups and a recomputation (empty = equal)."""
    expected, stored = _expected(), _stored()
    problems = []
    for key in sorted(set(expected) | set(stored), key=lambda k: repr(k)):
        if expected[key] != stored[key]:
            problems.append(
                f"{key.unit_code} / {key.procedure_code} / {key.received_day:%d/%m/%Y}: "
                f"lưu {stored[key]}, tính lại {expected[key]} hồ sơ"
                f" ({', '.join(f'{n}={v}' for n, v in zip(FLAG_FIELDS, astuple(key)[3:], strict=True))})"
            )
    return problems


# --- Reading the index from rollups -----------------------------------------------------


def _day_rows(period: Period, unit: Any, procedure_code: str | None) -> tuple[Any, dict[str, Any]]:
    """The rows of the period and the filtered sums giving the period cells' counts
    (`stats_models.COUNT_FIELDS`)."""
    t = period.last_day
    qs = IndexRollup.objects.filter(received_day__gte=period.first_day, received_day__lte=t)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if procedure_code is not None:
        qs = qs.filter(procedure_code=procedure_code)
    ended = Q(end_day__isnull=False, end_day__lte=t)
    open_at_t = Q(end_day__isnull=True) | Q(end_day__gt=t)
    on_time = Q(multi_supplement=False) & (
        (ended & Q(ended_on_time=True)) | (open_at_t & Q(due_key__gte=t))
    )
    with_result = Q(with_result=True) & ended
    sums = {
        "received": None,
        "on_time": on_time,
        "online_eligible": Q(online_eligible=True),
        "online": Q(online_eligible=True, online=True),
        "with_result": with_result,
        "paper": with_result & Q(result_paper=True),
        "paper_electronic": with_result & Q(result_paper=True, result_electronic=True),
        "digitized_electronic": with_result & Q(digitized=True, result_electronic=True),
        "reused": Q(reused=True),
        "fee_required": Q(fee_required=True),
        "paid_online": Q(fee_required=True, paid_online=True),
        "satisfied": on_time & Q(unhappy=False),
    }
    # Aliases prefixed: an aggregate may not share a name with a field.
    return qs, {
        f"n_{name}": Sum("count", filter=q) if q is not None else Sum("count")
        for name, q in sums.items()
    }


def _counts(row: dict[str, Any]) -> dict[str, int]:
    return {key[2:]: int(value or 0) for key, value in row.items() if key.startswith("n_")}


def day_counts(
    *, period: Period, unit: Any = None, procedure_code: str | None = None
) -> dict[str, int]:
    """Counts of the dossier criteria for any day range, in one aggregate query."""
    qs, sums = _day_rows(period, unit, procedure_code)
    return _counts(qs.aggregate(**sums))


def day_counts_by_unit(*, period: Period, unit: Any = None) -> dict[int, dict[str, int]]:
    """`day_counts` per receiving unit id, in one query."""
    qs, sums = _day_rows(period, unit, None)
    return {row["unit_id"]: _counts(row) for row in qs.values("unit_id").annotate(**sums)}


def index_from_rollups(
    *,
    period: Period,
    unit: Any = None,
    procedure_code: str | None = None,
    official: dict[str, tuple[int, int]] | None = None,
) -> IndexResult:
    """The dossier-based index of `unit`'s subtree (by the tree) in one aggregate query.

    Equal to scoring the facts (`formulas.score` over `facts_from_database`), without the
    lost-dossier lists; `official` adds the other criteria's figures.
    """
    from cchc.indices.stats_rollups import result_from_counts

    n = day_counts(period=period, unit=unit, procedure_code=procedure_code)
    return result_from_counts(period, n, official=official)
