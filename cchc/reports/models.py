"""Report jobs (one generation, with progress), schedules, and delivered reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportFormat(models.TextChoices):
    DOCX = "docx", "Word (DOCX)"
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel (XLSX) — phụ lục số liệu"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang lập"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Lỗi"


class ReportJob(models.Model):
    """One report generation; the background task updates `progress` (0–100)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("kỳ báo cáo", max_length=32)
    format = models.CharField(max_length=8, choices=ReportFormat.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    schedule = models.ForeignKey(
        "reports.ReportSchedule",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    snapshot_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.period} ({self.format})"


class ScheduleKind(models.TextChoices):
    MONTHLY = "monthly", "Hằng tháng"
    QUARTERLY = "quarterly", "Hằng quý"
    HALF_YEARLY = "half", "6 tháng"
    YEARLY = "yearly", "Hằng năm"


class ReportSchedule(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ScheduleKind.choices)
    format = models.CharField(max_length=8, choices=ReportFormat.choices, default="docx")
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    emails = models.TextField(
        "thư điện tử nhận báo cáo", blank=True, help_text="mỗi dòng một địa chỉ"
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_period = models.CharField("kỳ đã lập gần nhất", max_length=32, blank=True)

    def __str__(self) -> str:
        return f"{self.unit} — {self.get_kind_display()}"

    @property
    def email_list(self) -> list[str]:
        return [e.strip() for e in self.emails.splitlines() if e.strip()]


class ReportDelivery(models.Model):
    """A scheduled report delivered in the app to one user (their "received reports")."""

    job = models.ForeignKey(ReportJob, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    delivered_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-delivered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["job", "user"], name="reports_delivery_job_user")
        ]

    def __str__(self) -> str:
        return f"{self.job} → {self.user}"
