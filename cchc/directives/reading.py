"""Plain text out of a directive document: .txt, .docx or a PDF with a text layer."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.core.exceptions import ValidationError

SUPPORTED = (".txt", ".docx", ".pdf")


def text_from_bytes(data: bytes, *, filename: str) -> str:
    """The document's text; raises ValidationError (in Vietnamese) when it cannot be read."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".txt", ".md", ""):
        for encoding in ("utf-8-sig", "utf-16", "cp1258"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError("Không đọc được tệp văn bản (mã hóa không hỗ trợ).", code="encoding")
    if suffix == ".docx":
        return _docx_text(data)
    if suffix == ".pdf":
        return _pdf_text(data)
    raise ValidationError(
        "Định dạng tệp không được hỗ trợ: %(suffix)s (chỉ nhận .txt, .docx, .pdf).",
        code="format",
        params={"suffix": suffix},
    )


def text_from_path(path: str | Path) -> str:
    path = Path(path)
    return text_from_bytes(path.read_bytes(), filename=path.name)


def _docx_text(data: bytes) -> str:
    import io
    import zipfile

    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ValidationError("Tệp .docx bị hỏng hoặc không đúng định dạng.", code="docx") from exc
    lines: list[str] = []
    for paragraph in document.paragraphs:
        lines.append(paragraph.text)
        lines.append("")
    # Header tables (issuer | national motto, number | place and date) and the
    # signature table (recipients | signer) are laid out in tables.
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.append(cell.text)
                lines.append("")
    return "\n".join(lines)


def _pdf_text(data: bytes) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        raise ValidationError(
            "Máy chủ chưa cài pdftotext (poppler-utils) nên không đọc được tệp PDF.", code="pdf"
        )
    try:
        result = subprocess.run(  # noqa: S603 - fixed program path and argument list, no shell
            [exe, "-enc", "UTF-8", "-", "-"],
            input=data,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ValidationError("Đọc tệp PDF quá lâu, vui lòng thử lại.", code="pdf") from exc
    if result.returncode != 0:
        raise ValidationError("Tệp PDF bị hỏng hoặc không đọc được.", code="pdf")
    text = result.stdout.decode("utf-8", errors="replace")
    if sum(ch.isalpha() for ch in text) < 20:
        raise ValidationError(
            "Tệp PDF không có lớp văn bản (bản quét ảnh). Vui lòng dùng bản PDF có "
            "văn bản, tệp .docx hoặc dán nội dung văn bản.",
            code="pdf_no_text",
        )
    return text
