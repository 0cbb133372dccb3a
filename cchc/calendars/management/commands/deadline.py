"""`cchc deadline --received 2024-02-05 --days 5` prints the statutory due date.

Output: one line `YYYY-MM-DD`, or with `--json`
`{"received": ..., "due": ..., "working_days": ...}` (plus `due_at`, the full
date-time, and `deemed_received_at`). Bad input: a message on stderr, exit code 1.
"""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from cchc.calendars.selectors import calendar_for_unit
from cchc.calendars.services import deadline_compute, parse_amount
from cchc.calendars.workdays import TimeUnit

_FORMATS_HELP = "YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM"


def parse_received(text: str) -> dt.date | dt.datetime:
    """`YYYY-MM-DD` (a plain date: during office hours) or `YYYY-MM-DDTHH:MM[:SS]`."""
    text = text.strip()
    try:
        if "T" in text or " " in text:
            parsed = dt.datetime.fromisoformat(text)
            if parsed.tzinfo is not None:
                raise ValueError("no offsets: times are local to the unit")
            return parsed
        if len(text) != 10:
            raise ValueError("YYYY-MM-DD")
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            f"--received không hợp lệ: {text!r} (định dạng {_FORMATS_HELP})"
        ) from exc


class Command(BaseCommand):
    help = (
        "Tính hạn giải quyết của hồ sơ theo lịch làm việc (ngày làm việc, ngày lễ, giờ hành chính)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--received",
            required=True,
            help=f"thời điểm tiếp nhận ({_FORMATS_HELP}), giờ địa phương",
        )
        parser.add_argument(
            "--days", required=True, help="thời hạn giải quyết (số, ví dụ 5 hoặc 0.5)"
        )
        parser.add_argument(
            "--unit-type",
            dest="time_unit",
            default=TimeUnit.WORKING_DAYS.value,
            choices=[u.value for u in TimeUnit],
            help="đơn vị thời hạn (mặc định: working_days)",
        )
        parser.add_argument(
            "--unit", default=None, help="mã đơn vị (giờ làm việc riêng của đơn vị)"
        )
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args, **options):
        received = parse_received(options["received"])
        unit = None
        if options["unit"]:
            from cchc.units.models import Unit

            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Không tìm thấy đơn vị có mã {options['unit']!r}")
        try:
            amount = parse_amount(options["days"])
            due = deadline_compute(
                unit=unit, received_at=received, amount=amount, time_unit=options["time_unit"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except DatabaseError as exc:
            # The calendar's exception table lives in the database: say what to do, not a trace.
            raise CommandError(
                "Cơ sở dữ liệu chưa sẵn sàng (chưa có bảng lịch làm việc). "
                "Hãy chạy `cchc migrate` trước."
            ) from exc
        if not options["json"]:
            self.stdout.write(due.date().isoformat())
            return
        deemed = calendar_for_unit(unit=unit).deemed_receipt(received)
        number = int(amount) if amount == amount.to_integral_value() else float(amount)
        payload = {
            "received": received.isoformat(),
            "due": due.date().isoformat(),
            "working_days": number,
            "time_unit": options["time_unit"],
            "due_at": due.isoformat(),
            "deemed_received_at": deemed.isoformat(),
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False))
