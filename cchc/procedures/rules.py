"""Pure rules of the procedure catalog: value parsing and the quota rule.

No database access here, so the rules are shared by the importer, the version
service and the admin, and are easy to test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils import timezone

TRUE_WORDS = frozenset({"true", "1", "x", "có", "co", "yes", "y"})
FALSE_WORDS = frozenset({"false", "0", "", "không", "khong", "no", "n"})

TIME_UNIT_LABELS = {
    "working_days": "ngày làm việc",
    "calendar_days": "ngày",
    "working_hours": "giờ làm việc",
}


class RuleError(ValueError):
    """A value that breaks a catalog rule; its text is the Vietnamese message."""


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise RuleError("Giá trị phải là true hoặc false.")


def parse_decimal(text: str, *, places: int, minimum: Decimal = Decimal("0")) -> Decimal:
    raw = text.strip().replace(" ", "")
    if not raw:
        raise RuleError("Thiếu giá trị số.")
    # Accept the Vietnamese decimal comma ("0,5") but not thousands separators,
    # which would make "1.000" ambiguous.
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RuleError(f"'{text}' không phải là số.") from None
    if not value.is_finite():
        raise RuleError(f"'{text}' không phải là số.")
    if value < minimum:
        raise RuleError(f"Giá trị không được nhỏ hơn {minimum}.")
    quantum = Decimal(1).scaleb(-places)
    if value != value.quantize(quantum):
        raise RuleError(f"Giá trị chỉ được có tối đa {places} chữ số thập phân.")
    return value.quantize(quantum)


def parse_positive_int(text: str) -> int:
    raw = text.strip()
    if not raw.isdigit() or int(raw) < 1:
        raise RuleError("Phải là số nguyên dương.")
    return int(raw)


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise RuleError("Ngày phải theo dạng YYYY-MM-DD.") from None


def parse_moment(text: str) -> dt.datetime:
    """A date (local midnight, Asia/Ho_Chi_Minh) or an ISO date-time."""
    raw = text.strip()
    if not raw:
        raise RuleError("Thiếu ngày áp dụng.")
    if len(raw) == 10:
        day = parse_date(raw)
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise RuleError("Thời điểm phải theo dạng YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM.") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def format_moment(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    if local.time() == dt.time.min:
        return local.date().isoformat()
    return local.isoformat()


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]


def format_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def quota_error(
    *, processing_time: Decimal, unit: str, steps: Iterable[tuple[Decimal, bool]]
) -> str | None:
    """The statutory time equals the sum of step quotas, legal pauses excluded.

    Quotas are in the procedure's own time unit. Steps marked as legal pauses
    (e.g. fulfilment of financial obligations in land procedures, Luật Đất đai 2024
    and NĐ 101/2024/NĐ-CP) are not counted in the statutory time limit.
    """
    counted = sum((quota for quota, pause in steps if not pause), Decimal("0"))
    if counted != processing_time:
        label = TIME_UNIT_LABELS.get(unit, unit)
        return (
            f"Tổng định mức các bước (không tính bước tạm dừng theo luật) là "
            f"{format_decimal(counted)} {label}, khác thời hạn giải quyết "
            f"{format_decimal(processing_time)} {label}."
        )
    return None
