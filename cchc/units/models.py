"""The effective-dated organisation tree.

One table holds every node: administrative units (province, commune/ward/special zone
and the historical district level), the People's Committees and agencies inside them,
their departments, one-stop centres, partner enterprises and mass organisations.
Levels are data (`kind`), never hard-coded: since 1/7/2025 (Luật 72/2025/QH15) the
tree is province -> commune, and district units stay as history (valid_to = 2025-06-30).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q


class UnitKind(models.TextChoices):
    PROVINCE = "province", "Tỉnh/Thành phố"
    DISTRICT = "district", "Huyện/Quận/Thị xã (lịch sử)"
    COMMUNE = "commune", "Xã"
    WARD = "ward", "Phường"
    TOWNSHIP = "township", "Thị trấn (lịch sử)"
    SPECIAL_ZONE = "special_zone", "Đặc khu"
    PEOPLES_COMMITTEE = "peoples_committee", "Ủy ban nhân dân"
    AGENCY = "agency", "Cơ quan chuyên môn (Sở, Phòng)"
    DEPARTMENT = "department", "Phòng, ban, bộ phận"
    ONE_STOP = "one_stop", "Trung tâm Phục vụ hành chính công / Bộ phận Một cửa"
    PUBLIC_SERVICE = "public_service", "Đơn vị sự nghiệp, chi nhánh"
    CENTRAL_AGENCY = "central_agency", "Cơ quan ngành dọc (Thuế, Công an...)"
    PARTNER = "partner", "Doanh nghiệp đối tác (Bưu điện)"
    MASS_ORG = "mass_org", "Tổ chức chính trị - xã hội"


# Kinds that are territorial (an administrative division) rather than an organisation.
TERRITORIAL_KINDS = frozenset(
    {
        UnitKind.PROVINCE,
        UnitKind.DISTRICT,
        UnitKind.COMMUNE,
        UnitKind.WARD,
        UnitKind.TOWNSHIP,
        UnitKind.SPECIAL_ZONE,
    }
)
COMMUNE_LEVEL_KINDS = frozenset(
    {UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP, UnitKind.SPECIAL_ZONE}
)


class UnitQuerySet(models.QuerySet["Unit"]):
    def active_on(self, day: dt.date) -> UnitQuerySet:
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        return self.filter(path__startswith=unit.path)


class Unit(models.Model):
    code = models.CharField(
        "mã đơn vị",
        max_length=64,
        unique=True,
        help_text="Internal stable code (e.g. 'P52', 'W21583', 'P52.STP').",
    )
    name = models.CharField("tên", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    kind = models.CharField("loại", max_length=32, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of primary keys ("/1/7/42/"), maintained by units.services.
    path = models.CharField(max_length=512, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    admin_code = models.CharField(
        "mã đơn vị hành chính",
        max_length=16,
        blank=True,
        db_index=True,
        help_text="Code from the national list of administrative units (e.g. '52', '21583').",
    )
    agency_code = models.CharField(
        "mã định danh điện tử",
        max_length=35,
        blank=True,
        db_index=True,
        help_text="Electronic agency e-ID, QĐ 20/2020/QĐ-TTg Art. 4: A–Z, 0–9 and dots, max 35.",
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=32, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    # normalize_vn(name + short_name + codes), maintained by units.services, so that
    # search ignores diacritics on every database (SQLite has no unaccent()).
    search_text = models.CharField(max_length=512, blank=True, default="", editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    @property
    def ancestor_ids(self) -> list[int]:
        return path_ids(self.path)


def path_ids(path: str | None) -> list[int]:
    """The unit ids of a materialised path ("/1/5/12/"), root first, the unit itself last."""
    return [int(p) for p in (path or "").strip("/").split("/") if p.isdigit()]


class UnitSuccession(models.Model):
    """Old unit -> new unit, e.g. communes merged under NQ 1664/NQ-UBTVQH15 (effective 1/7/2025)."""

    predecessor = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="successions_out", verbose_name="đơn vị cũ"
    )
    successor = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="successions_in", verbose_name="đơn vị mới"
    )
    effective_date = models.DateField("ngày hiệu lực")
    legal_basis = models.CharField("căn cứ pháp lý", max_length=255, blank=True)

    class Meta:
        verbose_name = "sắp xếp đơn vị (cũ → mới)"
        verbose_name_plural = "sắp xếp đơn vị (cũ → mới)"
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unit_succession_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
