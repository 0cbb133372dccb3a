"""Working-day arithmetic: the one place in CCHC where deadlines are computed.

Pure domain module (no Django ORM). The rules, and why (see docs/decisions/0002):

- Working days are Monday–Friday, minus official days off (Bộ luật Lao động 2019
  Art. 112 and the yearly Thông báo of Bộ Nội vụ on swaps) and plus swapped
  Saturdays (làm bù). The `holidays` package supplies the official calendar; an
  admin-editable exception table (CalendarException) overrides it.
- The receipt day is never counted: a period in days starts on the day after the
  day it is counted from (Bộ luật Dân sự 2015 Art. 147(2)). So N working days run
  from the opening of the first working day after the (deemed) receipt day.
- A dossier received on a non-working day, or after the unit's receipt cut-off, is
  deemed received at the opening of the next working day. A plain date (no time)
  means "during office hours" of that day.
- A due date-time is the END of office hours of the due day (applicant-friendly).
- Calendar days: N calendar days after the deemed receipt day; if that last day is
  not a working day, the period ends at the end of the next working day
  (Bộ luật Dân sự 2015 Art. 148(5)).
- Working hours run through office hours from the deemed receipt time
  (Bộ luật Dân sự 2015 Art. 147(1): periods in hours start at the stated moment).

All datetimes returned are timezone-aware in the calendar's zone; naive inputs are
read as local wall-clock time in that zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
_ONE_DAY = dt.timedelta(days=1)
_US = 1_000_000  # microseconds per second


class TimeUnit(StrEnum):
    """How a statutory time limit is expressed (a procedure's `processing_time_unit`)."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    WORKING_HOURS = "working_hours"


@dataclass(frozen=True)
class OfficeHoursSpec:
    """Office hours of one unit. Defaults: 07:30–11:30, 13:30–17:00, receipt cut-off 16:30.

    The defaults follow the usual working hours of provincial one-stop centres; every
    unit may set its own (OfficeHours table, nearest ancestor wins).
    """

    morning_start: dt.time = dt.time(7, 30)
    morning_end: dt.time = dt.time(11, 30)
    afternoon_start: dt.time = dt.time(13, 30)
    afternoon_end: dt.time = dt.time(17, 0)
    receipt_cutoff: dt.time = dt.time(16, 30)

    def __post_init__(self) -> None:
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValueError(
                "office hours must be ordered: morning start < end <= afternoon start < end"
            )
        if not (self.morning_start <= self.receipt_cutoff <= self.afternoon_end):
            raise ValueError("the receipt cut-off must lie within office hours")

    @property
    def periods(self) -> tuple[tuple[dt.time, dt.time], tuple[dt.time, dt.time]]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))

    @property
    def day_length(self) -> dt.timedelta:
        """Length of one working day (7.5 hours with the defaults)."""
        total = dt.timedelta()
        for start, end in self.periods:
            total += _seconds(end) - _seconds(start)
        return total

    @property
    def opening(self) -> dt.time:
        return self.morning_start

    @property
    def closing(self) -> dt.time:
        return self.afternoon_end


def _seconds(t: dt.time) -> dt.timedelta:
    return dt.timedelta(
        hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond
    )


