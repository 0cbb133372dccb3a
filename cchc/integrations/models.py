"""Payments of fees (phí, lệ phí) and the notification outbox.

The dossier's own fee status and its event belong to `cchc.dossiers`
(`dossier_fee_record`); these tables hold what only the integrations know: the
gateway transactions, the electronic receipts, the applicant's channel choices and
each message sent (or still to send).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Chờ thanh toán"
    PAID = "paid", "Đã thanh toán"
    FAILED = "failed", "Không thành công"


class Payment(models.Model):
    """One attempt to pay a dossier's fee, online (through a provider) or at the counter."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField("số tiền (đồng)", max_digits=14, decimal_places=0)
    provider = models.CharField("kênh thanh toán", max_length=32)
    # Our transaction reference sent to the gateway (vnp_TxnRef-like); unique for ever.
    reference = models.CharField("mã giao dịch", max_length=64, unique=True)
    status = models.CharField(
        "trạng thái",
        max_length=16,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField("tạo lúc")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at = models.DateTimeField("thanh toán lúc", null=True, blank=True)
    provider_transaction_no = models.CharField("mã giao dịch của cổng", max_length=64, blank=True)
    raw_callback = models.JSONField("dữ liệu cổng thanh toán gửi về", default=dict, blank=True)
    receipt_number = models.CharField("số biên lai", max_length=40, blank=True)
    # Paid although the dossier's fee had been settled by another payment (refund due).
    duplicate = models.BooleanField("thanh toán trùng (cần hoàn tiền)", default=False)

    class Meta:
        verbose_name = "giao dịch thanh toán"
        verbose_name_plural = "giao dịch thanh toán"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False),
                name="payment_paid_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class PaymentReceipt(models.Model):
    """Biên lai thu phí, lệ phí điện tử (chứng từ under NĐ 123/2020/NĐ-CP), one per payment.

    Online payments get a number from our own series; a counter payment keeps the
    number of the receipt the officer issued."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    number = models.CharField("số biên lai", max_length=40, unique=True)
    issued_at = models.DateTimeField("ngày lập")
    payer_name = models.CharField("người nộp", max_length=255)
    amount = models.DecimalField("số tiền (đồng)", max_digits=14, decimal_places=0)
    description = models.CharField("nội dung thu", max_length=500)

    class Meta:
        verbose_name = "biên lai điện tử"
        verbose_name_plural = "biên lai điện tử"
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class ReceiptSequence(models.Model):
    """Gap-free receipt numbers per series and year (locked until the payment commits)."""

    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="receipt_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.series}/{self.year}: {self.last_number}"


class SandboxStatus(models.TextChoices):
    PENDING = "pending", "Chờ"
    APPROVED = "approved", "Chấp nhận"
    DECLINED = "declined", "Từ chối"


class SandboxTransaction(models.Model):
    """The local sandbox gateway's own ledger (what a real gateway keeps on its side)."""

    merchant_code = models.CharField(max_length=32)
    reference = models.CharField(max_length=64, unique=True)
    amount_minor = models.BigIntegerField()
    order_info = models.CharField(max_length=255, blank=True)
    return_url = models.URLField(max_length=1000)
    ipn_url = models.URLField(max_length=1000, blank=True)
    status = models.CharField(max_length=16, choices=SandboxStatus.choices)
    transaction_no = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    # The signed result (the same parameters go to the return URL and the IPN URL).
    result_params = models.JSONField(default=dict, blank=True)
    callback_attempts = models.PositiveSmallIntegerField(default=0)
    callback_status = models.CharField(max_length=16, blank=True)
    callback_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.reference} ({self.status})"


class ChannelKind(models.TextChoices):
    EMAIL = "email", "Thư điện tử"
    SMS = "sms", "Tin nhắn SMS"
    ZALO = "zalo", "Zalo"


