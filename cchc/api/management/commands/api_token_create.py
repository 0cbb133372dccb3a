"""`cchc api_token_create --user U --name N`: print a new API token once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cchc.accounts.models import User
from cchc.api import services


class Command(BaseCommand):
    help = "Tạo khóa API cho một tài khoản; khóa chỉ được in ra một lần."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="tên đăng nhập")
        parser.add_argument("--name", required=True, help="tên hệ thống sử dụng khóa")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{options['user']}”.")
        try:
            token, raw = services.api_token_create(actor=None, user=user, name=options["name"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stderr.write(
            f"Đã tạo khóa API “{token.name}” cho {user.username}. "
            "Hãy lưu lại ngay: khóa sẽ không được hiển thị lần nữa."
        )
        self.stdout.write(raw)
