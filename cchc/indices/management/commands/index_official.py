"""`cchc index_official import --csv FILE`: official 766 figures from the national portal.

Columns: unit_code, period, criterion, numerator, denominator, score, source.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Nhập điểm chính thức Bộ chỉ số 766 (Cổng DVCQG) để so sánh với điểm tính được."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        imp = sub.add_parser("import", help="Nhập tệp CSV điểm chính thức.")
        imp.add_argument("--csv", required=True)

    def handle(self, *args, subcommand: str, csv: str, **options):
        from cchc.indices.services import official_scores_import

        try:
            n = official_scores_import(actor=None, path=csv)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(f"Đã nhập {n} điểm chính thức từ {csv}.")
