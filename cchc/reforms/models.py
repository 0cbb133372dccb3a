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
