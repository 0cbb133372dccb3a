"""Writes: calendar exceptions and office hours; and the deadline of a dossier.

Permissions. Calendar exceptions are national (one table for the whole country), so
changing them needs `Action.CALENDAR_MANAGE` *somewhere* — a system administrator of
any unit — or a superuser. Office hours of a unit need CALENDAR_MANAGE at that unit
(subtree assignments count); the default row (no unit) needs a superuser or
CALENDAR_MANAGE somewhere, like the exceptions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cchc.accounts.permissions import DENIED_MESSAGE, Action, require, units_in_scope
from cchc.calendars.models import CalendarException, CalendarExceptionKind, OfficeHours
from cchc.calendars.selectors import calendar_cache_clear, calendar_for_unit
from cchc.calendars.workdays import OfficeHoursSpec, TimeUnit

if TYPE_CHECKING:
    from cchc.accounts.models import User
    from cchc.units.models import Unit


def _require_national(actor: User) -> None:
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(DENIED_MESSAGE)
    if actor.is_superuser:
        return
    if not units_in_scope(actor, Action.CALENDAR_MANAGE).exists():
        raise PermissionDenied(DENIED_MESSAGE)


def _changed() -> None:
    # Now, for reads later in this transaction; on commit, for reads that raced it.
    calendar_cache_clear()
    transaction.on_commit(calendar_cache_clear)


@transaction.atomic
def calendar_exception_set(
    *,
    actor: User,
    date: dt.date,
    kind: CalendarExceptionKind | str,
    name: str,
    legal_basis: str,
) -> CalendarException:
    """Create or replace the exception for `date` (one per date)."""
    _require_national(actor)
    errors: dict[str, str] = {}
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        errors["date"] = "Ngày không hợp lệ."
    if kind not in CalendarExceptionKind.values:
        errors["kind"] = "Loại ngày phải là “Ngày nghỉ” hoặc “Ngày làm việc (làm bù)”."
    name = (name or "").strip()
    legal_basis = (legal_basis or "").strip()
    if not name:
        errors["name"] = "Vui lòng nhập tên ngày nghỉ/làm bù."
    if not legal_basis:
        errors["legal_basis"] = "Vui lòng ghi căn cứ pháp lý (số, ngày văn bản công bố)."
    if errors:
        raise ValidationError(
            {field: ValidationError(msg, code="invalid") for field, msg in errors.items()}
        )
    exception, _ = CalendarException.objects.update_or_create(
        date=date,
        defaults={"kind": str(kind), "name": name, "legal_basis": legal_basis},
    )
    _changed()
    return exception


@transaction.atomic
def calendar_exception_delete(*, actor: User, date: dt.date) -> None:
    """Remove the exception for `date`; the `holidays` package applies again."""
    _require_national(actor)
    deleted, _ = CalendarException.objects.filter(date=date).delete()
    if not deleted:
        raise ValidationError(
            {"date": ValidationError("Không có ngày đặc biệt nào vào ngày này.", code="not_found")}
        )
    _changed()


@transaction.atomic
def office_hours_set(
    *,
    actor: User,
    unit: Unit | None,
    morning_start: dt.time,
    morning_end: dt.time,
    afternoon_start: dt.time,
    afternoon_end: dt.time,
    receipt_cutoff: dt.time,
) -> OfficeHours:
    """Create or replace the office hours of `unit` (None = the default for all units)."""
    if unit is None:
        _require_national(actor)
    else:
        require(actor, Action.CALENDAR_MANAGE, unit)
    try:
        OfficeHoursSpec(morning_start, morning_end, afternoon_start, afternoon_end, receipt_cutoff)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            "Giờ làm việc không hợp lệ: phải theo thứ tự sáng bắt đầu < sáng kết thúc ≤ "
            "chiều bắt đầu < chiều kết thúc, và giờ chốt tiếp nhận nằm trong giờ làm việc.",
            code="invalid_hours",
        ) from exc
    row, _ = OfficeHours.objects.update_or_create(
        unit=unit,
        defaults={
            "morning_start": morning_start,
            "morning_end": morning_end,
            "afternoon_start": afternoon_start,
            "afternoon_end": afternoon_end,
            "receipt_cutoff": receipt_cutoff,
        },
    )
    _changed()
    return row


def parse_amount(value: object) -> Decimal:
    """A non-negative time limit as Decimal, or ValidationError (Vietnamese)."""
    if isinstance(value, bool):
        value = None
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise ValidationError(
            {"amount": ValidationError("Thời hạn phải là một số không âm.", code="invalid")}
        )
    return amount


def deadline_compute(
    *,
    unit: Unit | None,
    received_at: dt.datetime | dt.date,
    amount: Decimal | int | str,
    time_unit: TimeUnit | str,
) -> dt.datetime:
    """The statutory due date-time of a dossier received at `received_at` by `unit`.

    Read-only; no permission needed (the result is public on the receipt, Mẫu 01).
    Snapshot the result on the dossier: a later change of calendar must not move it.
    """
    dec = parse_amount(amount)
    try:
        unit_enum = TimeUnit(time_unit)
    except ValueError:
        raise ValidationError(
            {"time_unit": ValidationError("Đơn vị thời hạn không hợp lệ.", code="invalid")}
        ) from None
    if unit_enum is TimeUnit.CALENDAR_DAYS and dec != dec.to_integral_value():
        raise ValidationError(
            {
                "amount": ValidationError(
                    "Thời hạn tính theo ngày phải là số nguyên.", code="invalid"
                )
            }
        )
    if not isinstance(received_at, dt.date):
        raise ValidationError(
            {"received_at": ValidationError("Thời điểm tiếp nhận không hợp lệ.", code="invalid")}
        )
    return calendar_for_unit(unit=unit).due_at(received_at, dec, unit_enum)
