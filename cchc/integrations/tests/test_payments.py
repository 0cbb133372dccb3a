"""Fees and payments: signed protocol, callbacks (verified, idempotent), the sandbox
flow through the Django test client, counter payments, varying fees."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import Dossier, DossierEvent, FeeStatus
from cchc.dossiers.tests.factories import drive_to, make_world, receive
from cchc.integrations import selectors, services
from cchc.integrations.models import (
    Payment,
    PaymentReceipt,
    PaymentStatus,
    SandboxStatus,
    SandboxTransaction,
)
from cchc.integrations.payments.base import (
    RSP_ALREADY_CONFIRMED,
    RSP_BAD_AMOUNT,
    RSP_BAD_SIGNATURE,
    RSP_OK,
    CallbackRejected,
    PaymentRequest,
    VnpayProvider,
    get_provider,
)
from cchc.procedures.models import FeeItem

IPN = "/integrations/thanh-toan-ipn/sandbox/"


def _start(dossier: Dossier, **kw) -> tuple[Payment, dict[str, str]]:
    kw.setdefault("actor", None)
    if "lookup_secret" not in kw:
        kw["lookup_secret"] = dossier.issued_lookup_secret
    url = services.payment_start(dossier=dossier, **kw)
    params = dict(parse_qsl(urlsplit(url).query))
    return Payment.objects.get(reference=params["pay_TxnRef"]), params


def _gateway_result(payment: Payment, *, code: str = "00", amount_minor: int | None = None):
    """What the gateway sends back (return URL and IPN), signed with the shared secret."""
    provider = get_provider("sandbox")
    return provider.signed(
        {
            "pay_TmnCode": provider.merchant_code,
            "pay_TxnRef": payment.reference,
            "pay_Amount": str(
                amount_minor if amount_minor is not None else int(payment.amount * 100)
            ),
            "pay_ResponseCode": code,
            "pay_TransactionStatus": "00" if code == "00" else "02",
            "pay_TransactionNo": "14831393",
            "pay_BankCode": "NCB",
            "pay_PayDate": "20261116093000",
        }
    )


def _fee_events(dossier: Dossier) -> int:
    return DossierEvent.objects.filter(dossier=dossier, action="fee_recorded").count()


# --- The signed protocol ----------------------------------------------------------------


def test_signature_good_bad_tampered(integ):
    provider = get_provider("sandbox")
    params = provider.request_params(
        PaymentRequest(
            reference="CC2611160001",
            amount=Decimal(50000),
            order_info="Thanh toan phi ho so H01-261116-0001",
            return_url="https://dvc.example.vn/integrations/thanh-toan-ket-qua/sandbox/",
        )
    )
    assert params["pay_Amount"] == "5000000"  # minor units, like VNPAY
    assert provider.verify(params)
    # The canonical string is sorted and URL-encoded; the hash is HMAC-SHA256 of it.
    canonical = provider.canonical(params)
    assert canonical.split("&")[0].startswith("pay_Amount=")
    assert "pay_OrderInfo=Thanh+toan+phi+ho+so" in canonical
    assert len(params["pay_SecureHash"]) == 64

    bad = {**params, "pay_SecureHash": "0" * 64}
    assert not provider.verify(bad)
    tampered = {**params, "pay_Amount": "100"}
    assert not provider.verify(tampered)
    unsigned = {k: v for k, v in params.items() if k != "pay_SecureHash"}
    assert not provider.verify(unsigned)
    # Parameters outside the protocol are not signed and do not break verification.
    assert provider.verify({**params, "utm_source": "zalo"})


def test_vnpay_variant_is_configuration(integ):
    """A real gateway differs by prefix, algorithm and keys: same code path."""
    vnp = VnpayProvider(
        name="vnpay", merchant_code="TMN01", secret="s3cret", gateway_url="https://pay.example/"
    )
    url = vnp.create_payment_url(
        PaymentRequest(
            reference="R1", amount=Decimal(1000), order_info="x", return_url="https://r/"
        )
    )
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["vnp_Version"] == "2.1.0" and params["vnp_Amount"] == "100000"
    assert len(params["vnp_SecureHash"]) == 128  # SHA-512
    assert vnp.verify(params)


# --- Callbacks --------------------------------------------------------------------------


def test_callback_records_fee_through_the_domain_once(integ, dossier, client):
    payment, _ = _start(dossier)
    assert payment.status == PaymentStatus.PENDING and payment.amount == Decimal(50000)
    before = Dossier.objects.get(pk=dossier.pk).version
    params = _gateway_result(payment)

    first = client.post(IPN, params)
    assert first.status_code == 200 and first.json()["RspCode"] == RSP_OK
    d = Dossier.objects.get(pk=dossier.pk)
    payment.refresh_from_db()
    assert d.fee_status == FeeStatus.PAID_ONLINE
    assert d.fee_receipt == payment.receipt_number != ""
    assert d.version == before + 1 and _fee_events(d) == 1
    assert payment.status == PaymentStatus.PAID and payment.provider_transaction_no == "14831393"
    assert PaymentReceipt.objects.get(payment=payment).number == payment.receipt_number

    # The gateway repeats its IPN (it did not see our answer): nothing changes.
    again = client.post(IPN, params)
    assert again.status_code == 200 and again.json()["RspCode"] == RSP_ALREADY_CONFIRMED
    assert Dossier.objects.get(pk=dossier.pk).version == before + 1
    assert _fee_events(dossier) == 1
    assert PaymentReceipt.objects.count() == 1
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 1


def test_bad_or_tampered_callback_is_400_and_changes_nothing(integ, dossier, client):
    payment, _ = _start(dossier)
    version = Dossier.objects.get(pk=dossier.pk).version
    good = _gateway_result(payment)
    for params in (
        {**good, "pay_SecureHash": "f" * 64},
        {**good, "pay_ResponseCode": "00", "pay_Amount": "100"},  # tampered after signing
        {k: v for k, v in good.items() if k != "pay_SecureHash"},
    ):
        response = client.post(IPN, params)
        assert response.status_code == 400
        assert response.json()["RspCode"] == RSP_BAD_SIGNATURE
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.raw_callback == {}
    assert Dossier.objects.get(pk=dossier.pk).version == version


def test_replayed_request_is_not_a_callback(integ, dossier, client):
    """The signed redirect the payer saw cannot be posted back as a payment result."""
    payment, request_params = _start(dossier)
    response = client.post(IPN, request_params)
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert Dossier.objects.get(pk=dossier.pk).fee_status == FeeStatus.UNPAID


def test_amount_mismatch_refused(integ, dossier, client):
    payment, _ = _start(dossier)
    params = _gateway_result(payment, amount_minor=100)  # correctly signed, wrong amount
    response = client.post(IPN, params)
    assert response.status_code == 400 and response.json()["RspCode"] == RSP_BAD_AMOUNT
    with pytest.raises(CallbackRejected) as exc:
        services.payment_callback(provider="sandbox", params=params)
    assert exc.value.code == RSP_BAD_AMOUNT
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert Dossier.objects.get(pk=dossier.pk).fee_status == FeeStatus.UNPAID


def test_unknown_reference_404(integ, dossier, client):
    payment, _ = _start(dossier)
    params = _gateway_result(payment)
    provider = get_provider("sandbox")
    params = provider.signed({**params, "pay_TxnRef": "CC-NOT-OURS"})
    assert client.post(IPN, params).status_code == 404


def test_declined_payment_leaves_fee_unpaid(integ, dossier):
    payment, _ = _start(dossier)
    outcome = services.payment_callback(
        provider="sandbox", params=_gateway_result(payment, code="24")
    )
    assert outcome.code == RSP_OK
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert Dossier.objects.get(pk=dossier.pk).fee_status == FeeStatus.UNPAID
    assert _fee_events(dossier) == 0


def test_late_second_payment_is_flagged_not_recorded_twice(integ, dossier):
    first, _ = _start(dossier)
    second, _ = _start(
        Dossier.objects.get(pk=dossier.pk), lookup_secret=dossier.issued_lookup_secret
    )
    services.payment_callback(provider="sandbox", params=_gateway_result(first))
    services.payment_callback(provider="sandbox", params=_gateway_result(second))
    second.refresh_from_db()
    assert second.status == PaymentStatus.PAID and second.duplicate
    assert _fee_events(dossier) == 1 and PaymentReceipt.objects.count() == 1


# --- Starting a payment -----------------------------------------------------------------


def test_payment_start_needs_the_applicant_or_an_officer(integ, world, dossier):
    with pytest.raises(PermissionDenied):
        services.payment_start(dossier=dossier, actor=None, lookup_secret="WRONGSECRET")
    with pytest.raises(PermissionDenied):
        services.payment_start(dossier=dossier, actor=world.outsider)
    assert services.payment_start(dossier=dossier, actor=world.officer).startswith(
        "https://dvc.example.vn/integrations/sandbox-pay/?"
    )
    assert Payment.objects.count() == 1


def test_nothing_to_pay_is_refused(integ, db, clock):
    world = make_world()  # no fee
    dossier = receive(world)
    with pytest.raises(ValidationError) as exc:
        services.payment_start(dossier=dossier, actor=world.officer)
    assert exc.value.code == "nothing_due"
    assert selectors.fee_outstanding(dossier=dossier) == 0


def test_varying_fee_is_assessed_by_the_officer_first(integ, world):
    FeeItem.objects.filter(version=world.version).update(varies=True)
    dossier = receive(world)
    assert selectors.fee_needs_assessment(dossier=dossier)
    assert selectors.fee_blocks_return(dossier=dossier)
    with pytest.raises(ValidationError) as exc:
        services.payment_start(dossier=dossier, actor=world.officer)
    assert exc.value.code == "needs_assessment"
    with pytest.raises(PermissionDenied):
        services.fee_assess(actor=world.outsider, dossier=dossier, amount=Decimal(120000))
    services.fee_assess(actor=world.officer, dossier=dossier, amount=Decimal(120000))
    d = Dossier.objects.get(pk=dossier.pk)
    assert not selectors.fee_needs_assessment(dossier=d)
    assert selectors.fee_outstanding(dossier=d) == Decimal(120000)
    d.issued_lookup_secret = dossier.issued_lookup_secret
    payment, params = _start(d)
    assert payment.amount == Decimal(120000) and params["pay_Amount"] == "12000000"


def test_fixed_fee_cannot_be_reassessed(integ, world, dossier):
    with pytest.raises(ValidationError) as exc:
        services.fee_assess(actor=world.officer, dossier=dossier, amount=Decimal(1))
    assert exc.value.error_dict["amount"][0].code == "fixed_fee"


# --- Counter ----------------------------------------------------------------------------


def test_counter_payment(integ, world, dossier):
    with pytest.raises(PermissionDenied):
        services.payment_record_counter(
            actor=world.outsider, dossier=dossier, amount=Decimal(50000), receipt_no="0000123"
        )
    assert Payment.objects.count() == 0
    with pytest.raises(ValidationError) as exc:
        services.payment_record_counter(
            actor=world.officer, dossier=dossier, amount=Decimal(40000), receipt_no="0000123"
        )
    assert exc.value.error_dict["amount"][0].code == "amount_mismatch"
    payment = services.payment_record_counter(
        actor=world.officer, dossier=dossier, amount=Decimal(50000), receipt_no="0000123"
    )
    d = Dossier.objects.get(pk=dossier.pk)
    assert d.fee_status == FeeStatus.PAID and d.fee_receipt == "0000123"
    assert payment.receipt.number == "0000123" and payment.provider == "counter"
    assert selectors.fee_outstanding(dossier=d) == 0
    with pytest.raises(ValidationError):  # settled: no second collection
        services.payment_record_counter(
            actor=world.officer, dossier=d, amount=Decimal(50000), receipt_no="0000124"
        )
    assert _fee_events(d) == 1


def test_fee_outstanding_costs_no_query(integ, dossier, django_assert_num_queries):
    d = Dossier.objects.get(pk=dossier.pk)
    with django_assert_num_queries(0):
        assert selectors.fee_outstanding(dossier=d) == Decimal(50000)


# --- The sandbox flow through the test client --------------------------------------------


def test_sandbox_flow(integ, world, dossier, client, django_capture_on_commit_callbacks):
    secret = dossier.issued_lookup_secret
    page = reverse("integrations:payment", args=[dossier.code])
    shown = client.get(page, {"s": secret})
    assert shown.status_code == 200 and "50.000" in shown.content.decode()
    assert client.get(page, {"s": "WRONG"}).status_code == 404

    started = client.post(page, {"s": secret})
    assert started.status_code == 302
    gateway_url = started["Location"]
    assert gateway_url.startswith("http://testserver/integrations/sandbox-pay/?")

    sandbox_page = client.get(gateway_url)
    assert sandbox_page.status_code == 200
    body = sandbox_page.content.decode()
    assert "Xác nhận thanh toán" in body and "50000" in body.replace(".", "")
    hidden = dict(parse_qsl(urlsplit(gateway_url).query))

    version = Dossier.objects.get(pk=dossier.pk).version
    with django_capture_on_commit_callbacks(execute=True):
        back = client.post("/integrations/sandbox-pay/", {**hidden, "decision": "approve"})
    assert back.status_code == 302
    assert back["Location"].startswith(
        "http://testserver/integrations/thanh-toan-ket-qua/sandbox/?"
    )

    # The server-to-server callback (IPN) alone has paid the fee, before the browser returns.
    txn = SandboxTransaction.objects.get(reference=hidden["pay_TxnRef"])
    assert txn.status == SandboxStatus.APPROVED and txn.callback_status == "sent"
    d = Dossier.objects.get(pk=dossier.pk)
    assert d.fee_status == FeeStatus.PAID_ONLINE and d.version == version + 1
    event = DossierEvent.objects.get(dossier=d, action="fee_recorded")
    assert event.payload["set"]["fee_status"] == FeeStatus.PAID_ONLINE
    assert event.actor_id is None

    result = client.get(back["Location"])
    assert result.status_code == 200
    payment = Payment.objects.get(reference=hidden["pay_TxnRef"])
    assert payment.receipt_number in result.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).version == version + 1  # the return changed nothing

    # The payment page now shows the receipt; a forged return is refused.
    assert payment.receipt_number in client.get(page, {"s": secret}).content.decode()
    forged = back["Location"].replace("pay_ResponseCode=00", "pay_ResponseCode=01")
    assert client.get(forged).status_code == 400

    # The sandbox decides a transaction once.
    again = client.post("/integrations/sandbox-pay/", {**hidden, "decision": "decline"})
    assert again.status_code == 400


def test_sandbox_refuses_unsigned_requests(integ, dossier, client):
    _, params = _start(dossier)
    params["pay_Amount"] = "100"
    assert client.get("/integrations/sandbox-pay/", params).status_code == 400
    assert not SandboxTransaction.objects.exists()


def test_return_reconciles_by_status_query_when_ipn_is_lost(integ, dossier, client):
    integ["PAYMENT_PROVIDERS"]["sandbox"]["CALLBACK_TRANSPORT"] = "off"
    payment, params = _start(dossier)
    from cchc.integrations.payments.sandbox import sandbox_decide

    sandbox_decide(params=params, approve=True, ipn_url="http://testserver" + IPN)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING  # no IPN arrived
    assert services.payment_reconcile(payment=payment).status == PaymentStatus.PAID
    assert Dossier.objects.get(pk=dossier.pk).fee_status == FeeStatus.PAID_ONLINE


def test_result_returned_after_payment(integ, world, dossier):
    """The happy path still ends at the return (the fee rule itself is the domain's)."""
    d = drive_to(world, dossier, "result")
    assert selectors.fee_blocks_return(dossier=d)
    d.issued_lookup_secret = dossier.issued_lookup_secret
    payment, _ = _start(d)
    services.payment_callback(provider="sandbox", params=_gateway_result(payment))
    d = Dossier.objects.get(pk=d.pk)
    assert not selectors.fee_blocks_return(dossier=d)
    dossier_services.dossier_return_result(
        actor=world.officer, dossier=d, method="counter", expected_version=d.version
    )
    d = Dossier.objects.get(pk=d.pk)
    assert d.status == "returned" and d.fee_status == FeeStatus.PAID_ONLINE


def test_sandbox_refuses_an_expired_request(integ, dossier, client, clock):
    _, params = _start(dossier)
    clock.advance(minutes=16)
    response = client.get("/integrations/sandbox-pay/", params)
    assert response.status_code == 400 and "hết hạn" in response.content.decode()
    response = client.post("/integrations/sandbox-pay/", {**params, "decision": "approve"})
    assert response.status_code == 400 and not SandboxTransaction.objects.exists()
