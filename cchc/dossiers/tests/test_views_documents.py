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
    assert r.status_code == 403
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
