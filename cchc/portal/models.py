"""Portal-owned records: application form definitions (tờ khai), the filled forms of
online dossiers, and petitions (phản ánh, kiến nghị). Dossiers themselves belong to
`cchc.dossiers` and are only written through its services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApplicationForm(models.Model):
    """A per-procedure application form, defined as data.

    `fields` is a list of {"name", "label", "type" (text|textarea|date|select|number),
    "required" (bool), "choices" (for select), "prefill" (e.g. "identity.full_name",
    "identity.personal_id", "previous.<field>")}. `component_order` is the order of the
    procedure's component requirement the filled form stands for (usually the tờ khai).
    """

    procedure_code = models.CharField("mã thủ tục", max_length=64, unique=True)
    title = models.CharField("tên tờ khai", max_length=500)
    form_reference = models.CharField("mẫu (văn bản quy định)", max_length=255, blank=True)
    component_order = models.PositiveSmallIntegerField(
        "thành phần hồ sơ tương ứng (thứ tự)", null=True, blank=True
    )
    fields = models.JSONField("các trường", default=list)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "tờ khai điện tử"
        verbose_name_plural = "tờ khai điện tử"
        ordering = ["procedure_code"]

    def __str__(self) -> str:
        return f"{self.procedure_code} — {self.title}"


class FilledForm(models.Model):
    """The data an applicant typed into a form for one dossier (reused to pre-fill)."""

    form = models.ForeignKey(ApplicationForm, on_delete=models.PROTECT, related_name="filled")
    dossier_code = models.CharField("mã hồ sơ", max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="filled_forms",
    )
    personal_id = models.CharField(max_length=12, blank=True, db_index=True)
    tax_code = models.CharField(max_length=14, blank=True, db_index=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "tờ khai đã điền"
        verbose_name_plural = "tờ khai đã điền"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.dossier_code} {self.form.procedure_code}"


class PetitionKind(models.TextChoices):
    FEEDBACK = "feedback", "Phản ánh"
    RECOMMENDATION = "recommendation", "Kiến nghị"


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", "Đã tiếp nhận"
    ANSWERED = "answered", "Đã trả lời"


class Petition(models.Model):
    """Phản ánh, kiến nghị về việc giải quyết TTHC (NĐ 20/2008/NĐ-CP; QĐ 766/QĐ-TTg:
    handled within 15 working days, see docs/domain-vn.md §1 5.2)."""

    code = models.CharField("mã phản ánh", max_length=40, unique=True)
    dossier_code = models.CharField("mã hồ sơ liên quan", max_length=64, blank=True)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="petitions")
    kind = models.CharField("loại", max_length=16, choices=PetitionKind.choices)
    content = models.TextField("nội dung")
    submitter_name = models.CharField("người gửi", max_length=255)
    submitter_contact = models.CharField("điện thoại / thư điện tử", max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="petitions",
    )
    submitted_at = models.DateTimeField("thời điểm gửi")
    due_at = models.DateTimeField("hạn xử lý")
    status = models.CharField(
        max_length=16, choices=PetitionStatus.choices, default=PetitionStatus.RECEIVED
    )
    response = models.TextField("nội dung trả lời", blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Rating of the handling of the petition by its submitter (once).
    rating = models.CharField(max_length=16, blank=True)
    lookup_secret_hash = models.CharField(max_length=255)

    class Meta:
        verbose_name = "phản ánh, kiến nghị"
        verbose_name_plural = "phản ánh, kiến nghị"
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="received") | ~Q(response=""),
                name="petition_answer_has_text",
            )
        ]

    def __str__(self) -> str:
        return self.code


class ProxyAuthorisation(models.Model):
    """The applicant authorises somebody to collect the result of one dossier
    (văn bản ủy quyền, BLDS 2015 Art. 138; TT 03/2025/TT-VPCP on returning results).
    The one-stop checks the proxy's ID against this record when returning the result."""

    dossier_code = models.CharField("mã hồ sơ", max_length=64, db_index=True)
    proxy_name = models.CharField("họ tên người được ủy quyền", max_length=255)
    proxy_personal_id = models.CharField("số định danh người được ủy quyền", max_length=12)
    document = models.FileField("văn bản ủy quyền", upload_to="portal/proxy/%Y/%m/")
    document_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    document_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "ủy quyền nhận kết quả"
        verbose_name_plural = "ủy quyền nhận kết quả"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.dossier_code}: {self.proxy_name}"
