"""Laws of the deadline arithmetic, checked with hypothesis over 2024–2026 (real holidays)."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.calendars.workdays import TimeUnit

from .conftest import TZ, official

CAL = official()  # shared: its per-year caches make the suite fast
WD = TimeUnit.WORKING_DAYS
FAST = settings(max_examples=200, deadline=None)

instants = st.builds(
    lambda day, minute: (
        dt.datetime.combine(day, dt.time(0), tzinfo=TZ) + dt.timedelta(minutes=minute)
    ),
    st.dates(min_value=dt.date(2023, 12, 1), max_value=dt.date(2026, 12, 31)),
    st.integers(min_value=0, max_value=24 * 60 - 1),
)
whole_days = st.integers(min_value=0, max_value=60)
# Quotas like 0.5 or 2.25 days: two decimals are exact in microseconds of office time.
fractional_days = st.decimals(min_value=0, max_value=40, places=2, allow_nan=False)


def _local(moment):
    return moment.astimezone(TZ)


@FAST
@given(instants, st.integers(min_value=1, max_value=60))
def test_due_is_a_working_day_at_closing(received, n):
    due = CAL.due_at(received, n, WD)
    assert CAL.is_working_day(_local(due).date())
    assert _local(due).time() == CAL.hours.afternoon_end


@FAST
@given(instants, whole_days, fractional_days)
def test_never_before_receipt(received, n, fraction):
    for unit, amount in (
        (WD, n),
        (WD, fraction),
        (TimeUnit.CALENDAR_DAYS, n),
        (TimeUnit.WORKING_HOURS, fraction),
    ):
        assert CAL.due_at(received, amount, unit) >= received


@FAST
@given(instants, whole_days)
def test_monotone_in_n(received, n):
    assert CAL.due_at(received, n, WD) < CAL.due_at(received, n + 1, WD)
    assert CAL.due_at(received, n, TimeUnit.CALENDAR_DAYS) <= CAL.due_at(
        received, n + 1, TimeUnit.CALENDAR_DAYS
    )


@FAST
@given(instants, whole_days)
def test_integer_n_counts_n_working_days_after_the_receipt_day(received, n):
    due = CAL.due_at(received, n, WD)
    receipt_day = CAL.deemed_receipt(received).date()
    if n == 0:
        assert due == CAL.clock_start(received)
        return
    # The N-th working day strictly after the (deemed) receipt day.
    day, count = receipt_day, 0
    while count < n:
        day += dt.timedelta(days=1)
        count += CAL.is_working_day(day)
    assert _local(due).date() == day


@FAST
@given(instants, fractional_days)
def test_working_days_between_matches_n(received, n):
    due = CAL.due_at(received, n, WD)
    # Exactly N from the clock start; from the deemed receipt, N plus the unused part
    # of the receipt day (never counted), which is at most one day.
    assert CAL.working_days_between(CAL.clock_start(received), due) == n
    elapsed = CAL.working_days_between(CAL.deemed_receipt(received), due)
    assert n <= elapsed <= n + 1


@FAST
@given(instants, whole_days, st.integers(min_value=0, max_value=30))
def test_extend_by_k_equals_n_plus_k(received, n, k):
    due = CAL.due_at(received, n, WD)
    assert CAL.extend(due, k) == CAL.due_at(received, n + k, WD)


@FAST
@given(instants, fractional_days, fractional_days)
def test_extend_then_count(start, d, k):
    due = CAL.add_working_time(start, d)
    later = CAL.extend(due, k)
    assert CAL.working_days_between(due, later) == k
    assert later >= due


@FAST
@given(instants, fractional_days)
def test_add_then_count_round_trips(start, d):
    assert CAL.working_days_between(start, CAL.add_working_time(start, d)) == d


def _between(start, end, pauses=()):
    # Exact (microseconds of office time); the Decimal day count divides by 7.5 h.
    return CAL.working_time_between(start, end, pauses)


@FAST
@given(instants, instants, instants, instants)
def test_pause_removes_exactly_the_paused_working_time(a, b, p, q):
    start, end = min(a, b), max(a, b)
    pause = (min(p, q), max(p, q))
    total = _between(start, end)
    inside = _between(max(start, pause[0]), min(end, pause[1]))
    assert _between(start, end, [pause]) == total - inside
    # The same pause twice is not removed twice.
    assert _between(start, end, [pause, pause]) == total - inside
    # In days: the same, up to Decimal's 28 significant digits.
    days = CAL.working_days_between(start, end, [pause])
    expected = CAL.working_days_between(start, end) - CAL.working_days_between(
        max(start, pause[0]), min(end, pause[1])
    )
    assert abs(days - expected) < Decimal("1e-20")


@FAST
@given(instants, instants, st.lists(st.tuples(instants, instants), min_size=2, max_size=2))
def test_overlapping_pauses_are_merged(a, b, raw):
    start, end = min(a, b), max(a, b)
    (p0, p1), (q0, q1) = [(min(x, y), max(x, y)) for x, y in raw]

    def inside(s, e):
        return _between(max(start, s), min(end, e))

    # Inclusion–exclusion: the overlap of the two pauses is removed once.
    expected = (
        _between(start, end) - inside(p0, p1) - inside(q0, q1) + inside(max(p0, q0), min(p1, q1))
    )
    assert _between(start, end, [(p0, p1), (q0, q1)]) == expected


@FAST
@given(instants)
def test_deemed_receipt_is_a_working_moment_not_before_receipt(received):
    deemed = CAL.deemed_receipt(received)
    assert deemed >= received
    assert CAL.is_working_day(deemed.date())
    assert CAL.hours.morning_start <= deemed.time() <= CAL.hours.receipt_cutoff
    if CAL.is_working_day(received.date()) and received.time() <= CAL.hours.receipt_cutoff:
        assert deemed.date() == received.date()


@FAST
@given(instants, whole_days)
def test_calendar_days_end_on_first_working_day_on_or_after(received, n):
    due = _local(CAL.due_at(received, n, TimeUnit.CALENDAR_DAYS))
    last = CAL.deemed_receipt(received).date() + dt.timedelta(days=n)
    assert due.date() >= last
    assert CAL.is_working_day(due.date())
    day = last
    while day < due.date():
        assert not CAL.is_working_day(day)
        day += dt.timedelta(days=1)


@FAST
@given(st.dates(min_value=dt.date(2023, 12, 1), max_value=dt.date(2026, 12, 31)))
def test_next_working_day_skips_only_days_off(day):
    nxt = CAL.next_working_day(day)
    assert nxt > day
    assert CAL.is_working_day(nxt)
    between = day + dt.timedelta(days=1)
    while between < nxt:
        assert not CAL.is_working_day(between)
        between += dt.timedelta(days=1)


@FAST
@given(instants, st.integers(min_value=0, max_value=100))
def test_working_hours_are_office_time(received, hours):
    due = CAL.due_at(received, hours, TimeUnit.WORKING_HOURS)
    assert _between(CAL.deemed_receipt(received), due) == dt.timedelta(hours=hours)
