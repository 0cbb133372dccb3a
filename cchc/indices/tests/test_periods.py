import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cchc.indices.periods import parse_period


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2024-q4", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        ("2024-H1", dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
        ("2024-h2", dt.date(2024, 7, 1), dt.date(2024, 12, 31)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),  # leap year
        ("2023-02", dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
        ("2024-01-15..2024-03-31", dt.date(2024, 1, 15), dt.date(2024, 3, 31)),
        ("2024-03-31..2024-03-31", dt.date(2024, 3, 31), dt.date(2024, 3, 31)),
    ],
)
def test_periods(text, first, last):
    p = parse_period(text)
    assert (p.first_day, p.last_day) == (first, last)
    assert p.start == dt.datetime.combine(first, dt.time(0, 0, 0))
    assert p.end == dt.datetime.combine(last, dt.time(23, 59, 59))


def test_both_ends_included():
    p = parse_period("2024-03")
    assert p.contains(dt.datetime(2024, 3, 1, 0, 0, 0))
    assert p.contains(dt.datetime(2024, 3, 31, 23, 59, 59))
    assert not p.contains(dt.datetime(2024, 4, 1, 0, 0, 0))
    assert not p.contains(dt.datetime(2024, 2, 29, 23, 59, 59))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Vui lòng ghi kỳ"),
        ("2024-13", "tháng phải từ 01 đến 12"),
        ("2024-Q5", "không hợp lệ"),
        ("2024-02-30..2024-03-31", "ngày 2024-02-30 không tồn tại"),
        ("2024-03-31..2024-03-01", "ngày cuối kỳ trước ngày đầu kỳ"),
        ("03/2024", "không hợp lệ"),
        ("2024-1", "không hợp lệ"),
    ],
)
def test_bad_periods_explain_in_vietnamese(text, fragment):
    with pytest.raises(ValidationError) as exc:
        parse_period(text)
    assert fragment in exc.value.messages[0]
    assert exc.value.code == "period"
