"""Users and their role assignments, each scoped to a unit (and optionally its subtree).

Permission decisions are made only in `cchc.accounts.permissions`.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    phone = models.CharField("điện thoại", max_length=32, blank=True)
    personal_id = models.CharField(
        "số định danh cá nhân",
        max_length=12,
        blank=True,
        db_index=True,
        help_text="12-digit personal identification number (citizens).",
    )
    tax_code = models.CharField("mã số thuế", max_length=14, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    ONE_STOP_OFFICER = "one_stop_officer", _("Công chức Một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    UNIT_LEADER = "unit_leader", _("Lãnh đạo đơn vị")
    CHAIRMAN = "chairman", _("Chủ tịch / Phó Chủ tịch UBND")
    HOME_AFFAIRS = "home_affairs", _("Thẩm định Nội vụ")
    PARTNER_STAFF = "partner_staff", _("Nhân viên đối tác (Bưu điện)")
    CITIZEN = "citizen", _("Công dân, doanh nghiệp")
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name="người dùng"
    )
    role = models.CharField("vai trò", max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name="đơn vị",
        null=True,
        blank=True,
        help_text="Empty only for citizens/businesses, who act on their own dossiers.",
    )
    include_subtree = models.BooleanField(
        "bao gồm đơn vị trực thuộc",
        default=False,
        help_text="The role also covers every unit below this one.",
    )
    title = models.CharField("chức danh", max_length=150, blank=True)
    valid_from = models.DateField("từ ngày", null=True, blank=True)
    valid_to = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "phân công vai trò"
        verbose_name_plural = "phân công vai trò"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_assignment_unique"),
            # NULLs are distinct in a unique index, so unit-less (citizen) rows need their own.
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(unit__isnull=True),
                name="role_assignment_unique_without_unit",
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(role="citizen"),
                name="role_assignment_unit_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.unit or '-'}"
