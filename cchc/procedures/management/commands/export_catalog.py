from pathlib import Path

from django.core.management.base import BaseCommand

from cchc.procedures.services import catalog_export


class Command(BaseCommand):
    help = "Export the procedure catalog in the importable shape (XLSX, or CSV files in a .zip)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--out", required=True, help="Output file (.xlsx or .zip)")

    def handle(self, *args, **options):
        content = catalog_export(fmt=options["format"])
        Path(options["out"]).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {len(content)} byte vào {options['out']}"))
