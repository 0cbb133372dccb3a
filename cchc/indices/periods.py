"""Reporting periods: `2024`, `2024-Q1`, `2024-03`, `2024-01-01..2024-03-31`.

A period runs from 00:00:00 of its first day to 23:59:59 of its last, both included, in
local time (Asia/Ho_Chi_Minh). Times here are naive local datetimes, the way the
interchange file writes them. Pure module: no database.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_HALF = re.compile(r"^(\d{4})-[Hh]([12])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")

FORMAT_HELP = (
    "năm (2024), quý (2024-Q1), nửa năm (2024-H1), tháng (2024-03) "
    "hoặc khoảng ngày (2024-01-01..2024-03-31)"
)


@dataclass(frozen=True)
class Period:
    first_day: dt.date
    last_day: dt.date
    label: str

    @property
    def start(self) -> dt.datetime:
        """00:00:00 of the first day (naive local)."""
        return dt.datetime.combine(self.first_day, dt.time(0, 0, 0))

    @property
    def end(self) -> dt.datetime:
        """23:59:59 of the last day (naive local), included."""
        return dt.datetime.combine(self.last_day, dt.time(23, 59, 59))

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment <= self.end

    def __str__(self) -> str:
        return self.label


def _invalid(value: str, detail: str = "") -> ValidationError:
    text = f"Kỳ “{value}” không hợp lệ"
    if detail:
        text += f": {detail}"
    return ValidationError(f"{text}. Hãy ghi kỳ theo dạng {FORMAT_HELP}.", code="period")


def _date(text: str, original: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _invalid(original, f"ngày {text} không tồn tại") from None


def parse_period(value: str) -> Period:
    """Parse a period; a clear Vietnamese ValidationError for anything else."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"Vui lòng ghi kỳ đánh giá: {FORMAT_HELP}.", code="period")
    if m := _YEAR.match(text):
        year = int(m.group(1))
        if year < 1:
            raise _invalid(value, "năm không hợp lệ")
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), text)
    if m := _QUARTER.match(text):
        year, quarter = int(m.group(1)), int(m.group(2))
        if year < 1:
            raise _invalid(value, "năm không hợp lệ")
        first_month = 3 * (quarter - 1) + 1
        last_month = first_month + 2
        last = calendar.monthrange(year, last_month)[1]
        return Period(
            dt.date(year, first_month, 1),
            dt.date(year, last_month, last),
            f"{year}-Q{quarter}",
        )
    if m := _HALF.match(text):
        # Half-years: the "báo cáo 6 tháng" of periodic reporting.
        year, half = int(m.group(1)), int(m.group(2))
        if year < 1:
            raise _invalid(value, "năm không hợp lệ")
        first_month = 1 if half == 1 else 7
        last_month = first_month + 5
        last = calendar.monthrange(year, last_month)[1]
        return Period(
            dt.date(year, first_month, 1), dt.date(year, last_month, last), f"{year}-H{half}"
        )
    if m := _MONTH.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if year < 1 or not 1 <= month <= 12:
            raise _invalid(value, "tháng phải từ 01 đến 12")
        last = calendar.monthrange(year, month)[1]
        return Period(dt.date(year, month, 1), dt.date(year, month, last), text)
    if m := _RANGE.match(text):
        first, last_day = _date(m.group(1), value), _date(m.group(2), value)
        if last_day < first:
            raise _invalid(value, "ngày cuối kỳ trước ngày đầu kỳ")
        return Period(first, last_day, text)
    raise _invalid(value)
