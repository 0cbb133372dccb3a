"""`cchc report --unit CODE --period 2024-Q1 --format docx|pdf|xlsx --out FILE`."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cchc.indices.periods import parse_period
from cchc.reports.data import report_data
from cchc.reports.render import FORMATS, render


class Command(BaseCommand):
    help = "Lập báo cáo định kỳ công tác CCHC của một đơn vị (DOCX, PDF hoặc XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="mã đơn vị")
        parser.add_argument("--period", required=True, help="2024, 2024-H1, 2024-Q1, 2024-03")
        parser.add_argument("--format", choices=FORMATS, default="docx")
        parser.add_argument("--out", required=True, help="tệp kết quả")

    def handle(self, *args, **opts):
        from cchc.indices.selectors import unit_get_by_code

        try:
            unit = unit_get_by_code(code=opts["unit"])
            period = parse_period(opts["period"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        content = render(report_data(unit=unit, period=period), opts["format"])
        Path(opts["out"]).write_bytes(content)
        self.stdout.write(f"{opts['out']}: {len(content)} bytes")
