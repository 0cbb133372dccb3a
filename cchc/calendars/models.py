"""Calendar exceptions (national) and office hours (per unit).

The rules that use them live in `cchc.calendars.workdays`; writes go through
`cchc.calendars.services`, reads through `cchc.calendars.selectors`.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from cchc.calendars.workdays import OfficeHoursSpec


class CalendarExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", "Ngày nghỉ"
    WORKDAY = "workday", "Ngày làm việc (làm bù)"


class CalendarException(models.Model):
    """A national override of the `holidays` package for civil servants.

    DAY_OFF adds a day off (e.g. a swapped Friday); WORKDAY makes a date a working
    day (a make-up Saturday, or cancelling a day off the package reports wrongly).
    Each row records the legal instrument that announced it.
    """

    date = models.DateField("ngày", unique=True)
    kind = models.CharField("loại", max_length=16, choices=CalendarExceptionKind.choices)
    name = models.CharField("tên", max_length=255)
    legal_basis = models.CharField(
        "căn cứ pháp lý",
        max_length=500,
        help_text="Văn bản công bố (số, ngày, cơ quan ban hành).",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    # Part of the cache fingerprint in selectors: every change must touch it.
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "ngày nghỉ/làm bù đặc biệt"
        verbose_name_plural = "ngày nghỉ/làm bù đặc biệt"
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CalendarExceptionKind.values),
                name="calendar_exception_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"


class OfficeHours(models.Model):
    """Office hours and receipt cut-off of a unit; `unit` empty = the default for all units.

    The nearest ancestor's row applies to a unit, else the default row, else the
    built-in `OfficeHoursSpec()` defaults (07:30–11:30, 13:30–17:00, cut-off 16:30).
    """

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="office_hours",
        help_text="Để trống: áp dụng mặc định cho mọi đơn vị.",
    )
    morning_start = models.TimeField("sáng bắt đầu", default=dt.time(7, 30))
    morning_end = models.TimeField("sáng kết thúc", default=dt.time(11, 30))
    afternoon_start = models.TimeField("chiều bắt đầu", default=dt.time(13, 30))
    afternoon_end = models.TimeField("chiều kết thúc", default=dt.time(17, 0))
    receipt_cutoff = models.TimeField(
        "giờ chốt tiếp nhận",
        default=dt.time(16, 30),
        help_text="Hồ sơ nhận sau giờ này được coi là nhận vào đầu ngày làm việc tiếp theo.",
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "giờ làm việc"
        verbose_name_plural = "giờ làm việc"
        constraints = [
            # One row per unit, and one default row (NULL unit) — portable to SQLite and PG.
            models.UniqueConstraint(Coalesce("unit", Value(0)), name="office_hours_one_per_unit"),
            models.CheckConstraint(
                condition=Q(morning_start__lt=F("morning_end"))
                & Q(morning_end__lte=F("afternoon_start"))
                & Q(afternoon_start__lt=F("afternoon_end"))
                & Q(receipt_cutoff__gte=F("morning_start"))
                & Q(receipt_cutoff__lte=F("afternoon_end")),
                name="office_hours_ordered",
            ),
        ]

    def __str__(self) -> str:
        who = str(self.unit) if self.unit_id else "Mặc định"
        return (
            f"{who}: {self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"
        )

    def to_spec(self) -> OfficeHoursSpec:
        return OfficeHoursSpec(
            morning_start=self.morning_start,
            morning_end=self.morning_end,
            afternoon_start=self.afternoon_start,
            afternoon_end=self.afternoon_end,
            receipt_cutoff=self.receipt_cutoff,
        )
