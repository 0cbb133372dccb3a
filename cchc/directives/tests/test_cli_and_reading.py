"""`cchc directives parse` and the readers for .txt, .docx and .pdf."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from cchc.directives.reading import text_from_bytes

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("directives", *args, stdout=out)
    return out.getvalue()


def test_parse_json_contract_without_database():
    # No django_db mark: pytest-django fails the test if the command touches the database.
    payload = json.loads(run("parse", str(FIXTURES / "province_conclusion.txt"), "--json"))
    assert list(payload) == ["tasks"]
    first = payload["tasks"][0]
    assert set(first) == {"number", "text", "lead", "coordinating", "deadline", "recurrence"}
    assert first["number"] == "1"
    assert first["lead"] == ["Sở Nội vụ"]
    assert first["coordinating"] == ["Sở Tài chính", "Văn phòng UBND tỉnh"]
    assert first["deadline"] == "2024-06-30"
    assert first["text"].startswith("Giao Sở Nội vụ chủ trì")
    assert payload["tasks"][2]["recurrence"] == ["weekly"]
    assert payload["tasks"][3]["deadline"] is None
    with_notice = json.loads(
        run("parse", str(FIXTURES / "province_conclusion.txt"), "--json", "--with-notice")
    )
    assert with_notice["notice"]["number"] == "215/TB-UBND"
    assert with_notice["notice"]["date"] == "2024-05-13"
    assert with_notice["notice"]["signer"] == "Nguyễn Văn Bình"


def test_parse_plain_output_lists_tasks():
    out = run("parse", str(FIXTURES / "district_plan.txt"))
    assert out.splitlines()[0] == "Kế hoạch số 88/KH-UBND: 4 nhiệm vụ"
    assert "II.2. Phòng TN&MT | phối hợp: Phòng LĐTB&XH, Phòng VH-TT, UBND các xã" in out


def test_parse_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        run("parse", str(tmp_path / "nope.txt"))


def test_parse_docx(tmp_path):
    from docx import Document

    document = Document()
    for line in (FIXTURES / "province_conclusion.txt").read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "tb.docx"
    document.save(path)
    payload = json.loads(run("parse", str(path), "--json"))
    assert [t["lead"] for t in payload["tasks"]][:2] == [
        ["Sở Nội vụ"],
        ["Sở Thông tin và Truyền thông"],
    ]


def test_text_from_bytes_rejects_broken_docx_and_unknown_format():
    with pytest.raises(ValidationError) as exc:
        text_from_bytes(b"not a zip", filename="x.docx")
    assert exc.value.code == "docx"
    with pytest.raises(ValidationError) as exc:
        text_from_bytes(b"...", filename="x.odt")
    assert exc.value.code == "format"


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext")


@needs_pdftotext
def test_pdf_with_text_layer(tmp_path):
    from weasyprint import HTML

    body = "".join(
        f"<p>{line}</p>"
        for line in (FIXTURES / "commune_wrapped.txt").read_text(encoding="utf-8").splitlines()
    )
    path = tmp_path / "tb.pdf"
    HTML(string=f"<html><body>{body}</body></html>").write_pdf(path)
    payload = json.loads(run("parse", str(path), "--json"))
    assert [t["lead"] for t in payload["tasks"]] == [
        ["Văn phòng HĐND và UBND xã"],
        ["Phòng Văn hóa - Xã hội xã"],
        ["Đoàn Thanh niên xã", "Hội Liên hiệp Phụ nữ xã"],
    ]
    assert payload["tasks"][0]["deadline"] == "2025-10-15"


@needs_pdftotext
def test_pdf_without_text_layer_is_refused_in_vietnamese(tmp_path):
    from weasyprint import HTML

    data = HTML(string='<div style="width:300px;height:300px;background:#333"></div>').write_pdf()
    with pytest.raises(ValidationError) as exc:
        text_from_bytes(data, filename="scan.pdf")
    assert exc.value.code == "pdf_no_text"
    assert "không có lớp văn bản" in exc.value.messages[0]
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="không có lớp văn bản"):
        run("parse", str(path))