class NotificationSubscription(models.Model):
    """The applicant's choice of channels, made from the receipt's QR code (one per dossier)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="notification_subscription"
    )
    email = models.BooleanField("nhận qua thư điện tử", default=False)
    sms = models.BooleanField("nhận qua SMS", default=False)
    zalo = models.BooleanField("nhận qua Zalo", default=False)
    email_address = models.EmailField("thư điện tử", blank=True)
    phone = models.CharField("số điện thoại", max_length=16, blank=True)
    zalo_user_id = models.CharField("mã người dùng Zalo", max_length=64, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "đăng ký nhận thông báo"
        verbose_name_plural = "đăng ký nhận thông báo"

    def __str__(self) -> str:
        return f"{self.dossier_id}"


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", "Chờ gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Gửi không thành công"


class Notification(models.Model):
    """Outbox: one message to one recipient on one channel, delivered by a task."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="notifications"
    )
    # The dossier event that caused it: (dossier, action, event_seq, channel) is unique,
    # so a repeated hook or task queues nothing twice.
    action = models.CharField(max_length=40)
    event_seq = models.PositiveIntegerField()
    channel = models.CharField(max_length=16, choices=ChannelKind.choices)
    recipient = models.CharField("người nhận", max_length=255)
    template = models.CharField("mẫu tin", max_length=40)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField("nội dung")
    status = models.CharField(
        max_length=16,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    next_attempt_at = models.DateTimeField("gửi lần tới", null=True, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=128, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "action", "event_seq", "channel"],
                name="notification_once_per_event_channel",
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.channel}"


# --- Synchronisation with the national public service portal (Cổng DVCQG) ----------------


class PortalSyncStatus(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    FAILED = "failed", "Gửi lỗi, sẽ gửi lại"
    SENT = "sent", "Đã đồng bộ"
    DEAD = "dead", "Ngừng gửi (cần xử lý)"


class PortalSyncMessage(models.Model):
    """Outbox: one dossier event to deliver to the portal's exchange API, in order per
    dossier (see cchc.integrations.portal). Written in the dossier service's own
    transaction, so a rolled-back change leaves no message and a committed one always has
    its message."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="portal_messages"
    )
    event_seq = models.PositiveIntegerField("sự kiện số")
    action = models.CharField("thao tác", max_length=32)
    event_at = models.DateTimeField("thời điểm sự kiện")
    # "<dossier code>:<event seq>": sent as the Idempotency-Key header; the portal (and our
    # sandbox) apply a key once, so a replay after a lost response changes nothing.
    idempotency_key = models.CharField("khóa chống trùng", max_length=200, unique=True)
    payload = models.JSONField("dữ liệu gửi", default=dict)
    status = models.CharField(
        "trạng thái",
        max_length=16,
        choices=PortalSyncStatus.choices,
        default=PortalSyncStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    next_attempt_at = models.DateTimeField("gửi lần tới", null=True, blank=True)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    response = models.JSONField("phản hồi của Cổng", default=dict, blank=True)
    created_at = models.DateTimeField("tạo lúc")
    sent_at = models.DateTimeField("đồng bộ lúc", null=True, blank=True)
    # Written for dossiers the bulk simulation created (their history stands for data the
    # portal already holds): never sent by us, counted as synchronised.
    backfilled = models.BooleanField("dữ liệu lịch sử", default=False)

    class Meta:
        verbose_name = "bản tin đồng bộ Cổng DVCQG"
        verbose_name_plural = "bản tin đồng bộ Cổng DVCQG"
        ordering = ["dossier_id", "event_seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "event_seq"], name="portal_message_once_per_event"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="portal_message_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="portal_message_due"),
        ]

    def __str__(self) -> str:
        return self.idempotency_key


class PortalSandboxRecord(models.Model):
    """What the local portal sandbox received (the portal's side of the exchange)."""

    idempotency_key = models.CharField(max_length=200)
    service = models.CharField(max_length=40)
    ma_ho_so = models.CharField(max_length=200, db_index=True)
    trang_thai = models.CharField(max_length=8, blank=True)
    body = models.JSONField(default=dict)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key", "service"], name="portal_sandbox_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.idempotency_key}"


class PortalSandboxFault(models.Model):
    """One row (pk=1): the failure the sandbox is told to simulate, for tests and demos.

    mode "" = answer normally; "error" = HTTP 503; "reject" = a business refusal
    (error_code != 0); "timeout" = never answer in time. `remaining` failures, then
    normal again (null = until switched off)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    mode = models.CharField(max_length=16, blank=True)
    remaining = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.mode or "ok"
