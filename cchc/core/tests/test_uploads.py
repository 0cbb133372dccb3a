from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.uploads import check_upload, sanitise_name
from cchc.portal.tests.conftest import JPEG, PDF, PNG


@pytest.mark.parametrize(
    ("data", "content_type", "ext"),
    [(PDF, "application/pdf", "pdf"), (JPEG, "image/jpeg", "jpg"), (PNG, "image/png", "png")],
)
def test_type_is_sniffed_from_the_bytes_not_the_name(data, content_type, ext):
    # Every file is named .docx: the name is ignored, the bytes decide.
    checked = check_upload(SimpleUploadedFile("hop-dong.docx", data, "text/plain"))
    assert checked.content_type == content_type
    assert checked.content.name.endswith(f".{ext}")
    assert "hop-dong" not in checked.content.name
    assert checked.original_name == "hop-dong.docx"
    assert checked.size == len(data)


def test_a_text_file_named_pdf_is_refused_in_vietnamese():
    with pytest.raises(ValidationError) as exc:
        check_upload(
            SimpleUploadedFile("giay-to.pdf", b"<html>not a pdf</html>", "application/pdf")
        )
    msg = exc.value.message_dict["file"][0]
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG" in msg
    assert exc.value.error_dict["file"][0].code == "file_type"


def test_truncated_file_with_only_the_magic_number_is_refused():
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.7\n garbage without end"))
    assert exc.value.error_dict["file"][0].code == "malformed"


def test_size_limit_is_configurable(settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 1024
    big = PDF[:-7] + b" " * 2000 + b"\n%%EOF\n"
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("big.pdf", big))
    assert "vượt quá dung lượng" in exc.value.message_dict["file"][0]
    settings.PORTAL_UPLOAD_MAX_BYTES = 10_000
    assert check_upload(SimpleUploadedFile("big.pdf", big)).size == len(big)


def test_empty_file_refused():
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("x.png", b""))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\an\\Giấy khai sinh.pdf", "Giấy khai sinh.pdf"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ("...", "tep"),
        ("", "tep"),
    ],
)
def test_client_names_are_sanitised(raw, clean):
    assert sanitise_name(raw) == clean


@pytest.mark.parametrize("data", [JPEG[:40], PNG[:30], b"\xff\xd8\xff\xe0" + b"\x00" * 64])
def test_truncated_or_fake_images_are_refused(data):
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("anh.jpg", data))
    assert exc.value.error_dict["file"][0].code == "malformed"
    assert "bị hỏng" in exc.value.message_dict["file"][0]


def test_jpeg_with_trailing_camera_data_is_accepted():
    checked = check_upload(SimpleUploadedFile("IMG_0001.JPG", JPEG + b"MotionPhoto" * 10))
    assert checked.content_type == "image/jpeg"
