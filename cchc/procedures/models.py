"""The catalog of administrative procedures (thủ tục hành chính), versioned.

A dossier points at the `ProcedureVersion` in force when it was received, so a later
change to the procedure never changes dossiers already received.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from cchc.accounts.models import Role
from cchc.calendars.workdays import TimeUnit


class Sector(models.Model):
    """Lĩnh vực (e.g. Hộ tịch, Chứng thực, Đất đai)."""

    code = models.CharField("mã lĩnh vực", max_length=32, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=255)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OnlineLevel(models.TextChoices):
    FULL = "full", "Toàn trình"
    PARTIAL = "partial", "Một phần"
    NONE = "none", "Không trực tuyến"


class ResultType(models.TextChoices):
    PAPER = "paper", "Bản giấy"
    ELECTRONIC = "electronic", "Bản điện tử"
    BOTH = "both", "Bản giấy và bản điện tử"


class ProcedureLevel(models.TextChoices):
    """Cấp thực hiện as published in the national TTHC database."""

    CENTRAL = "central", "Cấp trung ương"
    PROVINCE = "province", "Cấp tỉnh"
    DISTRICT = "district", "Cấp huyện (trước 01/7/2025)"
    COMMUNE = "commune", "Cấp xã"


class Procedure(models.Model):
    # Unlimited varchar (PostgreSQL and SQLite both support it): national codes carry
    # province suffixes of varying length, e.g. 1.001193.000.00.00.H08.
    code = models.CharField(
        "mã thủ tục",
        max_length=None,
        unique=True,
        help_text="National code as text, e.g. 1.001193.000.00.00.H08; length is not assumed.",
    )
    name = models.CharField("tên thủ tục", max_length=500)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="procedures")
    is_active = models.BooleanField("đang áp dụng", default=True)
    # normalize_vn(code + name), kept by procedures.services, so citizens can search
    # without diacritics ("khai sinh" finds "Đăng ký khai sinh").
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class ProcedureVersion(models.Model):
    """Everything that can change about a procedure; immutable once a dossier uses it."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("phiên bản")
    valid_from = models.DateTimeField("áp dụng từ")
    valid_to = models.DateTimeField("áp dụng đến", null=True, blank=True)
    # Level at which it is implemented, as data: the unit kinds that receive/handle it.
    implementing_unit_kinds = models.JSONField(
        "loại đơn vị thực hiện",
        default=list,
        help_text='Unit kinds that handle this procedure, e.g. ["commune", "ward"].',
    )
    implementing_units = models.ManyToManyField(
        "units.Unit",
        blank=True,
        related_name="procedure_versions",
        verbose_name="đơn vị thực hiện cụ thể",
    )
    level = models.CharField(
        "cấp thực hiện",
        max_length=16,
        choices=ProcedureLevel.choices,
        default=ProcedureLevel.COMMUNE,
        db_index=True,
    )
    legal_basis = models.TextField("căn cứ pháp lý", blank=True)
    processing_time = models.DecimalField(
        "thời hạn giải quyết", max_digits=7, decimal_places=2, default=Decimal("0")
    )
    processing_time_unit = models.CharField(
        "đơn vị thời hạn",
        max_length=16,
        choices=[(u.value, u.value) for u in TimeUnit],
        default=TimeUnit.WORKING_DAYS,
    )
    result_type = models.CharField(
        "loại kết quả", max_length=16, choices=ResultType.choices, default=ResultType.PAPER
    )
    result_name = models.CharField("tên kết quả", max_length=500, blank=True)
    online_level = models.CharField(
        "mức độ trực tuyến", max_length=16, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    result_reusable = models.BooleanField("kết quả được tái sử dụng", default=False)
    fee_collected_after_return = models.BooleanField(
        "thu phí, lệ phí sau khi trả kết quả",
        default=False,
        help_text="When set, the result may be returned before the fee is paid.",
    )
    subjects = models.CharField("đối tượng thực hiện", max_length=255, blank=True)
    conditions = models.TextField("yêu cầu, điều kiện", blank=True)
    notes = models.TextField("ghi chú", blank=True)
    published_at = models.DateField("ngày công bố", null=True, blank=True)
    # QĐ 766/QĐ-TTg, portal formula 1.2: the day the announced procedure was made public on
    # the national TTHC database (CSDLQG), ≤ 5 working days after the announcement.
    public_on_national_db_on = models.DateField(
        "ngày công khai trên CSDL quốc gia về TTHC", null=True, blank=True
    )
    # QĐ 766/QĐ-TTg, portal formula 3.5: the day its fees were integrated for online payment
    # on the portal's payment platform (empty: not recorded).
    online_payment_integrated_on = models.DateField(
        "ngày tích hợp thanh toán trực tuyến", null=True, blank=True
    )
    source = models.TextField(
        "nguồn", blank=True, help_text="Where the published data (code, time limit, fees) was read."
    )

    class Meta:
        verbose_name = "phiên bản thủ tục"
        verbose_name_plural = "phiên bản thủ tục"
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedure_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="procedure_version_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


class FeeItem(models.Model):
    """Phí, lệ phí: an amount in VND, possibly per copy or with an exemption note."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField("tên khoản phí/lệ phí", max_length=255)
    amount = models.DecimalField("mức thu (đồng)", max_digits=14, decimal_places=0)
    unit_label = models.CharField("đơn vị tính", max_length=100, blank=True)
    varies = models.BooleanField(
        "mức thu thay đổi",
        default=False,
        help_text="The amount depends on the province (HĐND resolution) or the case; see the note.",
    )
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "phí, lệ phí"
        verbose_name_plural = "phí, lệ phí"
        ordering = ["version", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"


class ComponentRequirement(models.Model):
    """Thành phần hồ sơ required by a procedure version."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="components"
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("tên thành phần", max_length=500)
    form_code = models.CharField("mẫu đơn, tờ khai", max_length=100, blank=True)
    copies = models.PositiveSmallIntegerField("số lượng", default=1)
    original_required = models.BooleanField("bản chính", default=False)
    is_required = models.BooleanField("bắt buộc", default=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "thành phần hồ sơ"
        verbose_name_plural = "thành phần hồ sơ"
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="component_order_unique")
        ]

    def __str__(self) -> str:
        return self.name


