"""`cchc portal sync [--once]`: deliver the outbox to the national portal (Cổng DVCQG).

`sync` runs as a worker (a pass every --interval seconds) or, with --once, delivers what
is due now and exits (cron). `status` prints the outbox counts; `prune [--days N]` blanks
the personal data of messages delivered long ago; `sandbox-fault` tells the
local sandbox to fail (demo, manual tests).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from cchc.integrations.models import PortalSyncMessage
from cchc.integrations.portal.outbox import portal_prune, portal_sync_due
from cchc.integrations.portal.sandbox import FAULT_MODES, sandbox_set_fault


class Command(BaseCommand):
    help = "Đồng bộ hồ sơ lên Cổng DVCQG: `sync [--once]`, `status`, `sandbox-fault MODE`."

    def add_arguments(self, parser) -> None:
        parser.add_argument("subcommand", choices=["sync", "status", "sandbox-fault", "prune"])
        parser.add_argument("mode", nargs="?", default="")
        parser.add_argument("--once", action="store_true", help="Một lượt rồi dừng (cron).")
        parser.add_argument("--interval", type=float, default=10.0)
        parser.add_argument("--limit", type=int, default=1000)
        parser.add_argument("--count", type=int, default=None)
        parser.add_argument("--days", type=int, default=90, help="prune: gửi xong quá N ngày")

    def handle(self, *args, subcommand: str, mode: str, once: bool, **options) -> None:
        if subcommand == "status":
            rows = PortalSyncMessage.objects.values("status").annotate(n=Count("pk")).order_by()
            counts = {r["status"]: r["n"] for r in rows}
            self.stdout.write(" ".join(f"{k}={counts.get(k, 0)}" for k in _STATES))
            return
        if subcommand == "prune":
            n = portal_prune(older_than_days=options["days"])
            self.stdout.write(f"Đã xóa dữ liệu gửi của {n} bản tin đã đồng bộ.")
            return
        if subcommand == "sandbox-fault":
            mode = "" if mode in ("", "off", "ok") else mode
            if mode not in FAULT_MODES:
                raise CommandError(
                    f"Chế độ lỗi phải là một trong: off, {', '.join(FAULT_MODES[1:])}."
                )
            sandbox_set_fault(mode=mode, count=options["count"])
            self.stdout.write(f"sandbox fault: {mode or 'off'}")
            return
        while True:
            total = {k: 0 for k in _STATES}
            while True:  # passes until nothing more is due now
                counts = portal_sync_due(limit=options["limit"])
                for k, v in counts.items():
                    total[k] += v
                if counts["sent"] == 0:
                    break
            self.stdout.write(" ".join(f"{k}={total[k]}" for k in _STATES))
            if once:
                return
            try:
                time.sleep(options["interval"])
            except KeyboardInterrupt:
                return


_STATES = ("sent", "failed", "dead", "pending")
