"""Validation of files the public sends us (one module, reusable by every app).

The type is decided by the first bytes of the content, never by the file name or the
browser's Content-Type; the client's file name is kept only as sanitised metadata and
is never part of a storage path (a generated name is used). Nothing is stored here: the
caller receives a `CheckedUpload` whose `content` it hands to a service, so a refused
file leaves no trace.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

# Magic numbers: PDF "%PDF-", JPEG FF D8 FF, PNG 89 50 4E 47 0D 0A 1A 0A.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
ORIGINAL_NAME_MAX = 120


def max_upload_bytes() -> int:
    """`PORTAL_UPLOAD_MAX_BYTES` in settings, default 10 MB."""
    return int(getattr(settings, "PORTAL_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedUpload:
    content: ContentFile  # named `<uuid>.<ext>`: safe to store as is
    original_name: str  # sanitised, for display only
    content_type: str
    size: int
    sha256: str


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the first bytes, or None when not accepted."""
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    return None


def sanitise_name(name: str) -> str:
    """The client's name for display: no directories, no control characters, NFC."""
    base = re.split(r"[\\/]", str(name or ""))[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r"\s+", " ", base).strip().lstrip(".")
    return base[:ORIGINAL_NAME_MAX] or "tep"


def _looks_complete(data: bytes, content_type: str) -> bool:
    """Reject truncated or fake files (a magic number followed by anything).

    PDF: "%%EOF" within the last 1024 bytes (ISO 32000-1 §7.5.5; readers look there).
    JPEG/PNG: Pillow parses the structure without decoding the pixels (`verify()`); phone
    cameras append data after a JPEG's end marker, which Pillow accepts, and so do we.
    """
    if content_type == "application/pdf":
        return b"%%EOF" in data[-1024:]
    from PIL import Image, UnidentifiedImageError

    expected = {"image/jpeg": "JPEG", "image/png": "PNG"}[content_type]
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                return False
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def check_upload(upload, *, field: str = "file", max_bytes: int | None = None) -> CheckedUpload:
    """Validate one uploaded file; raise ValidationError (Vietnamese) and keep nothing."""
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    original = sanitise_name(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _error(field, _too_big(original, limit), "too_large")
    chunks = []
    total = 0
    if hasattr(upload, "seek"):
        upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        total += len(chunk)
        if total > limit:
            raise _error(field, _too_big(original, limit), "too_large")
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise _error(field, f"Tệp “{original}” rỗng.", "empty")
    kind = sniff(data[:16])
    if kind is None:
        raise _error(
            field,
            f"Tệp “{original}” không đúng định dạng cho phép. "
            "Chỉ nhận tệp PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp, không theo tên tệp).",
            "file_type",
        )
    content_type, ext = kind
    if not _looks_complete(data, content_type):
        raise _error(
            field,
            f"Tệp “{original}” bị hỏng hoặc không đầy đủ, vui lòng chọn lại tệp khác.",
            "malformed",
        )
    return CheckedUpload(
        content=ContentFile(data, name=f"{uuid.uuid4().hex}.{ext}"),
        original_name=original,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _too_big(original: str, limit: int) -> str:
    mb = limit / (1024 * 1024)
    shown = f"{mb:.0f}" if mb == int(mb) else f"{mb:.1f}".replace(".", ",")
    return f"Tệp “{original}” vượt quá dung lượng cho phép ({shown} MB)."


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


class CheckedFileField(forms.FileField):
    """A form file field that applies `check_upload`: its cleaned value is the checked
    content under a generated name (type by content, size limit, name never a path)."""

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if not value:
            return value
        try:
            return check_upload(value, field="file").content
        except ValidationError as exc:
            raise ValidationError(exc.error_dict["file"]) from None
