"""Real browser (Chromium via Playwright): a citizen on a phone submits online, then looks
up the status with the code and the secret from the receipt."""

from __future__ import annotations

import pytest

from cchc.core.testing.browser import sign_in
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.factories import make_world
from cchc.portal.models import ApplicationForm
from cchc.portal.tests.conftest import PDF

PASSWORD = "mat-khau-an-toan-2026"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_submits_on_a_phone_then_looks_up_status(page):
    world = make_world()
    world.version.online_level = "full"
    world.version.save(update_fields=["online_level"])
    ApplicationForm.objects.create(
        procedure_code=world.procedure.code,
        title="Tờ khai đăng ký khai sinh",
        component_order=1,
        fields=[
            {
                "name": "requester_name",
                "label": "Họ tên người yêu cầu",
                "type": "text",
                "required": True,
                "prefill": "identity.full_name",
            },
            {"name": "child_name", "label": "Họ tên trẻ", "type": "text", "required": True},
        ],
    )
    birth_cert = world.requirements()[1]
    page.set_viewport_size({"width": 375, "height": 812})

    sign_in(
        page, world.citizen.username, PASSWORD, next_path=f"/dvc/thu-tuc/{world.procedure.code}/"
    )
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_role("link", name=world.one_stop.name).click()
    # Identity pre-filled from the account.
    assert page.input_value("#form_requester_name") == world.citizen.full_name
    page.fill("#form_child_name", "Nguyễn Bé Na")
    page.fill("#phone", "0912345678")

    # Pre-check: the birth certificate is missing, nothing is sent.
    page.get_by_role("button", name="Nộp hồ sơ").click()
    assert page.locator("#missing").is_visible()
    assert "Giấy chứng sinh" in page.locator("#missing").inner_text()
    assert Dossier.objects.count() == 0

    page.fill("#form_child_name", "Nguyễn Bé Na")
    page.set_input_files(
        f"#file_{birth_cert.pk}",
        files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/dvc/bien-nhan/**")
    code = page.locator("#dossier-code").inner_text().strip()
    secret = page.locator("#lookup-secret").inner_text().strip()
    assert Dossier.objects.get().code == code
    # Mobile first: nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.locator("#lookup-link").click()
    assert page.input_value("#ma") == code
    page.fill("#s", secret)
    page.get_by_role("button", name="Tra cứu").click()
    status = page.locator("#status")
    assert "Đang giải quyết" in status.inner_text()
    assert "Tiếp nhận hồ sơ" in status.inner_text()
    assert world.citizen.personal_id not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
