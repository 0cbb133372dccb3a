"""`cchc directives parse FILE --json [--match]`: the tasks of a directive document.

Without --match no database is touched: the output is the extraction with names as
written in the document. With --match each task also gets `lead_codes` /
`coordinating_codes` (unit codes, null where a name matched nothing) and `needs_review`.
"""

import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cchc.directives.parsing import parse_notice
from cchc.directives.reading import text_from_path


class Command(BaseCommand):
    help = "Trích xuất nhiệm vụ từ văn bản chỉ đạo (thông báo kết luận, kế hoạch)."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        parse = sub.add_parser("parse", help="trích xuất nhiệm vụ, in ra màn hình")
        parse.add_argument("file", help="tệp .txt, .docx hoặc .pdf (có lớp văn bản); - là stdin")
        parse.add_argument("--json", action="store_true", help="in dạng JSON")
        parse.add_argument(
            "--match", action="store_true", help="đối chiếu tên đơn vị với cây tổ chức (cần CSDL)"
        )
        parse.add_argument(
            "--with-notice",
            action="store_true",
            help="kèm số, ngày, cơ quan ban hành, người ký (khóa 'notice' trong JSON)",
        )
        parse.add_argument(
            "--issuer", default=None, help="mã đơn vị ban hành (phạm vi đối chiếu khi --match)"
        )

        remind = sub.add_parser(
            "remind", help="gửi nhắc hạn, nhắc báo cáo định kỳ (chạy theo lịch cron)"
        )
        remind.add_argument(
            "--enqueue", action="store_true", help="đưa vào hàng đợi tác vụ nền thay vì chạy ngay"
        )

    def handle(self, *args, **options):
        if options["action"] == "remind":
            return self._remind(enqueue=options["enqueue"])
        try:
            text = sys.stdin.read() if options["file"] == "-" else text_from_path(options["file"])
        except FileNotFoundError as exc:
            raise CommandError(f"Không tìm thấy tệp {options['file']!r}") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        notice = parse_notice(text)
        self._print(notice, options)

    def _remind(self, *, enqueue: bool) -> None:
        if enqueue:
            from cchc.directives.tasks import send_directive_reminders_task

            send_directive_reminders_task.enqueue()
            self.stdout.write("Đã đưa việc gửi nhắc nhở vào hàng đợi.")
            return
        from cchc.directives.services import reminders_send

        self.stdout.write(f"Đã gửi {reminders_send()} nhắc nhở.")

    def _print(self, notice, options) -> None:
        tasks = [
            {
                "number": t.number,
                "text": t.text,
                "lead": t.lead,
                "coordinating": t.coordinating,
                "deadline": t.deadline.isoformat() if t.deadline else None,
                "recurrence": t.recurrence,
            }
            for t in notice.tasks
        ]
        if options["match"]:
            from cchc.directives.matching import match_notice
            from cchc.units.models import Unit

            issuer = None
            if options["issuer"]:
                issuer = Unit.objects.filter(code=options["issuer"]).first()
                if issuer is None:
                    raise CommandError(f"Không tìm thấy đơn vị có mã {options['issuer']!r}")
            matched_rows = match_notice(notice=notice, issuer=issuer)
            for row, matched in zip(tasks, matched_rows, strict=True):
                row.update(matched)
        if options["json"]:
            payload: dict[str, object] = {"tasks": tasks}
            if options["with_notice"]:
                payload["notice"] = {k: v for k, v in notice.as_dict().items() if k != "tasks"}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        head = notice.kind or "Văn bản"
        if notice.number:
            head += f" số {notice.number}"
        self.stdout.write(f"{head}: {len(tasks)} nhiệm vụ")
        for row in tasks:
            lead = ", ".join(row["lead"]) or "(chưa rõ)"
            line = f"{row['number']:>4}. {lead}"
            if row["coordinating"]:
                line += f" | phối hợp: {', '.join(row['coordinating'])}"
            if row["deadline"]:
                line += f" | hạn: {row['deadline']}"
            if row["recurrence"]:
                line += f" | định kỳ: {', '.join(row['recurrence'])}"
            self.stdout.write(line)
