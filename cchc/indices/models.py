"""Official 766 figures imported from the national portal, kept beside our own scores.

The portal's score is what counts officially (and the formula document and the observed
scores are known to differ; see shared/docs/domain-vn.md §1), so each official figure is
stored as published, per unit, period and criterion, and shown next to the computed one
with the difference.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.indices.definition import CRITERIA


class OfficialScore(models.Model):
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="official_scores",
        verbose_name="đơn vị",
    )
    first_day = models.DateField("từ ngày")
    last_day = models.DateField("đến ngày")
    criterion = models.CharField(
        "tiêu chí", max_length=64, choices=[(c.code, c.name) for c in CRITERIA]
    )
    numerator = models.PositiveIntegerField("tử số", null=True, blank=True)
    denominator = models.PositiveIntegerField("mẫu số", null=True, blank=True)
    score = models.DecimalField("điểm", max_digits=7, decimal_places=2, null=True, blank=True)
    source = models.CharField(
        "nguồn", max_length=500, blank=True, help_text="Where the figure was read (portal, date)."
    )
    imported_at = models.DateTimeField("thời điểm nhập")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "điểm chính thức (Cổng DVCQG)"
        verbose_name_plural = "điểm chính thức (Cổng DVCQG)"
        ordering = ["unit", "first_day", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "first_day", "last_day", "criterion"],
                name="official_score_unique",
            ),
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="official_score_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.first_day}..{self.last_day} {self.criterion}: {self.score}"
