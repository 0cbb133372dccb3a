"""Example deadlines across Tết, 30/4–1/5, 2/9 (2024–2026), make-up Saturdays and receipt rules."""

import datetime as dt
from decimal import Decimal

import pytest

from cchc.calendars.workdays import (
    OfficeHoursSpec,
    TimeUnit,
    WorkCalendar,
    merge_intervals,
    package_calendar,
)

from .conftest import TZ, at, official

D = dt.date
WD = TimeUnit.WORKING_DAYS


# --- The package's output, pinned: a `holidays` bump that changes it fails here -------
# 2024: Tết 8–14/2 (TB of Bộ LĐTBXH), 30/4 swap Mon 29/4 <-> Sat 4/5 (CV 2450/VPCP-KGVX
# 12/4/2024), 2/9 + 3/9. 2025: TB 6150/TB-BLĐTBXH (CV 8726/VPCP-KGVX): Tết 27–31/1,
# swap Fri 2/5 <-> Sat 26/4, 2/9 + 1/9. 2026: TB 9441/TB-BNV (16/10/2025): Tết 16–20/2,
# 2/9 + 1/9 with swap Mon 31/8 <-> Sat 22/8; Giỗ Tổ on Sunday 26/4 -> nghỉ bù Mon 27/4;
# 24/11 Ngày Văn hóa Việt Nam (NQ 28/2026/QH16, in force 1/7/2026).
PACKAGE_0_109 = {
    2024: (
        [D(2024, 1, 1), D(2024, 2, 8), D(2024, 2, 9), D(2024, 2, 10), D(2024, 2, 11),
         D(2024, 2, 12), D(2024, 2, 13), D(2024, 2, 14), D(2024, 4, 18), D(2024, 4, 29),
         D(2024, 4, 30), D(2024, 5, 1), D(2024, 9, 2), D(2024, 9, 3)],
        [D(2024, 5, 4)],
    ),
    2025: (
        [D(2025, 1, 1), D(2025, 1, 27), D(2025, 1, 28), D(2025, 1, 29), D(2025, 1, 30),
         D(2025, 1, 31), D(2025, 2, 1), D(2025, 4, 7), D(2025, 4, 30), D(2025, 5, 1),
         D(2025, 5, 2), D(2025, 9, 1), D(2025, 9, 2)],
        [D(2025, 4, 26)],
    ),
    2026: (
        [D(2026, 1, 1), D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19),
         D(2026, 2, 20), D(2026, 4, 26), D(2026, 4, 27), D(2026, 4, 30), D(2026, 5, 1),
         D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 2), D(2026, 11, 24)],
        [D(2026, 8, 22)],
    ),
}  # fmt: skip

# What civil servants actually had off on weekdays, and the make-up Saturdays, after
# our shipped exceptions (2026: New Year swap Fri 2/1 <-> Sat 10/1, CV 12729/VPCP-KGVX).
OFFICIAL_WEEKDAYS_OFF = {
    2024: [D(2024, 1, 1), D(2024, 2, 8), D(2024, 2, 9), D(2024, 2, 12), D(2024, 2, 13),
           D(2024, 2, 14), D(2024, 4, 18), D(2024, 4, 29), D(2024, 4, 30), D(2024, 5, 1),
           D(2024, 9, 2), D(2024, 9, 3)],
    2025: [D(2025, 1, 1), D(2025, 1, 27), D(2025, 1, 28), D(2025, 1, 29), D(2025, 1, 30),
           D(2025, 1, 31), D(2025, 4, 7), D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2),
           D(2025, 9, 1), D(2025, 9, 2)],
    2026: [D(2026, 1, 1), D(2026, 1, 2), D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18),
           D(2026, 2, 19), D(2026, 2, 20), D(2026, 4, 27), D(2026, 4, 30), D(2026, 5, 1),
           D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 2), D(2026, 11, 24)],
}  # fmt: skip
OFFICIAL_MAKE_UP_SATURDAYS = {
    2024: [D(2024, 5, 4)],
    2025: [D(2025, 4, 26)],
    2026: [D(2026, 1, 10), D(2026, 8, 22)],
}


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_package_output_is_pinned(year):
    days_off, swapped = package_calendar(year)
    assert (sorted(days_off), sorted(swapped)) == PACKAGE_0_109[year]


