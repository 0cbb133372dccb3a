"""`cchc stats rebuild [--year Y]` recomputes the index rollups from the dossiers;
`cchc stats check [--year Y]` compares them with a recomputation, lists every difference
and exits non-zero on any.

Two rollups are kept (decision 0007): the period cells (`cchc.indices.stats_rollups`,
month/quarter/year, kept in the dossier services' transaction) and the day-level rows
(`cchc.indices.rollups`, any date range, refreshed after commit). Both are covered.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Số liệu tổng hợp Bộ chỉ số 766: dựng lại (rebuild) hoặc kiểm tra (check)."

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["rebuild", "check"])
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="Chỉ số liệu theo kỳ của hồ sơ tiếp nhận trong năm này (mặc định: tất cả).",
        )

    def handle(self, *args, subcommand: str, year: int | None = None, **options):
        from cchc.indices.rollups import rollup_check, rollup_rebuild
        from cchc.indices.stats_rollups import stats_check, stats_rebuild

        if subcommand == "rebuild":
            cells = stats_rebuild(year=year)
            n = rollup_rebuild()
            self.stdout.write(
                f"Đã dựng lại số liệu tổng hợp: {cells} ô theo kỳ, {n} dòng theo ngày."
            )
            return
        problems = stats_check(year=year) + rollup_check()
        for p in problems:
            self.stdout.write(p)
        if problems:
            raise CommandError(
                f"Số liệu tổng hợp khác với tính lại từ hồ sơ ở {len(problems)} chỗ; "
                "chạy `cchc stats rebuild`."
            )
        self.stdout.write(self.style.SUCCESS("Số liệu tổng hợp khớp với hồ sơ."))
