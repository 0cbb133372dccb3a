"""Links between an account and an identity at an OpenID Connect provider."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExternalIdentity(models.Model):
    """`subject` at `provider` signs in as `user`.

    Citizens' links are made at their first sign-in; staff links only in advance, by an
    administrator (`linked_by`), never by the sign-in itself.
    """

    provider = models.CharField("nhà cung cấp định danh", max_length=32)
    subject = models.CharField("mã định danh tại nhà cung cấp", max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name="tài khoản",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người liên kết",
        help_text="Empty when the link was made by the citizen's own first sign-in.",
    )
    created_at = models.DateTimeField("ngày liên kết", auto_now_add=True)
    last_used_at = models.DateTimeField("lần đăng nhập gần nhất", null=True, blank=True)

    class Meta:
        verbose_name = "liên kết định danh ngoài"
        verbose_name_plural = "liên kết định danh ngoài"
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="sso_identity_unique"),
            # One identity per provider and account: a second one would be a second person.
            models.UniqueConstraint(fields=["provider", "user"], name="sso_identity_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject} → {self.user}"
