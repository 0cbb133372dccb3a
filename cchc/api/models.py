"""API tokens for systems (an integrating portal, a reporting tool) acting as a user.

Only the SHA-256 of a token is stored: the token is 256 random bits, so a fast hash is
enough (nothing to brute-force), and a stolen database gives no usable token. The token
is shown once, when created (`cchc api_token_create`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("tên (hệ thống sử dụng)", max_length=100)
    # First characters of the token, to tell tokens apart in lists; not secret enough to use.
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("tạo lúc")
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "khóa API"
        verbose_name_plural = "khóa API"
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
