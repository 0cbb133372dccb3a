"""Signed electronic results and the applicant's data store (kho dữ liệu của cá nhân, tổ chức).

Files are stored under names we generate (token or hash); a name a user sent is never
used as a path. Rows are written only by `cchc.documents.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ResultDocument(models.Model):
    """An electronic result issued as a PDF and signed (PAdES) by the issuing unit's signer.

    `token` is printed on the result (QR code and link) and opens the public verification
    page; `sha256` is the hash of the signed file as issued."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="result_documents"
    )
    title = models.CharField("tên kết quả", max_length=500)
    number = models.CharField("số, ký hiệu", max_length=100, blank=True)
    issuing_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField("tệp kết quả đã ký", upload_to="documents/results/%Y/%m/")
    sha256 = models.CharField(max_length=64, db_index=True)
    signer_name = models.CharField("người/cơ quan ký", max_length=500)
    signer_certificate_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField("thời điểm ký")
    token = models.CharField("mã xác thực", max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kết quả điện tử"
        verbose_name_plural = "kết quả điện tử"
        ordering = ["-signed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.dossier_id})"


class ApplicantDocumentKind(models.TextChoices):
    RESULT = "result", "Kết quả giải quyết TTHC"
    DIGITIZED_PAPER = "digitized_paper", "Giấy tờ đã số hóa"


class ApplicantDocument(models.Model):
    """One document in an applicant's data store: an electronic result or a digitized paper,
    listed again when the same person or organisation files a new dossier so it can be
    reused instead of a new copy (NĐ 45/2020/NĐ-CP; 766 criterion 4.3)."""

    applicant = models.ForeignKey(
        "dossiers.Applicant", on_delete=models.PROTECT, related_name="stored_documents"
    )
    kind = models.CharField("loại", max_length=24, choices=ApplicantDocumentKind.choices)
    title = models.CharField("tên giấy tờ", max_length=500)
    file = models.FileField("tệp", upload_to="documents/store/%Y/%m/")
    sha256 = models.CharField(max_length=64, db_index=True)
    source_dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stored_documents",
    )
    result_document = models.OneToOneField(
        ResultDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stored_copy",
    )
    issued_at = models.DateTimeField("ngày cấp / số hóa")
    reusable = models.BooleanField("được tái sử dụng", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "giấy tờ trong kho dữ liệu"
        verbose_name_plural = "kho dữ liệu của cá nhân, tổ chức"
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.title
