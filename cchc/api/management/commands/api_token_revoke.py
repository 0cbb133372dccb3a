"""`cchc api_token_revoke PREFIX`: revoke the token whose printed value starts so."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cchc.api import services
from cchc.api.models import ApiToken


class Command(BaseCommand):
    help = "Thu hồi khóa API theo phần đầu của khóa (ví dụ cchc_AbC123)."

    def add_arguments(self, parser):
        parser.add_argument("prefix")

    def handle(self, *args, prefix, **options):
        matches = list(ApiToken.objects.filter(prefix=prefix[: len("cchc_") + 6]))
        if len(matches) != 1:
            raise CommandError(f"Tìm thấy {len(matches)} khóa có phần đầu “{prefix}”; cần đúng 1.")
        token = services.api_token_revoke(actor=None, token=matches[0])
        self.stdout.write(f"Đã thu hồi khóa “{token.name}” của {token.user.username}.")
