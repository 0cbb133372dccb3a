"""Working-day arithmetic (the one place for it). Filled in by the calendar work."""

from enum import StrEnum


class TimeUnit(StrEnum):
    """How a statutory time limit is expressed (a procedure's `processing_time_unit`)."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    WORKING_HOURS = "working_hours"
