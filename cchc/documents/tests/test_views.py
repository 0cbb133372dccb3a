import io

import pytest
from django.urls import reverse

from cchc.documents import services
from cchc.documents.tests.conftest import pdf_text, requires_poppler
from cchc.dossiers.tests.factories import drive_to, receive

pytestmark = pytest.mark.django_db


def _url(d, form="receipt"):
    return reverse("documents:form_pdf", args=[d.code, form])


def test_forms_require_login(client, world):
    d = receive(world)
    response = client.get(_url(d))
    assert response.status_code == 302 and "login" in response["Location"]


@requires_poppler
def test_staff_of_the_receiving_or_handling_unit_get_the_pdf(client, world, tmp_path):
    d = drive_to(world, receive(world), "at_department")
    client.force_login(world.officer)
    response = client.get(_url(d, "control"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert d.code in pdf_text(response.content, tmp_path)
    client.force_login(world.specialist)  # the handling department
    assert client.get(_url(d)).status_code == 200


def test_other_units_get_the_same_404_as_a_missing_dossier(client, world):
    d = receive(world)
    client.force_login(world.outsider)
    denied = client.get(_url(d))
    missing = client.get(reverse("documents:form_pdf", args=["KHONG-CO", "receipt"]))
    assert denied.status_code == missing.status_code == 404
    client.force_login(world.officer)
    assert client.get(reverse("documents:form_pdf", args=[d.code, "mau-99"])).status_code == 404


@requires_poppler
def test_receipt_secret_is_posted_checked_and_printed(client, world, tmp_path):
    d = receive(world)
    client.force_login(world.officer)
    good = client.post(_url(d), {"lookup_secret": d.issued_lookup_secret})
    assert good.status_code == 200
    assert d.issued_lookup_secret in pdf_text(good.content, tmp_path)
    bad = client.post(_url(d), {"lookup_secret": "SAIMA"})
    assert bad.status_code == 400
    assert "Mã tra cứu không khớp" in bad.content.decode()


def test_a_form_that_does_not_apply_is_a_vietnamese_400(client, world):
    d = receive(world)
    client.force_login(world.officer)
    response = client.get(_url(d, "refusal"))
    assert response.status_code == 400
    assert "không ở trạng thái từ chối" in response.content.decode()


def test_tracking_book_downloads_and_bad_dates(client, world, django_assert_max_num_queries):
    for _ in range(3):
        receive(world)
    url = reverse("documents:tracking_book", args=[world.one_stop.code, "xlsx"])
    client.force_login(world.officer)
    # Session/user, permission, unit, its ancestors and the two book queries: not per row.
    with django_assert_max_num_queries(9):
        response = client.get(url, {"from": "16/11/2026", "to": "16/11/2026"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(response.content)).active.max_row == 7 + 3
    pdf = client.get(url.replace(".xlsx", ".pdf"), {"from": "2026-11-16"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    bad = client.get(url, {"from": "30/02/2026"})
    assert bad.status_code == 400 and "dd/mm/yyyy" in bad.content.decode()
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_public_verification_page_shows_no_personal_data(client, world):
    d = drive_to(world, receive(world), "approved")
    doc = services.result_pdf_issue(
        dossier=d,
        actor=world.officer,
        content={"title": "Trích lục khai sinh", "number": "7/TLKS"},
        expected_version=d.version,
    )
    page = client.get(reverse("documents:verify_token", args=[doc.token]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Văn bản hợp lệ" in html
    for shown in ("Trích lục khai sinh", "7/TLKS", d.code, doc.issuing_unit.name, doc.signer_name):
        assert shown in html
    assert "Còn nguyên vẹn" in html and "Tin cậy" in html
    assert d.applicant.name not in html and d.applicant.personal_id not in html
    assert client.get(reverse("documents:verify_token", args=["x" * 20])).status_code == 404
    assert client.get("/documents/xac-thuc/../../etc/").status_code == 404


def test_upload_verification(client, world):
    d = drive_to(world, receive(world), "approved")
    doc = services.result_pdf_issue(
        dossier=d, actor=world.officer, content={}, expected_version=d.version
    )
    with doc.file.open("rb") as f:
        signed = f.read()
    url = reverse("documents:verify_upload")
    assert client.get(url).status_code == 200

    def upload(data, name="ket-qua.pdf"):
        return client.post(url, {"file": _named(data, name)})

    ok = upload(signed, name="../../../etc/passwd")
    assert ok.status_code == 200 and "Văn bản hợp lệ" in ok.content.decode()
    tampered = bytearray(signed)
    tampered[signed.find(b"WeasyPrint")] = ord("w")
    bad = upload(bytes(tampered))
    assert bad.status_code == 200 and "KHÔNG hợp lệ" in bad.content.decode()
    assert "thay đổi" in bad.content.decode()
    not_pdf = upload(b"GIF89a not a pdf", name="anh.pdf")
    assert not_pdf.status_code == 400 and "không phải là tệp PDF" in not_pdf.content.decode()
    broken = upload(b"%PDF-1.7\n\x00\x01 garbage")
    assert broken.status_code == 200 and "bị hỏng" in broken.content.decode()
    assert client.post(url, {}).status_code == 400


def _named(data, name):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_form_view_queries_do_not_grow_with_history(client, world, django_assert_max_num_queries):
    d = drive_to(world, receive(world), "returned")
    client.force_login(world.officer)
    with django_assert_max_num_queries(9):
        assert client.get(_url(d, "control")).status_code == 200
