"""`cchc dossiers export --period P --csv FILE [--unit CODE]` and
`cchc dossiers import --csv FILE`: the dossier interchange file (logic in
cchc.indices.interchange)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Xuất / nhập hồ sơ theo định dạng trao đổi (CSV, UTF-8)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser("export", help="Xuất hồ sơ tiếp nhận trong kỳ ra tệp CSV.")
        export.add_argument("--period", required=True)
        export.add_argument("--csv", required=True)
        export.add_argument("--unit", default=None)
        imp = sub.add_parser("import", help="Nhập hồ sơ từ hệ thống khác (tệp CSV).")
        imp.add_argument("--csv", required=True)

    def handle(self, *args, subcommand: str, **options):
        from cchc.indices import interchange
        from cchc.indices.periods import parse_period
        from cchc.indices.selectors import unit_get_by_code

        try:
            if subcommand == "export":
                period = parse_period(options["period"])
                unit = unit_get_by_code(code=options["unit"]) if options["unit"] else None
                n = interchange.export_csv(period=period, unit=unit, path=options["csv"])
                self.stdout.write(f"Đã xuất {n} hồ sơ kỳ {period} ra {options['csv']}.")
            else:
                report = interchange.import_csv(path=options["csv"])
                self.stdout.write(f"Đã nhập {report.created} hồ sơ từ {options['csv']}.")
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
