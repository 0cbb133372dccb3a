"""`cchc reports_run_scheduled` (cron, e.g. daily 06:00): reports for closed periods."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Lập và gửi các báo cáo định kỳ đã đến hạn (sau khi kỳ báo cáo kết thúc)."

    def handle(self, *args, **opts):
        from cchc.reports.services import reports_run_scheduled

        jobs = reports_run_scheduled()
        for job in jobs:
            self.stdout.write(f"{job.unit.code} {job.period} {job.format}: {job.status}")
        self.stdout.write(f"{len(jobs)} báo cáo")
