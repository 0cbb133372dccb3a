"""Writes: issuing a signed electronic result, adding documents to the applicant's data store,
and verifying a result (a read with no side effect, kept here beside the issuer)."""

from __future__ import annotations

import hashlib
import secrets
import string
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import User
from cchc.accounts.permissions import DENIED_MESSAGE, Action, has_permission
from cchc.core.uploads import sniff
from cchc.documents import selectors, signing
from cchc.documents.forms import html_to_pdf, public_url, render_official
from cchc.documents.models import ApplicantDocument, ApplicantDocumentKind, ResultDocument
from cchc.documents.qr import qr_svg
from cchc.dossiers.models import Applicant, Dossier, DossierStatus

# Largest document accepted into the data store or for verification (bytes).
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def _invalid(message: str, code: str, field: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def sniff_type(data: bytes) -> str | None:
    """The file type by its first bytes (never by its name): pdf, png, jpg or None."""
    kind = sniff(data[:16])
    return kind[1] if kind else None


def _may_act_on(actor: User | None, dossier: Dossier, actions: tuple[Action, ...]) -> bool:
    units = [dossier.current_unit, dossier.handling_unit, dossier.receiving_unit]
    return any(
        unit is not None and has_permission(actor, action, unit)
        for action in actions
        for unit in units
    )


# --- The applicant's data store ---------------------------------------------------------


@transaction.atomic
def applicant_document_add(
    *,
    actor: User | None,
    applicant: Applicant,
    kind: str,
    title: str,
    content: bytes,
    source_dossier: Dossier | None = None,
    issued_at=None,
    reusable: bool = True,
    result_document: ResultDocument | None = None,
    _authorised: bool = False,
) -> ApplicantDocument:
    """Store a result or a digitized paper for `applicant` (any Applicant row of the person
    or organisation). Staff only: DOSSIER_RECEIVE or DOSSIER_PROCESS in a unit of
    `source_dossier`. The file type is checked by content (PDF, PNG, JPEG) and the stored
    name is generated; a client's file name is never used."""
    if not _authorised:
        if source_dossier is None:
            raise _invalid("Vui lòng chọn hồ sơ nguồn của giấy tờ.", "required", "source_dossier")
        if not _may_act_on(actor, source_dossier, (Action.DOSSIER_RECEIVE, Action.DOSSIER_PROCESS)):
            raise PermissionDenied(DENIED_MESSAGE)
    if kind not in ApplicantDocumentKind.values:
        raise _invalid("Loại giấy tờ không hợp lệ.", "kind", "kind")
    title = " ".join(str(title or "").split())
    if not title:
        raise _invalid("Vui lòng nhập tên giấy tờ.", "required", "title")
    if len(title) > 500:
        raise _invalid("Tên giấy tờ tối đa 500 ký tự.", "max_length", "title")
    if source_dossier is not None and source_dossier.applicant_id != applicant.pk:
        holder = source_dossier.applicant
        if not (
            (applicant.personal_id and holder.personal_id == applicant.personal_id)
            or (applicant.tax_code and holder.tax_code == applicant.tax_code)
        ):
            raise _invalid(
                "Hồ sơ nguồn không phải của cá nhân, tổ chức này.", "holder", "source_dossier"
            )
    if not content:
        raise _invalid("Tệp rỗng.", "empty", "file")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise _invalid("Tệp vượt quá dung lượng cho phép (20 MB).", "too_large", "file")
    ext = sniff_type(content)
    if ext is None:
        raise _invalid("Chỉ nhận tệp PDF, PNG hoặc JPEG.", "file_type", "file")
    sha = hashlib.sha256(content).hexdigest()
    doc = ApplicantDocument(
        applicant=applicant,
        kind=kind,
        title=title,
        sha256=sha,
        source_dossier=source_dossier,
        result_document=result_document,
        issued_at=issued_at or timezone.now(),
        reusable=reusable,
    )
    doc.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(content), save=False)
    doc.save()
    return doc


# --- Signed electronic results -------------------------------------------------------------


def _clean_content(dossier: Dossier, content: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(content, dict):
        raise _invalid("Nội dung kết quả không hợp lệ.", "invalid", "content")
    version = dossier.procedure_version
    title = " ".join(
        str(content.get("title") or version.result_name or version.procedure.name).split()
    )
    if len(title) > 500:
        raise _invalid("Tên kết quả tối đa 500 ký tự.", "max_length", "title")
    number = " ".join(str(content.get("number") or "").split())
    if len(number) > 100:
        raise _invalid("Số, ký hiệu tối đa 100 ký tự.", "max_length", "number")
    raw_fields = content.get("fields") or []
    if isinstance(raw_fields, dict):
        raw_fields = list(raw_fields.items())
    fields = []
    for i, pair in enumerate(raw_fields):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise _invalid("Mỗi dòng nội dung gồm tên và giá trị.", "invalid", f"fields[{i}]")
        label, value = (str(x).strip() for x in pair)
        if not label or len(label) > 200 or len(value) > 2000:
            raise _invalid("Dòng nội dung thiếu tên hoặc quá dài.", "invalid", f"fields[{i}]")
        fields.append((label, value))
    body = str(content.get("body") or "").strip()
    if len(body) > 10000:
        raise _invalid("Nội dung tối đa 10.000 ký tự.", "max_length", "body")
    return {
        "title": title,
        "number": number,
        "fields": fields,
        "paragraphs": [p.strip() for p in body.split("\n") if p.strip()],
        "signer_title": str(content.get("signer_title") or "Thủ trưởng cơ quan").strip()[:200],
        "reusable": bool(content.get("reusable", True)),
    }


_TOKEN_ALPHABET = string.ascii_letters + string.digits


def new_token() -> str:
    """32 letters and digits (~190 bits): unguessable, and no '-' or '_' that a line
    break in the printed link or a reader's typing could lose."""
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(32))


