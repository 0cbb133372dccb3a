"""`cchc notifications_deliver`: send every queued applicant message that is due (cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cchc.integrations.services import notifications_deliver_due


class Command(BaseCommand):
    help = "Gửi các thông báo đang chờ đến hạn (e-mail, SMS, Zalo); dùng cho cron."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, limit: int, **options) -> None:
        counts = notifications_deliver_due(limit=limit)
        self.stdout.write(
            f"sent={counts['sent']} queued={counts['queued']} failed={counts['failed']}"
        )
