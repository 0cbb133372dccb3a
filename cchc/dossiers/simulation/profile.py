"""The realistic parameters of a simulated year, and the pure draws that use them.

Numbers are plausible orders of magnitude for a Vietnamese commune/province one-stop
after 1/7/2025 (two-level local government), not statistics of any real unit. They are
data, gathered here so that a deployment can tune them without touching the drivers.
Days off and office hours never come from here: they come from the unit's calendar
(`cchc.calendars.selectors.calendar_for_unit`), so a simulated dossier is received on
the same days and the same hours the real counter is open.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from cchc.calendars.workdays import WorkCalendar

# --- Procedure mix ----------------------------------------------------------------------
# Relative weight of a sector at a receiving point, by the point's level. At communes,
# civil status (hộ tịch) and certification (chứng thực) are most of the counter's work;
# at the provincial centre, land (đất đai, received for the land registration office)
# and secured-transaction registration dominate. Unknown sectors weigh 1.
SECTOR_WEIGHTS: dict[str, dict[str, float]] = {
    "commune": {
        "HT": 30.0,  # hộ tịch
        "CT": 28.0,  # chứng thực
        "CTRU": 6.0,  # cư trú
        "DD": 8.0,  # đất đai
        "HKD": 4.0,  # hộ kinh doanh
        "BTXH": 5.0,  # bảo trợ xã hội
        "XD": 3.0,  # xây dựng
        "DBBD": 2.0,
    },
    "province": {
        "DD": 40.0,
        "DBBD": 18.0,
        "XD": 6.0,
        "HT": 2.0,
        "CT": 2.0,
    },
}
DEFAULT_SECTOR_WEIGHT = 1.0

# Which department handles a sector: the first whose name contains one of the words.
SECTOR_DEPARTMENT_WORDS: dict[str, tuple[str, ...]] = {
    "HT": ("Văn hóa - Xã hội", "Tư pháp", "Văn phòng"),
    "CT": ("Văn phòng", "Tư pháp", "Văn hóa - Xã hội"),
    "CTRU": ("Văn phòng", "Văn hóa - Xã hội"),
    "BTXH": ("Văn hóa - Xã hội", "Y tế", "Nội vụ"),
    "DD": ("Đăng ký đất đai", "Nông nghiệp", "Kinh tế"),
    "DBBD": ("Đăng ký đất đai", "Nông nghiệp", "Tư pháp", "Kinh tế"),
    "XD": ("Xây dựng", "Kinh tế"),
    "HKD": ("Kinh tế", "Tài chính"),
}

# --- Arrivals ---------------------------------------------------------------------------
# Weekday weights of counter arrivals (Monday peak, Friday lowest); a compensatory
# Saturday/Sunday working day (per the calendar) counts as a quiet weekday.
WEEKDAY_WEIGHTS = (1.35, 1.10, 1.00, 0.95, 0.80, 0.0, 0.0)
SWAPPED_WORKDAY_WEIGHT = 0.7
# Online submissions come every day, fewer at weekends.
ONLINE_WEEKDAY_WEIGHTS = (1.15, 1.05, 1.0, 1.0, 0.95, 0.45, 0.40)
# Month weights (January..December): year-end and pre-Tết rush, quiet summer.
MONTH_WEIGHTS = (1.10, 0.95, 1.05, 1.0, 1.0, 0.95, 0.92, 0.92, 1.0, 1.0, 1.05, 1.15)
# The working days just before Tết (the longest run of days off in Jan–Feb of the
# calendar) are a peak; the first days after it are quiet.
PRE_TET_DAYS = 15
PRE_TET_FACTOR = 1.7
POST_TET_DAYS = 5
POST_TET_FACTOR = 0.6
# Friday afternoon: that share of Friday counter arrivals moves to the morning.
FRIDAY_MORNING_SHARE = 0.72
ORDINARY_MORNING_SHARE = 0.58

# Online share of the dossiers of procedures offered online: rises through the year.
ONLINE_SHARE_START = 0.30
ONLINE_SHARE_END = 0.62
# Share of counter-type dossiers handed in through the postal partner.
POSTAL_SHARE = 0.05
# Online submissions helped by a Youth Union volunteer (tổ công nghệ số cộng đồng).
ASSISTED_SHARE = 0.12

# --- Processing -------------------------------------------------------------------------
# A dossier's pace: the share of its statutory time it takes, log-normal around
# exp(PACE_MU); times the handling unit's speed. About 5–10 % of dossiers end late.
PACE_MU = -0.55
PACE_SIGMA = 0.42
UNIT_SPEED_SIGMA = 0.18  # per-unit speed factor, log-normal, stable for a unit code
SLOW_UNIT_SHARE = 0.15  # some units are clearly slower
SLOW_UNIT_FACTOR = 1.35

SUPPLEMENT_RATE = 0.07  # a request to supplement during processing (Mẫu 02)
SECOND_SUPPLEMENT_RATE = 0.12  # of those, a second request (flagged, counts as late)
SUPPLEMENT_WAIT_DAYS = (0.5, 6.0)  # working days the applicant takes
FINANCIAL_PAUSE_RATE = 0.55  # land dossiers that wait for financial obligations
FINANCIAL_PAUSE_DAYS = (1.0, 8.0)
APOLOGY_RATE = 0.6  # of dossiers foreseen late, those whose unit sends Mẫu 04 in time
REFUSAL_RATE = 0.015
WITHDRAWAL_RATE = 0.01
LAND_SECTORS = frozenset({"DD"})

# Picking up the result: working days after it is ready.
PICKUP_DAYS = (0.05, 4.0)
POST_RETURN_SHARE = 0.25  # of counter-received dossiers, results sent by post
RATING_SHARE = 0.38  # applicants who rate
RATING_ON_TIME = (("satisfied", 0.86), ("normal", 0.11), ("dissatisfied", 0.03))
RATING_LATE = (("satisfied", 0.45), ("normal", 0.30), ("dissatisfied", 0.25))
RATING_COMMENTS = {
    "satisfied": ("", "", "Cán bộ hướng dẫn tận tình.", "Nhanh, đúng hẹn."),
    "normal": ("", "Phải chờ hơi lâu."),
    "dissatisfied": ("Trả kết quả trễ hẹn.", "Phải đi lại nhiều lần."),
}

FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ")
MIDDLE_NAMES = ("Văn", "Thị", "Minh", "Ngọc", "Quốc", "Thanh", "Hữu", "Thu")
GIVEN_NAMES = ("An", "Bình", "Cường", "Dung", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Tâm")
VOLUNTEER = "Tổ công nghệ số cộng đồng (Đoàn Thanh niên)"

FOUR_PLACES = Decimal("0.0001")


def days(value: float) -> Decimal:
    """A duration in working days as the Decimal the calendar takes."""
    return Decimal(str(round(max(value, 0.0), 4))).quantize(FOUR_PLACES)


def unit_speed(unit_code: str, seed: int) -> float:
    """A unit's speed factor (>1 = slower), stable for a unit code and seed."""
    rng = random.Random(f"speed:{seed}:{unit_code}")  # noqa: S311 - reproducible simulation draws, not security
    factor = math.exp(rng.gauss(0.0, UNIT_SPEED_SIGMA))
    if rng.random() < SLOW_UNIT_SHARE:
        factor *= SLOW_UNIT_FACTOR
    return factor


