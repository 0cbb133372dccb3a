import datetime as dt
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from cchc.documents.forms import form_render_pdf
from cchc.documents.tests.conftest import pdf_fonts, pdf_text, requires_poppler
from cchc.dossiers import services
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.factories import drive_to, receive

pytestmark = [pytest.mark.django_db, requires_poppler]
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_receipt_prints_code_applicant_due_date_and_secret(world, tmp_path):
    d = receive(world)
    secret = d.issued_lookup_secret
    pdf = form_render_pdf(dossier=d, form="receipt", lookup_secret=secret)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    flat = " ".join(text.split())
    d.refresh_from_db()
    assert d.code in flat
    assert "Nguyễn Thị Dân" in flat
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Độc lập - Tự do - Hạnh phúc" in flat
    due = dt.datetime.astimezone(d.due_at, VN)
    assert f"{due:%d/%m/%Y}" in flat
    assert secret in flat
    assert "Quy Nhơn, ngày 16 tháng 11 năm 2026" in flat
    assert "Giấy chứng sinh" in flat
    assert "Trang 1/1" in flat  # an A5 slip, signatures included


def test_official_forms_stay_vietnamese_when_the_officer_works_in_english(world, tmp_path):
    from django.utils import translation

    d = receive(world)
    with translation.override("en"):
        assert translation.gettext("Mã hồ sơ") == "Dossier code"  # the UI is in English
        flat = " ".join(pdf_text(form_render_pdf(dossier=d, form="receipt"), tmp_path).split())
        assert translation.get_language() == "en"  # and stays so after printing
    assert "Mã hồ sơ" in flat and "Dossier code" not in flat


def test_receipt_refuses_a_wrong_secret_and_hides_it_when_not_given(world, tmp_path):
    d = receive(world)
    with pytest.raises(ValidationError) as exc:
        form_render_pdf(dossier=d, form="receipt", lookup_secret="SAIMA123")
    assert "lookup_secret" in exc.value.message_dict
    text = pdf_text(form_render_pdf(dossier=d, form="receipt"), tmp_path)
    assert d.issued_lookup_secret not in text
    assert "đã cấp một lần khi tiếp nhận" in " ".join(text.split())


def test_fonts_are_the_shipped_ones_and_embedded(world, tmp_path):
    d = receive(world)
    fonts = pdf_fonts(form_render_pdf(dossier=d, form="receipt"), tmp_path)
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows
    for row in rows:
        # Only our @font-face families (the shipped Liberation files), never a system
        # fallback; columns end with: emb sub uni object-id generation.
        assert row.split()[0].split("+")[-1].startswith(("CCHC-Serif", "CCHC-Sans")), row
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], row


def test_control_slip_lists_each_hand_over_with_step_results(world, clock, tmp_path):
    d = receive(world)
    clock.advance(hours=2)
    d = drive_to(world, d, "at_department")
    clock.advance(hours=1)
    d = drive_to(world, d, "assigned")
    # The specialist's step (3 working days) overruns: hand over a week later.
    clock.advance(days=7)
    d = drive_to(world, d, "at_leader")
    text = " ".join(pdf_text(form_render_pdf(dossier=d, form="control"), tmp_path).split())
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert d.code in text
    assert "Tiếp nhận hồ sơ" in text and "Thẩm định, xử lý hồ sơ" in text
    assert "Trước hạn" in text or "Đúng hạn" in text
    assert "Quá hạn" in text
    assert "Đang xử lý" in text
    assert "Phòng Văn hóa - Xã hội" in text
    assert "Trần Thị Chuyên Viên" in text


def test_supplement_form_lists_the_requested_items(world, tmp_path):
    d = drive_to(world, receive(world), "assigned")
    services.dossier_request_supplement(
        actor=world.specialist,
        dossier=d,
        items=["Bản sao giấy đăng ký kết hôn", "Ảnh chân dung 4x6"],
        reason="Thiếu giấy tờ chứng minh quan hệ cha mẹ",
        expected_version=d.version,
    )
    text = " ".join(pdf_text(form_render_pdf(dossier=d, form="supplement"), tmp_path).split())
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bản sao giấy đăng ký kết hôn" in text and "Ảnh chân dung 4x6" in text
    assert "Thiếu giấy tờ chứng minh quan hệ cha mẹ" in text
    assert "Trần Thị Chuyên Viên" in text


