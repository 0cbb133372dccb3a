from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cchc.units import importing


class Command(BaseCommand):
    help = (
        "Import the official administrative units (34 provinces, 3,321 communes from 1/7/2025) "
        "and the legacy units used by the demo, with their old→new mapping. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, default=importing.OFFICIAL_FILE, help="official list CSV"
        )
        parser.add_argument(
            "--no-legacy", action="store_true", help="skip legacy units and successions"
        )
        parser.add_argument("--legacy-file", type=Path, default=importing.LEGACY_FILE)
        parser.add_argument("--successions-file", type=Path, default=importing.SUCCESSIONS_FILE)

    def handle(self, *args, **options):
        for key in ("file", "legacy_file", "successions_file"):
            if not Path(options[key]).is_file():
                raise CommandError(f"Không tìm thấy tệp {options[key]}")
        try:
            result = importing.import_all(
                official_file=options["file"],
                legacy=not options["no_legacy"],
                legacy_file=options["legacy_file"],
                successions_file=options["successions_file"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Đơn vị: tạo mới {result.created}, cập nhật {result.updated}, không đổi {result.unchanged}; "
            f"sắp xếp (cũ → mới) thêm {result.successions_created}."
        )
