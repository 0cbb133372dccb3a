"""Simplification proposals (phương án đơn giản hóa TTHC) with their compliance cost inputs."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Chờ xem xét"
    APPROVED = "approved", "Đã phê duyệt"
    REJECTED = "rejected", "Không phê duyệt"


class ChangeKind(models.TextChoices):
    DROP_COMPONENT = "drop_component", "Bỏ thành phần hồ sơ"
    REUSE_COMPONENT = "reuse_component", "Thay thành phần hồ sơ bằng khai thác, tái sử dụng dữ liệu"
    MERGE_STEPS = "merge_steps", "Gộp các bước xử lý"
    CUT_STEP = "cut_step", "Bỏ bước xử lý"
    SHORTEN_TIME = "shorten_time", "Rút ngắn thời hạn giải quyết"
    RAISE_ONLINE = "raise_online", "Nâng mức độ dịch vụ công trực tuyến"
    FEE_CHANGE = "fee_change", "Giảm phí, lệ phí"


class Proposal(models.Model):
    """A unit's proposal to simplify one procedure, with the cost inputs before the change.

    The inputs are editable and documented (cchc.reforms.cost): hours per execution,
    income per hour and its source, fees, other costs, subjects and frequency a year.
    The cost after is the cost before minus what the items save.
    """

    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="simplification_proposals"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("tên phương án", max_length=500)
    rationale = models.TextField("lý do, căn cứ (số liệu hồ sơ)", blank=True)
    hours = models.DecimalField("số giờ thực hiện một lần", max_digits=9, decimal_places=2)
    income_per_hour = models.DecimalField(
        "thu nhập bình quân một giờ (đồng)", max_digits=14, decimal_places=0
    )
    income_source = models.CharField("nguồn số liệu thu nhập", max_length=500)
    # When set, income_per_hour = monthly_income / working_days_per_month / hours_per_day
    # (cchc.reforms.cost.income_per_hour_from_monthly; divisors editable, see there why).
    monthly_income = models.DecimalField(
        "thu nhập bình quân một tháng (đồng)",
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
    )
    working_days_per_month = models.DecimalField(
        "số ngày làm việc một tháng", max_digits=5, decimal_places=2, default=Decimal(22)
    )
    hours_per_day = models.DecimalField(
        "số giờ làm việc một ngày", max_digits=5, decimal_places=2, default=Decimal(8)
    )
    fees = models.DecimalField(
        "phí, lệ phí một lần (đồng)", max_digits=14, decimal_places=0, default=0
    )
    other_costs = models.DecimalField(
        "chi phí khác một lần (đồng)", max_digits=14, decimal_places=0, default=0
    )
    subjects_per_year = models.PositiveIntegerField("số đối tượng thực hiện một năm")
    frequency_per_year = models.DecimalField(
        "số lần thực hiện một năm", max_digits=7, decimal_places=2, default=Decimal(1)
    )
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField("ý kiến xem xét", blank=True)
    # The directive task (cchc.directives.Task) created when the proposal is approved.
    task_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "phương án đơn giản hóa"
        verbose_name_plural = "phương án đơn giản hóa"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ProposalItem(models.Model):
    """One change: what it targets and what it saves per execution."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("nội dung", max_length=24, choices=ChangeKind.choices)
    target = models.CharField("thành phần / bước / mức độ", max_length=500)
    hours_saved = models.DecimalField(
        "giờ tiết kiệm mỗi lần", max_digits=9, decimal_places=2, default=0
    )
    cost_saved = models.DecimalField(
        "chi phí khác tiết kiệm mỗi lần (đồng)", max_digits=14, decimal_places=0, default=0
    )
    fee_saved = models.DecimalField(
        "phí, lệ phí giảm mỗi lần (đồng)", max_digits=14, decimal_places=0, default=0
    )
    days_saved = models.DecimalField(
        "ngày làm việc chờ kết quả giảm", max_digits=7, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = "nội dung đơn giản hóa"
        verbose_name_plural = "nội dung đơn giản hóa"
        ordering = ["proposal", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target}"


# --- Initiatives, training, outreach ------------------------------------------------------


class InitiativeStatus(models.TextChoices):
    SUBMITTED = "submitted", "Đã đăng ký"
    RECOGNISED = "recognised", "Được công nhận"
    REJECTED = "rejected", "Không công nhận"
    APPLIED = "applied", "Đã áp dụng"


class Initiative(models.Model):
    """Sáng kiến, giải pháp CCHC submitted by a unit; reviewed, recognised, applied."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("tên sáng kiến, giải pháp", max_length=500)
    description = models.TextField("nội dung", blank=True)
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=InitiativeStatus.choices, default=InitiativeStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    # The metric its effect is measured on (cchc.reforms.selectors.METRICS), from the
    # procedure's dossiers received before and after `applied_at`
    # (cchc.reforms.selectors.initiative_effects).
    metric = models.CharField("chỉ số đo hiệu quả", max_length=32, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sáng kiến, giải pháp"
        verbose_name_plural = "sáng kiến, giải pháp"
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    """A training session (e.g. creating electronic work records, using the one-stop system)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    topic = models.CharField("chủ đề", max_length=500)
    held_on = models.DateField("ngày tổ chức")
    trainers = models.CharField("báo cáo viên", max_length=500, blank=True)
    materials = models.TextField("tài liệu", blank=True)
    participants: models.ManyToManyField = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TrainingAttendance", related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "lớp tập huấn"
        verbose_name_plural = "lớp tập huấn"
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.topic


class TrainingAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField("có mặt", default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="training_attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.user_id}"


class OutreachKind(models.TextChoices):
    MEETING = "meeting", "Hội nghị, họp dân"
    MEDIA = "media", "Báo chí, phát thanh, truyền hình"
    SOCIAL = "social", "Mạng xã hội"
    VOLUNTEERS = "volunteers", "Tình nguyện viên hỗ trợ tại Bộ phận Một cửa"
    OTHER = "other", "Khác"


class OutreachActivity(models.Model):
    """Tuyên truyền by the Fatherland Front, Youth Union, Women's Union and units."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("hình thức", max_length=16, choices=OutreachKind.choices)
    title = models.CharField("nội dung", max_length=500)
    held_on = models.DateField("ngày")
    reach = models.PositiveIntegerField("số người được tiếp cận", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "hoạt động tuyên truyền"
        verbose_name_plural = "hoạt động tuyên truyền"
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title


class TrainingMaterial(models.Model):
    """A file of a training session (slides, handout, attendance sheet scan), checked by
    content through cchc.core.uploads before it is stored under a generated name."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="reforms/training/%Y/")
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tài liệu tập huấn"
        verbose_name_plural = "tài liệu tập huấn"
        ordering = ["session", "id"]

    def __str__(self) -> str:
        return self.original_name
