"""`cchc audit verify` checks the dossier event chain; `cchc audit head` prints its head."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cchc.dossiers.audit import audit_head, audit_verify


class Command(BaseCommand):
    help = "Audit the tamper-evident dossier history: `verify` or `head`."

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify", "head"])
        parser.add_argument(
            "--projections",
            action="store_true",
            help="Also replay every dossier and compare with its stored projection.",
        )
        parser.add_argument(
            "--expect-head",
            default="",
            help="A head hash published earlier (seq:hash): it must still be in the chain.",
        )

    def handle(self, *args, subcommand: str, projections: bool, expect_head: str, **options):
        if subcommand == "head":
            seq, digest = audit_head()
            self.stdout.write(f"{seq}:{digest}")
            return
        report = audit_verify(projections=projections)
        problems = list(report.problems or [])
        if expect_head:
            problems.extend(self._check_anchor(expect_head))
        self.stdout.write(
            f"Đã kiểm tra {report.events} sự kiện của {report.dossiers} hồ sơ; "
            f"đầu chuỗi #{report.head_seq} {report.head_hash}."
        )
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            raise CommandError(f"Phát hiện {len(problems)} vấn đề trong lịch sử hồ sơ.")
        self.stdout.write(self.style.SUCCESS("Lịch sử hồ sơ toàn vẹn."))

    def _check_anchor(self, anchor: str):
        from cchc.dossiers.events import Problem
        from cchc.dossiers.models import DossierEvent

        seq_text, _, digest = anchor.partition(":")
        if not seq_text.isdigit() or not digest:
            raise CommandError("--expect-head phải có dạng SEQ:HASH")
        seq = int(seq_text)
        if seq == 0:
            return []
        stored = DossierEvent.objects.filter(chain_seq=seq).values_list("hash", flat=True).first()
        if stored != digest:
            return [Problem(seq, "anchor", "mã băm đã công bố không còn khớp với chuỗi sự kiện")]
        return []
