"""`cchc stats rebuild` recomputes the index rollups from the dossiers;
`cchc stats check` compares them with a recomputation and exits non-zero on a difference."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Số liệu tổng hợp Bộ chỉ số 766: dựng lại (rebuild) hoặc kiểm tra (check)."

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["rebuild", "check"])

    def handle(self, *args, subcommand: str, **options):
        from cchc.indices.rollups import rollup_check, rollup_rebuild

        if subcommand == "rebuild":
            n = rollup_rebuild()
            self.stdout.write(f"Đã dựng lại số liệu tổng hợp: {n} dòng.")
            return
        problems = rollup_check()
        for p in problems:
            self.stdout.write(p)
        if problems:
            raise CommandError(
                f"Số liệu tổng hợp khác với tính lại từ hồ sơ ở {len(problems)} dòng; "
                "chạy `cchc stats rebuild`."
            )
        self.stdout.write(self.style.SUCCESS("Số liệu tổng hợp khớp với hồ sơ."))
