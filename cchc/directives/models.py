"""Directive documents, their tasks, progress reports and history.

A directive (a chairman's conclusion notice, a plan, an official letter) assigns work in
numbered items; each assignment is a `Task` with lead and coordinating units. Tasks exist
only once a person has reviewed the extraction and confirmed it (`DirectiveDraft`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models


class DirectiveDocument(models.Model):
    kind = models.CharField("loại văn bản", max_length=64, blank=True)
    number = models.CharField("số, ký hiệu", max_length=64, blank=True)
    date = models.DateField("ngày ban hành", null=True, blank=True)
    issuer = models.ForeignKey(
        "units.Unit",
        verbose_name="đơn vị ban hành",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directive_documents",
    )
    issuer_name = models.CharField("cơ quan ban hành (như ghi)", max_length=255, blank=True)
    title = models.TextField("trích yếu", blank=True)
    signer = models.CharField("người ký", max_length=150, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=255, blank=True)
    text = models.TextField("nội dung")
    file = models.FileField("tệp gốc", upload_to="directives/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "văn bản chỉ đạo"
        verbose_name_plural = "văn bản chỉ đạo"
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        head = f"{self.kind or 'Văn bản'} {self.number}".strip()
        return f"{head}: {self.title[:80]}" if self.title else head


class DraftStatus(models.TextChoices):
    DRAFT = "draft", "Chờ rà soát"
    CONFIRMED = "confirmed", "Đã xác nhận"
    DISCARDED = "discarded", "Đã hủy"


class DirectiveDraft(models.Model):
    """The machine's reading of a document, waiting for a person to review and confirm."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issuer = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    file = models.FileField(upload_to="directives/drafts/%Y/", blank=True)
    # parsing.Notice.as_dict() plus per task the matched unit codes (matching.match_notice).
    extraction = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=DraftStatus.choices, default=DraftStatus.DRAFT)
    document = models.OneToOneField(
        DirectiveDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="draft"
    )

    class Meta:
        verbose_name = "bản trích xuất chờ xác nhận"
        verbose_name_plural = "bản trích xuất chờ xác nhận"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Bản trích xuất #{self.pk} ({self.get_status_display()})"


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", "Đã giao"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    REPORTED = "reported", "Đã báo cáo, chờ nghiệm thu"
    DONE = "done", "Hoàn thành"
    OVERDUE = "overdue", "Quá hạn"
    CANCELLED = "cancelled", "Đã hủy"


OPEN_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.REPORTED)


