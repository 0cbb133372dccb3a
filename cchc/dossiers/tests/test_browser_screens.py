"""The dossier screens in the real browser (Debian Chromium through Playwright).

A dossier goes from the counter to the result through the forms, each step by the user
whose role it is; refused input shows the services' Vietnamese messages. Real time is
used (no fake clock): the live server runs in another thread.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cchc.core.testing.browser import sign_in
from cchc.dossiers.models import Dossier, DossierStatus
from cchc.dossiers.tests.factories import PERSONAL_ID, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-an-toan-2026"
CODE_RE = re.compile(r"^H\d+\.50\.05-\d{6}-\d{4,}$")
WHEN_RE = re.compile(r"^\d{2}:\d{2} \d{2}/\d{2}/\d{4}$")


@pytest.fixture
def world(transactional_db):
    return make_world()


def open_action(page, name: str):
    box = page.locator(f"#action-{name}")
    box.locator("summary").click()
    return box


def receive_at_counter(page, world, *, personal_id: str = PERSONAL_ID) -> None:
    page.goto("/dossiers/intake/")
    page.select_option("#id_procedure", str(world.version.pk))
    # htmx reloads the form with the procedure's components (Mẫu 01 list).
    expect(page.locator("#intake-form")).to_contain_text("Giấy chứng sinh")
    page.fill("#id_applicant_name", "Nguyễn Thị Dân")
    page.fill("#id_applicant_personal_id", personal_id)
    page.fill("#id_applicant_address", "12 Lê Lợi, phường Quy Nhơn")
    page.fill("#id_applicant_phone", "0912345678")
    page.get_by_role("button", name="Tiếp nhận và cấp giấy hẹn").click()


def test_dossier_from_counter_to_result(page, transactional_db):
    # A procedure with a fee (lệ phí 50.000 đồng): collected at the counter before return.
    world = make_world(fee=Decimal("50000"))
    sign_in(page, world.officer.username, PASSWORD, next_path="/dossiers/intake/")
    receive_at_counter(page, world)

    # The receipt (Mẫu 01): code, appointment and the one-time lookup secret.
    expect(page.locator("h1")).to_contain_text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    code = page.locator("#receipt-code").inner_text().strip()
    assert CODE_RE.match(code), code
    assert WHEN_RE.match(page.locator("#receipt-due").inner_text().strip())
    expect(page.locator("#receipt-secret")).to_have_text(re.compile(r"^[A-Z2-9]{10}$"))
    dossier = Dossier.objects.get(code=code)

    # The one-stop hands it over to the department.
    page.goto(f"/dossiers/{code}/")
    box = open_action(page, "handover")
    box.locator("select[name='handover-to_unit']").select_option(str(world.department.pk))
    box.locator("button[type=submit]").click()
    expect(page.locator(".timeline")).to_contain_text("Đến: Phòng Văn hóa - Xã hội")

    # The department's leader assigns a specialist.
    sign_in(page, world.leader.username, PASSWORD, next_path=f"/dossiers/{code}/")
    box = open_action(page, "assign")
    box.locator("select[name='assign-to_user']").select_option(str(world.specialist.pk))
    box.locator("button[type=submit]").click()
    expect(page.locator(".timeline")).to_contain_text("Cán bộ nhận: Trần Thị Chuyên Viên")

    # The specialist finds it in "mine" and in the unit's queue, and hands it to the leader.
    sign_in(page, world.specialist.username, PASSWORD, next_path="/dossiers/?kind=mine")
    expect(page.locator("#results")).to_contain_text(code)
    page.get_by_role("link", name="Của đơn vị").click()
    expect(page.locator("#results")).to_contain_text(code)
    page.get_by_role("link", name=code).click()
    box = open_action(page, "handover")
    box.locator("select[name='handover-to_unit']").select_option(str(world.department.pk))
    box.locator("select[name='handover-to_user']").select_option(str(world.leader.pk))
    box.locator("button[type=submit]").click()
    expect(page.locator(".clock")).to_contain_text("Phê duyệt kết quả")

    # The leader approves.
    sign_in(page, world.leader.username, PASSWORD, next_path=f"/dossiers/{code}/")
    box = open_action(page, "approve")
    box.locator("textarea").fill("Đồng ý")
    box.locator("button[type=submit]").click()
    expect(page.locator("h1 .status")).to_have_text("Đã phê duyệt")

    # The officer issues the result and returns it at the counter.
    sign_in(page, world.officer.username, PASSWORD, next_path=f"/dossiers/{code}/")
    box = open_action(page, "issue_result")
    box.locator("input[name='issue_result-result_number']").fill("15/GKS")
    box.locator("button[type=submit]").click()
    expect(page.locator("h1 .status")).to_have_text("Đã có kết quả, chờ trả")
    # Not returned while the fee is unpaid: the domain's refusal shows on the form.
    box = open_action(page, "return_result")
    box.locator("select[name='return_result-method']").select_option("counter")
    box.locator("button[type=submit]").click()
    expect(page.locator("#action-return_result .field-error")).to_contain_text(
        "Người nộp chưa nộp phí, lệ phí (50.000 đồng) nên chưa trả kết quả."
    )
    expect(page.locator("h1 .status")).to_have_text("Đã có kết quả, chờ trả")
    # The officer collects the fee at the counter against a receipt.
    expect(page.locator("#fee-outstanding")).to_have_text("50.000 đồng")
    box = open_action(page, "fee")
    expect(box.locator("input[name='fee-amount']")).to_have_value("50000")
    box.locator("input[name='fee-receipt_no']").fill("BL-2026-0001")
    box.locator("button[type=submit]").click()
    expect(page.locator("#payments")).to_contain_text("BL-2026-0001")
    expect(page.locator("#fee-outstanding")).to_have_text("0 đồng")
    box = open_action(page, "return_result")
    box.locator("select[name='return_result-method']").select_option("counter")
    box.locator("button[type=submit]").click()
    expect(page.locator("h1 .status")).to_have_text("Đã trả kết quả")
    expect(page.locator(".timeline")).to_contain_text("Trả kết quả")
    # Mẫu 05: every step has an outcome once finished.
    expect(page.locator(".clock tbody tr")).to_have_count(4)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RETURNED


def test_bad_input_shows_the_vietnamese_message(page, world):
    sign_in(page, world.officer.username, PASSWORD, next_path="/dossiers/intake/")
    receive_at_counter(page, world, personal_id="12345")
    expect(page.locator(".field-error")).to_contain_text(
        "Số định danh cá nhân phải gồm đúng 12 chữ số."
    )
    assert Dossier.objects.count() == 0

    receive_at_counter(page, world)
    code = page.locator("#receipt-code").inner_text().strip()
    page.goto(f"/dossiers/{code}/")
    box = open_action(page, "refuse")
    box.locator("button[type=submit]").click()
    # htmx swaps the refused form in place, with the service's message.
    expect(page.locator("#action-refuse .field-error")).to_contain_text(
        "Vui lòng nêu rõ lý do từ chối giải quyết."
    )
    assert Dossier.objects.get(code=code).status == DossierStatus.PROCESSING


def test_leader_view_and_printed_handover_list(page, world):
    from cchc.dossiers.tests.factories import drive_to, receive

    d = drive_to(world, receive(world), "assigned")
    sign_in(page, world.leader.username, PASSWORD, next_path="/dossiers/leader/")
    if world.department.name not in page.locator("h1").inner_text():
        page.select_option("#id_unit", str(world.department.pk))
        page.get_by_role("button", name="Xem").click()
    expect(page.locator("h1")).to_contain_text(world.department.name)
    expect(page.locator("body")).to_contain_text("Trần Thị Chuyên Viên")

    sign_in(page, world.officer.username, PASSWORD, next_path="/dossiers/handover-list/")
    page.select_option("#id_to_unit", str(world.department.pk))
    page.get_by_role("button", name="Bản in để ký").click()
    expect(page.locator("h1")).to_have_text("DANH SÁCH BÀN GIAO HỒ SƠ")
    expect(page.locator("table.handover")).to_contain_text(d.code)


def test_intake_shows_only_the_fields_of_the_channel_and_applicant_kind(page, world):
    sign_in(page, world.officer.username, PASSWORD, next_path="/dossiers/intake/")
    expect(page.locator("#id_postal_unit")).to_be_hidden()
    expect(page.locator("#id_applicant_tax_code")).to_be_hidden()
    page.select_option("#id_applicant_kind", "organisation")
    expect(page.locator("#id_applicant_tax_code")).to_be_visible()
    expect(page.locator("#id_applicant_personal_id")).to_be_hidden()
    page.select_option("#id_channel", "postal")
    expect(page.locator("#id_postal_unit")).to_be_visible()


def test_batch_hand_over_list_signed_and_received_back(page, world):
    from cchc.dossiers.tests.factories import receive

    a, b = receive(world), receive(world)
    sign_in(page, world.officer.username, PASSWORD, next_path="/dossiers/handover-batches/")
    page.select_option("#id_to_unit", str(world.department.pk))
    page.check(f"#batch-d-{a.pk}")
    page.check(f"#batch-d-{b.pk}")
    page.get_by_role("button", name="Lập phiếu và bàn giao").click()
    code = page.locator("#batch-code").inner_text().strip()
    expect(page.locator("table.handover")).to_contain_text(a.code)
    page.get_by_role("link", name="Bản in để ký").click()
    expect(page.locator("h1")).to_have_text("PHIẾU BÀN GIAO HỒ SƠ")
    expect(page.locator("body")).to_contain_text("BÊN NHẬN")

    sign_in(page, world.specialist.username, PASSWORD, next_path="/dossiers/handover-batches/")
    page.get_by_role("link", name=code).click()
    page.fill("#id_received_by_name", "Trần Thị Chuyên Viên")
    page.get_by_role("button", name="Xác nhận đã nhận").click()
    expect(page.locator("#batch-received")).to_contain_text("Trần Thị Chuyên Viên")