def pace(rng: random.Random) -> float:
    return math.exp(rng.gauss(PACE_MU, PACE_SIGMA))


def online_share(day: dt.date) -> float:
    """Linear through the year, from ONLINE_SHARE_START (1 Jan) to ONLINE_SHARE_END."""
    start = dt.date(day.year, 1, 1)
    span = (dt.date(day.year, 12, 31) - start).days or 1
    return ONLINE_SHARE_START + (ONLINE_SHARE_END - ONLINE_SHARE_START) * (
        (day - start).days / span
    )


def tet_first_day(calendar: WorkCalendar, year: int) -> dt.date | None:
    """The first day of the longest run of consecutive days off in Jan–Feb (Tết)."""
    off = sorted(d for d, _name in calendar.days_off_in_year(year) if d.month <= 2)
    best: tuple[int, dt.date] | None = None
    run_start, run_len, prev = None, 0, None
    for d in off:
        if prev is not None and (d - prev).days <= 3:  # a weekend may sit inside the run
            run_len += 1
        else:
            run_start, run_len = d, 1
        if best is None or run_len > best[0]:
            best = (run_len, run_start)
        prev = d
    return best[1] if best and best[0] >= 3 else None


@dataclass(frozen=True)
class DayWeights:
    days: list[dt.date]
    counter: list[float]  # 0 on days the counter is closed
    online: list[float]


