"""`cchc index --period P [--csv FILE] [--unit CODE] [--procedure CODE] [--json]`.

With `--csv` the file is scored without touching the database; without it, the database
is scored (the unit's subtree by the unit tree).
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cchc.indices.definition import CRITERIA_BY_CODE, GROUPS_BY_CODE, band_for
from cchc.indices.formulas import IndexResult, round_half_away
from cchc.indices.periods import parse_period

SOURCE_LABELS = {
    "dossiers": "hồ sơ",
    "database": "danh mục TTHC, PAKN, thanh toán",
    "official": "chỉ số liệu chính thức",
}


def _fmt(value) -> str:
    return "—" if value is None else f"{round_half_away(value):.2f}"


class Command(BaseCommand):
    help = "Chấm Bộ chỉ số phục vụ (QĐ 766/QĐ-TTg) từ tệp hồ sơ (--csv) hoặc từ cơ sở dữ liệu."
    # Scoring a file must not touch the database, not even through system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", required=True, help="2024 | 2024-Q1 | 2024-03 | 2024-01-01..2024-03-31"
        )
        parser.add_argument("--csv", default=None, help="Tệp hồ sơ theo định dạng trao đổi.")
        parser.add_argument("--unit", default=None, help="Mã đơn vị (gồm các đơn vị trực thuộc).")
        parser.add_argument("--procedure", default=None, help="Mã thủ tục hành chính.")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        parser.add_argument(
            "--compare",
            action="store_true",
            help="So sánh với điểm chính thức đã nhập từ Cổng DVCQG (cần --unit, không dùng --csv).",
        )

    def handle(self, *args, period, csv, unit, procedure, json: bool, compare: bool, **options):
        from cchc.indices import selectors

        if compare and (csv or not unit or json or procedure):
            raise CommandError(
                "--compare so sánh điểm tính từ cơ sở dữ liệu với điểm chính thức của một "
                "đơn vị: cần --unit, không dùng cùng --csv, --json hoặc --procedure."
            )
        try:
            p = parse_period(period)
            if compare:
                result, rows = selectors.index_comparison(
                    period=p, unit=selectors.unit_get_by_code(code=unit)
                )
                self._comparison(result, rows)
                return
            if csv:
                result = selectors.index_for_file(
                    path=csv, period=p, unit=unit, procedure_code=procedure
                )
            else:
                unit_obj = selectors.unit_get_by_code(code=unit) if unit else None
                result = selectors.index_for_database(
                    period=p, unit=unit_obj, procedure_code=procedure
                )
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        if json:
            self.stdout.write(_json_dumps(result))
        else:
            self._table(result)

    def _table(self, result: IndexResult) -> None:
        out = self.stdout.write
        out(f"Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg) — kỳ {result.period}")
        out(f"Số hồ sơ tiếp nhận trong kỳ: {result.dossiers}")
        out("")
        out(f"{'Tiêu chí':<38} {'Tử số':>8} {'Mẫu số':>8} {'Tỷ lệ':>7} {'Điểm':>7} {'Tối đa':>6}")
        for g in result.groups:
            group = GROUPS_BY_CODE[g.code]
            out(f"{group.name} ({_fmt(g.score)}/{g.max})")
            for c in result.criteria:
                if c.criterion.group != g.code:
                    continue
                num = "—" if c.numerator is None else str(c.numerator)
                den = "—" if c.denominator is None else str(c.denominator)
                out(
                    f"  {c.code:<36} {num:>8} {den:>8} {_fmt(c.rate):>7} "
                    f"{_fmt(c.score):>7} {CRITERIA_BY_CODE[c.code].max:>6}"
                )
        out("")
        percent = result.percent
        band = band_for(percent) if percent is not None else "—"
        out(
            f"Tổng điểm: {_fmt(result.total_score)}/{result.total_max} "
            f"({_fmt(percent)}%) — xếp loại: {band}"
        )
        out("(— : không tính được từ dữ liệu hoặc mẫu số bằng 0)")

    def _comparison(self, result: IndexResult, rows) -> None:
        out = self.stdout.write
        out(f"So sánh với điểm chính thức (Cổng DVCQG) — kỳ {result.period}")
        out(
            f"{'Tiêu chí':<38} {'Tính được':>9} {'Lúc nhập':>9} {'Chính thức':>10} "
            f"{'Chênh lệch':>10} {'Tối đa':>6}  Tính từ"
        )
        for r in rows:
            out(
                f"  {r.code:<36} {_fmt(r.computed):>9} {_fmt(r.computed_at_import):>9} "
                f"{_fmt(r.official):>10} {_fmt(r.difference):>10} {r.max:>6}  "
                f"{SOURCE_LABELS.get(r.computed_from, '')}"
            )
        out(
            "(Chênh lệch = điểm tính được − điểm chính thức; Lúc nhập = điểm tính được khi nhập "
            "điểm chính thức; — : không có số liệu)"
        )


def _json_dumps(result: IndexResult) -> str:
    return json.dumps(result.as_json(), ensure_ascii=False, indent=2)