class Task(models.Model):
    document = models.ForeignKey(
        DirectiveDocument, on_delete=models.CASCADE, related_name="tasks", verbose_name="văn bản"
    )
    number = models.CharField("mục", max_length=16)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField("nội dung nhiệm vụ")
    lead_units = models.ManyToManyField(
        "units.Unit", related_name="directive_tasks_led", verbose_name="đơn vị chủ trì"
    )
    coordinating_units = models.ManyToManyField(
        "units.Unit",
        related_name="directive_tasks_coordinated",
        blank=True,
        verbose_name="đơn vị phối hợp",
    )
    # The names as the document wrote them (the record keeps what was actually said).
    lead_names = models.JSONField(default=list, blank=True)
    coordinating_names = models.JSONField(default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directive_tasks",
        verbose_name="người phụ trách",
    )
    deadline = models.DateTimeField("thời hạn", null=True, blank=True)
    recurrence = models.JSONField("định kỳ báo cáo", default=list, blank=True)
    # Stored status never says "overdue": that is computed from the deadline by the
    # selectors (selectors.with_state), so it cannot drift from the clock.
    status = models.CharField(
        "trạng thái", max_length=16, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    progress = models.PositiveSmallIntegerField(
        "tiến độ (%)", default=0, validators=[MaxValueValidator(100)]
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="subtasks"
    )
    weight = models.PositiveSmallIntegerField("trọng số", default=1)
    # Where a task not read from a document comes from, e.g. "assessments:remedy:12".
    source = models.CharField("nguồn", max_length=100, blank=True)
    # Coordinating units send their part this many working days before the lead's
    # deadline, so the lead unit can consolidate it into its report.
    contribution_days: models.PositiveSmallIntegerField = models.PositiveSmallIntegerField(
        "đơn vị phối hợp gửi trước hạn (ngày làm việc)",
        default=2,
        validators=[MaxValueValidator(30)],
    )
    done_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField("ngày hủy", null=True, blank=True)
    cancel_reason = models.TextField("lý do hủy", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        ordering = ["document_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="task_progress_max")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class ReportKind(models.TextChoices):
    PROGRESS = "progress", "Báo cáo tiến độ"
    CONTRIBUTION = "contribution", "Đơn vị phối hợp báo cáo"
    SIGN_OFF = "sign_off", "Nghiệm thu hoàn thành"
    SEND_BACK = "send_back", "Trả lại, yêu cầu tiếp tục"


class TaskReport(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=16, choices=ReportKind.choices, default=ReportKind.PROGRESS)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField("nội dung", blank=True)
    link = models.URLField("liên kết minh chứng", blank=True)
    file = models.FileField("tệp minh chứng", upload_to="directives/evidence/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class TaskEvent(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=32)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class TaskReminder(models.Model):
    """A reminder sent (in-app, and by the pluggable sender) to one person; unique per
    task, key and recipient so the periodic job is idempotent."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directive_reminders"
    )
    key = models.CharField(max_length=64)
    kind = models.CharField(max_length=16)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "key", "recipient"], name="task_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient_id}"


class WorkRecord(models.Model):
    """The electronic work record (hồ sơ công việc) of a task, Nghị định 30/2020/NĐ-CP
    Chương IV: opened when the task is assigned, it gathers the notice, the reports, the
    evidence and the sign-off, and is closed when the task is done. The fields are the
    metadata the archive asks of an electronic record (Phụ lục IV): code, title, keeping
    period, access regime, language, start and end time, number of documents."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="work_record")
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="work_records", verbose_name="đơn vị"
    )
    year = models.PositiveSmallIntegerField("năm")
    code = models.CharField("mã hồ sơ", max_length=80)
    title = models.CharField("tiêu đề hồ sơ", max_length=500)
    retention = models.CharField("thời hạn bảo quản", max_length=32, default="10 năm")
    access = models.CharField("chế độ sử dụng", max_length=32, default="Hạn chế")
    language = models.CharField("ngôn ngữ", max_length=32, default="Tiếng Việt")
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người lập hồ sơ",
    )
    is_electronic = models.BooleanField("hồ sơ điện tử", default=True)
    opened_at = models.DateTimeField("thời gian bắt đầu")
    closed_at = models.DateTimeField("thời gian kết thúc", null=True, blank=True)

    class Meta:
        verbose_name = "hồ sơ công việc"
        verbose_name_plural = "hồ sơ công việc"
        ordering = ["unit_id", "year", "code"]
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="work_record_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:80]}"


class ContributionStatus(models.TextChoices):
    OWED = "owed", "Chưa gửi"
    SUBMITTED = "submitted", "Đã gửi"
    # The unit was taken off the task (or the task cancelled) before it sent anything.
    WITHDRAWN = "withdrawn", "Không còn phải gửi"


class Contribution(models.Model):
    """What one coordinating unit owes the lead unit for one task, and what it sent.

    One row per (task, coordinating unit), created when the unit is named; due a few
    working days before the lead's deadline (`Task.contribution_days`)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="contributions")
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="directive_contributions",
        verbose_name="đơn vị phối hợp",
    )
    due_at = models.DateTimeField("hạn gửi", null=True, blank=True)
    status = models.CharField(
        "trạng thái",
        max_length=16,
        choices=ContributionStatus.choices,
        default=ContributionStatus.OWED,
    )
    text = models.TextField("nội dung phối hợp", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("ngày gửi", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "phần việc phối hợp"
        verbose_name_plural = "phần việc phối hợp"
        ordering = ["task_id", "unit__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="contribution_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.task_id} ({self.get_status_display()})"

    @property
    def is_late(self) -> bool:
        return bool(self.due_at and self.submitted_at and self.submitted_at > self.due_at)


class ContributionFile(models.Model):
    """An evidence file of a contribution, checked by content (cchc.core.uploads)."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("tệp", upload_to="directives/contributions/%Y/")
    original_name = models.CharField("tên tệp gốc", max_length=120)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