def day_weights(calendar: WorkCalendar, year: int, last_day: dt.date) -> DayWeights:
    """Arrival weight of every day of `year` up to `last_day`, for each channel."""
    tet = tet_first_day(calendar, year)
    working = []
    d = dt.date(year, 1, 1)
    while d <= min(last_day, dt.date(year, 12, 31)):
        working.append(d)
        d += dt.timedelta(days=1)
    workdays = [x for x in working if calendar.is_working_day(x)]
    pre_tet: set[dt.date] = set()
    post_tet: set[dt.date] = set()
    if tet is not None:
        before = [x for x in workdays if x < tet]
        after = [x for x in workdays if x > tet]
        pre_tet = set(before[-PRE_TET_DAYS:])
        post_tet = set(after[:POST_TET_DAYS])
    counter, online = [], []
    for x in working:
        season = MONTH_WEIGHTS[x.month - 1]
        if x in pre_tet:
            season *= PRE_TET_FACTOR
        elif x in post_tet:
            season *= POST_TET_FACTOR
        if calendar.is_working_day(x):
            wd = WEEKDAY_WEIGHTS[x.weekday()] or SWAPPED_WORKDAY_WEIGHT
        else:
            wd = 0.0
        counter.append(wd * season)
        online.append(ONLINE_WEEKDAY_WEIGHTS[x.weekday()] * season * (1.0 if wd else 0.8))
    return DayWeights(days=working, counter=counter, online=online)


def counter_time(calendar: WorkCalendar, day: dt.date, rng: random.Random) -> dt.datetime:
    """An arrival time at the counter on a working `day`, within office hours."""
    morning = FRIDAY_MORNING_SHARE if day.weekday() == 4 else ORDINARY_MORNING_SHARE
    start, end = calendar.hours.periods[0 if rng.random() < morning else 1]
    span = _length(start, end).total_seconds()
    # Arrivals bunch after opening: a triangular draw peaking early in the period.
    offset = rng.triangular(0, span * 0.98, span * 0.3)
    return dt.datetime.combine(day, start, tzinfo=calendar.tz) + dt.timedelta(
        seconds=int(offset), microseconds=rng.randrange(1_000_000)
    )


def online_time(calendar: WorkCalendar, day: dt.date, rng: random.Random) -> dt.datetime:
    """Online submissions: any hour, busiest in the working day and the evening."""
    hour = rng.choices(range(24), weights=_ONLINE_HOURS)[0]
    return dt.datetime.combine(day, dt.time(hour), tzinfo=calendar.tz) + dt.timedelta(
        seconds=rng.randrange(3600), microseconds=rng.randrange(1_000_000)
    )


_ONLINE_HOURS = (1, 0.5, 0.3, 0.3, 0.5, 1, 2, 4, 7, 8, 8, 7, 5, 5, 7, 7, 7, 6, 5, 6, 7, 6, 4, 2)


def _length(start: dt.time, end: dt.time) -> dt.timedelta:
    return dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)


def pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"


def personal_id(rng: random.Random) -> tuple[str, dt.date]:
    """A 12-digit personal ID shaped per TT 59/2021/TT-BCA Art. 7 (province 052, century
    and gender digit, year of birth), with the matching date of birth."""
    born = rng.randrange(1950, 2006)
    gender = (0 if born < 2000 else 2) + rng.randrange(2)
    number = f"052{gender}{born % 100:02d}{rng.randrange(1_000_000):06d}"
    return number, dt.date(born, rng.randrange(1, 13), rng.randrange(1, 29))
