"""Load the shipped PAR framework templates and survey definitions for a year."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.assessments import services
from cchc.assessments.framework import TEMPLATES
from cchc.assessments.models import Framework, Survey


class Command(BaseCommand):
    help = "Nạp bộ tiêu chí CCHC mẫu (sở, ngành; xã) và khảo sát SIPAS, DDCI cho một năm."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year)

    def handle(self, *args, year: int, **options):
        made = []
        try:
            for name in TEMPLATES:
                level = "department" if name.endswith("department") else "commune"
                if not Framework.objects.filter(year=year, level=level).exists():
                    made.append(
                        str(
                            services.framework_create_from_template(
                                actor=None, name=name, year=year
                            )
                        )
                    )
            for kind in ("sipas", "ddci"):
                if not Survey.objects.filter(kind=kind, year=year).exists():
                    made.append(
                        str(services.survey_create_from_template(actor=None, kind=kind, year=year))
                    )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        for line in made:
            self.stdout.write(f"Đã tạo: {line}")
        if not made:
            self.stdout.write("Đã có đủ bộ tiêu chí và khảo sát của năm này.")
