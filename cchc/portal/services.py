"""Portal writes. Dossier writes always go through `cchc.dossiers.services`; this module
only prepares their input (application form, uploads, reused documents) and writes
portal-owned records (filled forms, petitions, proxy authorisations)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cchc.accounts.identity import validate_personal_id
from cchc.accounts.models import Role, User
from cchc.accounts.permissions import Action, require, user_roles
from cchc.core.lookup_secrets import secret_hash
from cchc.core.uploads import CheckedUpload
from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import ComponentSource, Dossier
from cchc.portal import formdefs
from cchc.portal.models import (
    ApplicationForm,
    FilledForm,
    Petition,
    PetitionKind,
    PetitionStatus,
    ProxyAuthorisation,
)
from cchc.portal.selectors import applicant_store_item, my_dossier_get
from cchc.procedures.models import ComponentRequirement, ProcedureVersion
from cchc.units.models import Unit

# QĐ 766/QĐ-TTg and NĐ 20/2008/NĐ-CP (docs/domain-vn.md §1 5.2): a petition is handled
# within 15 working days.
PETITION_HANDLING_WORKING_DAYS = 15
LOGIN_MESSAGE = "Vui lòng đăng nhập bằng tài khoản công dân, doanh nghiệp để nộp hồ sơ trực tuyến."


def _require_citizen(actor: User | None) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(LOGIN_MESSAGE)
    if not any(a.role == Role.CITIZEN for a in user_roles(actor)):
        raise PermissionDenied(LOGIN_MESSAGE)


@dataclass(frozen=True)
class ComponentChoice:
    """What the applicant gives for one requirement: a new file or a reused document."""

    requirement: ComponentRequirement
    upload: CheckedUpload | None = None
    reuse_reference: str = ""


def precheck_missing(
    *,
    version: ProcedureVersion,
    form: ApplicationForm | None,
    choices: dict[int, ComponentChoice],
) -> list[str]:
    """Names of required components not provided (the filled form counts for its
    component). Mẫu 02's list, shown BEFORE anything is sent (NĐ 45/2020/NĐ-CP Art. 11)."""
    form_req = form.component_order if form else None
    missing = []
    for req in version.components.all():
        if not req.is_required or (form_req is not None and req.order == form_req):
            continue
        choice = choices.get(req.pk)
        if choice is None or (choice.upload is None and not choice.reuse_reference):
            missing.append(req.name)
    return missing


def _form_file(form: ApplicationForm, data: dict[str, Any]) -> ContentFile:
    body = {"form": form.title, "reference": form.form_reference, "data": data}
    raw = json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode()
    return ContentFile(raw, name=f"{uuid.uuid4().hex}.json")


def _check_submission(
    *,
    actor: User,
    version: ProcedureVersion,
    form_data: dict[str, Any],
    choices: dict[int, ComponentChoice],
) -> tuple[ApplicationForm | None, dict[str, Any]]:
    """Everything checked before sending: the form, reused references, required
    components. ValidationError (nothing saved) or (form, cleaned form data)."""
    form = ApplicationForm.objects.filter(
        procedure_code=version.procedure.code, is_active=True
    ).first()
    errors: dict[str, list] = {}
    clean_form: dict[str, Any] = {}
    if form is not None:
        try:
            clean_form = formdefs.clean(form.fields, form_data)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    # A reused document must come from this applicant's own store.
    for req_id, choice in choices.items():
        if (
            choice.reuse_reference
            and choice.upload is None
            and not applicant_store_item(user=actor, reference=choice.reuse_reference)
        ):
            errors.setdefault(f"component_{req_id}", []).append(
                ValidationError(
                    "Giấy tờ chọn để tái sử dụng không có trong kho dữ liệu của bạn.",
                    code="reuse_unknown",
                )
            )
    missing = precheck_missing(version=version, form=form, choices=choices)
    if missing:
        errors.setdefault("components", []).append(
            ValidationError(
                "Hồ sơ chưa đầy đủ, chưa được gửi. Còn thiếu: %(items)s.",
                code="incomplete",
                params={"items": "; ".join(missing), "missing": missing},
            )
        )
    if errors:
        raise ValidationError(errors)
    return form, clean_form


def online_submission_precheck(
    *,
    actor: User,
    version: ProcedureVersion,
    form_data: dict[str, Any],
    choices: dict[int, ComponentChoice],
) -> None:
    """The "Kiểm tra hồ sơ" button: the same checks as submitting, nothing sent or saved."""
    _require_citizen(actor)
    _check_submission(actor=actor, version=version, form_data=form_data, choices=choices)