def test_package_names_are_vietnamese():
    days_off, _ = package_calendar(2026)
    assert days_off[D(2026, 11, 24)] == "Ngày Văn hóa Việt Nam"
    assert days_off[D(2026, 1, 1)] == "Tết Dương lịch"


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_official_calendar_per_year(cal, year):
    assert [d for d, _ in cal.days_off_in_year(year)] == OFFICIAL_WEEKDAYS_OFF[year]
    assert [d for d, _ in cal.extra_workdays_in_year(year)] == OFFICIAL_MAKE_UP_SATURDAYS[year]
    # Cross-check day by day with is_working_day.
    day, off = D(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5 and not cal.is_working_day(day):
            off.append(day)
        if day.weekday() >= 5:
            assert cal.is_working_day(day) == (day in OFFICIAL_MAKE_UP_SATURDAYS[year])
        day += dt.timedelta(days=1)
    assert off == OFFICIAL_WEEKDAYS_OFF[year]


def test_plain_week_without_the_package():
    cal = WorkCalendar()
    assert cal.is_working_day(D(2024, 1, 1))  # no holidays given: Mon–Fri only
    assert not cal.is_working_day(D(2024, 1, 6))


def test_exceptions_override_the_package():
    from cchc.calendars.workdays import vietnam_calendar

    cal = vietnam_calendar(
        day_off_exceptions={D(2024, 5, 4): "Hủy làm bù", D(2024, 3, 8): "Nghỉ riêng"},
        workday_exceptions={D(2024, 4, 18): "Làm việc"},
    )
    assert not cal.is_working_day(D(2024, 5, 4))  # cancels the package's make-up Saturday
    assert not cal.is_working_day(D(2024, 3, 8))
    assert cal.is_working_day(D(2024, 4, 18))  # cancels a package day off


# --- The receipt rules from the issue -------------------------------------------------


def test_receipt_day_is_not_counted(cal):
    # Received Monday 10:00, 1 working day -> due Tuesday (end of office hours).
    assert cal.due_at(at(2024, 3, 4), 1, WD) == at(2024, 3, 5, 17, 0)


def test_received_on_saturday(cal):
    # Deemed received Monday opening -> 1 working day -> Tuesday.
    assert cal.deemed_receipt(at(2024, 3, 2)) == at(2024, 3, 4, 7, 30)
    assert cal.due_at(at(2024, 3, 2), 1, WD) == at(2024, 3, 5, 17, 0)


def test_received_after_cutoff(cal):
    # Monday after 16:30 -> deemed Tuesday -> 1 working day -> Wednesday.
    assert cal.deemed_receipt(at(2024, 3, 4, 16, 31)) == at(2024, 3, 5, 7, 30)
    assert cal.due_at(at(2024, 3, 4, 16, 31), 1, WD) == at(2024, 3, 6, 17, 0)
    # Exactly at the cut-off still counts as that day.
    assert cal.due_at(at(2024, 3, 4, 16, 30), 1, WD) == at(2024, 3, 5, 17, 0)


def test_plain_date_means_during_office_hours(cal):
    assert cal.deemed_receipt(D(2024, 3, 4)) == at(2024, 3, 4, 7, 30)
    assert cal.due_at(D(2024, 3, 4), 1, WD) == at(2024, 3, 5, 17, 0)
    # A plain date on a day off: the next working day (Tết 2024 -> Thu 15/2).
    assert cal.deemed_receipt(D(2024, 2, 10)) == at(2024, 2, 15, 7, 30)


def test_before_opening_and_lunch(cal):
    assert cal.deemed_receipt(at(2024, 3, 4, 6, 0)) == at(2024, 3, 4, 7, 30)
    assert cal.deemed_receipt(at(2024, 3, 4, 12, 0)) == at(2024, 3, 4, 12, 0)


def test_aware_utc_input_is_read_in_local_time(cal):
    utc = dt.datetime(2024, 3, 4, 9, 45, tzinfo=dt.UTC)  # 16:45 in Hà Nội: after cut-off
    assert cal.due_at(utc, 1, WD) == at(2024, 3, 6, 17, 0)


def test_naive_input_is_local(cal):
    assert cal.due_at(dt.datetime(2024, 3, 4, 10, 0), 1, WD) == at(2024, 3, 5, 17, 0)


def test_cli_example(cal):
    # 5 working days from Mon 5/2/2024 run over Tết (8–14/2).
    assert cal.due_at(D(2024, 2, 5), 5, WD).date() == D(2024, 2, 19)


# --- Tết, 30/4–1/5 and 2/9 in each year ---------------------------------------------

EXAMPLES = [
    # Tết
    (at(2024, 2, 7), 1, D(2024, 2, 15)),
    (at(2024, 2, 8), 1, D(2024, 2, 16)),  # received on a Tết day
    (at(2025, 1, 24), 1, D(2025, 2, 3)),
    (at(2025, 1, 24), 3, D(2025, 2, 5)),
    (at(2026, 2, 13), 1, D(2026, 2, 23)),
    (at(2026, 2, 16), 2, D(2026, 2, 25)),  # deemed Mon 23/2; 24, 25
    # Tết Dương lịch 2026 swap (shipped exception) and its make-up Saturday
    (at(2025, 12, 31), 1, D(2026, 1, 5)),
    (at(2026, 1, 9), 1, D(2026, 1, 10)),
    (at(2026, 1, 10), 1, D(2026, 1, 12)),  # received on the make-up Saturday itself
    # 30/4–1/5
    (at(2024, 4, 26), 1, D(2024, 5, 2)),
    (at(2024, 5, 3), 1, D(2024, 5, 4)),  # make-up Saturday 4/5/2024 is a working day
    (at(2025, 4, 25), 1, D(2025, 4, 26)),  # make-up Saturday 26/4/2025
    (at(2025, 4, 29), 1, D(2025, 5, 5)),
    (at(2026, 4, 24), 1, D(2026, 4, 28)),  # Giỗ Tổ on Sunday -> Monday 27/4 off
    (at(2026, 4, 29), 1, D(2026, 5, 4)),
    # 2/9
    (at(2024, 8, 30), 1, D(2024, 9, 4)),
    (at(2025, 8, 29), 1, D(2025, 9, 3)),
    (at(2026, 8, 21), 1, D(2026, 8, 22)),  # make-up Saturday 22/8/2026
    (at(2026, 8, 28), 1, D(2026, 9, 3)),
    # Ngày Văn hóa Việt Nam 2026
    (at(2026, 11, 23), 1, D(2026, 11, 25)),
]


@pytest.mark.parametrize(("received", "days", "due"), EXAMPLES)
def test_due_dates_around_holidays(cal, received, days, due):
    result = cal.due_at(received, days, WD)
    assert result == dt.datetime.combine(due, dt.time(17, 0), tzinfo=TZ)


@pytest.mark.parametrize("saturday", [D(2024, 5, 4), D(2025, 4, 26), D(2026, 8, 22)])
def test_make_up_saturdays_are_working_days(cal, saturday):
    assert saturday.weekday() == 5
    assert cal.is_working_day(saturday)
    assert cal.next_working_day(saturday - dt.timedelta(days=1)) == saturday


def test_next_working_day_is_strictly_after(cal):
    assert cal.next_working_day(D(2024, 3, 4)) == D(2024, 3, 5)
    assert cal.next_working_day(D(2024, 2, 7)) == D(2024, 2, 15)


def test_counting_back_skips_tet_and_weekends(cal):
    # Tết 2024 is 8–14/2: the working day before Thu 15/2 is Wed 7/2.
    assert cal.previous_working_day(D(2024, 2, 15)) == D(2024, 2, 7)
    assert cal.working_day_on_or_before(D(2024, 2, 11)) == D(2024, 2, 7)
    assert cal.working_day_on_or_before(D(2024, 2, 7)) == D(2024, 2, 7)
    assert cal.subtract_working_days(D(2024, 2, 15), 2) == D(2024, 2, 6)
    assert cal.subtract_working_days(D(2024, 3, 4), 0) == D(2024, 3, 4)
    with pytest.raises(ValueError):
        cal.subtract_working_days(D(2024, 3, 4), -1)


# --- Calendar days and working hours --------------------------------------------------


def test_calendar_days_end_on_a_working_day(cal):
    # 3 calendar days after Mon 5/2/2024 = Thu 8/2 (Tết) -> end of the next working day.
    assert cal.due_at(at(2024, 2, 5), 3, TimeUnit.CALENDAR_DAYS) == at(2024, 2, 15, 17, 0)
    assert cal.due_at(at(2024, 3, 4), 2, TimeUnit.CALENDAR_DAYS) == at(2024, 3, 6, 17, 0)
    # Received Saturday: counted from the deemed receipt (Monday).
    assert cal.due_at(at(2024, 3, 2), 2, TimeUnit.CALENDAR_DAYS) == at(2024, 3, 6, 17, 0)


def test_calendar_days_must_be_whole(cal):
    with pytest.raises(ValueError):
        cal.due_at(at(2024, 3, 4), Decimal("1.5"), TimeUnit.CALENDAR_DAYS)


def test_working_hours_run_through_office_hours(cal):
    assert cal.due_at(at(2024, 3, 4), 4, TimeUnit.WORKING_HOURS) == at(2024, 3, 4, 16, 0)
    # 1.5 h in the morning + 3.5 h in the afternoon, then 3 h on Tuesday.
    assert cal.due_at(at(2024, 3, 4), 8, TimeUnit.WORKING_HOURS) == at(2024, 3, 5, 10, 30)
    # Lands exactly at the lunch break: stays at 11:30.
    assert cal.due_at(at(2024, 3, 4), Decimal("1.5"), TimeUnit.WORKING_HOURS) == at(
        2024, 3, 4, 11, 30
    )
    # After the cut-off: from Tuesday's opening.
    assert cal.due_at(at(2024, 3, 4, 16, 45), 2, TimeUnit.WORKING_HOURS) == at(2024, 3, 5, 9, 30)


def test_fractional_working_days(cal):
    # 0.5 day = 3 h 45 min of office time from Tuesday's opening.
    assert cal.due_at(at(2024, 3, 4), Decimal("0.5"), WD) == at(2024, 3, 5, 11, 15)
    assert cal.add_working_time(at(2024, 3, 4, 11, 0), Decimal("0.5")) == at(2024, 3, 4, 16, 45)


def test_zero_days_is_the_clock_start(cal):
    assert cal.due_at(at(2024, 3, 4), 0, WD) == at(2024, 3, 5, 7, 30)


def test_negative_or_bad_amounts_are_rejected(cal):
    with pytest.raises(ValueError):
        cal.due_at(at(2024, 3, 4), -1, WD)
    with pytest.raises(TypeError):
        cal.due_at(at(2024, 3, 4), 1.5, WD)


# --- Counting, pauses, extension ---------------------------------------------------------


def test_working_days_between_and_pauses(cal):
    start, end = at(2024, 3, 5, 7, 30), at(2024, 3, 8, 17, 0)  # Tue..Fri, no holiday
    assert cal.working_days_between(start, end) == 4
    pause = (at(2024, 3, 6, 7, 30), at(2024, 3, 7, 17, 0))
    assert cal.working_days_between(start, end, [pause]) == 2
    # Overlapping pauses are merged, not subtracted twice.
    overlapping = [
        (at(2024, 3, 6, 7, 30), at(2024, 3, 7, 12, 0)),
        (at(2024, 3, 7, 9, 0), at(2024, 3, 7, 17, 0)),
    ]
    assert cal.working_days_between(start, end, overlapping) == 2
    # A pause sticking out of the interval only removes the part inside it.
    assert cal.working_days_between(start, end, [(at(2024, 3, 1), at(2024, 3, 5, 17, 0))]) == 3
    assert cal.working_days_between(end, start) == 0


def test_working_days_between_skips_holidays(cal):
    assert cal.working_days_between(at(2024, 2, 7, 7, 30), at(2024, 2, 15, 17, 0)) == 2


def test_extend_moves_due_by_paused_working_days(cal):
    due = at(2024, 3, 8, 17, 0)  # Friday
    assert cal.extend(due, 2) == at(2024, 3, 12, 17, 0)
    assert cal.extend(due, Decimal("0.5")) == at(2024, 3, 11, 11, 15)
    assert cal.extend(due, 0) == due


def test_merge_intervals():
    a, b, c = at(2024, 1, 1, 8), at(2024, 1, 1, 9), at(2024, 1, 1, 10)
    assert merge_intervals([(b, c), (a, b)]) == [(a, c)]
    assert merge_intervals([(b, a)]) == []


# --- Office hours ----------------------------------------------------------------------


def test_office_hours_defaults_and_validation():
    spec = OfficeHoursSpec()
    assert spec.day_length == dt.timedelta(hours=7, minutes=30)
    with pytest.raises(ValueError):
        OfficeHoursSpec(morning_start=dt.time(12, 0))
    with pytest.raises(ValueError):
        OfficeHoursSpec(receipt_cutoff=dt.time(18, 0))


def test_custom_office_hours_change_cutoff_and_day_length():
    hours = OfficeHoursSpec(
        morning_start=dt.time(8, 0),
        morning_end=dt.time(12, 0),
        afternoon_start=dt.time(13, 0),
        afternoon_end=dt.time(17, 0),
        receipt_cutoff=dt.time(11, 0),
    )
    cal = WorkCalendar(hours=hours)
    assert cal.deemed_receipt(at(2024, 3, 4, 11, 30)) == at(2024, 3, 5, 8, 0)
    assert cal.due_at(at(2024, 3, 4, 11, 30), 1, WD) == at(2024, 3, 6, 17, 0)
    assert cal.due_at(at(2024, 3, 4, 9, 0), Decimal("0.5"), WD) == at(2024, 3, 5, 12, 0)


def test_other_time_zone():
    cal = WorkCalendar(tz="UTC")
    assert cal.due_at(dt.datetime(2024, 3, 4, 10, 0, tzinfo=dt.UTC), 1, WD) == dt.datetime(
        2024, 3, 5, 17, 0, tzinfo=dt.UTC
    )
    assert str(official().tz) == "Asia/Ho_Chi_Minh"