class StepHandler(models.TextChoices):
    """Which unit a step belongs to, relative to the dossier (resolved when the dossier moves)."""

    RECEIVING_ONE_STOP = "receiving_one_stop", "Bộ phận Một cửa tiếp nhận"
    HANDLING_AGENCY = "handling_agency", "Cơ quan chuyên môn giải quyết"
    DECIDING_AUTHORITY = "deciding_authority", "Cấp có thẩm quyền quyết định (UBND)"
    OTHER_AGENCY = "other_agency", "Cơ quan phối hợp (liên thông)"


class ProcessStep(models.Model):
    """One step of the process template; quotas of a version sum to its statutory time."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("tên bước", max_length=255)
    handler = models.CharField("đơn vị thực hiện", max_length=32, choices=StepHandler.choices)
    handler_unit_kind = models.CharField(
        "loại đơn vị (liên thông)",
        max_length=32,
        blank=True,
        help_text="For other-agency steps: the unit kind that performs it (e.g. central_agency).",
    )
    role = models.CharField("vai trò thực hiện", max_length=32, choices=Role.choices)
    quota = models.DecimalField(
        "định mức thời gian", max_digits=7, decimal_places=2, default=Decimal("0")
    )
    is_legal_pause = models.BooleanField(
        "không tính vào thời hạn",
        default=False,
        help_text="E.g. fulfilment of financial obligations (nghĩa vụ tài chính) in land procedures.",
    )

    class Meta:
        verbose_name = "bước xử lý"
        verbose_name_plural = "bước xử lý"
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="step_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
