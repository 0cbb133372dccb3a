"""Which reminders a task is due at a given moment (pure: no Django, no I/O).

Each reminder has a stable key, so sending is idempotent: the job may run every few
minutes from cron or the task worker and a reminder still goes out once.
- before the deadline: 3 working days and 1 working day ahead (the unit's calendar);
- overdue: once, escalated to the head of the lead unit;
- recurring reports ("định kỳ hàng tháng, hàng quý báo cáo"): in the last working days
  of each period (weekly: from Thursday; monthly: from the 25th; quarterly, half-year
  and year: from the 20th of the period's last month).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from cchc.directives.parsing import Recurrence

BEFORE_DEADLINE = (1, 3)  # working days, nearest first


@dataclass(frozen=True)
class DueReminder:
    key: str
    kind: str  # "deadline", "overdue", "report"
    escalate: bool = False


def _working_days_between(
    start: dt.date, end: dt.date, is_working: Callable[[dt.date], bool]
) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    n = 0
    d = start
    while d < end:
        d += dt.timedelta(days=1)
        if is_working(d):
            n += 1
    return n


def reminders_due(
    *,
    now: dt.datetime,
    deadline: dt.datetime | None,
    recurrence: list[str],
    is_working: Callable[[dt.date], bool],
) -> list[DueReminder]:
    today = now.date()
    out: list[DueReminder] = []
    if deadline is not None:
        if now > deadline:
            out.append(DueReminder("overdue", "overdue", escalate=True))
        else:
            left = _working_days_between(today, deadline.date(), is_working)
            for days in BEFORE_DEADLINE:
                if left <= days:
                    out.append(DueReminder(f"deadline-{days}", "deadline"))
                    break
    for rule in recurrence:
        key = _period_key(rule, today)
        if key:
            out.append(DueReminder(f"report-{key}", "report"))
    return out


def _period_key(rule: str, today: dt.date) -> str | None:
    if rule == Recurrence.WEEKLY:
        year, week, weekday = today.isocalendar()
        return f"{year}-W{week:02d}" if weekday >= 4 else None
    if rule == Recurrence.MONTHLY:
        return f"{today:%Y-%m}" if today.day >= 25 else None
    last_months = {
        Recurrence.QUARTERLY: (3, 6, 9, 12),
        Recurrence.SEMIANNUAL: (6, 12),
        Recurrence.ANNUAL: (12,),
    }.get(rule)
    if last_months and today.month in last_months and today.day >= 20:
        return f"{rule}-{today:%Y-%m}"
    return None
