"""'Hiện đầy đủ' in the real browser: masked by default, a reason is required, then the
applicant's identifiers appear in place and the access is logged."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cchc.core.testing.browser import sign_in
from cchc.dossiers.tests.factories import PERSONAL_ID, make_world, receive
from cchc.privacy.models import AccessKind, PersonalDataAccess

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-an-toan-2026"


@pytest.fixture
def world(transactional_db):
    return make_world()


def test_officer_reveals_the_applicant_with_a_reason(page, world):
    d = receive(world)
    sign_in(page, world.officer.username, PASSWORD)
    page.goto(f"/dossiers/{d.code}/")
    facts = page.locator("#applicant-facts")
    expect(facts.locator("#pii-id")).to_have_text("********0001")
    expect(facts.locator("#pii-phone")).to_have_text("09******78")
    expect(facts.locator("#pii-email")).to_have_text("d***@example.vn")
    expect(facts.locator("#pii-dob")).to_have_text("**/**/1990")
    expect(page.locator("body")).not_to_contain_text(PERSONAL_ID)
    expect(page.locator("body")).not_to_contain_text("0912345678")

    facts.get_by_text("Hiện đầy đủ", exact=True).first.click()
    facts.get_by_role("button", name="Hiện đầy đủ").click()
    expect(page.locator("#reveal-errors")).to_contain_text("Vui lòng ghi lý do")
    assert not PersonalDataAccess.objects.exists()

    page.fill("#id_reveal_reason", "Gọi điện hẹn ngày trả kết quả")
    page.get_by_role("button", name="Hiện đầy đủ").click()
    expect(page.locator("#pii-id")).to_have_text(PERSONAL_ID)
    expect(page.locator("#pii-phone")).to_have_text("0912345678")
    expect(page.locator("#pii-email")).to_have_text("dan@example.vn")
    expect(page.locator("#pii-dob")).to_have_text("17/05/1990")
    expect(page.locator("#reveal-logged")).to_be_visible()
    entry = PersonalDataAccess.objects.get()
    assert entry.kind == AccessKind.REVEAL and entry.actor == world.officer
    assert entry.dossier_id == d.pk and entry.reason == "Gọi điện hẹn ngày trả kết quả"

    # Reloading shows the masked values again: each full view is a new, logged action.
    page.reload()
    expect(page.locator("#pii-id")).to_have_text("********0001")


def test_a_chairman_sees_masked_values_and_no_reveal(page, world):
    from cchc.accounts.models import Role
    from cchc.dossiers.tests.factories import grant, make_user

    d = receive(world)
    chairman = make_user("chutich")
    grant(chairman, Role.CHAIRMAN, world.commune, include_subtree=True)
    sign_in(page, "chutich", PASSWORD)
    page.goto(f"/dossiers/{d.code}/")
    expect(page.locator("#pii-id")).to_have_text("********0001")
    expect(page.locator("#applicant-facts")).not_to_contain_text("Hiện đầy đủ")
