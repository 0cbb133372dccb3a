import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from cchc.documents import selectors, services, signing
from cchc.documents.models import ApplicantDocument, ApplicantDocumentKind, ResultDocument
from cchc.documents.tests.conftest import pdf_text, requires_poppler
from cchc.dossiers.models import Dossier, DossierStatus
from cchc.dossiers.tests.factories import applicant_data, drive_to, receive

pytestmark = pytest.mark.django_db

CONTENT = {
    "title": "Trích lục khai sinh",
    "number": "125/TLKS",
    "fields": [("Họ, chữ đệm, tên", "Nguyễn Thị Dân"), ("Ngày sinh", "17/05/1990")],
    "body": "Đã đăng ký khai sinh tại Ủy ban nhân dân phường Quy Nhơn.",
    "signer_title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
}


def _issue(world, **kw):
    d = drive_to(world, receive(world), "approved")
    return d, services.result_pdf_issue(
        dossier=d, actor=world.officer, content=CONTENT, expected_version=d.version, **kw
    )


def _bytes(doc: ResultDocument) -> bytes:
    with doc.file.open("rb") as f:
        return f.read()


def test_issue_signs_stores_and_finishes_the_dossier(world):
    d, doc = _issue(world)
    data = _bytes(doc)
    report = signing.verify_pdf(data)
    assert report.ok, report
    assert report.intact and report.valid and report.trusted and report.covers_whole_file
    assert report.signer_name == signing.DEV_SIGNER_NAME == doc.signer_name
    assert report.sha256 == doc.sha256
    d = Dossier.objects.get(pk=d.pk)
    assert d.status == DossierStatus.RESULT_READY
    assert d.result_file_sha256 == doc.sha256  # the dossier holds the same signed bytes
    assert d.result_number == "125/TLKS"
    stored = ApplicantDocument.objects.get(result_document=doc)
    assert stored.kind == ApplicantDocumentKind.RESULT and stored.sha256 == doc.sha256
    assert stored.reusable


@requires_poppler
def test_result_pdf_reads_in_vietnamese_and_links_its_verification_page(world, tmp_path):
    d, doc = _issue(world)
    text = " ".join(pdf_text(_bytes(doc), tmp_path).split())
    assert "TRÍCH LỤC KHAI SINH" in text
    assert d.code in text and "Nguyễn Thị Dân" in text and "17/05/1990" in text
    # The link may wrap across lines in the text layer.
    assert f"https://dvc.example.vn/documents/xac-thuc/{doc.token}/" in "".join(text.split())
    assert "Mẫu số" not in text  # a result is not one of the one-stop forms


def test_untrusted_without_the_ca_and_tampering_breaks_integrity(world):
    _, doc = _issue(world)
    data = _bytes(doc)
    untrusted = signing.verify_pdf(data, roots=[])
    assert untrusted.intact and not untrusted.trusted and not untrusted.ok
    assert "tin cậy" in untrusted.problem
    at = data.find(b"WeasyPrint")
    assert at > 0
    tampered = bytearray(data)
    tampered[at] = ord("w")
    report = signing.verify_pdf(bytes(tampered))
    assert not report.intact and not report.ok
    assert "thay đổi" in report.problem
    appended = signing.verify_pdf(data + b"\n%% appended after signing\n")
    assert appended.intact and not appended.covers_whole_file and not appended.ok


def test_malformed_and_unsigned_files_are_reported_not_raised():
    assert "không phải" in signing.verify_pdf(b"GIF89a...").problem
    assert "hỏng" in signing.verify_pdf(b"%PDF-1.7\n garbage").problem
    from cchc.documents.forms import html_to_pdf

    unsigned = signing.verify_pdf(html_to_pdf("<p>Không ký</p>"))
    assert not unsigned.signed and "không có chữ ký" in unsigned.problem


def test_only_processing_staff_may_issue_and_a_failed_issue_leaves_nothing(world):
    d = drive_to(world, receive(world), "approved")
    with pytest.raises(PermissionDenied):
        services.result_pdf_issue(dossier=d, actor=world.outsider, content=CONTENT)
    with pytest.raises(ValidationError) as exc:
        services.result_pdf_issue(dossier=d, actor=world.officer, content={"fields": [("x",)]})
    assert "fields[0]" in exc.value.message_dict
    # A stale version makes dossier_issue_result refuse: nothing of ours is stored either.
    with pytest.raises(ValidationError):
        services.result_pdf_issue(
            dossier=d, actor=world.officer, content=CONTENT, expected_version=d.version - 1
        )
    assert not ResultDocument.objects.exists() and not ApplicantDocument.objects.exists()
    assert Dossier.objects.get(pk=d.pk).status == DossierStatus.APPROVED