@transaction.atomic
def online_dossier_submit(
    *,
    actor: User,
    version: ProcedureVersion,
    receiving_unit: Unit,
    applicant: dict[str, Any],
    form_data: dict[str, Any],
    choices: dict[int, ComponentChoice],
    assisted_by_name: str = "",
) -> Dossier:
    """Check, then submit an online dossier through `dossier_receive(channel="online")`.

    Raises ValidationError with code "incomplete" (params["missing"]) listing what is
    missing before anything is sent; nothing is saved in that case.
    """
    _require_citizen(actor)
    form, clean_form = _check_submission(
        actor=actor, version=version, form_data=form_data, choices=choices
    )

    components: list[dict[str, Any]] = []
    if form is not None and form.component_order is not None:
        req = version.components.filter(order=form.component_order).first()
        if req is not None:
            components.append(
                {
                    "requirement": req.pk,
                    "source": ComponentSource.ELECTRONIC,
                    "file": _form_file(form, clean_form),
                }
            )
    for req_id, choice in choices.items():
        if choice.upload is not None:
            components.append(
                {
                    "requirement": req_id,
                    "source": ComponentSource.ELECTRONIC,
                    "file": choice.upload.content,
                }
            )
        elif choice.reuse_reference:
            # Reuse instead of a new copy: recorded on the component with its reference.
            components.append(
                {
                    "requirement": req_id,
                    "source": ComponentSource.REUSED,
                    "reuse_reference": choice.reuse_reference,
                }
            )
    assisted = {"name": assisted_by_name} if assisted_by_name.strip() else None
    dossier = dossier_services.dossier_receive(
        actor=actor,
        channel="online",
        procedure=version.procedure,
        receiving_unit=receiving_unit,
        applicant=applicant,
        components=components,
        assisted_by=assisted,
    )
    if form is not None:
        FilledForm.objects.create(
            form=form,
            dossier_code=dossier.code,
            user=actor,
            personal_id=applicant.get("personal_id") or "",
            tax_code=applicant.get("tax_code") or "",
            data=clean_form,
            created_at=timezone.now(),
        )
    return dossier


