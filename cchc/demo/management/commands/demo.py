from django.core.management.base import BaseCommand

from cchc.demo import builder
from cchc.demo.structure import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Load the demo once: official units, the catalog, the demo province's organisations, "
        "staff in every role and a year of activity. Re-running keeps existing data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true")
        parser.add_argument(
            "--no-activity", action="store_true", help="không mô phỏng hồ sơ (nhanh hơn)"
        )

    def handle(self, *args, **options):
        report = builder.demo_build(log=self.stdout.write, with_activity=not options["no_activity"])
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if not options["quiet_accounts"]:
            self.stdout.write("")
            self.stdout.write(f"Tài khoản trình diễn (mật khẩu chung: {DEMO_PASSWORD})")
            for line in report.account_lines():
                self.stdout.write("  " + line)
