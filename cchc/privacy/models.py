"""The personal data access log (Nghị định 13/2023/NĐ-CP).

Art. 9 gives the data subject the right to know how their data is processed, and Art. 26–27
obliges the controller to record processing; TCVN 11930:2017 level 3 asks for an audit
trail of access to sensitive data. Every full view of an applicant's identifiers and every
export of a person's data writes one row here. Rows are never updated or deleted by the
application (the admin is read-only); see docs/privacy.md for how long they are kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessKind(models.TextChoices):
    REVEAL = "reveal", "Xem đầy đủ thông tin cá nhân"
    EXPORT = "export", "Xuất dữ liệu theo yêu cầu của chủ thể"
    SELF_EXPORT = "self_export", "Chủ thể tự tải dữ liệu của mình"


class PersonalDataAccess(models.Model):
    at = models.DateTimeField("thời điểm", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="personal_data_accesses",
        verbose_name="người truy cập",
    )
    kind = models.CharField("loại truy cập", max_length=16, choices=AccessKind.choices)
    # Whose data: the identifiers as recorded at the time (the applicant row may change).
    subject_personal_id = models.CharField(
        "số định danh của chủ thể", max_length=12, blank=True, db_index=True
    )
    subject_tax_code = models.CharField("mã số thuế của chủ thể", max_length=14, blank=True)
    subject_name = models.CharField("tên chủ thể", max_length=255, blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="personal_data_accesses",
        verbose_name="hồ sơ",
    )
    # The unit whose role assignment allowed the access.
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="đơn vị",
    )
    reason = models.TextField("lý do")
    ip = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)

    class Meta:
        verbose_name = "nhật ký truy cập dữ liệu cá nhân"
        verbose_name_plural = "nhật ký truy cập dữ liệu cá nhân"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["actor", "at"], name="pda_actor_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.kind} {self.subject_name}"
