"""Real browser: the citizen pays a fee through the sandbox gateway pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cchc.dossiers.models import Dossier, FeeStatus
from cchc.dossiers.tests.factories import receive
from cchc.integrations.models import SandboxTransaction


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sandbox_payment_pages(integ, world, page, live_server):
    # The sandbox posts its server-to-server callback over real HTTP to the live server.
    integ["PAYMENT_PROVIDERS"]["sandbox"]["CALLBACK_TRANSPORT"] = "http"
    integ["PUBLIC_BASE_URL"] = live_server.url
    dossier = receive(world)

    page.goto(f"/integrations/thanh-toan/{dossier.code}/?s={dossier.issued_lookup_secret}")
    expect(page.locator("#fee-outstanding")).to_have_text("50.000")
    page.get_by_role("button", name="Thanh toán trực tuyến").click()

    page.wait_for_url("**/integrations/sandbox-pay/?**")
    expect(page.locator("h1")).to_contain_text("Cổng thanh toán thử nghiệm")
    expect(page.locator("#sandbox-amount")).to_have_text("50.000")
    page.get_by_role("button", name="Xác nhận thanh toán").click()

    page.wait_for_url("**/integrations/thanh-toan-ket-qua/sandbox/?**")
    expect(page.locator("h1")).to_have_text("Thanh toán thành công")
    number = page.locator("#receipt-number").inner_text()
    assert number.startswith("BLDT")

    d = Dossier.objects.get(pk=dossier.pk)
    assert d.fee_status == FeeStatus.PAID_ONLINE and d.fee_receipt == number
    txn = SandboxTransaction.objects.get()
    assert txn.callback_status == "sent" and txn.callback_attempts == 1

    # Back on the fee page: paid, with the receipt number, no pay button.
    page.goto(f"/integrations/thanh-toan/{dossier.code}/?s={dossier.issued_lookup_secret}")
    expect(page.locator("#fee-paid")).to_contain_text(number)
    expect(page.locator("#pay-online")).to_have_count(0)
