"""Writes of the integrations app: fee payments and applicant notifications.

The dossier's fee status and its event are the dossier domain's: every recorded
payment goes through `cchc.dossiers.services.dossier_fee_record` in the same
transaction as our own rows. Side effects (gateway callbacks, message delivery) run in
background tasks queued with `transaction.on_commit`.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import User
from cchc.accounts.permissions import DENIED_MESSAGE, Action, has_permission
from cchc.core.lookup_secrets import secret_matches
from cchc.core.money import format_dong
from cchc.dossiers import rules as dossier_rules
from cchc.dossiers.models import TERMINAL_STATUSES, Dossier, DossierEvent, FeeStatus
from cchc.integrations import conf, selectors
from cchc.integrations.models import (
    ChannelKind,
    Notification,
    NotificationStatus,
    NotificationSubscription,
    Payment,
    PaymentReceipt,
    PaymentStatus,
    ReceiptSequence,
)
from cchc.integrations.notifications import messages
from cchc.integrations.notifications.channels import ascii_fold, get_channel
from cchc.integrations.payments.base import (
    RSP_ALREADY_CONFIRMED,
    RSP_BAD_AMOUNT,
    RSP_BAD_SIGNATURE,
    RSP_NOT_FOUND,
    RSP_OK,
    CallbackRejected,
    PaymentRequest,
    get_provider,
)

logger = logging.getLogger(__name__)

COUNTER = "counter"


def _refuse(message: str, code: str, field: str | None = None) -> None:
    if field:
        raise ValidationError({field: ValidationError(message, code=code)})
    raise ValidationError(message, code=code)


def _new_reference(now: dt.datetime) -> str:
    # Date + 10 random hex digits: unique, unguessable, within every gateway's 34+ chars.
    return f"CC{timezone.localtime(now):%y%m%d}{secrets.token_hex(5).upper()}"


def _next_receipt_number(now: dt.datetime) -> str:
    series = str(conf.get("RECEIPT_SERIES"))
    year = timezone.localtime(now).year
    ReceiptSequence.objects.bulk_create(
        [ReceiptSequence(series=series, year=year, last_number=0)], ignore_conflicts=True
    )
    row = ReceiptSequence.objects.select_for_update().get(series=series, year=year)
    row.last_number += 1
    row.save(update_fields=["last_number"])
    return f"{series}{year % 100:02d}-{row.last_number:07d}"


def _is_applicant(actor: User | None, dossier: Dossier, lookup_secret: str | None) -> bool:
    if actor is not None and actor.is_authenticated and dossier.applicant.user_id == actor.pk:
        return True
    if lookup_secret:
        return secret_matches(
            dossier_rules.normalise_lookup_secret(lookup_secret), dossier.lookup_secret_hash
        )
    return False


# --- Fees -------------------------------------------------------------------------------


@transaction.atomic
def fee_assess(
    *, actor: User, dossier: Dossier, amount: Decimal, expected_version: int | None = None
) -> Dossier:
    """The officer sets the amount of a fee whose schedule says it varies (mức thu thay đổi)."""
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError):
        _refuse("Số tiền không hợp lệ.", "amount", "amount")
    if amount < 0 or amount != amount.to_integral_value():
        _refuse("Số tiền phải là số đồng không âm.", "amount", "amount")
    if not any(item.varies for item in selectors.fee_lines(dossier=dossier)):
        _refuse(
            "Mức thu của thủ tục này cố định theo biểu phí, lệ phí; không nhập lại số tiền.",
            "fixed_fee",
            "amount",
        )
    if dossier.fee_status in selectors.SETTLED:
        _refuse("Phí, lệ phí của hồ sơ đã được nộp hoặc miễn.", "already_settled")
    from cchc.dossiers.services import dossier_fee_record

    return dossier_fee_record(
        actor=actor,
        dossier=dossier,
        status=FeeStatus.UNPAID if amount > 0 else FeeStatus.NOT_APPLICABLE,
        amount=amount,
        expected_version=expected_version,
    )


@transaction.atomic
def payment_start(
    *,
    dossier: Dossier,
    actor: User | None,
    lookup_secret: str | None = None,
    provider: str | None = None,
    base_url: str | None = None,
    client_ip: str = "127.0.0.1",
) -> str:
    """Create a pending online payment for the dossier's outstanding fee and return the
    gateway URL to redirect the payer to. The applicant (portal account or the receipt's
    lookup secret) or a one-stop officer of the receiving unit may start it."""
    d = Dossier.objects.select_related("applicant", "receiving_unit").get(pk=dossier.pk)
    if not _is_applicant(actor, d, lookup_secret) and not (
        actor is not None and has_permission(actor, Action.DOSSIER_RECEIVE, d.receiving_unit)
    ):
        raise PermissionDenied(DENIED_MESSAGE)
    if d.status in TERMINAL_STATUSES and d.status != "returned":
        _refuse(
            f"Hồ sơ đang ở trạng thái “{d.get_status_display()}” nên không thanh toán.", "status"
        )
    if selectors.fee_needs_assessment(dossier=d):
        _refuse(
            "Mức phí, lệ phí của hồ sơ này do cán bộ xác định; vui lòng chờ thông báo số tiền.",
            "needs_assessment",
        )
    amount = selectors.fee_outstanding(dossier=d)
    if amount <= 0:
        _refuse("Hồ sơ không có khoản phí, lệ phí nào cần thanh toán.", "nothing_due")
    gateway = get_provider(provider)
    now = timezone.now()
    payment = Payment.objects.create(
        dossier=d,
        amount=amount,
        provider=gateway.name,
        reference=_new_reference(now),
        status=PaymentStatus.PENDING,
        created_at=now,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    path = reverse("integrations:payment_return", args=[gateway.name])
    return_url = (base_url.rstrip("/") + path) if base_url else conf.public_url(path)
    return gateway.create_payment_url(
        PaymentRequest(
            reference=payment.reference,
            amount=amount,
            # Gateways accept only unaccented text here.
            order_info=ascii_fold(f"Thanh toan phi, le phi ho so {d.code}"),
            return_url=return_url,
            client_ip=client_ip,
            created_at=now,
            base_url=base_url,
        )
    )


@dataclass(frozen=True)
class CallbackOutcome:
    payment: Payment
    code: str  # RSP_OK or RSP_ALREADY_CONFIRMED
    changed: bool


def payment_callback(*, provider: str, params: dict[str, str]) -> CallbackOutcome:
    """A gateway's result (IPN, return redirect or status query), verified and applied once.

    Raises CallbackRejected (bad signature, unknown reference, amount mismatch) with
    nothing changed. A repeated callback returns RSP_ALREADY_CONFIRMED and records
    nothing. A success records the fee through the dossier domain and issues a receipt.
    """
    gateway = get_provider(provider)
    params = {k: str(v) for k, v in params.items()}
    if not gateway.verify(params):
        raise CallbackRejected(RSP_BAD_SIGNATURE, "Chữ ký không hợp lệ.")
    result = gateway.parse_callback(params)
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .filter(reference=result.reference, provider=gateway.name)
            .first()
        )
        if payment is None:
            raise CallbackRejected(RSP_NOT_FOUND, "Không tìm thấy giao dịch.")
        if result.amount != payment.amount:
            raise CallbackRejected(RSP_BAD_AMOUNT, "Số tiền không khớp với giao dịch.")
        if payment.status != PaymentStatus.PENDING:
            return CallbackOutcome(payment, RSP_ALREADY_CONFIRMED, False)
        payment.raw_callback = result.raw
        payment.provider_transaction_no = result.transaction_no
        if not result.success:
            payment.status = PaymentStatus.FAILED
            payment.save(update_fields=["raw_callback", "provider_transaction_no", "status"])
            return CallbackOutcome(payment, RSP_OK, True)
        now = timezone.now()
        payment.status = PaymentStatus.PAID
        payment.paid_at = result.paid_at or now
        dossier = Dossier.objects.select_related("applicant").get(pk=payment.dossier_id)
        if dossier.fee_status in selectors.SETTLED:
            # Paid twice (an older pending payment completed late): keep the money's
            # record, flag it for a refund, leave the dossier alone.
            payment.duplicate = True
            logger.warning("duplicate payment %s for dossier %s", payment.reference, dossier.code)
        else:
            payment.receipt_number = _next_receipt_number(now)
            from cchc.dossiers.services import dossier_fee_record

            dossier_fee_record(
                actor=None,
                dossier=dossier,
                status=FeeStatus.PAID_ONLINE,
                amount=payment.amount,
                receipt=payment.receipt_number,
            )
            PaymentReceipt.objects.create(
                payment=payment,
                number=payment.receipt_number,
                issued_at=now,
                payer_name=dossier.applicant.name,
                amount=payment.amount,
                description=f"Phí, lệ phí hồ sơ {dossier.code}",
            )
        payment.save()
        return CallbackOutcome(payment, RSP_OK, True)


def payment_reconcile(*, payment: Payment) -> Payment:
    """Ask the gateway for a still-pending payment's result (the citizen came back but
    the IPN has not arrived yet) and apply it like a callback."""
    if payment.status != PaymentStatus.PENDING:
        return payment
    gateway = get_provider(payment.provider)
    try:
        params = gateway.query_status(payment.reference)
    except NotImplementedError:
        return payment
    if params:
        try:
            payment_callback(provider=payment.provider, params=params)
        except CallbackRejected as exc:
            logger.warning("status query for %s rejected: %s", payment.reference, exc.message)
    return Payment.objects.get(pk=payment.pk)


@transaction.atomic
def payment_record_counter(
    *,
    actor: User,
    dossier: Dossier,
    amount: Decimal,
    receipt_no: str,
    expected_version: int | None = None,
) -> Payment:
    """A fee collected at the counter against the receipt the officer issued."""
    receipt_no = " ".join(str(receipt_no or "").split())
    if not receipt_no:
        _refuse("Vui lòng ghi số biên lai.", "required", "receipt_no")
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError):
        _refuse("Số tiền không hợp lệ.", "amount", "amount")
    if amount <= 0 or amount != amount.to_integral_value():
        _refuse("Số tiền thu phải là số đồng lớn hơn 0.", "amount", "amount")
    d = Dossier.objects.select_related("applicant").get(pk=dossier.pk)
    if d.fee_status in selectors.SETTLED:
        _refuse("Phí, lệ phí của hồ sơ đã được nộp hoặc miễn.", "already_settled")
    fixed = not any(item.varies for item in selectors.fee_lines(dossier=d))
    if fixed and amount != d.fee_amount:
        _refuse(
            f"Số tiền thu khác mức thu theo biểu phí, lệ phí ({format_dong(d.fee_amount)}).",
            "amount_mismatch",
            "amount",
        )
    if PaymentReceipt.objects.filter(number=receipt_no).exists():
        _refuse("Số biên lai này đã được dùng cho một khoản thu khác.", "duplicate", "receipt_no")
    from cchc.dossiers.services import dossier_fee_record

    # Permission (DOSSIER_RECEIVE at the receiving or postal unit) is the domain's check.
    dossier_fee_record(
        actor=actor,
        dossier=d,
        status=FeeStatus.PAID,
        amount=amount,
        receipt=receipt_no,
        expected_version=expected_version,
    )
    now = timezone.now()
    payment = Payment.objects.create(
        dossier=d,
        amount=amount,
        provider=COUNTER,
        reference=_new_reference(now),
        status=PaymentStatus.PAID,
        created_at=now,
        created_by=actor,
        paid_at=now,
        receipt_number=receipt_no,
    )
    PaymentReceipt.objects.create(
        payment=payment,
        number=receipt_no,
        issued_at=now,
        payer_name=d.applicant.name,
        amount=amount,
        description=f"Phí, lệ phí hồ sơ {d.code}",
    )
    return payment


# --- Notifications ----------------------------------------------------------------------


@transaction.atomic
def notification_subscribe(
    *,
    code: str,
    lookup_secret: str,
    email: bool,
    sms: bool,
    zalo: bool,
    email_address: str = "",
    phone: str = "",
    zalo_user_id: str = "",
) -> NotificationSubscription:
    """The applicant's choice of channels (from the receipt's QR code, with its secret).

    Choosing no channel at all is an opt-out: not even e-mail is sent afterwards."""
    from cchc.accounts.identity import validate_phone_vn
    from cchc.dossiers.selectors import dossier_get_by_lookup

    dossier = dossier_get_by_lookup(code=code, secret=lookup_secret)
    if dossier is None:
        raise PermissionDenied("Mã hồ sơ hoặc mã tra cứu không đúng.")
    applicant = Dossier.objects.select_related("applicant").get(pk=dossier.pk).applicant
    errors: dict[str, list[ValidationError]] = {}
    email_address = email_address.strip()
    if email_address:
        try:
            validate_email(email_address)
        except ValidationError:
            errors["email_address"] = [
                ValidationError("Địa chỉ thư điện tử không hợp lệ.", code="email")
            ]
    if email and not (email_address or applicant.email) and "email_address" not in errors:
        errors["email_address"] = [
            ValidationError("Vui lòng nhập địa chỉ thư điện tử.", code="required")
        ]
    phone = phone.strip()
    if phone:
        try:
            phone = validate_phone_vn(phone)
        except ValidationError as exc:
            errors["phone"] = exc.error_list
    if sms and not (phone or applicant.phone) and "phone" not in errors:
        errors["phone"] = [ValidationError("Vui lòng nhập số điện thoại.", code="required")]
    zalo_user_id = zalo_user_id.strip()
    if zalo_user_id and not (zalo_user_id.isdigit() and len(zalo_user_id) <= 32):
        errors["zalo_user_id"] = [
            ValidationError("Mã người dùng Zalo chỉ gồm chữ số.", code="zalo_id")
        ]
    if zalo and not zalo_user_id and "zalo_user_id" not in errors:
        errors["zalo_user_id"] = [
            ValidationError(
                "Vui lòng quan tâm Zalo OA của cơ quan và nhập mã người dùng Zalo.",
                code="required",
            )
        ]
    if errors:
        raise ValidationError(errors)
    subscription, _ = NotificationSubscription.objects.update_or_create(
        dossier=dossier,
        defaults={
            "email": email,
            "sms": sms,
            "zalo": zalo,
            "email_address": email_address,
            "phone": phone,
            "zalo_user_id": zalo_user_id,
            "updated_at": timezone.now(),
        },
    )
    return subscription


def _targets(dossier: Dossier) -> list[tuple[str, str]]:
    """(channel, recipient) pairs. Without an opt-in, e-mail goes to the address the
    applicant declared on the dossier; SMS and Zalo (which cost money, and Zalo needs the
    user's id) only after opting in."""
    applicant = dossier.applicant
    sub = NotificationSubscription.objects.filter(dossier=dossier).first()
    if sub is None:
        return [(ChannelKind.EMAIL, applicant.email)] if applicant.email else []
    out = []
    if sub.email and (sub.email_address or applicant.email):
        out.append((ChannelKind.EMAIL, sub.email_address or applicant.email))
    if sub.sms and (sub.phone or applicant.phone):
        out.append((ChannelKind.SMS, sub.phone or applicant.phone))
    if sub.zalo and sub.zalo_user_id:
        out.append((ChannelKind.ZALO, sub.zalo_user_id))
    return out


def _context(dossier: Dossier, event: DossierEvent) -> messages.MessageContext:
    payload = event.payload or {}
    new_due = None
    if event.action == "apologised" and dossier.apology_due_at:
        new_due = dossier.apology_due_at
    return messages.MessageContext(
        code=dossier.code,
        procedure=dossier.procedure_version.procedure.name,
        unit=dossier.receiving_unit.name,
        lookup_url=selectors.lookup_url(code=dossier.code),
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        new_due_at=new_due,
        returned_at=dossier.returned_at or event.created_at,
        items=tuple(payload.get("items") or ()),
        reason=str(payload.get("reason") or ""),
        fee_outstanding=selectors.fee_outstanding(dossier=dossier),
    )


def _enqueue_delivery(notification_id: int, run_after: dt.datetime | None = None) -> None:
    from cchc.integrations.tasks import deliver_notification_task

    task = deliver_notification_task
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the cron command (`cchc notifications_deliver`) picks it up
        task = task.using(run_after=run_after)
    task.enqueue(notification_id=notification_id)


def notify_dossier_event(*, dossier_id: int, action: str) -> list[Notification]:
    """Queue the applicant's messages for the latest `action` event of the dossier.

    Which channels: the opt-in (or, without one, the declared e-mail). Idempotent per
    (dossier, action, event seq, channel): calling again queues nothing new and returns
    the same rows. Actions without a template return []."""
    template = messages.TEMPLATES.get(action)
    if template is None or not conf.get("NOTIFICATIONS_ENABLED"):
        return []
    dossier = (
        Dossier.objects.select_related(
            "applicant", "procedure_version__procedure", "receiving_unit"
        )
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        return []
    event = DossierEvent.objects.filter(dossier=dossier, action=action).order_by("-seq").first()
    if event is None:
        return []
    ctx = _context(dossier, event)
    subject, body = messages.render(template, ctx)
    now = timezone.now()
    out = []
    for channel_kind, recipient in _targets(dossier):
        channel = get_channel(channel_kind)
        try:
            with transaction.atomic():
                notification, created = Notification.objects.get_or_create(
                    dossier=dossier,
                    action=action,
                    event_seq=event.seq,
                    channel=channel_kind,
                    defaults={
                        "recipient": recipient,
                        "template": template,
                        "subject": subject,
                        "body": channel.prepare_body(body),
                        "status": NotificationStatus.QUEUED,
                        "next_attempt_at": now,
                        "created_at": now,
                    },
                )
        except IntegrityError:  # queued concurrently by another worker
            notification = Notification.objects.get(
                dossier=dossier, action=action, event_seq=event.seq, channel=channel_kind
            )
            created = False
        if created:
            pk = notification.pk
            transaction.on_commit(lambda pk=pk: _enqueue_delivery(pk))
        out.append(notification)
    return out


def notification_deliver(*, notification_id: int) -> Notification:
    """One delivery attempt, if the message is queued and due. On failure the next
    attempt is scheduled with exponential backoff; after MAX_ATTEMPTS it is "failed"."""
    with transaction.atomic():
        n = Notification.objects.select_for_update().get(pk=notification_id)
        now = timezone.now()
        if n.status != NotificationStatus.QUEUED or (
            n.next_attempt_at is not None and n.next_attempt_at > now
        ):
            return n
        n.attempts += 1
        try:
            n.provider_message_id = get_channel(n.channel).send(
                recipient=n.recipient, subject=n.subject, body=n.body
            )
        except Exception as exc:  # any gateway error is recorded, never raised to the worker
            n.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            n.next_attempt_at = conf.next_attempt_at(n.attempts, now)
            if n.next_attempt_at is None:
                n.status = NotificationStatus.FAILED
            logger.warning(
                "notification %s (%s) attempt %s failed: %s",
                n.pk,
                n.channel,
                n.attempts,
                n.last_error,
            )
        else:
            n.status = NotificationStatus.SENT
            n.sent_at = now
            n.next_attempt_at = None
        n.save()
    if n.status == NotificationStatus.QUEUED and n.next_attempt_at is not None:
        _enqueue_delivery(n.pk, run_after=n.next_attempt_at)
    return n


def notifications_deliver_due(*, limit: int = 500) -> dict[str, int]:
    """Deliver every queued message whose time has come (for cron and the worker)."""
    now = timezone.now()
    ids = list(
        Notification.objects.filter(status=NotificationStatus.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "failed": 0, "queued": 0}
    for pk in ids:
        counts[notification_deliver(notification_id=pk).status] += 1
    return counts


@transaction.atomic
def notification_retry(*, actor: User, notification: Notification) -> Notification:
    """An officer sends a failed (or waiting) message again now."""
    n = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("dossier__receiving_unit")
        .get(pk=notification.pk)
    )
    if not has_permission(actor, Action.DOSSIER_VIEW, n.dossier.receiving_unit):
        raise PermissionDenied(DENIED_MESSAGE)
    if n.status == NotificationStatus.SENT:
        _refuse("Thông báo đã được gửi thành công.", "already_sent")
    n.status = NotificationStatus.QUEUED
    n.next_attempt_at = timezone.now()
    n.save(update_fields=["status", "next_attempt_at"])
    pk = n.pk
    transaction.on_commit(lambda: _enqueue_delivery(pk))
    return n
