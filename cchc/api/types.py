"""Input types shared by the routers.

Strings refuse NUL (PostgreSQL cannot store it, and a query with it would fail as a
server error instead of a 422); codes are restricted to the characters they are made
of; datetimes to a plausible range (the calendar arithmetic behind due dates is not
meant for the year 9999).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

NO_NUL = r"^[^\x00]*$"
CODE_PATTERN = r"^[A-Za-z0-9._-]{1,100}$"


def Text(max_length: int, min_length: int = 0):
    return Annotated[
        str, StringConstraints(max_length=max_length, min_length=min_length, pattern=NO_NUL)
    ]


Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NO_NUL)]


def _plausible(value: dt.datetime) -> dt.datetime:
    if not 2000 <= value.year <= 2100:
        raise ValueError("Thời điểm phải trong khoảng năm 2000–2100.")
    if value.tzinfo is None:
        raise ValueError("Thời điểm phải kèm múi giờ (ví dụ +07:00).")
    return value


def _plausible_date(value: dt.date) -> dt.date:
    if not 1900 <= value.year <= 2100:
        raise ValueError("Ngày phải trong khoảng năm 1900–2100.")
    return value


Moment = Annotated[dt.datetime, AfterValidator(_plausible)]
Day = Annotated[dt.date, AfterValidator(_plausible_date)]
