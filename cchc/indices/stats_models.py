"""Tables of the period rollups (see cchc.indices.stats_rollups and decision 0007).

Imported by cchc.indices.models so that Django registers them with the app.
"""

from __future__ import annotations

from django.db import models

# The additive counts a dossier contributes to a cell, in bit order (stats_rollups.BITS).
COUNT_FIELDS: tuple[str, ...] = (
    "received",
    "on_time",
    "online_eligible",
    "online",
    "with_result",
    "paper",
    "paper_electronic",
    "digitized_electronic",
    "reused",
    "fee_required",
    "paid_online",
    "satisfied",
)


class PeriodRollup(models.Model):
    """Counts of the dossiers a unit received for a procedure in one month, judged as of
    the end of one reporting period containing that month (`as_of`: the last day of the
    month, of its quarter or of its year). Summing the cells with one `as_of` over the
    months of a month, quarter or year gives exactly the numerators and denominators of
    the dossier-based 766 criteria for that period."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    # "" = all procedures of the unit together (stats_rollups.ALL_PROCEDURES).
    procedure_code = models.CharField(max_length=None, blank=True)
    month = models.DateField(help_text="First day of the month received.")
    as_of = models.DateField(help_text="Last day of the period the counts are judged at.")
    # Signed on purpose: a same-transaction delta may subtract before it adds.
    received = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    online_eligible = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    with_result = models.IntegerField(default=0)
    paper = models.IntegerField(default=0)
    paper_electronic = models.IntegerField(default=0)
    digitized_electronic = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    fee_required = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)

    class Meta:
        verbose_name = "số liệu tổng hợp theo kỳ (chỉ số 766)"
        verbose_name_plural = "số liệu tổng hợp theo kỳ (chỉ số 766)"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "procedure_code", "month", "as_of"], name="period_rollup_cell"
            )
        ]
        # Reads filter on one procedure (or all: "") and one judging day, then months.
        indexes = [
            models.Index(fields=["procedure_code", "as_of", "month"], name="period_rollup_read")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.procedure_code} {self.month:%m/%Y}@{self.as_of}"


class DossierRollupState(models.Model):
    """What one dossier currently contributes to the period rollups: its cell key and,
    per judging point (month, quarter, year end), the bit set of its counts. Kept so that
    an event applies the exact difference (new − old) to the cells in O(1)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    procedure_code = models.CharField(max_length=None)
    month = models.DateField()
    bits_month = models.PositiveIntegerField(default=0)
    bits_quarter = models.PositiveIntegerField(default=0)
    bits_year = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "đóng góp của hồ sơ vào số liệu tổng hợp"
        verbose_name_plural = "đóng góp của hồ sơ vào số liệu tổng hợp"
        indexes = [models.Index(fields=["month"], name="rollup_state_month")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.bits_month}/{self.bits_quarter}/{self.bits_year}"