def test_refusal_and_apology_forms(world, clock, tmp_path):
    d = drive_to(world, receive(world), "assigned")
    services.dossier_apologise(
        actor=world.leader,
        dossier=d,
        new_due=d.due_at + dt.timedelta(days=3),
        reason="Phải xác minh thông tin tại địa phương khác",
        expected_version=d.version,
    )
    d = Dossier.objects.get(pk=d.pk)
    text = " ".join(pdf_text(form_render_pdf(dossier=d, form="apology"), tmp_path).split())
    assert "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert f"{dt.datetime.astimezone(d.original_due_at, VN):%d/%m/%Y}" in text
    assert f"{dt.datetime.astimezone(d.apology_due_at, VN):%d/%m/%Y}" in text
    assert "Phải xác minh thông tin tại địa phương khác" in text

    with pytest.raises(ValidationError):
        form_render_pdf(dossier=d, form="refusal")
    services.dossier_refuse(
        actor=world.specialist,
        dossier=d,
        reason="Không đủ điều kiện đăng ký",
        expected_version=d.version,
    )
    text = " ".join(pdf_text(form_render_pdf(dossier=d, form="refusal"), tmp_path).split())
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in text
    assert "Không đủ điều kiện đăng ký" in text


def test_forms_that_do_not_apply_are_refused_in_vietnamese(world):
    d = receive(world)
    for form, word in (
        ("supplement", "bổ sung"),
        ("apology", "xin lỗi"),
        ("stop", "dừng"),
        ("x", "Biểu mẫu"),
    ):
        with pytest.raises(ValidationError) as exc:
            form_render_pdf(dossier=d, form=form)
        assert word in str(exc.value)


def test_form_queries_do_not_grow_with_history(world, clock, django_assert_max_num_queries):
    d = drive_to(world, receive(world), "approved")
    with django_assert_max_num_queries(8):
        form_render_pdf(dossier=d, form="control")


def test_intake_refusals_print_without_a_dossier(world, tmp_path):
    from cchc.documents.forms import intake_refusal_pdf
    from cchc.dossiers.models import Dossier
    from cchc.dossiers.services import IntakeRefused
    from cchc.dossiers.tests.factories import applicant_data, components_for, make_procedure
    from cchc.units.models import UnitKind

    with pytest.raises(IntakeRefused) as exc:
        receive(world, components=components_for(world)[:1])
    assert exc.value.kind == "supplement"
    pdf = intake_refusal_pdf(
        receiving_unit=world.one_stop,
        procedure=world.procedure,
        applicant=applicant_data(),
        refusal=exc.value,
        officer=world.officer,
    )
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Giấy chứng sinh" in text and "Nguyễn Thị Dân" in text
    assert "Nguyễn Văn Một Cửa" in text

    provincial = make_procedure(kinds=(UnitKind.PROVINCE,), name="Cấp giấy phép xây dựng")
    with pytest.raises(IntakeRefused) as exc:
        receive(world, procedure=provincial.procedure)
    assert exc.value.kind == "outside_competence"
    pdf = intake_refusal_pdf(
        receiving_unit=world.one_stop,
        procedure=provincial.procedure,
        applicant=applicant_data(),
        refusal=exc.value,
    )
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in text
    assert "không thuộc thẩm quyền" in text
    assert not Dossier.objects.exists()


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools not installed")
def test_printed_receipt_qr_scans_to_the_public_status_page(world, tmp_path):
    d = receive(world)
    (tmp_path / "r.pdf").write_bytes(form_render_pdf(dossier=d, form="receipt"))
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "200",
            "-png",
            "-singlefile",
            str(tmp_path / "r.pdf"),
            str(tmp_path / "r"),
        ],
        check=True,
    )
    out = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "r.png")], capture_output=True)
    assert out.stdout.decode().strip() == f"https://dvc.example.vn/dvc/tra-cuu/?ma={d.code}"


def test_financial_obligation_notice_is_printed_for_the_applicant_while_paused(world, tmp_path):
    d = drive_to(world, receive(world), "assigned")
    with pytest.raises(ValidationError, match="nghĩa vụ tài chính"):
        form_render_pdf(dossier=d, form="financial")
    d = services.dossier_pause(
        actor=world.specialist,
        dossier=d,
        kind="financial_obligation",
        basis="Nghị định 101/2024/NĐ-CP",
        notice="Thông báo nộp tiền số 123/TB-CCT ngày 20/11/2026",
        expected_version=d.version,
    )
    flat = " ".join(pdf_text(form_render_pdf(dossier=d, form="financial"), tmp_path).split())
    assert "THÔNG BÁO THỰC HIỆN NGHĨA VỤ TÀI CHÍNH" in flat
    assert "123/TB-CCT" in flat and "Nguyễn Thị Dân" in flat
    assert "không tính vào thời hạn giải quyết" in flat
