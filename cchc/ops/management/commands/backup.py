"""`cchc backup --out FILE`: a consistent copy of the whole database with its manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Sao lưu toàn bộ cơ sở dữ liệu (SQLite hoặc PostgreSQL) vào một tệp kèm manifest."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Tệp sao lưu sẽ ghi (.tar).")

    def handle(self, *args, out: str, **options):
        try:
            manifest = backup_create(out=Path(out))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        head = manifest.chain_head
        self.stdout.write(
            f"Đã sao lưu {manifest.engine} vào {out}: {len(manifest.counts)} bảng, "
            f"{sum(manifest.counts.values())} dòng, {len(manifest.migrations)} migration, "
            f"đầu chuỗi sự kiện #{head['seq']} {head['hash']}."
        )
