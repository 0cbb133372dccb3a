"""Dossiers (hồ sơ TTHC): the append-only event log and the projections built from it.

`DossierEvent` is the source of truth (append-only, SHA-256 chained, see
docs/decisions/0004-dossier-event-chain.md). `Dossier` and `DossierStep` are projections
that `cchc.dossiers.projection` rebuilds from the events; only services write them, and
only through the same reducer that replay uses.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApplicantKind(models.TextChoices):
    PERSON = "person", "Cá nhân"
    ORGANISATION = "organisation", "Tổ chức, doanh nghiệp"


class Channel(models.TextChoices):
    # 766 formula 3.3 channel codes: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích.
    COUNTER = "counter", "Trực tiếp"
    ONLINE = "online", "Trực tuyến"
    POSTAL = "postal", "Qua dịch vụ bưu chính công ích"


class DossierStatus(models.TextChoices):
    PROCESSING = "processing", "Đang giải quyết"
    WAITING_SUPPLEMENT = "waiting_supplement", "Chờ bổ sung hồ sơ"
    PAUSED = "paused", "Tạm dừng (không tính thời gian)"
    APPROVED = "approved", "Đã phê duyệt"
    RESULT_READY = "result_ready", "Đã có kết quả, chờ trả"
    RETURNED = "returned", "Đã trả kết quả"
    REFUSED = "refused", "Từ chối giải quyết"
    WITHDRAWN = "withdrawn", "Công dân rút hồ sơ"
    STOPPED = "stopped", "Dừng giải quyết"


OPEN_STATUSES = frozenset(
    {
        DossierStatus.PROCESSING,
        DossierStatus.WAITING_SUPPLEMENT,
        DossierStatus.PAUSED,
        DossierStatus.APPROVED,
    }
)
PAUSED_STATUSES = frozenset({DossierStatus.WAITING_SUPPLEMENT, DossierStatus.PAUSED})
TERMINAL_STATUSES = frozenset(
    {
        DossierStatus.RETURNED,
        DossierStatus.REFUSED,
        DossierStatus.WITHDRAWN,
        DossierStatus.STOPPED,
    }
)


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", "Chờ bổ sung, hoàn thiện hồ sơ"
    FINANCIAL_OBLIGATION = "financial_obligation", "Thực hiện nghĩa vụ tài chính"
    VERIFICATION = "verification", "Xác minh, lấy ý kiến (theo quy định chuyên ngành)"
    OTHER_LEGAL = "other_legal", "Tạm dừng khác theo quy định"


class Outcome(models.TextChoices):
    """Mẫu 05 (Phiếu kiểm soát quá trình giải quyết hồ sơ): trước hạn / đúng hạn / quá hạn."""

    EARLY = "early", "Trước hạn"
    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Quá hạn"


class FeeStatus(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", "Không thu phí"
    UNPAID = "unpaid", "Chưa nộp"
    PAID = "paid", "Đã nộp"
    PAID_ONLINE = "paid_online", "Đã thanh toán trực tuyến"
    EXEMPT = "exempt", "Miễn, giảm"


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", "Trực tiếp tại Bộ phận Một cửa"
    POST = "post", "Qua dịch vụ bưu chính"
    ONLINE = "online", "Trực tuyến"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "Hài lòng"
    NORMAL = "normal", "Bình thường"
    DISSATISFIED = "dissatisfied", "Không hài lòng"


class ComponentSource(models.TextChoices):
    PAPER = "paper", "Bản giấy"
    ELECTRONIC = "electronic", "Bản điện tử"
    DIGITIZED = "digitized", "Số hóa tại Bộ phận Một cửa"
    REUSED = "reused", "Tái sử dụng dữ liệu số hóa"
    CERTIFIED_COPY = "certified_copy", "Bản sao điện tử có chứng thực"


class Applicant(models.Model):
    """The applicant as declared on one dossier (Mẫu 01 records these details at receipt)."""

    kind = models.CharField("loại", max_length=16, choices=ApplicantKind.choices)
    personal_id = models.CharField("số định danh cá nhân", max_length=12, blank=True, db_index=True)
    tax_code = models.CharField("mã số thuế", max_length=14, blank=True, db_index=True)
    name = models.CharField("họ tên / tên tổ chức", max_length=255)
    date_of_birth = models.DateField("ngày sinh", null=True, blank=True)
    address = models.CharField("địa chỉ", max_length=500, blank=True)
    phone = models.CharField("điện thoại", max_length=32, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    # A citizen portal account, when the applicant submitted online with one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )

    class Meta:
        verbose_name = "người nộp hồ sơ"
        verbose_name_plural = "người nộp hồ sơ"
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="person") & ~Q(personal_id=""))
                | (Q(kind="organisation") & ~Q(tax_code="")),
                name="applicant_identity_required",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Dossier(models.Model):
    """Projection of a dossier's events. Never written except by the projection reducer."""

    # `{agency e-ID}-{YYMMDD}-{sequence}`; TT 04/2025/TT-VPCP allows a variable-length
    # sequence, so the length is not assumed (unlimited varchar on PostgreSQL and SQLite).
    code = models.CharField("mã hồ sơ", max_length=None, unique=True)
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion", on_delete=models.PROTECT, related_name="dossiers"
    )
    receiving_unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="dossiers_received"
    )
    handling_unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="dossiers_handled",
        null=True,
        blank=True,
    )
    # A postal partner unit that received it (channel postal) and may return the result.
    postal_unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="dossiers_postal",
        null=True,
        blank=True,
    )
    channel = models.CharField("kênh nộp", max_length=16, choices=Channel.choices)
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="dossiers")
    assisted_by_name = models.CharField("người hỗ trợ nộp", max_length=255, blank=True)
    assisted_by_unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="dossiers_assisted",
        null=True,
        blank=True,
    )
    subjects = models.JSONField("đối tượng liên quan (thửa đất...)", default=list, blank=True)

    received_at = models.DateTimeField("thời điểm tiếp nhận")
    deemed_received_at = models.DateTimeField("thời điểm bắt đầu tính thời hạn")
    due_at = models.DateTimeField("hẹn trả kết quả")
    original_due_at = models.DateTimeField("hẹn trả ban đầu")

    status = models.CharField(
        "trạng thái", max_length=24, choices=DossierStatus.choices, db_index=True
    )
    current_step_order = models.PositiveSmallIntegerField(null=True, blank=True)
    current_step_name = models.CharField(max_length=255, blank=True)
    current_unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="dossiers_current",
        null=True,
        blank=True,
    )
    current_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dossiers_assigned",
        null=True,
        blank=True,
    )
    current_step_due_at = models.DateTimeField(null=True, blank=True)

    supplement_count = models.PositiveSmallIntegerField("số lần yêu cầu bổ sung", default=0)
    pause_kind = models.CharField(max_length=24, choices=PauseKind.choices, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_working_days = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    bounce_count = models.PositiveSmallIntegerField("số lần chuyển trả", default=0)

    apologised_at = models.DateTimeField(null=True, blank=True)
    apology_due_at = models.DateTimeField("hẹn trả lại (Mẫu 04)", null=True, blank=True)
    apology_reason = models.TextField(blank=True)

    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dossiers_approved",
        null=True,
        blank=True,
    )
    finished_at = models.DateTimeField("kết thúc xử lý", null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    returned_at = models.DateTimeField("đã trả kết quả", null=True, blank=True)
    return_method = models.CharField(max_length=16, choices=ReturnMethod.choices, blank=True)
    result_paper = models.BooleanField(default=False)
    result_number = models.CharField("số, ký hiệu kết quả", max_length=100, blank=True)
    result_file = models.FileField(upload_to="dossiers/results/%Y/%m/", blank=True)
    result_file_sha256 = models.CharField(max_length=64, blank=True)
    closing_reason = models.TextField("lý do từ chối / dừng / rút", blank=True)

    fee_status = models.CharField(
        max_length=16, choices=FeeStatus.choices, default=FeeStatus.NOT_APPLICABLE
    )
    fee_amount = models.DecimalField(max_digits=14, decimal_places=0, default=0)
    fee_receipt = models.CharField(max_length=100, blank=True)

    rating = models.CharField(max_length=16, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(blank=True)
    # Phản ánh, kiến nghị about this dossier (766 criterion 5.4 counts such a dossier).
    petition_count = models.PositiveSmallIntegerField("số phản ánh, kiến nghị", default=0)

    lookup_secret_hash = models.CharField(max_length=255)
    # Number of events of this dossier = seq of its last event (optimistic concurrency).
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            models.Index(fields=["current_unit", "status"], name="dossier_current_unit"),
            models.Index(fields=["current_assignee", "status"], name="dossier_assignee"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status in PAUSED_STATUSES


class DossierComponent(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="components")
    requirement = models.ForeignKey(
        "procedures.ComponentRequirement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField("tên thành phần", max_length=500)
    source = models.CharField("hình thức", max_length=16, choices=ComponentSource.choices)
    copies = models.PositiveSmallIntegerField("số bản", default=1)
    file = models.FileField(upload_to="dossiers/components/%Y/%m/", blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    reuse_reference = models.CharField(
        "mã tham chiếu dữ liệu tái sử dụng", max_length=255, blank=True
    )
    # The event that brought it (receipt or a supplement).
    added_by_seq = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "thành phần hồ sơ đã nộp"
        verbose_name_plural = "thành phần hồ sơ đã nộp"
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_digitized(self) -> bool:
        return self.source != ComponentSource.PAPER


class PetitionKind(models.TextChoices):
    COMPLAINT = "complaint", "Phản ánh"
    PETITION = "petition", "Kiến nghị"


class DossierPetition(models.Model):
    """Projection: a complaint or petition (PAKN) about a dossier, with its own deadline."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="petitions")
    no = models.PositiveSmallIntegerField("số thứ tự")
    kind = models.CharField(max_length=16, choices=PetitionKind.choices)
    content = models.TextField("nội dung")
    received_at = models.DateTimeField()
    due_at = models.DateTimeField("hạn xử lý")
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField("kết quả xử lý", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = "phản ánh, kiến nghị về hồ sơ"
        verbose_name_plural = "phản ánh, kiến nghị về hồ sơ"
        ordering = ["dossier", "no"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "no"], name="dossier_petition_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} PAKN {self.no}"


class DossierStep(models.Model):
    """One pass of a dossier through a process step (a step may be passed more than once)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    index = models.PositiveSmallIntegerField("lượt")
    order = models.PositiveSmallIntegerField("bước")
    name = models.CharField(max_length=255)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quota = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    overrun_working_days = models.DecimalField(max_digits=9, decimal_places=2, default=0)

    class Meta:
        verbose_name = "bước xử lý hồ sơ"
        verbose_name_plural = "bước xử lý hồ sơ"
        ordering = ["dossier", "index"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "index"], name="dossier_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.index} {self.name}"


class DossierEvent(models.Model):
    """Append-only; hash = SHA-256(prev_hash + canonical JSON), one chain over the table."""

    chain_seq = models.PositiveBigIntegerField(unique=True)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    action = models.CharField(max_length=32, db_index=True)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "sự kiện hồ sơ"
        verbose_name_plural = "sự kiện hồ sơ"
        ordering = ["chain_seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_event_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"


class EventChainHead(models.Model):
    """The single row holding the chain's last sequence and hash; locked by every append."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    chain_seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = "đầu chuỗi sự kiện"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="event_chain_head_single")]

    def __str__(self) -> str:
        return f"#{self.chain_seq} {self.hash[:12]}"


class DossierCodeSequence(models.Model):
    """Per agency e-ID and day: the last number issued (gap-free, locked at intake)."""

    agency_code = models.CharField(max_length=35)
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "day"], name="dossier_code_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.day}: {self.last_number}"


class SubjectKind(models.TextChoices):
    LAND_PARCEL = "land_parcel", "Thửa đất"
    PERSON = "person", "Cá nhân"
    ORGANISATION = "organisation", "Tổ chức"
    OTHER = "other", "Khác"


class SubjectBlock(models.Model):
    """A block on receiving dossiers about a subject (ngăn chặn giao dịch), by an authority."""

    subject_kind = models.CharField(max_length=16, choices=SubjectKind.choices)
    subject_key = models.CharField(
        max_length=255, db_index=True, help_text="Normalised key (see rules.subject_key)."
    )
    subject_label = models.CharField(max_length=500, blank=True)
    reason = models.TextField("lý do")
    basis = models.CharField("căn cứ (văn bản)", max_length=500, blank=True)
    issued_by_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField("hiệu lực từ")
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    # Set when a result (e.g. a registered mortgage) created the block automatically.
    source_dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="blocks_created"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(blank=True)
    lifted_by_dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="blocks_lifted"
    )

    class Meta:
        verbose_name = "ngăn chặn tiếp nhận"
        verbose_name_plural = "ngăn chặn tiếp nhận"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="subject_block_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()} {self.subject_key}"


class HandoverBatch(models.Model):
    """A batch hand-over list between units (e.g. one-stop → department), printed, signed
    and received back; each dossier's hand-over is its own `handed_over` event."""

    code = models.CharField("số phiếu bàn giao", max_length=64, unique=True)
    from_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    note = models.TextField(blank=True)
    dossiers = models.ManyToManyField(Dossier, related_name="handover_batches")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_by_name = models.CharField("người nhận (ký)", max_length=255, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    receive_note = models.TextField(blank=True)

    class Meta:
        verbose_name = "phiếu bàn giao hồ sơ"
        verbose_name_plural = "phiếu bàn giao hồ sơ"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code