def test_not_approved_dossier_cannot_get_a_result(world):
    d = drive_to(world, receive(world), "at_leader")
    with pytest.raises(ValidationError) as exc:
        services.result_pdf_issue(dossier=d, actor=world.officer, content=CONTENT)
    assert "phê duyệt" in str(exc.value)
    assert not ResultDocument.objects.exists()


def test_verify_by_token_and_by_upload(world):
    _, doc = _issue(world)
    by_token = services.result_verify(token=doc.token)
    assert by_token.ok and by_token.document == doc
    assert services.result_verify(token="khong-co-ma-nay-1234") is None
    by_upload = services.result_verify(pdf=_bytes(doc))
    assert by_upload.ok and by_upload.document == doc
    with pytest.raises(ValidationError):
        services.result_verify(pdf=b"<html>not a pdf</html>")


def test_data_store_is_per_person_across_dossiers(world, django_assert_num_queries):
    d1, doc = _issue(world)
    d2 = receive(world)  # same personal_id, new Applicant row
    other = receive(world, applicant=applicant_data(personal_id="052185000002", name="Lê Văn Khác"))
    services.applicant_document_add(
        actor=world.officer,
        applicant=d2.applicant,
        kind=ApplicantDocumentKind.DIGITIZED_PAPER,
        title="Giấy chứng sinh (bản số hóa)",
        content=b"%PDF-1.4 scan",
        source_dossier=d2,
    )
    with django_assert_num_queries(1):
        docs = list(selectors.applicant_documents(applicant=d2.applicant))
        titles = [(x.title, x.source_dossier.code) for x in docs]
    assert set(titles) == {(doc.title, d1.code), ("Giấy chứng sinh (bản số hóa)", d2.code)}
    assert not selectors.applicant_documents(applicant=other.applicant).exists()


def test_data_store_checks_content_type_size_owner_and_permission(world):
    d = receive(world)
    other = receive(world, applicant=applicant_data(personal_id="052185000002", name="Lê Văn Khác"))
    base = {
        "actor": world.officer,
        "applicant": d.applicant,
        "kind": ApplicantDocumentKind.DIGITIZED_PAPER,
        "title": "Sổ hộ khẩu",
        "source_dossier": d,
    }
    with pytest.raises(ValidationError) as exc:
        services.applicant_document_add(**base, content=b"MZ\x90\x00 executable renamed .pdf")
    assert "PDF, PNG hoặc JPEG" in str(exc.value)
    with pytest.raises(ValidationError):
        services.applicant_document_add(
            **base, content=b"%PDF-" + b"0" * services.MAX_DOCUMENT_BYTES
        )
    with pytest.raises(ValidationError):
        services.applicant_document_add(**{**base, "source_dossier": other}, content=b"%PDF-1.4")
    with pytest.raises(PermissionDenied):
        services.applicant_document_add(**{**base, "actor": world.outsider}, content=b"%PDF-1.4")
    png = services.applicant_document_add(**base, content=b"\x89PNG\r\n\x1a\n....")
    assert png.file.name.endswith(".png") and "Sổ hộ khẩu" not in png.file.name


def test_dev_ca_command_creates_a_ca_that_signs(tmp_path):
    out = io.StringIO()
    call_command("signing_init_dev_ca", "--dir", str(tmp_path / "pki"), stdout=out)
    assert (tmp_path / "pki" / "ca.pem").exists() and (tmp_path / "pki" / "signer.p12").exists()
    before = (tmp_path / "pki" / "ca.pem").read_bytes()
    call_command("signing_init_dev_ca", "--dir", str(tmp_path / "pki"), stdout=out)
    assert (tmp_path / "pki" / "ca.pem").read_bytes() == before  # idempotent
    call_command("signing_init_dev_ca", "--dir", str(tmp_path / "pki"), "--force", stdout=out)
    assert (tmp_path / "pki" / "ca.pem").read_bytes() != before
