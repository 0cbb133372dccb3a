"""`cchc simulate --dossiers N --seed S --year Y [--bulk] [--unit CODE ...]`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.dossiers.simulation import simulate


class Command(BaseCommand):
    help = (
        "Mô phỏng một năm hồ sơ thực tế (cơ cấu thủ tục, mùa vụ theo thứ trong tuần và "
        "trước Tết, tốc độ từng đơn vị, bổ sung, trễ hạn, tỷ lệ trực tuyến, đánh giá) qua "
        "các dịch vụ thật, hoặc ghi hàng loạt với --bulk. Cùng hạt giống cho cùng kết quả."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, required=True, help="số hồ sơ")
        parser.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên")
        parser.add_argument("--year", type=int, required=True, help="năm mô phỏng")
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="ghi hàng loạt (cùng sự kiện và dữ liệu hiện hành), cho số lượng lớn",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="số tiến trình tính hồ sơ song song (chỉ với --bulk)",
        )
        parser.add_argument(
            "--unit",
            action="append",
            dest="units",
            metavar="CODE",
            help="chỉ các Bộ phận Một cửa thuộc đơn vị này (lặp lại được)",
        )

    def handle(self, *args, **options) -> None:
        try:
            report = simulate(
                dossiers=options["dossiers"],
                seed=options["seed"],
                year=options["year"],
                bulk=options["bulk"],
                unit_codes=options["units"] or None,
                workers=options["workers"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(report.summary())
