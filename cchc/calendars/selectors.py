"""Reads: the working calendar and office hours that apply to a unit.

Caching. Exceptions are national and change a few times a year, but are read for
every deadline. The exception maps (and the per-year calendars built from them) are
kept in a process-wide cache keyed by a fingerprint of the table — (row count,
latest `updated_at`) — read with one cheap query per call. So a change made by any
process, through the service or not, and even a rolled-back test transaction, is
seen on the next call; the service also drops the cache explicitly. Office hours are
read fresh (one query). `calendar_for_unit` therefore costs 2 queries; to compute
many deadlines, get the calendar once (or use `calendars_for_units`) and reuse it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q

from cchc.calendars.models import CalendarException, CalendarExceptionKind, OfficeHours
from cchc.calendars.workdays import (
    OfficeHoursSpec,
    WorkCalendar,
    YearlyDates,
    official_dates,
)

if TYPE_CHECKING:
    from cchc.units.models import Unit

_lock = threading.Lock()
_cache: dict[str, object] = {}


def calendar_cache_clear() -> None:
    """Forget the cached exceptions (the service calls this on every change)."""
    with _lock:
        _cache.clear()


def _exception_days() -> tuple[YearlyDates, YearlyDates]:
    state = CalendarException.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    key = (state["n"], state["latest"])
    with _lock:
        cached = _cache.get("exceptions")
        if isinstance(cached, tuple) and cached[0] == key:
            return cached[1], cached[2]
    days_off: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    for day, kind, name in CalendarException.objects.values_list("date", "kind", "name"):
        (days_off if kind == CalendarExceptionKind.DAY_OFF else workdays)[day] = name

    def _year(year: int) -> tuple[dict[dt.date, str], dict[dt.date, str]]:
        return official_dates(year, day_off_exceptions=days_off, workday_exceptions=workdays)

    off = YearlyDates(lambda y: _year(y)[0])
    extra = YearlyDates(lambda y: _year(y)[1])
    with _lock:
        _cache["exceptions"] = (key, off, extra)
    return off, extra


def _applicable_hours(unit: Unit | None, rows: Iterable[OfficeHours]) -> OfficeHoursSpec:
    by_unit = {row.unit_id: row for row in rows}
    if unit is not None:
        # Nearest first: the unit itself, then its ancestors up to the root.
        for unit_id in reversed([*unit.ancestor_ids, unit.pk]):
            if unit_id in by_unit:
                return by_unit[unit_id].to_spec()
    if None in by_unit:
        return by_unit[None].to_spec()
    return OfficeHoursSpec()


def _lineage(unit: Unit | None) -> list[int]:
    return [] if unit is None else [*unit.ancestor_ids, unit.pk]


def office_hours_for_unit(*, unit: Unit | None = None) -> OfficeHoursSpec:
    """Office hours of `unit`: its own or nearest ancestor's row, else the default row,
    else the built-in defaults (07:30–11:30, 13:30–17:00, cut-off 16:30). One query."""
    rows = OfficeHours.objects.filter(Q(unit__isnull=True) | Q(unit_id__in=_lineage(unit)))
    return _applicable_hours(unit, rows)


def calendar_for_unit(*, unit: Unit | None = None) -> WorkCalendar:
    """The working calendar of `unit` (national days off + the unit's office hours)."""
    off, extra = _exception_days()
    return WorkCalendar(off, extra, hours=office_hours_for_unit(unit=unit))


def calendars_for_units(*, units: Iterable[Unit]) -> dict[int, WorkCalendar]:
    """Calendars for many units at once (2 queries in all), keyed by unit id."""
    units = list(units)
    off, extra = _exception_days()
    ids = {pk for unit in units for pk in _lineage(unit)}
    rows = list(OfficeHours.objects.filter(Q(unit__isnull=True) | Q(unit_id__in=ids)))
    return {
        unit.pk: WorkCalendar(off, extra, hours=_applicable_hours(unit, rows)) for unit in units
    }


def calendar_exception_list(*, year: int | None = None) -> list[CalendarException]:
    qs = CalendarException.objects.all()
    if year is not None:
        qs = qs.filter(date__year=year)
    return list(qs)


@dataclass(frozen=True)
class SpecialDay:
    date: dt.date
    name: str
    legal_basis: str  # empty when the day comes from the `holidays` package


@dataclass(frozen=True)
class YearOverview:
    year: int
    days_off: list[SpecialDay]  # weekdays that are not working days
    workdays: list[SpecialDay]  # weekend days that are working days (làm bù)
    hours: OfficeHoursSpec


def year_overview(*, year: int, unit: Unit | None = None) -> YearOverview:
    """Weekday days off and weekend working days of `year`, with names and legal bases.

    3 queries (exception fingerprint, office hours, this year's exceptions).
    """
    calendar = calendar_for_unit(unit=unit)
    bases = {e.date: e.legal_basis for e in calendar_exception_list(year=year)}
    return YearOverview(
        year=year,
        days_off=[
            SpecialDay(d, name, bases.get(d, "")) for d, name in calendar.days_off_in_year(year)
        ],
        workdays=[
            SpecialDay(d, name, bases.get(d, ""))
            for d, name in calendar.extra_workdays_in_year(year)
        ],
        hours=calendar.hours,
    )
