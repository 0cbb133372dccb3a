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
    # Our own figure for the same unit, period and criterion, computed when the official
    # one was imported: the two are kept side by side, so the difference at the time of the
    # portal's publication stays on record after later corrections of our data.
    computed_numerator = models.PositiveIntegerField("tử số tính được", null=True, blank=True)
    computed_denominator = models.PositiveIntegerField("mẫu số tính được", null=True, blank=True)
    computed_score = models.DecimalField(
        "điểm tính được", max_digits=7, decimal_places=2, null=True, blank=True
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


class IndexRollup(models.Model):
    """Dossier counts for the 766 index per receiving unit, procedure and day received,
    split by everything the dossier-based criteria ask of a dossier (see
    cchc.indices.rollups). Rebuilt from the dossier projections by `cchc stats rebuild`;
    `cchc stats check` proves it equals a recomputation."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    procedure_code = models.CharField(max_length=None)
    received_day = models.DateField()
    # The day processing ended (finished_at, or the supplement request while waiting);
    # null while open. `ended_on_time`: that end was by the due time.
    end_day = models.DateField(null=True, blank=True)
    ended_on_time = models.BooleanField(default=False)
    # The last day D whose 23:59:59 is still on or before due_at.
    due_key = models.DateField()
    multi_supplement = models.BooleanField(default=False)
    with_result = models.BooleanField(default=False)
    online_eligible = models.BooleanField(default=False)
    online = models.BooleanField(default=False)
    result_paper = models.BooleanField(default=False)
    result_electronic = models.BooleanField(default=False)
    digitized = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    fee_required = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    unhappy = models.BooleanField(default=False)  # rated dissatisfied or complained
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "số liệu tổng hợp chỉ số 766"
        verbose_name_plural = "số liệu tổng hợp chỉ số 766"
        indexes = [
            models.Index(fields=["unit", "received_day"], name="index_rollup_unit_day"),
            models.Index(fields=["received_day"], name="index_rollup_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.procedure_code} {self.received_day}: {self.count}"


# The period rollups live in their own module (decision 0007); imported to register them.
from cchc.indices.stats_models import DossierRollupState, PeriodRollup  # noqa: E402, F401