def _to_us(delta: dt.timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * _US + delta.microseconds


# --- The official calendar (holidays package) -------------------------------------------


@lru_cache(maxsize=64)
def package_calendar(year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """Days off (with Vietnamese names) and swapped Saturdays of `year`, per `holidays`.

    Weekend days that the package lists (e.g. Tết falling on a Saturday) are kept: they
    are not working days either way. Pinned `holidays==0.109`; tests pin its output.
    """
    # holidays.VN cannot be subclassed; the country class can, but we only read it.
    from holidays.countries.vietnam import Vietnam

    calendar = Vietnam(years=year, language="vi")
    days_off = {d: str(name) for d, name in calendar.items() if d.year == year}
    swapped = frozenset(d for d in calendar.weekend_workdays if d.year == year)
    return days_off, swapped


class YearlyDates(Container[object]):
    """A lazily computed, per-year set of dates with names (supports `in`)."""

    def __init__(self, loader: Callable[[int], Mapping[dt.date, str]]) -> None:
        self._loader = loader
        self._years: dict[int, Mapping[dt.date, str]] = {}

    def for_year(self, year: int) -> Mapping[dt.date, str]:
        if year not in self._years:
            self._years[year] = dict(self._loader(year))
        return self._years[year]

    def __contains__(self, d: object) -> bool:
        if not isinstance(d, dt.date):
            return False
        return d in self.for_year(d.year)


def official_dates(
    year: int,
    *,
    day_off_exceptions: Mapping[dt.date, str] | None = None,
    workday_exceptions: Mapping[dt.date, str] | None = None,
) -> tuple[dict[dt.date, str], dict[dt.date, str]]:
    """(days off, extra working days) of `year`: the package, overridden by the exceptions.

    A WORKDAY exception removes a package day off and makes the date a working day; a
    DAY_OFF exception adds a day off (and cancels a package make-up Saturday).
    """
    day_off_exceptions = day_off_exceptions or {}
    workday_exceptions = workday_exceptions or {}
    pkg_off, pkg_swapped = package_calendar(year)
    days_off = {d: n for d, n in pkg_off.items() if d not in workday_exceptions}
    days_off.update({d: n for d, n in day_off_exceptions.items() if d.year == year})
    extra = {d: "Ngày làm bù" for d in pkg_swapped if d not in day_off_exceptions}
    extra.update({d: n for d, n in workday_exceptions.items() if d.year == year})
    return days_off, extra


# --- The calendar ---------------------------------------------------------------------


class WorkCalendar:
    """Working days and office hours of one unit; all deadline arithmetic lives here.

    `holiday_days_off`: dates that are not working days (a set, a mapping date -> name,
    or any container). `extra_workdays`: dates that are working days even though they
    fall on a weekend or a listed day off (làm bù, admin WORKDAY exceptions); they win.
    Use `vietnam_calendar(...)` for the official Vietnamese calendar.
    """

    def __init__(
        self,
        holiday_days_off: Container[object] | Iterable[dt.date] = frozenset(),
        extra_workdays: Container[object] | Iterable[dt.date] = frozenset(),
        hours: OfficeHoursSpec | None = None,
        tz: dt.tzinfo | str = DEFAULT_TZ,
    ) -> None:
        self.days_off: Container[object] = _as_container(holiday_days_off)
        self.extra_workdays: Container[object] = _as_container(extra_workdays)
        self.hours = hours or OfficeHoursSpec()
        self.tz: dt.tzinfo = ZoneInfo(tz) if isinstance(tz, str) else tz
        self._day_us = _to_us(self.hours.day_length)

    # -- days --------------------------------------------------------------------------

    def is_working_day(self, d: dt.date) -> bool:
        if isinstance(d, dt.datetime):
            d = self._local(d).date()
        if d in self.extra_workdays:
            return True
        if d in self.days_off:
            return False
        return d.weekday() < 5

    def next_working_day(self, d: dt.date) -> dt.date:
        """The first working day strictly after `d`."""
        if isinstance(d, dt.datetime):
            d = self._local(d).date()
        d += _ONE_DAY
        for _ in range(3660):  # no real calendar has ten years off in a row
            if self.is_working_day(d):
                return d
            d += _ONE_DAY
        raise ValueError("no working day within ten years")

    def working_day_on_or_after(self, d: dt.date) -> dt.date:
        return d if self.is_working_day(d) else self.next_working_day(d)

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        """The n-th working day after `d` (n >= 0; n == 0 returns `d`)."""
        if n < 0:
            raise ValueError("n must not be negative")
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def previous_working_day(self, d: dt.date) -> dt.date:
        """The last working day strictly before `d`."""
        if isinstance(d, dt.datetime):
            d = self._local(d).date()
        d -= _ONE_DAY
        for _ in range(3660):
            if self.is_working_day(d):
                return d
            d -= _ONE_DAY
        raise ValueError("no working day within ten years")

    def working_day_on_or_before(self, d: dt.date) -> dt.date:
        return d if self.is_working_day(d) else self.previous_working_day(d)

    def subtract_working_days(self, d: dt.date, n: int) -> dt.date:
        """The n-th working day before `d` (n >= 0; n == 0 returns `d`)."""
        if n < 0:
            raise ValueError("n must not be negative")
        for _ in range(n):
            d = self.previous_working_day(d)
        return d

    def days_off_in_year(self, year: int) -> list[tuple[dt.date, str]]:
        """Weekday days off of `year` with their names (weekends omitted)."""
        return [
            (d, name)
            for d, name in self._listing(self.days_off, year)
            if d.weekday() < 5 and not self.is_working_day(d)
        ]

    def extra_workdays_in_year(self, year: int) -> list[tuple[dt.date, str]]:
        """Weekend days of `year` that are working days (make-up Saturdays)."""
        return [
            (d, name) for d, name in self._listing(self.extra_workdays, year) if d.weekday() >= 5
        ]

    # -- instants ----------------------------------------------------------------------

    def opening(self, d: dt.date) -> dt.datetime:
        return dt.datetime.combine(d, self.hours.opening, tzinfo=self.tz)

    def closing(self, d: dt.date) -> dt.datetime:
        return dt.datetime.combine(d, self.hours.closing, tzinfo=self.tz)

    def deemed_receipt(self, at: dt.datetime | dt.date) -> dt.datetime:
        """When a dossier handed in at `at` counts as received.

        On a non-working day, or after the receipt cut-off: the opening of the next
        working day. Before opening on a working day: that day's opening. A plain date
        means during office hours of that day (its opening, if a working day).
        """
        if not isinstance(at, dt.datetime):
            return self.opening(self.working_day_on_or_after(at))
        local = self._local(at)
        day = local.date()
        if (
            not self.is_working_day(day)
            or local.timetz().replace(tzinfo=None) > self.hours.receipt_cutoff
        ):
            return self.opening(self.next_working_day(day))
        return max(local, self.opening(day))

    def clock_start(self, received_at: dt.datetime | dt.date) -> dt.datetime:
        """Where a period in working days starts: opening of the working day after receipt."""
        return self.opening(self.next_working_day(self.deemed_receipt(received_at).date()))

    def due_at(
        self, received_at: dt.datetime | dt.date, amount: Decimal | int, unit: TimeUnit
    ) -> dt.datetime:
        """Statutory due date-time of a dossier received at `received_at`."""
        amount = _decimal(amount)
        unit = TimeUnit(unit)
        if unit is TimeUnit.WORKING_DAYS:
            return self.add_working_time(self.clock_start(received_at), amount)
        if unit is TimeUnit.CALENDAR_DAYS:
            if amount != amount.to_integral_value():
                raise ValueError("a period in calendar days must be a whole number")
            last = self.deemed_receipt(received_at).date() + dt.timedelta(days=int(amount))
            return self.closing(self.working_day_on_or_after(last))
        if unit is TimeUnit.WORKING_HOURS:
            days = amount * 3600 * _US / self._day_us
            return self.add_working_time(self.deemed_receipt(received_at), days)
        raise ValueError(f"unknown time unit {unit!r}")  # pragma: no cover

    def add_working_time(self, start: dt.datetime, days: Decimal | int) -> dt.datetime:
        """`start` plus `days` working days of office time (1 day = the office-hours length).

        Time outside office hours does not count. A result that lands exactly on the end
        of a period stays there (e.g. 17:00), it does not jump to the next opening.
        """
        days = _decimal(days)
        remaining = int((days * self._day_us).to_integral_value())
        cur = self._local(start)
        if remaining == 0:
            return cur
        day = cur.date()
        for _ in range(3660):
            if self.is_working_day(day):
                for p_start, p_end in self._periods(day):
                    if cur >= p_end:
                        continue
                    begin = max(cur, p_start)
                    avail = _to_us(p_end - begin)
                    if remaining <= avail:
                        return begin + dt.timedelta(microseconds=remaining)
                    remaining -= avail
                    cur = p_end
            day += _ONE_DAY
        raise ValueError("period too long")

    def working_time_between(
        self,
        start: dt.datetime,
        end: dt.datetime,
        pauses: Sequence[tuple[dt.datetime, dt.datetime]] = (),
    ) -> dt.timedelta:
        """Office time between two instants, paused intervals removed (0 if end <= start)."""
        start, end = self._local(start), self._local(end)
        if end <= start:
            return dt.timedelta()
        total = self._office_us(start, end)
        for p_start, p_end in merge_intervals(pauses, clip=(start, end)):
            total -= self._office_us(p_start, p_end)
        return dt.timedelta(microseconds=total)

    def working_days_between(
        self,
        start: dt.datetime,
        end: dt.datetime,
        pauses: Sequence[tuple[dt.datetime, dt.datetime]] = (),
    ) -> Decimal:
        """Working days of office time elapsed between two instants, pauses removed.

        The exact ratio (office time / day length), e.g. 0.6822…; quantize for display.
        For exact sums use `working_time_between` (a timedelta).
        """
        us = _to_us(self.working_time_between(start, end, pauses))
        return Decimal(us) / Decimal(self._day_us)

    def extend(self, due: dt.datetime, working_days: Decimal | int) -> dt.datetime:
        """Move a due date-time later by `working_days` of paused working time."""
        return self.add_working_time(due, working_days)

    # -- helpers -----------------------------------------------------------------------

    def _local(self, at: dt.datetime) -> dt.datetime:
        if at.tzinfo is None:
            return at.replace(tzinfo=self.tz)
        return at.astimezone(self.tz)

    def _periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        return [
            (
                dt.datetime.combine(day, a, tzinfo=self.tz),
                dt.datetime.combine(day, b, tzinfo=self.tz),
            )
            for a, b in self.hours.periods
        ]

    def _office_us(self, start: dt.datetime, end: dt.datetime) -> int:
        total = 0
        first, last = start.date(), end.date()
        day = first
        while day <= last:
            if self.is_working_day(day):
                if first < day < last:  # a whole day inside the interval
                    total += self._day_us
                else:
                    for p_start, p_end in self._periods(day):
                        lo, hi = max(start, p_start), min(end, p_end)
                        if hi > lo:
                            total += _to_us(hi - lo)
            day += _ONE_DAY
        return total

    @staticmethod
    def _listing(container: Container[object], year: int) -> list[tuple[dt.date, str]]:
        if isinstance(container, YearlyDates):
            items: Iterable[tuple[dt.date, str]] = container.for_year(year).items()
        elif isinstance(container, Mapping):
            items = container.items()
        elif isinstance(container, Iterable):
            items = ((d, "") for d in container)
        else:
            return []
        return sorted((d, n) for d, n in items if isinstance(d, dt.date) and d.year == year)


def _as_container(value: Container[object] | Iterable[dt.date]) -> Container[object]:
    if isinstance(value, Container):
        return value
    return frozenset(value)


def _decimal(value: Decimal | int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError("amount must be an int or a Decimal")
    result = Decimal(value)
    if not result.is_finite() or result < 0:
        raise ValueError("amount must be a finite, non-negative number")
    return result


def merge_intervals(
    intervals: Iterable[tuple[dt.datetime, dt.datetime]],
    *,
    clip: tuple[dt.datetime, dt.datetime] | None = None,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Sorted, non-overlapping union of the intervals (optionally clipped); empty ones dropped."""
    spans = sorted((a, b) for a, b in intervals)
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for a, b in spans:
        if clip is not None:
            a, b = max(a, clip[0]), min(b, clip[1])
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def vietnam_calendar(
    *,
    day_off_exceptions: Mapping[dt.date, str] | None = None,
    workday_exceptions: Mapping[dt.date, str] | None = None,
    hours: OfficeHoursSpec | None = None,
    tz: dt.tzinfo | str = DEFAULT_TZ,
) -> WorkCalendar:
    """The official calendar of Vietnamese civil servants, overridden by the exceptions."""
    day_off_exceptions = dict(day_off_exceptions or {})
    workday_exceptions = dict(workday_exceptions or {})

    def _year(year: int) -> tuple[dict[dt.date, str], dict[dt.date, str]]:
        return official_dates(
            year, day_off_exceptions=day_off_exceptions, workday_exceptions=workday_exceptions
        )

    return WorkCalendar(
        holiday_days_off=YearlyDates(lambda y: _year(y)[0]),
        extra_workdays=YearlyDates(lambda y: _year(y)[1]),
        hours=hours,
        tz=tz,
    )
