"""The dossier page and cchc.documents: the electronic result signed from the page, the
official forms linked in the state where each applies, the receipt with the lookup secret
posted (never in a URL), and the printed refusal slip of a dossier refused at the counter."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.urls import reverse

from cchc.documents.models import ResultDocument
from cchc.dossiers.models import Dossier, DossierStatus
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import drive_to, receive
from cchc.dossiers.tests.test_views import detail_url, events, fresh, post_action, text

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]


@pytest.fixture(scope="module")
def dev_pki_dir(tmp_path_factory):
    from cchc.documents import signing

    directory = tmp_path_factory.mktemp("pki") / "dev"
    signing.dev_ca_ensure(directory)
    return directory


@pytest.fixture(autouse=True)
def _signing_and_media_in_tmp(settings, dev_pki_dir, tmp_path):
    # Test keys and files never go into the working tree's var/.
    settings.CCHC_SIGNING = {"DEV_CA_DIR": dev_pki_dir}
    settings.CCHC_PUBLIC_BASE_URL = "https://dvc.example.vn"
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    args = ["pdftotext", "-enc", "UTF-8", str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True).stdout.decode()


def body_bytes(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


RESULT = {
    "title": "Giấy khai sinh",
    "number": "15/GKS",
    "lines": "Họ và tên: Nguyễn Bé Na\nNgày sinh: 01/11/2026",
    "body": "Đăng ký khai sinh theo yêu cầu.",
    "signer_title": "Chủ tịch",
}


# --- Electronic result ---------------------------------------------------------------------


def test_signed_result_issued_from_the_page(client, world, tmp_path):
    d = drive_to(world, receive(world), "approved")
    client.force_login(world.officer)
    assert 'id="action-issue_result_pdf"' in text(client.get(detail_url(d)))
    r = post_action(client, d, "issue_result_pdf", RESULT)
    assert r.status_code == 302, text(r)
    d = fresh(d)
    assert d.status == DossierStatus.RESULT_READY and d.result_number == "15/GKS"
    doc = ResultDocument.objects.get(dossier=d)
    body = text(client.get(detail_url(d)))
    assert reverse("documents:verify_token", args=[doc.token]) in body
    assert reverse("dossiers:result_file", args=[d.code]) in body
    r = client.get(reverse("dossiers:result_file", args=[d.code]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    printed = pdf_text(body_bytes(r), tmp_path)
    assert d.code in printed and "Nguyễn Bé Na" in printed
    # The public verification page answers for the token printed on the result.
    client.logout()
    page = text(client.get(reverse("documents:verify_token", args=[doc.token])))
    assert "Văn bản hợp lệ" in page and d.code in page


def test_bad_result_content_changes_nothing(client, world):
    d = drive_to(world, receive(world), "approved")
    client.force_login(world.officer)
    before = events(d)
    r = post_action(client, d, "issue_result_pdf", {**RESULT, "lines": "không có dấu hai chấm"})
    assert r.status_code == 400
    assert "Mỗi dòng nội dung có dạng “Tên mục: giá trị”: không có dấu hai chấm" in text(r)
    r = post_action(client, d, "issue_result_pdf", {**RESULT, "number": "x" * 101})
    assert r.status_code == 400
    assert events(d) == before and not ResultDocument.objects.exists()
    assert fresh(d).status == DossierStatus.APPROVED


def test_other_unit_cannot_issue_or_download_the_result(client, world):
    d = drive_to(world, receive(world), "approved")
    client.force_login(world.outsider)
    before = events(d)
    r = post_action(client, d, "issue_result_pdf", RESULT)
    assert r.status_code == 404
    assert events(d) == before and not ResultDocument.objects.exists()
    client.force_login(world.officer)
    assert post_action(client, d, "issue_result_pdf", RESULT).status_code == 302
    client.force_login(world.outsider)
    assert client.get(reverse("dossiers:result_file", args=[d.code])).status_code == 404


def test_no_result_file_is_404(client, world):
    d = drive_to(world, receive(world), "result")  # paper result only
    client.force_login(world.officer)
    assert client.get(reverse("dossiers:result_file", args=[d.code])).status_code == 404
    assert isinstance(d, Dossier)


# --- Printing ------------------------------------------------------------------------------


def forms_on(body: str, code: str) -> set[str]:
    return {
        form
        for form in ("receipt", "supplement", "refusal", "apology", "stop", "control")
        if reverse("documents:form_pdf", args=[code, form]) in body
    }


def test_receipt_prints_the_secret_by_post_only(client, world, tmp_path):
    from cchc.dossiers.tests.test_views import intake_data

    client.force_login(world.officer)
    r = client.post(reverse("dossiers:intake"), intake_data(world))
    assert r.status_code == 302, text(r)
    d = Dossier.objects.get()
    page = text(client.get(r["Location"]))
    secret = page.split('id="receipt-secret">')[1].split("<")[0]
    assert len(secret) == 10
    url = reverse("documents:form_pdf", args=[d.code, "receipt"])
    # The secret travels only in the POST body of the print form, never in a link.
    assert f'<form method="post" action="{url}"' in page
    assert f'name="lookup_secret" value="{secret}"' in page
    assert f"?{secret}" not in page and f"={secret}&" not in page and f"/{secret}" not in page
    r = client.post(url, {"lookup_secret": secret})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    printed = pdf_text(body_bytes(r), tmp_path)
    assert d.code in printed and secret in printed
    # Shown once: the receipt page opened again no longer has it.
    assert secret not in text(client.get(reverse("dossiers:receipt", args=[d.code])))


def test_each_form_is_linked_only_in_its_state(client, world, tmp_path):
    from cchc.dossiers import services

    client.force_login(world.officer)
    d = receive(world)
    assert forms_on(text(client.get(detail_url(d))), d.code) == {"receipt", "control"}

    supplemented = receive(world)
    services.dossier_request_supplement(
        actor=world.officer, dossier=supplemented, items=["Giấy chứng sinh bản chính"], reason="x"
    )
    assert "supplement" in forms_on(text(client.get(detail_url(supplemented))), supplemented.code)

    refused = receive(world)
    assert (
        post_action(client, refused, "refuse", {"reason": "Không thuộc thẩm quyền"}).status_code
        == 302
    )
    assert forms_on(text(client.get(detail_url(refused))), refused.code) == {
        "receipt",
        "refusal",
        "control",
    }
    withdrawn = receive(world)
    assert (
        post_action(client, withdrawn, "withdraw", {"reason": "Người nộp rút"}).status_code == 302
    )
    assert "stop" in forms_on(text(client.get(detail_url(withdrawn))), withdrawn.code)

    # Every linked form prints (application/pdf, with the dossier code).
    for dossier in (refused, withdrawn):
        for form in forms_on(text(client.get(detail_url(dossier))), dossier.code):
            r = client.get(reverse("documents:form_pdf", args=[dossier.code, form]))
            assert r.status_code == 200, (form, r.content[:200])
            assert r["Content-Type"] == "application/pdf"
            assert dossier.code in pdf_text(body_bytes(r), tmp_path), form


def test_tracking_book_of_the_receiving_unit(client, world, tmp_path):
    d = receive(world)
    client.force_login(world.officer)
    body = text(client.get(detail_url(d)))
    url = reverse("documents:tracking_book", args=[world.one_stop.code, "pdf"])
    assert f'action="{url}"' in body and 'name="from"' in body and 'name="to"' in body
    day = d.received_at.astimezone(VN).strftime("%d/%m/%Y")
    r = client.get(url, {"from": day, "to": day})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert d.code in pdf_text(body_bytes(r), tmp_path)


# --- Refused at the counter -----------------------------------------------------------------


def test_refused_intake_prints_the_slip_and_saves_nothing(client, world, tmp_path):
    from cchc.dossiers.models import DossierEvent
    from cchc.dossiers.tests.test_views import intake_data

    client.force_login(world.officer)
    birth = next(r for r in world.requirements() if r.name == "Giấy chứng sinh")
    data = intake_data(world)
    data.pop(f"comp_{birth.pk}_provided")
    r = client.post(reverse("dossiers:intake"), data)
    assert r.status_code == 400
    assert 'name="print_refusal"' in text(r)
    r = client.post(reverse("dossiers:intake"), {**data, "print_refusal": "1"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    printed = pdf_text(body_bytes(r), tmp_path)
    assert "Giấy chứng sinh" in printed and "Nguyễn Thị Dân" in printed
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()


def test_print_button_never_receives_an_acceptable_dossier(client, world):
    from cchc.dossiers.tests.test_views import intake_data

    client.force_login(world.officer)
    r = client.post(reverse("dossiers:intake"), {**intake_data(world), "print_refusal": "1"})
    assert r.status_code == 400
    assert "Hồ sơ đủ điều kiện tiếp nhận, không có phiếu từ chối để in." in text(r)
    assert not Dossier.objects.exists()


def test_other_unit_cannot_print_a_slip_for_this_counter(client, world):
    from cchc.dossiers.tests.test_views import intake_data

    client.force_login(world.outsider)
    data = intake_data(world)
    r = client.post(reverse("dossiers:intake"), {**data, "print_refusal": "1"})
    assert r["Content-Type"] != "application/pdf"
    assert not Dossier.objects.exists()
