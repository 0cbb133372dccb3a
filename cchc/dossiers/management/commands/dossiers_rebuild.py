"""`cchc dossiers_rebuild [--code CODE]...`: rebuild dossier projections from their events."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from cchc.dossiers.models import Dossier
from cchc.dossiers.projection import dossier_rebuild


class Command(BaseCommand):
    help = "Rebuild the stored dossier projections (Dossier, DossierStep) from the events."

    def add_arguments(self, parser):
        parser.add_argument("--code", action="append", default=[], help="Only these dossiers.")

    def handle(self, *args, code: list[str], **options):
        qs = Dossier.objects.order_by("pk")
        if code:
            qs = qs.filter(code__in=code)
        checked = changed = 0
        for pk in qs.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                dossier = Dossier.objects.select_for_update().get(pk=pk)
                checked += 1
                if dossier_rebuild(dossier=dossier):
                    changed += 1
                    self.stdout.write(f"Đã dựng lại {dossier.code}")
        self.stdout.write(f"Đã kiểm tra {checked} hồ sơ, dựng lại {changed}.")
