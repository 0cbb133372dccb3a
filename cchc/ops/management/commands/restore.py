"""`cchc restore FILE [--force]`: restore a `cchc backup` file and check it against its manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu từ tệp `cchc backup`; kiểm tra lại theo manifest. "
        "Không ghi đè cơ sở dữ liệu đang có dữ liệu nếu thiếu --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp sao lưu do `cchc backup` tạo.")
        parser.add_argument(
            "--force", action="store_true", help="Ghi đè cơ sở dữ liệu đang có dữ liệu."
        )

    def handle(self, *args, file: str, force: bool, **options):
        try:
            result = backup_restore(path=Path(file), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        m = result.manifest
        self.stdout.write(
            f"Đã khôi phục bản sao lưu {m.engine} tạo lúc {m.created_at}: "
            f"{sum(m.counts.values())} dòng khớp manifest, đầu chuỗi sự kiện "
            f"#{m.chain_head['seq']} {m.chain_head['hash']}."
        )
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"Còn {len(result.pending_migrations)} migration chưa áp dụng: chạy "
                    "`cchc migrate`."
                )
            )
        self.stdout.write(self.style.SUCCESS("Khôi phục xong; nên chạy `cchc audit verify`."))