def result_verify_url(token: str) -> str:
    return public_url(reverse("documents:verify_token", args=[token]))


@transaction.atomic
def result_pdf_issue(
    *,
    dossier: Dossier,
    actor: User,
    content: dict[str, Any],
    issue: bool = True,
    paper: bool = False,
    expected_version: int | None = None,
) -> ResultDocument:
    """Produce the result PDF, sign it, store it and add it to the applicant's data store.

    `content`: title (default: the procedure's result name), number, fields (list of
    (label, value) or a dict), body (paragraphs separated by newlines), signer_title,
    reusable (default True). With `issue` (default) the signed file is also handed to
    `dossiers.services.dossier_issue_result` in the same transaction, so the dossier
    becomes "result ready" with this electronic result, or nothing happens at all.
    Permission: DOSSIER_PROCESS in the dossier's current, handling or receiving unit
    (dossier_issue_result checks its own rule too)."""
    d = Dossier.objects.select_related(
        "applicant",
        "procedure_version__procedure",
        "receiving_unit",
        "handling_unit",
        "current_unit",
    ).get(pk=dossier.pk)
    if not _may_act_on(actor, d, (Action.DOSSIER_PROCESS,)):
        raise PermissionDenied(DENIED_MESSAGE)
    if d.status not in (DossierStatus.PROCESSING, DossierStatus.APPROVED):
        raise _invalid(
            "Hồ sơ không ở trạng thái đang giải quyết nên không thể ban hành kết quả.",
            "status",
            "dossier",
        )
    clean = _clean_content(d, content)
    issuing_unit = d.handling_unit or d.receiving_unit
    signer = signing.get_signer()
    info = signer.info
    token = new_token()
    now = timezone.now()
    verify_url = result_verify_url(token)
    html = render_official(
        "documents/forms/result.html",
        {
            "d": d,
            "issuer": selectors.issuer_for(issuing_unit),
            "date": now,
            "token": token,
            "verify_url": verify_url,
            "qr": qr_svg(verify_url),
            "signer_name": info.name,
            **clean,
        },
    )
    signed = signer.sign(
        html_to_pdf(html),
        reason=f"Ban hành kết quả hồ sơ {d.code}",
        location=selectors.issuer_for(issuing_unit).place,
    )
    if issue:
        from cchc.dossiers.services import dossier_issue_result

        dossier_issue_result(
            actor=actor,
            dossier=d,
            paper=paper,
            electronic_file=ContentFile(signed, name=f"{token}.pdf"),
            result_number=clean["number"],
            expected_version=expected_version,
        )
    report = signing.verify_pdf(signed)
    doc = ResultDocument(
        dossier=d,
        title=clean["title"],
        number=clean["number"],
        issuing_unit=issuing_unit,
        issued_by=actor,
        sha256=hashlib.sha256(signed).hexdigest(),
        signer_name=info.name,
        signer_certificate_sha256=info.certificate_sha256,
        signed_at=report.signing_time or now,
        token=token,
    )
    doc.file.save(f"{token}.pdf", ContentFile(signed), save=False)
    doc.save()
    applicant_document_add(
        actor=actor,
        applicant=d.applicant,
        kind=ApplicantDocumentKind.RESULT,
        title=clean["title"],
        content=signed,
        source_dossier=d,
        issued_at=doc.signed_at,
        reusable=clean["reusable"],
        result_document=doc,
        _authorised=True,
    )
    return doc


# --- Verification ------------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationResult:
    """What the public verification page shows: the signature report, and the issued
    record when the file (or token) is one this system issued."""

    report: signing.VerificationReport
    document: ResultDocument | None
    matches_record: bool

    @property
    def ok(self) -> bool:
        return self.report.ok and self.document is not None and self.matches_record


def result_verify(
    *, token: str | None = None, pdf: bytes | None = None
) -> VerificationResult | None:
    """Validate offline. With `token`: the stored file of that result (None if unknown).
    With `pdf`: the uploaded bytes, matched to our record by their SHA-256."""
    if (token is None) == (pdf is None):
        raise ValueError("give exactly one of token or pdf")
    if token is not None:
        doc = selectors.result_document_by_token(token=token)
        if doc is None:
            return None
        with doc.file.open("rb") as f:
            data = f.read()
        report = signing.verify_pdf(data)
        return VerificationResult(report, doc, report.sha256 == doc.sha256)
    assert pdf is not None  # noqa: S101 - type narrowing for mypy; no check relies on it
    if len(pdf) > MAX_DOCUMENT_BYTES:
        raise _invalid("Tệp vượt quá dung lượng cho phép (20 MB).", "too_large", "file")
    if not pdf.startswith(b"%PDF-"):
        raise _invalid("Tệp tải lên không phải là tệp PDF.", "file_type", "file")
    report = signing.verify_pdf(pdf)
    doc = selectors.result_document_by_sha256(sha256=report.sha256)
    return VerificationResult(report, doc, doc is not None)
