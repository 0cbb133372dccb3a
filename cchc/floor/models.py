"""The service centre floor: counters, queue tickets, their history and counter ratings.

A ticket is a visit, not a dossier: a citizen may leave without filing anything (asking,
collecting a result), so the dossier link is optional and set at the end of service.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Counter(models.Model):
    """A counter (quầy) of a one-stop unit, the sectors it serves and who sits at it."""

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="counters", verbose_name="đơn vị"
    )
    number = models.PositiveSmallIntegerField("số quầy")
    name = models.CharField("tên quầy", max_length=255, blank=True)
    sectors = models.ManyToManyField(
        "procedures.Sector", related_name="counters", blank=True, verbose_name="lĩnh vực"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="floor_counters",
        verbose_name="công chức đang trực",
    )
    is_active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "quầy"
        verbose_name_plural = "quầy"
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="floor_counter_unit_number")
        ]

    def __str__(self) -> str:
        return f"Quầy {self.number}" + (f" – {self.name}" if self.name else "")


class Priority(models.TextChoices):
    """Groups served before the ordinary queue (priority reception as the Luật Người cao
    tuổi 2009 and the Luật Người khuyết tật 2010 ask of public services)."""

    NONE = "", "Không"
    ELDERLY = "elderly", "Người cao tuổi"
    DISABLED = "disabled", "Người khuyết tật"
    PREGNANT = "pregnant", "Phụ nữ mang thai"
    YOUNG_CHILDREN = "young_children", "Người đang nuôi con nhỏ"


class TicketStatus(models.TextChoices):
    BOOKED = "booked", "Đã đặt lịch"
    WAITING = "waiting", "Đang chờ"
    TRANSFERRED = "transferred", "Được chuyển quầy, đang chờ"
    CALLED = "called", "Đã gọi"
    SERVING = "serving", "Đang phục vụ"
    DONE = "done", "Đã phục vụ xong"
    ABANDONED = "abandoned", "Bỏ lượt"


QUEUED_STATUSES = (TicketStatus.WAITING, TicketStatus.TRANSFERRED)
AT_COUNTER_STATUSES = (TicketStatus.CALLED, TicketStatus.SERVING)


class TicketSequence(models.Model):
    """Gap-free ticket numbers per unit per day; the row is locked while a number is taken."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="floor_ticketseq_unit_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.day}: {self.last_number}"


class Ticket(models.Model):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="tickets", verbose_name="đơn vị"
    )
    day = models.DateField("ngày")
    number = models.PositiveIntegerField("số thứ tự")
    sector = models.ForeignKey(
        "procedures.Sector", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    priority = models.CharField(
        "ưu tiên", max_length=16, choices=Priority.choices, blank=True, default=""
    )
    status = models.CharField(
        "trạng thái", max_length=16, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    # Advance booking: the slot, and the token printed in the QR code of the booking slip.
    booked_for = models.DateTimeField("đặt lịch lúc", null=True, blank=True)
    token = models.CharField(max_length=32, unique=True)
    taken_at = models.DateTimeField("lấy số lúc")
    # Order in the queue: taken_at for walk-ins; for bookings the earlier of the slot and
    # the check-in, so a citizen who booked is served at about their slot.
    queued_at = models.DateTimeField(null=True, blank=True)
    counter = models.ForeignKey(
        Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="floor_tickets",
    )
    called_at = models.DateTimeField(null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(default=0)
    served_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="floor_tickets",
    )

    class Meta:
        verbose_name = "số thứ tự"
        verbose_name_plural = "số thứ tự"
        ordering = ["-day", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "number"], name="floor_ticket_number"),
        ]
        indexes = [
            models.Index(fields=["unit", "day", "status"], name="floor_ticket_queue"),
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return f"{self.number:04d}"


class TicketEvent(models.Model):
    """Append-only history of a ticket (taken, called, recalled, transferred...)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    counter = models.ForeignKey(
        Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action}"


class RatingValue(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", "Rất hài lòng"
    SATISFIED = "satisfied", "Hài lòng"
    NORMAL = "normal", "Bình thường"
    DISSATISFIED = "dissatisfied", "Không hài lòng"


class CounterRating(models.Model):
    """The citizen's rating of the officer after a visit; one per ticket."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="rating")
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="ratings")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    value = models.CharField("mức độ hài lòng", max_length=16, choices=RatingValue.choices)
    reason = models.TextField("lý do", blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "đánh giá tại quầy"
        verbose_name_plural = "đánh giá tại quầy"
        constraints = [
            models.CheckConstraint(
                condition=~Q(value="dissatisfied") | ~Q(reason=""),
                name="floor_rating_reason_when_dissatisfied",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.value}"