def online_supplement(
    *,
    actor: User,
    code: str,
    uploads: list[tuple[str, CheckedUpload]],
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """The applicant uploads the requested items; `dossier_supplement_provided` resumes
    the clock. `uploads`: (item name, checked file) pairs."""
    dossier = my_dossier_get(user=actor, code=code)
    if not uploads:
        raise ValidationError(
            {
                "files": ValidationError(
                    "Vui lòng chọn tệp cho nội dung cần bổ sung.", code="required"
                )
            }
        )
    components = [
        {"name": name, "source": ComponentSource.ELECTRONIC, "file": up.content}
        for name, up in uploads
    ]
    return dossier_services.dossier_supplement_provided(
        actor=actor,
        dossier=dossier,
        components=components,
        note=note,
        expected_version=expected_version,
    )


# --- Proxy collection ------------------------------------------------------------------


@transaction.atomic
def proxy_authorise(
    *,
    actor: User,
    code: str,
    proxy_name: str,
    proxy_personal_id: str,
    document: CheckedUpload,
) -> ProxyAuthorisation:
    """Record that the applicant authorises `proxy_name` to collect the result."""
    dossier = my_dossier_get(user=actor, code=code)
    name = " ".join(str(proxy_name or "").split())
    errors: dict[str, list] = {}
    if not name:
        errors["proxy_name"] = [
            ValidationError("Vui lòng nhập họ tên người được ủy quyền.", code="required")
        ]
    try:
        pid = validate_personal_id(proxy_personal_id or "")
    except ValidationError as exc:
        errors["proxy_personal_id"] = exc.error_list
        pid = ""
    if dossier.status in ("returned", "refused", "withdrawn", "stopped"):
        errors["__all__"] = [
            ValidationError("Hồ sơ đã kết thúc, không thể ủy quyền nhận kết quả.", code="closed")
        ]
    if errors:
        raise ValidationError(errors)
    record = ProxyAuthorisation(
        dossier_code=dossier.code,
        proxy_name=name,
        proxy_personal_id=pid,
        document_name=document.original_name,
        document_sha256=document.sha256,
        created_by=actor,
        created_at=timezone.now(),
    )
    record.document.save(document.content.name, document.content, save=False)
    record.save()
    return record


# --- Petitions (phản ánh, kiến nghị) -----------------------------------------------------


def _petition_code(now: dt.datetime) -> str:
    return f"PAKN-{timezone.localtime(now):%y%m%d}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def petition_submit(
    *,
    actor: User | None,
    unit: Unit,
    kind: str,
    content: str,
    submitter_name: str,
    submitter_contact: str,
    dossier_code: str = "",
) -> Petition:
    """Receive a petition; its due date is 15 working days on the unit's calendar.
    Returns the petition with `issued_lookup_secret` (shown once)."""
    from cchc.calendars.selectors import calendar_for_unit

    errors: dict[str, list] = {}
    if kind not in PetitionKind.values:
        errors["kind"] = [ValidationError("Vui lòng chọn phản ánh hoặc kiến nghị.", code="kind")]
    content = str(content or "").strip()
    if len(content) < 10:
        errors["content"] = [
            ValidationError("Vui lòng nêu rõ nội dung phản ánh, kiến nghị.", code="required")
        ]
    elif len(content) > 5000:
        errors["content"] = [ValidationError("Nội dung quá dài (tối đa 5000 ký tự).", code="long")]
    name = " ".join(str(submitter_name or "").split())
    if not name:
        errors["submitter_name"] = [ValidationError("Vui lòng nhập họ tên.", code="required")]
    contact = " ".join(str(submitter_contact or "").split())
    if not contact:
        errors["submitter_contact"] = [
            ValidationError("Vui lòng nhập số điện thoại hoặc thư điện tử.", code="required")
        ]
    dossier_code = str(dossier_code or "").strip()
    if dossier_code and not Dossier.objects.filter(code=dossier_code).exists():
        errors["dossier_code"] = [
            ValidationError("Không tìm thấy hồ sơ với mã đã nhập.", code="unknown_dossier")
        ]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    due = calendar_for_unit(unit=unit).due_at(now, PETITION_HANDLING_WORKING_DAYS, "working_days")
    secret = secrets.token_urlsafe(9)
    petition = Petition.objects.create(
        code=_petition_code(now),
        dossier_code=dossier_code,
        unit=unit,
        kind=kind,
        content=content,
        submitter_name=name,
        submitter_contact=contact,
        user=actor if actor is not None and actor.is_authenticated else None,
        submitted_at=now,
        due_at=due,
        lookup_secret_hash=secret_hash(secret),
    )
    petition.issued_lookup_secret = secret
    return petition


@transaction.atomic
def petition_respond(*, actor: User, petition: Petition, response: str) -> Petition:
    """The unit's answer (once); only staff who receive dossiers at that unit."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("Vui lòng đăng nhập.")
    require(actor, Action.DOSSIER_RECEIVE, petition.unit)
    p = Petition.objects.select_for_update().get(pk=petition.pk)
    if p.status == PetitionStatus.ANSWERED:
        raise ValidationError("Phản ánh, kiến nghị này đã được trả lời.", code="answered")
    text = str(response or "").strip()
    if not text:
        raise ValidationError(
            {"response": ValidationError("Vui lòng nhập nội dung trả lời.", code="required")}
        )
    p.status = PetitionStatus.ANSWERED
    p.response = text
    p.responded_at = timezone.now()
    p.responded_by = actor
    p.save(update_fields=["status", "response", "responded_at", "responded_by"])
    return p


@transaction.atomic
def petition_rate(*, code: str, secret: str, rating: str) -> Petition:
    """The submitter rates the handling of an answered petition, once (QĐ 766 counts the
    satisfaction with the handling of petitions)."""
    from cchc.dossiers.models import Rating
    from cchc.portal.selectors import petition_get_by_lookup

    found = petition_get_by_lookup(code=code, secret=secret)
    if found is None:
        raise PermissionDenied("Mã phản ánh hoặc mã tra cứu không đúng.")
    p = Petition.objects.select_for_update().get(pk=found.pk)
    if rating not in Rating.values:
        raise ValidationError(
            {"rating": ValidationError("Mức đánh giá không hợp lệ.", code="rating")}
        )
    if p.status != PetitionStatus.ANSWERED:
        raise ValidationError(
            "Chỉ đánh giá sau khi phản ánh, kiến nghị đã được trả lời.", code="too_early"
        )
    if p.rating:
        raise ValidationError("Phản ánh, kiến nghị này đã được đánh giá.", code="already_rated")
    p.rating = rating
    p.save(update_fields=["rating"])
    return p
