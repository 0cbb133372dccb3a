"""Reform assessments: PAR frameworks and yearly assessments, surveys, heads of units.

Writes go through `cchc.assessments.services`; the rules are in the pure modules
(framework, scoring, surveys, heads).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cchc.assessments.framework import Level, Method
from cchc.assessments.surveys import SurveyKind


class Framework(models.Model):
    """A PAR framework for one year and level, versioned: a version that units have
    started assessing against is read-only; Home Affairs copies it to a new version."""

    code = models.CharField("mã", max_length=64)
    year = models.PositiveSmallIntegerField("năm")
    version = models.PositiveSmallIntegerField("phiên bản", default=1)
    level = models.CharField(
        "cấp",
        max_length=16,
        choices=[(Level.DEPARTMENT, "Sở, ban, ngành"), (Level.COMMUNE, "UBND cấp xã")],
    )
    title = models.CharField("tên", max_length=255)
    basis = models.TextField("căn cứ", blank=True)
    bands = models.JSONField("thang xếp loại", default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "level", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "level", "version"], name="assessments_framework_version"
            )
        ]

    def __str__(self) -> str:
        suffix = f", phiên bản {self.version}" if self.version > 1 else ""
        return f"{self.title} ({self.year}{suffix})"


class HistoryEntry(models.Model):
    """One line of an append-only history (services only ever insert): who, what, when."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(max_length=32)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.at:%d/%m/%Y %H:%M})"


class FrameworkChange(HistoryEntry):
    """History of edits to a framework's tree."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="changes")


class Area(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(max_length=16)
    title = models.CharField(max_length=255)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="assessments_area_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Criterion(models.Model):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField("mã", max_length=32)
    title = models.TextField("tiêu chí")
    max_points = models.DecimalField("điểm tối đa", max_digits=6, decimal_places=2)
    method = models.CharField(
        "phương pháp",
        max_length=16,
        choices=[
            (Method.SELF, "Tự đánh giá, có tài liệu kiểm chứng"),
            (Method.COMPUTED, "Tính từ dữ liệu hệ thống"),
            (Method.SURVEY, "Từ kết quả khảo sát"),
        ],
        default=Method.SELF,
    )
    formula = models.CharField("công thức", max_length=64, blank=True)
    evidence = models.TextField("tài liệu kiểm chứng", blank=True)
    is_leaf = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["area__position", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Đang tự đánh giá"
    SUBMITTED = "submitted", "Đã gửi thẩm định"
    APPRAISED = "appraised", "Đã thẩm định, chờ ý kiến đơn vị"
    RESPONDED = "responded", "Đơn vị đã giải trình"
    FINAL = "final", "Đã công bố kết quả"


class Assessment(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    self_total = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    final_total = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    final_percent = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    band = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "unit"], name="assessments_one_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.framework.year}"


class AppraisalStatus(models.TextChoices):
    PENDING = "pending", "Chưa thẩm định"
    ACCEPTED = "accepted", "Thống nhất"
    ADJUSTED = "adjusted", "Điều chỉnh"


class CriterionScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    self_note = models.TextField(blank=True)
    evidence_link = models.URLField(blank=True)
    evidence_file = models.FileField(upload_to="assessments/evidence/%Y/", blank=True)
    computed_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    computed_detail = models.JSONField(default=dict, blank=True)
    appraisal = models.CharField(
        max_length=16, choices=AppraisalStatus.choices, default=AppraisalStatus.PENDING
    )
    appraised_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    appraisal_comment = models.TextField(blank=True)
    response = models.TextField("giải trình của đơn vị", blank=True)
    final_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["criterion__area__position", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="assessments_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.criterion_id}"


class AssessmentEvent(HistoryEntry):
    """History of an assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="events")
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class Remedy(models.Model):
    """A weakness ("tồn tại, hạn chế") turned into a task for the responsible unit."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    deadline = models.DateField(null=True, blank=True)
    directive_task_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.text[:80]


class Survey(models.Model):
    code = models.CharField(max_length=64)
    kind = models.CharField(
        max_length=8, choices=[(SurveyKind.DDCI, "DDCI"), (SurveyKind.SIPAS, "SIPAS")]
    )
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=255)
    definition = models.JSONField()

    class Meta:
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="assessments_survey_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField()
    comment = models.TextField(blank=True)
    dossier_code = models.CharField(max_length=64, blank=True)
    source_row = models.PositiveIntegerField(default=0)
    batch = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.source_row}"


class HeadStatus(models.TextChoices):
    DRAFT = "draft", "Dự kiến"
    CONFIRMED = "confirmed", "Sở Nội vụ đã xác nhận"


class HeadEvaluation(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    head_name = models.CharField("người đứng đầu", max_length=255, blank=True)
    weights = models.JSONField()
    values = models.JSONField()
    sources = models.JSONField(default=dict, blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    band = models.CharField(max_length=64, blank=True)
    breakdown = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=HeadStatus.choices, default=HeadStatus.DRAFT)
    note = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="assessments_head_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.year}"
