from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cchc.procedures.services import CatalogImportError, catalog_import

DEFAULT = Path(settings.BASE_DIR) / "cchc" / "procedures" / "data" / "catalog"


class Command(BaseCommand):
    help = (
        "Import the procedure catalog (docs/catalog-format.md), all or nothing. "
        "Default: the shipped sample catalog (CSV directory)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT), help="XLSX file, CSV directory or .zip")
        parser.add_argument("--format", choices=["xlsx", "csv"], default=None)

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp hoặc thư mục: {path}")
        fmt = options["format"] or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")
        try:
            report = catalog_import(source=path, fmt=fmt)
        except CatalogImportError as exc:
            for error in exc.report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Danh mục có {len(exc.report.errors)} lỗi; không có dữ liệu nào được lưu."
            ) from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
        for label in report.new_versions:
            self.stdout.write(f"  + {label}")
