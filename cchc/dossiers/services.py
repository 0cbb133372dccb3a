"""Writes on dossiers. Every function: one transaction, permission check, validation,
event(s) appended through `_append_event`, projection updated by the same reducer that
replay uses, side effects queued with `transaction.on_commit`.

Callers (officer screens, the citizen portal, the simulator) pass `expected_version`
(the `Dossier.version` they displayed); a different current version means somebody
else acted in between, and the call is refused with `DossierConflict`.

Citizen-facing services (supplement, withdraw, stop, rate) accept either the applicant's
own portal account as `actor`, or `actor=None` with the dossier's `lookup_secret`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cchc.accounts.models import Role, User
from cchc.accounts.permissions import DENIED_MESSAGE, Action, has_permission, require
from cchc.core.lookup_secrets import secret_hash, secret_matches
from cchc.core.money import group_dong
from cchc.dossiers import rules
from cchc.dossiers.events import GENESIS_HASH, compute_hash, to_jsonable
from cchc.dossiers.fees import fee_outstanding, fee_rule_blocks_return
from cchc.dossiers.models import (
    OPEN_STATUSES,
    Applicant,
    ApplicantKind,
    Channel,
    ComponentSource,
    Dossier,
    DossierCodeSequence,
    DossierComponent,
    DossierEvent,
    DossierStatus,
    DossierStep,
    EventChainHead,
    FeeStatus,
    HandoverBatch,
    Outcome,
    PauseKind,
    PetitionKind,
    Rating,
    ReturnMethod,
    SubjectBlock,
    SubjectKind,
)
from cchc.dossiers.projection import DOSSIER_FIELDS, advance
from cchc.procedures.models import ComponentRequirement, ProcedureVersion, ProcessStep, StepHandler
from cchc.units.models import Unit, UnitKind

TWO_PLACES = Decimal("0.01")
BACKDATE_TOLERANCE = dt.timedelta(minutes=10)


# --- Errors -----------------------------------------------------------------------------


class DossierConflict(ValidationError):
    """Somebody else changed the dossier since the caller read it."""

    def __init__(self) -> None:
        super().__init__(
            "Hồ sơ vừa được người khác cập nhật trong lúc bạn thao tác. "
            "Vui lòng tải lại hồ sơ và thực hiện lại.",
            code="conflict",
        )


class IntakeRefused(ValidationError):
    """The dossier cannot be received; `kind` says which form to print.

    - "supplement": incomplete (Mẫu 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ), `items`;
    - "outside_competence": not this unit's procedure (Mẫu 03, Phiếu từ chối tiếp nhận);
    - "blocked": an intake block on the subject (its reason and issuing unit in `blocks`).
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        items: list[str] | None = None,
        blocks: list[SubjectBlock] | None = None,
    ) -> None:
        super().__init__(message, code=kind)
        self.kind = kind
        self.items = items or []
        self.blocks = blocks or []


# --- Infrastructure ---------------------------------------------------------------------


def _calendar(unit: Unit | None):
    from cchc.calendars.selectors import calendar_for_unit

    return calendar_for_unit(unit=unit)


def _days(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES)


def _lock_head() -> EventChainHead:
    head = EventChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        EventChainHead.objects.bulk_create(
            [EventChainHead(pk=1, chain_seq=0, hash=GENESIS_HASH)], ignore_conflicts=True
        )
        head = EventChainHead.objects.select_for_update().get(pk=1)
    return head


def _append_event(
    *,
    dossier: Dossier,
    action: str,
    actor: User | None,
    unit: Unit | None,
    payload: dict[str, Any],
) -> DossierEvent:
    """The one way to record something about a dossier.

    Applies the event to the projection (the dossier must be locked, or new), then takes
    the chain head lock, stamps the server time and the chained hash, and stores the
    event. The head is locked last in every service, so lock order is always
    sequence/dossier -> head, and the chain order equals the order of server times.
    """
    payload = to_jsonable(payload)
    seq = dossier.version + 1
    advance(dossier, action, payload, seq)
    head = _lock_head()
    fields = {
        "chain_seq": head.chain_seq + 1,
        "dossier_id": dossier.pk,
        "seq": seq,
        "actor_id": actor.pk if actor is not None and actor.is_authenticated else None,
        "unit_id": unit.pk if unit is not None else None,
        "created_at": timezone.now(),
        "action": action,
        "payload": payload,
    }
    digest = compute_hash(head.hash, fields)
    event = DossierEvent.objects.create(**fields, prev_hash=head.hash, hash=digest)
    head.chain_seq, head.hash = fields["chain_seq"], digest
    head.save(update_fields=["chain_seq", "hash"])
    return event


# Side effects (notifications, sync with the national portal, rollups) subscribe here;
# each is called after commit with (dossier_id, action).
ON_COMMIT_HOOKS: list[Callable[[int, str], None]] = []


# Derived data that must change in the same transaction as the dossier (the index
# rollups, cchc.indices.stats_rollups) subscribes here: each hook is called with
# (dossier, action) at the end of every service that changes a dossier, inside its
# transaction and after all its writes (components are saved after the event is
# appended), so an exception in a hook rolls the whole service back.
IN_TRANSACTION_HOOKS: list[Callable[[Dossier, str], None]] = []


def _after_commit(dossier: Dossier, action: str) -> None:
    for in_transaction in list(IN_TRANSACTION_HOOKS):
        in_transaction(dossier, action)
    dossier_id = dossier.pk
    for hook in list(ON_COMMIT_HOOKS):
        transaction.on_commit(lambda hook=hook: hook(dossier_id, action))


def _lock(dossier: Dossier | int, expected_version: int | None) -> Dossier:
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("applicant").get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise DossierConflict()
    return locked


def _lock_all(pks: Iterable[int]) -> None:
    """Lock several dossiers up front, in primary-key order, before appending any event:
    the chain head is locked by the first append and held to commit, so taking a dossier
    lock after it could deadlock with a single-dossier service holding that dossier."""
    list(
        Dossier.objects.select_for_update(of=("self",))
        .filter(pk__in=list(pks))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _require(actor: User | None, action: Action, unit: Unit | None) -> None:
    if actor is None or not actor.is_authenticated or unit is None:
        raise PermissionDenied(gettext(DENIED_MESSAGE))
    require(actor, action, unit)


def _refuse(message: str, code: str, field: str | None = None) -> None:
    if field:
        raise ValidationError({field: ValidationError(message, code=code)})
    raise ValidationError(message, code=code)


def _require_any(actor: User | None, action: Action, units: Iterable[Unit | None]) -> Unit:
    """Pass if `actor` may do `action` in any of `units`; returns the first such unit."""
    if actor is not None and actor.is_authenticated:
        for unit in units:
            if unit is not None and has_permission(actor, action, unit):
                return unit
    raise PermissionDenied(gettext(DENIED_MESSAGE))


def _is_applicant(actor: User | None, dossier: Dossier, lookup_secret: str | None) -> bool:
    """The applicant acting: their linked account, an account with the same personal ID /
    tax code (as `selectors.dossiers_of_citizen` matches), or the receipt's lookup secret."""
    if actor is not None and actor.is_authenticated:
        applicant = dossier.applicant
        if applicant.user_id == actor.pk:
            return True
        if applicant.personal_id and actor.personal_id == applicant.personal_id:
            return True
        if applicant.tax_code and actor.tax_code == applicant.tax_code:
            return True
    if lookup_secret:
        return secret_matches(
            rules.normalise_lookup_secret(lookup_secret), dossier.lookup_secret_hash
        )
    return False


def _require_open(dossier: Dossier, statuses: Iterable[str] = OPEN_STATUSES) -> None:
    if dossier.status not in set(statuses):
        _refuse(
            f"Không thể thực hiện: hồ sơ đang ở trạng thái “{dossier.get_status_display()}”.",
            "invalid_status",
        )


def _open_step(dossier: Dossier) -> DossierStep | None:
    return (
        DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True)
        .order_by("-index")
        .first()
    )


def _close_step(
    step: DossierStep, now: dt.datetime, calendar, *, judged: bool = True
) -> dict[str, Any]:
    """Close a step pass; a legal-pause step (time that does not count) is not judged."""
    if not judged:
        return {"finished_at": now, "outcome": "", "overrun_working_days": Decimal("0.00")}
    outcome = rules.step_outcome(now, step.due_at, tz=calendar.tz)
    overrun = Decimal(0)
    if outcome == Outcome.LATE:
        overrun = calendar.working_days_between(step.due_at, now)
    return {
        "finished_at": now,
        "outcome": outcome.value,
        "overrun_working_days": _days(overrun),
    }


def _template_steps(version_id: int) -> list[ProcessStep]:
    return list(ProcessStep.objects.filter(version_id=version_id).order_by("order"))


def _step_open(
    *,
    template: ProcessStep,
    unit: Unit,
    assignee: User | None,
    start: dt.datetime,
    calendar,
    clock_start: dt.datetime | None = None,
) -> dict[str, Any]:
    due = calendar.add_working_time(clock_start or start, template.quota)
    return {
        "order": template.order,
        "name": template.name,
        "unit_id": unit.pk,
        "assignee_id": assignee.pk if assignee else None,
        "quota": template.quota,
        "started_at": start,
        "due_at": due,
    }


def _current_fields(step: dict[str, Any]) -> dict[str, Any]:
    return {
        "current_step_order": step["order"],
        "current_step_name": step["name"],
        "current_unit_id": step["unit_id"],
        "current_assignee_id": step["assignee_id"],
        "current_step_due_at": step["due_at"],
    }


_NO_CURRENT = {
    "current_step_order": None,
    "current_step_name": "",
    "current_assignee_id": None,
    "current_step_due_at": None,
}


def _dossier_outcome(dossier: Dossier, now: dt.datetime, calendar) -> str:
    return rules.step_outcome(now, dossier.due_at, tz=calendar.tz).value


def _file_sha256(f: File) -> str:
    digest = hashlib.sha256()
    f.seek(0)
    for chunk in f.chunks():
        digest.update(chunk)
    f.seek(0)
    return digest.hexdigest()


# --- Intake -----------------------------------------------------------------------------


def _version_in_force(procedure, at: dt.datetime) -> ProcedureVersion | None:
    from cchc.procedures.selectors import procedure_version_in_force

    try:
        return procedure_version_in_force(procedure=procedure, at=at)
    except ValidationError:
        return None


def _handled_by(version: ProcedureVersion, unit: Unit) -> bool:
    from cchc.procedures.selectors import procedure_version_is_handled_by

    return procedure_version_is_handled_by(version=version, unit=unit)


def _agency_code(unit: Unit) -> str:
    """The e-ID of the receiving unit, or of its nearest ancestor that has one."""
    if unit.agency_code:
        return unit.agency_code
    ancestors = {u.pk: u for u in Unit.objects.filter(pk__in=unit.ancestor_ids)}
    for pk in reversed(unit.ancestor_ids):
        if pk in ancestors and ancestors[pk].agency_code:
            return ancestors[pk].agency_code
    _refuse(
        "Đơn vị tiếp nhận chưa có mã định danh điện tử (QĐ 20/2020/QĐ-TTg) nên chưa cấp được mã hồ sơ.",
        "no_agency_code",
    )
    raise AssertionError  # unreachable


def _next_code(agency_code: str, day: dt.date) -> str:
    """Gap-free per agency per day: the row is locked until the intake commits."""
    DossierCodeSequence.objects.bulk_create(
        [DossierCodeSequence(agency_code=agency_code, day=day, last_number=0)],
        ignore_conflicts=True,
    )
    row = DossierCodeSequence.objects.select_for_update().get(agency_code=agency_code, day=day)
    row.last_number += 1
    row.save(update_fields=["last_number"])
    return rules.format_dossier_code(agency_code, day, row.last_number)


def _clean_applicant(data: dict[str, Any], errors: dict[str, list]) -> dict[str, Any]:
    from cchc.accounts.identity import validate_personal_id, validate_phone_vn, validate_tax_code

    kind = data.get("kind") or ApplicantKind.PERSON
    clean: dict[str, Any] = {"kind": kind}
    if kind not in ApplicantKind.values:
        errors.setdefault("applicant.kind", []).append(
            ValidationError("Loại người nộp không hợp lệ.", code="applicant_kind")
        )
        return clean
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        errors.setdefault("applicant.name", []).append(
            ValidationError("Vui lòng nhập họ tên người nộp hồ sơ.", code="required")
        )
    clean["name"] = name
    try:
        if kind == ApplicantKind.PERSON:
            clean["personal_id"] = validate_personal_id(data.get("personal_id") or "")
            clean["tax_code"] = ""
        else:
            clean["tax_code"] = validate_tax_code(data.get("tax_code") or "")
            clean["personal_id"] = ""
    except ValidationError as exc:
        field = "applicant.personal_id" if kind == ApplicantKind.PERSON else "applicant.tax_code"
        errors.setdefault(field, []).extend(exc.error_list)
    phone = data.get("phone") or ""
    if phone:
        try:
            phone = validate_phone_vn(phone)
        except ValidationError as exc:
            errors.setdefault("applicant.phone", []).extend(exc.error_list)
    clean["phone"] = phone
    email = (data.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("applicant.email", []).append(
                ValidationError("Địa chỉ thư điện tử không hợp lệ.", code="email")
            )
    clean["email"] = email
    dob = data.get("date_of_birth")
    if dob is not None and not isinstance(dob, dt.date):
        errors.setdefault("applicant.date_of_birth", []).append(
            ValidationError("Ngày sinh không hợp lệ.", code="date")
        )
        dob = None
    if dob is not None and dob > timezone.localdate():
        errors.setdefault("applicant.date_of_birth", []).append(
            ValidationError("Ngày sinh không được sau ngày hôm nay.", code="date")
        )
    clean["date_of_birth"] = dob
    clean["address"] = " ".join(str(data.get("address") or "").split())
    return clean


def _clean_components(
    components: list[dict[str, Any]],
    *,
    version: ProcedureVersion | None,
    channel: str,
    errors: dict[str, list],
) -> list[dict[str, Any]]:
    requirements = (
        {r.pk: r for r in ComponentRequirement.objects.filter(version=version)} if version else {}
    )
    cleaned = []
    for i, item in enumerate(components):
        key = f"components[{i}]"
        requirement = item.get("requirement")
        if isinstance(requirement, ComponentRequirement):
            requirement = requirement.pk
        if requirement is not None and requirement not in requirements:
            errors.setdefault(key, []).append(
                ValidationError(
                    "Thành phần hồ sơ không thuộc thủ tục này.", code="component_requirement"
                )
            )
            continue
        req = requirements.get(requirement) if requirement is not None else None
        name = (item.get("name") or (req.name if req else "")).strip()
        source = item.get("source") or ComponentSource.PAPER
        file = item.get("file")
        reuse = (item.get("reuse_reference") or "").strip()
        if not name:
            errors.setdefault(key, []).append(
                ValidationError("Thiếu tên thành phần hồ sơ.", code="required")
            )
        if source not in ComponentSource.values:
            errors.setdefault(key, []).append(
                ValidationError("Hình thức thành phần hồ sơ không hợp lệ.", code="component_source")
            )
            continue
        if channel == Channel.ONLINE and source == ComponentSource.PAPER:
            errors.setdefault(key, []).append(
                ValidationError(
                    "Hồ sơ trực tuyến không nộp thành phần bằng bản giấy.", code="component_source"
                )
            )
        if (
            source
            in (
                ComponentSource.DIGITIZED,
                ComponentSource.ELECTRONIC,
                ComponentSource.CERTIFIED_COPY,
            )
            and not file
        ):
            errors.setdefault(key, []).append(
                ValidationError(
                    f"Thành phần “{name}” ({ComponentSource(source).label.lower()}) phải kèm tệp.",
                    code="component_file",
                )
            )
        if source == ComponentSource.REUSED and not reuse:
            errors.setdefault(key, []).append(
                ValidationError(
                    f"Thành phần “{name}” tái sử dụng phải có mã tham chiếu dữ liệu đã số hóa.",
                    code="component_reuse",
                )
            )
        copies = item.get("copies") or (req.copies if req else 1)
        cleaned.append(
            {
                "requirement_id": requirement,
                "name": name,
                "source": source,
                "file": file,
                "reuse_reference": reuse,
                "copies": int(copies),
            }
        )
    return cleaned


def _is_same_person(actor: User | None, applicant: dict[str, Any]) -> bool:
    """An online submitter's account is linked to the applicant only when it is the
    applicant's own (same personal ID or tax code), never a helper's or an officer's."""
    if actor is None or not actor.is_authenticated:
        return False
    if applicant.get("personal_id"):
        return actor.personal_id == applicant["personal_id"]
    return bool(applicant.get("tax_code")) and actor.tax_code == applicant["tax_code"]


def _missing_components(version: ProcedureVersion, cleaned: list[dict[str, Any]]) -> list[str]:
    provided = {c["requirement_id"] for c in cleaned if c["requirement_id"] is not None}
    return [
        r.name
        for r in ComponentRequirement.objects.filter(version=version, is_required=True).order_by(
            "order"
        )
        if r.pk not in provided
    ]


def _active_blocks(keys: list[str], day: dt.date) -> list[SubjectBlock]:
    from django.db.models import Q

    if not keys:
        return []
    return list(
        SubjectBlock.objects.filter(
            subject_key__in=keys, lifted_at__isnull=True, valid_from__lte=day
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("issued_by_unit")
        .order_by("valid_from", "pk")
    )


def _save_component(dossier: Dossier, item: dict[str, Any], seq: int) -> DossierComponent:
    component = DossierComponent(
        dossier=dossier,
        requirement_id=item["requirement_id"],
        name=item["name"],
        source=item["source"],
        copies=item["copies"],
        reuse_reference=item["reuse_reference"],
        added_by_seq=seq,
    )
    if item["file"]:
        component.file_sha256 = _file_sha256(item["file"])
        component.file.save(getattr(item["file"], "name", "tep") or "tep", item["file"], save=False)
    component.save()
    return component


def _component_facts(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "requirement_id": c["requirement_id"],
            "name": c["name"],
            "source": c["source"],
            "copies": c["copies"],
            "reuse_reference": c["reuse_reference"],
            "file_sha256": _file_sha256(c["file"]) if c["file"] else "",
        }
        for c in items
    ]


@transaction.atomic
def dossier_receive(
    *,
    actor: User | None,
    channel: str,
    procedure,
    receiving_unit: Unit,
    applicant: dict[str, Any],
    components: list[dict[str, Any]],
    assisted_by: dict[str, Any] | None = None,
    received_at: dt.datetime | None = None,
    handling_unit: Unit | None = None,
    postal_unit: Unit | None = None,
    subjects: list[dict[str, Any]] | None = None,
) -> Dossier:
    """Receive a dossier (Mẫu 01) or refuse it, saving nothing on refusal.

    `applicant`: kind ("person"|"organisation"), name, personal_id | tax_code,
    date_of_birth, address, phone, email. `components`: dicts with requirement
    (ComponentRequirement or id), name, source (ComponentSource), file, reuse_reference,
    copies. `assisted_by`: {"name": ..., "unit": Unit|None} (e.g. a Youth Union
    volunteer). `subjects`: [{"kind": SubjectKind, "key": ..., "label": ...}] checked
    against intake blocks. Returns the dossier with `issued_lookup_secret` set (print it
    on the receipt; only its hash is stored).
    """
    now = timezone.now()
    received_at = received_at or now
    # Permission, by channel.
    if channel == Channel.COUNTER:
        _require(actor, Action.DOSSIER_RECEIVE, receiving_unit)
    elif channel == Channel.POSTAL:
        if postal_unit is None:
            _refuse("Vui lòng chọn bưu cục tiếp nhận.", "required", "postal_unit")
        _require(actor, Action.DOSSIER_POSTAL_RECEIVE, postal_unit)
    elif channel == Channel.ONLINE:
        if actor is not None and not actor.is_authenticated:
            actor = None
    else:
        _refuse("Kênh nộp hồ sơ không hợp lệ.", "channel", "channel")

    errors: dict[str, list] = {}
    if received_at > now + dt.timedelta(minutes=1):
        errors.setdefault("received_at", []).append(
            ValidationError("Thời điểm tiếp nhận không được ở tương lai.", code="future")
        )
    # Only the post office's acceptance time (postal) or the portal's submission time
    # (online) may lie in the past; a counter receipt is stamped now, so nobody can
    # back-date a dossier to move its appointment.
    if channel == Channel.COUNTER and received_at < now - BACKDATE_TOLERANCE:
        errors.setdefault("received_at", []).append(
            ValidationError(
                "Hồ sơ nộp trực tiếp được ghi nhận tại thời điểm tiếp nhận, không ghi lùi thời gian.",
                code="backdated",
            )
        )
    version = _version_in_force(procedure, received_at)
    if version is None or not getattr(procedure, "is_active", True):
        _refuse(
            "Thủ tục hành chính này không có phiên bản đang có hiệu lực tại thời điểm tiếp nhận.",
            "no_version",
            "procedure",
        )
    # Mẫu 03: outside competence is a refusal with its reason, before anything else.
    if not _handled_by(version, receiving_unit):
        raise IntakeRefused(
            f"Từ chối tiếp nhận: thủ tục “{procedure.name}” không thuộc thẩm quyền tiếp nhận, "
            f"giải quyết của {receiving_unit.name}.",
            kind="outside_competence",
        )
    templates = _template_steps(version.pk)
    if not templates:
        _refuse(
            "Thủ tục chưa có quy trình nội bộ (các bước xử lý) nên chưa thể tiếp nhận.", "no_steps"
        )

    clean_applicant = _clean_applicant(applicant or {}, errors)
    clean_components = _clean_components(
        components or [], version=version, channel=channel, errors=errors
    )
    assisted_name = ""
    assisted_unit = None
    if assisted_by:
        assisted_name = " ".join(str(assisted_by.get("name") or "").split())
        assisted_unit = assisted_by.get("unit")
        if not assisted_name:
            errors.setdefault("assisted_by", []).append(
                ValidationError("Vui lòng nhập tên người hỗ trợ nộp hồ sơ.", code="required")
            )
    clean_subjects = []
    for i, subject in enumerate(subjects or []):
        kind = subject.get("kind")
        key = str(subject.get("key") or "").strip()
        if kind not in SubjectKind.values or not key:
            errors.setdefault(f"subjects[{i}]", []).append(
                ValidationError("Đối tượng liên quan không hợp lệ.", code="subject")
            )
            continue
        clean_subjects.append(
            {
                "kind": kind,
                "key": rules.subject_key(kind, key),
                "label": subject.get("label") or key,
            }
        )
    if errors:
        raise ValidationError(errors)

    # Intake blocks (ngăn chặn) on the subjects or on the applicant.
    keys = [s["key"] for s in clean_subjects]
    if clean_applicant.get("personal_id"):
        keys.append(rules.subject_key(SubjectKind.PERSON, clean_applicant["personal_id"]))
    if clean_applicant.get("tax_code"):
        keys.append(rules.subject_key(SubjectKind.ORGANISATION, clean_applicant["tax_code"]))
    blocks = _active_blocks(keys, timezone.localtime(received_at).date())
    if blocks:
        reasons = "; ".join(
            f"{b.subject_label or b.subject_key}: {b.reason} ({b.issued_by_unit.name}"
            + (f", {b.basis}" if b.basis else "")
            + ")"
            for b in blocks
        )
        raise IntakeRefused(
            f"Từ chối tiếp nhận: đối tượng đang bị ngăn chặn — {reasons}.",
            kind="blocked",
            blocks=blocks,
        )

    # Mẫu 02: an incomplete dossier is not received; the applicant gets the list.
    missing = _missing_components(version, clean_components)
    if missing:
        raise IntakeRefused(
            "Hồ sơ chưa đầy đủ, đề nghị bổ sung: " + "; ".join(missing) + ".",
            kind="supplement",
            items=missing,
        )

    # Everything valid: number, clock, records.
    calendar = _calendar(receiving_unit)
    deemed = calendar.deemed_receipt(received_at)
    due = calendar.due_at(received_at, version.processing_time, version.processing_time_unit)
    code = _next_code(_agency_code(receiving_unit), timezone.localtime(received_at).date())
    secret = rules.new_lookup_secret()
    fee_total = sum((f.amount for f in version.fees.all()), Decimal(0))

    applicant_row = Applicant.objects.create(
        user=actor
        if channel == Channel.ONLINE and _is_same_person(actor, clean_applicant)
        else None,
        **clean_applicant,
    )
    first = templates[0]
    first_unit = receiving_unit
    if first.handler == StepHandler.HANDLING_AGENCY and handling_unit is not None:
        first_unit = handling_unit
    staff_assignee = actor if channel == Channel.COUNTER else None
    step = _step_open(
        template=first,
        unit=first_unit,
        assignee=staff_assignee,
        start=received_at,
        calendar=calendar,
        clock_start=calendar.clock_start(received_at),
    )
    initial = {name: model_field.get_default() for name, model_field in DOSSIER_FIELDS.items()}
    initial.update(
        {
            "code": code,
            "procedure_version_id": version.pk,
            "receiving_unit_id": receiving_unit.pk,
            "handling_unit_id": handling_unit.pk if handling_unit else None,
            "postal_unit_id": postal_unit.pk if postal_unit else None,
            "channel": channel,
            "applicant_id": applicant_row.pk,
            "assisted_by_name": assisted_name,
            "assisted_by_unit_id": assisted_unit.pk if assisted_unit else None,
            "subjects": clean_subjects,
            "received_at": received_at,
            "deemed_received_at": deemed,
            "due_at": due,
            "original_due_at": due,
            "status": DossierStatus.PROCESSING,
            "fee_status": FeeStatus.UNPAID if fee_total > 0 else FeeStatus.NOT_APPLICABLE,
            "fee_amount": fee_total,
            "lookup_secret_hash": secret_hash(secret),
            **_current_fields(step),
        }
    )
    initial.pop("version", None)
    dossier = Dossier()
    dossier.version = 0
    _append_event(
        dossier=dossier,
        action="received",
        actor=actor,
        unit=postal_unit if channel == Channel.POSTAL else receiving_unit,
        payload={
            "set": initial,
            "step_open": step,
            "applicant": clean_applicant,
            "components": _component_facts(clean_components),
            "procedure_time": {
                "amount": version.processing_time,
                "unit": version.processing_time_unit,
            },
        },
    )
    for item in clean_components:
        _save_component(dossier, item, 1)
    dossier.issued_lookup_secret = secret
    _after_commit(dossier, "received")
    return dossier


# --- Processing -------------------------------------------------------------------------


def _resolve_unit(template: ProcessStep, dossier: Dossier, proposed: Unit | None) -> Unit:
    if template.handler == StepHandler.RECEIVING_ONE_STOP:
        if proposed is not None and proposed.pk != dossier.receiving_unit_id:
            _refuse(
                f"Bước “{template.name}” do Bộ phận Một cửa đã tiếp nhận hồ sơ thực hiện.",
                "wrong_unit",
                "to_unit",
            )
        return dossier.receiving_unit
    if (
        template.handler == StepHandler.HANDLING_AGENCY
        and proposed is None
        and dossier.handling_unit_id
    ):
        return dossier.handling_unit
    if (
        template.handler == StepHandler.OTHER_AGENCY
        and proposed is not None
        and template.handler_unit_kind
        and proposed.kind != template.handler_unit_kind
    ):
        _refuse(
            f"Bước “{template.name}” phải chuyển cho đơn vị loại "
            f"“{UnitKind(template.handler_unit_kind).label}”.",
            "wrong_unit",
            "to_unit",
        )
    if proposed is None:
        if dossier.current_unit_id:
            return dossier.current_unit
        _refuse("Vui lòng chọn đơn vị nhận hồ sơ.", "required", "to_unit")
    return proposed


def _check_assignee(user: User | None, unit: Unit) -> None:
    if user is not None and not has_permission(user, Action.DOSSIER_PROCESS, unit):
        _refuse(
            f"{user} không có vai trò xử lý hồ sơ tại {unit.name}.",
            "assignee_not_in_unit",
            "to_user",
        )


def _legal_pause_kind(template: ProcessStep) -> str:
    name = template.name.lower()
    if "nghĩa vụ tài chính" in name or "thuế" in name:
        return PauseKind.FINANCIAL_OBLIGATION
    return PauseKind.OTHER_LEGAL


def _next_template(dossier: Dossier) -> ProcessStep | None:
    return (
        ProcessStep.objects.filter(
            version_id=dossier.procedure_version_id, order__gt=dossier.current_step_order or 0
        )
        .order_by("order")
        .first()
    )


@transaction.atomic
def dossier_assign(
    *,
    actor: User,
    dossier: Dossier,
    to_user: User,
    expected_version: int | None = None,
    note: str = "",
) -> Dossier:
    """A leader assigns the current step to an officer of the unit holding it."""
    d = _lock(dossier, expected_version)
    _require_open(d)
    _require(actor, Action.DOSSIER_ASSIGN, d.current_unit)
    _check_assignee(to_user, d.current_unit)
    if d.current_assignee_id == to_user.pk:
        _refuse("Hồ sơ đã được phân công cho cán bộ này.", "unchanged", "to_user")
    _append_event(
        dossier=d,
        action="assigned",
        actor=actor,
        unit=d.current_unit,
        payload={
            "from_user_id": d.current_assignee_id,
            "to_user_id": to_user.pk,
            "note": note,
            "set": {"current_assignee_id": to_user.pk},
            "step_set": {"assignee_id": to_user.pk},
        },
    )
    _after_commit(d, "assigned")
    return d


@transaction.atomic
def dossier_handover(
    *,
    actor: User,
    dossier: Dossier,
    to_unit: Unit | None,
    to_user: User | None = None,
    note: str = "",
    expected_version: int | None = None,
    advance_step: bool = True,
    batch_code: str = "",
    receipt: str = "",
) -> Dossier:
    """Finish the current step and hand the dossier to the next step's unit (Mẫu 05 line).

    `advance_step=False` transfers the same step to another unit (e.g. the wrong
    department received it); a transfer back to a unit that held the dossier before
    counts as a bounce.

    Steps marked `is_legal_pause` (e.g. the tax authority determining the financial
    obligations of a land procedure, then the applicant paying them) stop the dossier's
    clock: handing over into the first such step pauses it, handing over out of the last
    resumes it, moving the due time by the paused working days. Leaving a financial-
    obligation pause needs the paid `receipt`; `dossier_pause_notice` records the tax
    notice to print for the applicant meanwhile.
    """
    d = _lock(dossier, expected_version)
    step = _open_step(d)
    current_template = (
        ProcessStep.objects.filter(version_id=d.procedure_version_id, order=step.order).first()
        if step is not None
        else None
    )
    in_step_pause = (
        d.status == DossierStatus.PAUSED
        and current_template is not None
        and current_template.is_legal_pause
    )
    if not in_step_pause:
        _require_open(d, {DossierStatus.PROCESSING, DossierStatus.APPROVED})
    _require(actor, Action.DOSSIER_PROCESS, d.current_unit)
    if step is None:
        _refuse("Hồ sơ không có bước đang xử lý.", "no_open_step")
    if advance_step:
        template = _next_template(d)
        if template is None:
            _refuse("Đây là bước cuối của quy trình; hãy ban hành kết quả giải quyết.", "last_step")
    else:
        template = ProcessStep.objects.get(version_id=d.procedure_version_id, order=step.order)
        if to_unit is None or to_unit.pk == d.current_unit_id:
            _refuse("Vui lòng chọn đơn vị khác để chuyển hồ sơ.", "same_unit", "to_unit")
    unit = _resolve_unit(template, d, to_unit)
    _check_assignee(to_user, unit)
    now = timezone.now()
    calendar = _calendar(d.receiving_unit)
    new_step = _step_open(
        template=template, unit=unit, assignee=to_user, start=now, calendar=calendar
    )
    sets: dict[str, Any] = _current_fields(new_step)
    if template.handler == StepHandler.HANDLING_AGENCY and not d.handling_unit_id:
        sets["handling_unit_id"] = unit.pk
    bounce = False
    if not advance_step:
        bounce = DossierStep.objects.filter(dossier=d, unit=unit).exists()
        if bounce:
            sets["bounce_count"] = d.bounce_count + 1
    pause_facts: dict[str, Any] = {}
    if template.is_legal_pause and d.status != DossierStatus.PAUSED:
        kind = _legal_pause_kind(template)
        basis = f"Bước “{template.name}” (không tính vào thời hạn giải quyết)"
        sets.update({"status": DossierStatus.PAUSED, "pause_kind": kind, "paused_since": now})
        pause_facts = {"pause": {"kind": kind, "basis": basis}}
    elif not template.is_legal_pause and d.status == DossierStatus.PAUSED:
        if d.pause_kind == PauseKind.FINANCIAL_OBLIGATION and not receipt.strip():
            _refuse(
                "Vui lòng ghi số chứng từ (biên lai) đã nộp nghĩa vụ tài chính.",
                "required",
                "receipt",
            )
        resumed = _resume_payload(d, {})
        resumed["set"].pop("current_step_due_at", None)
        resumed["set"]["status"] = (
            DossierStatus.APPROVED if d.approved_at else DossierStatus.PROCESSING
        )
        sets.update(resumed["set"])
        pause_facts = {
            "resume": {
                "kind": d.pause_kind,
                "receipt": receipt.strip(),
                "paused_from": d.paused_since,
                "paused_working_days": resumed["paused_working_days"],
            }
        }
    judged = current_template is None or not current_template.is_legal_pause
    _append_event(
        dossier=d,
        action="handed_over",
        actor=actor,
        unit=d.current_unit,
        payload={
            "from_unit_id": d.current_unit_id,
            "to_unit_id": unit.pk,
            "to_user_id": to_user.pk if to_user else None,
            "note": note,
            "advance": advance_step,
            "bounce": bounce,
            "batch": batch_code,
            **pause_facts,
            "set": sets,
            "step_close": _close_step(step, now, calendar, judged=judged),
            "step_open": new_step,
        },
    )
    _after_commit(d, "handed_over")
    return d


@transaction.atomic
def dossier_return_to_step(
    *,
    actor: User,
    dossier: Dossier,
    step_order: int,
    reason: str,
    expected_version: int | None = None,
) -> Dossier:
    """Send the dossier back to an earlier step (to the unit and officer that did it)."""
    d = _lock(dossier, expected_version)
    _require_open(d, {DossierStatus.PROCESSING, DossierStatus.APPROVED})
    _require(actor, Action.DOSSIER_PROCESS, d.current_unit)
    if not reason.strip():
        _refuse("Vui lòng nêu lý do chuyển trả.", "required", "reason")
    step = _open_step(d)
    if step is None or step_order >= step.order:
        _refuse("Chỉ được chuyển trả về một bước trước bước hiện tại.", "not_earlier", "step_order")
    previous = DossierStep.objects.filter(dossier=d, order=step_order).order_by("-index").first()
    if previous is None:
        _refuse("Hồ sơ chưa từng qua bước này.", "step_not_passed", "step_order")
    template = ProcessStep.objects.get(version_id=d.procedure_version_id, order=step_order)
    now = timezone.now()
    calendar = _calendar(d.receiving_unit)
    new_step = _step_open(
        template=template,
        unit=previous.unit,
        assignee=previous.assignee,
        start=now,
        calendar=calendar,
    )
    _append_event(
        dossier=d,
        action="returned_to_step",
        actor=actor,
        unit=d.current_unit,
        payload={
            "from_unit_id": d.current_unit_id,
            "to_unit_id": previous.unit_id,
            "step_order": step_order,
            "reason": reason.strip(),
            "set": {
                **_current_fields(new_step),
                "bounce_count": d.bounce_count + 1,
                "status": DossierStatus.PROCESSING,
            },
            "step_close": _close_step(step, now, calendar),
            "step_open": new_step,
        },
    )
    _after_commit(d, "returned_to_step")
    return d


@transaction.atomic
def dossier_approve(
    *,
    actor: User,
    dossier: Dossier,
    note: str = "",
    to_unit: Unit | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The competent leader approves (signs) and the dossier moves to the next step."""
    d = _lock(dossier, expected_version)
    _require_open(d, {DossierStatus.PROCESSING, DossierStatus.APPROVED})
    _require(actor, Action.DOSSIER_APPROVE, d.current_unit)
    step = _open_step(d)
    if step is None:
        _refuse("Hồ sơ không có bước đang xử lý.", "no_open_step")
    now = timezone.now()
    calendar = _calendar(d.receiving_unit)
    payload: dict[str, Any] = {
        "note": note,
        "set": {"status": DossierStatus.APPROVED, "approved_at": now, "approved_by_id": actor.pk},
        "step_close": _close_step(step, now, calendar),
    }
    template = _next_template(d)
    if template is not None:
        unit = _resolve_unit(template, d, to_unit)
        new_step = _step_open(
            template=template, unit=unit, assignee=None, start=now, calendar=calendar
        )
        payload["step_open"] = new_step
        payload["set"].update(_current_fields(new_step))
    else:
        payload["set"].update({**_NO_CURRENT})
    _append_event(dossier=d, action="approved", actor=actor, unit=d.current_unit, payload=payload)
    _after_commit(d, "approved")
    return d


def _finish_payload(
    d: Dossier, now: dt.datetime, calendar, status: str, reason: str
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "reason": reason,
        "set": {
            "status": status,
            "finished_at": now,
            "outcome": _dossier_outcome(d, now, calendar),
            "closing_reason": reason,
            "pause_kind": "",
            "paused_since": None,
            **_NO_CURRENT,
        },
    }
    step = _open_step(d)
    if step is not None:
        payload["step_close"] = _close_step(step, now, calendar)
    return payload


@transaction.atomic
def dossier_refuse(
    *, actor: User, dossier: Dossier, reason: str, expected_version: int | None = None
) -> Dossier:
    """Refuse to resolve, with reasons, at any step (the applicant gets the reasons)."""
    d = _lock(dossier, expected_version)
    _require_open(d)
    _require_any(actor, Action.DOSSIER_PROCESS, [d.current_unit, d.receiving_unit])
    if not reason.strip():
        _refuse("Vui lòng nêu rõ lý do từ chối giải quyết.", "required", "reason")
    now = timezone.now()
    calendar = _calendar(d.receiving_unit)
    payload = _finish_payload(d, now, calendar, DossierStatus.REFUSED, reason.strip())
    _append_event(dossier=d, action="refused", actor=actor, unit=d.current_unit, payload=payload)
    _after_commit(d, "refused")
    return d


def _pause(
    *,
    actor: User | None,
    d: Dossier,
    action: str,
    kind: str,
    facts: dict[str, Any],
    extra_set: dict[str, Any] | None = None,
) -> None:
    now = timezone.now()
    status = (
        DossierStatus.WAITING_SUPPLEMENT if kind == PauseKind.SUPPLEMENT else DossierStatus.PAUSED
    )
    _append_event(
        dossier=d,
        action=action,
        actor=actor,
        unit=d.current_unit,
        payload={
            **facts,
            "kind": kind,
            "set": {"status": status, "pause_kind": kind, "paused_since": now, **(extra_set or {})},
        },
    )


def _resume_payload(d: Dossier, facts: dict[str, Any]) -> dict[str, Any]:
    """The paused working days move the dossier's, the step's and any apology's due time."""
    now = timezone.now()
    calendar = _calendar(d.receiving_unit)
    paused = calendar.working_days_between(d.paused_since, now)
    sets: dict[str, Any] = {
        "status": DossierStatus.PROCESSING,
        "pause_kind": "",
        "paused_since": None,
        "paused_working_days": _days(d.paused_working_days + paused),
        "due_at": calendar.extend(d.due_at, paused),
    }
    payload: dict[str, Any] = {
        **facts,
        "paused_from": d.paused_since,
        "paused_working_days": paused,
    }
    if d.apology_due_at:
        sets["apology_due_at"] = calendar.extend(d.apology_due_at, paused)
    step = _open_step(d)
    if step is not None:
        step_due = calendar.extend(step.due_at, paused)
        sets["current_step_due_at"] = step_due
        payload["step_set"] = {"due_at": step_due}
    payload["set"] = sets
    return payload


@transaction.atomic
def dossier_request_supplement(
    *,
    actor: User,
    dossier: Dossier,
    items: list[str],
    reason: str,
    expected_version: int | None = None,
) -> Dossier:
    """Mẫu 02 during processing: the clock stops until the applicant supplements.

    More than one request is allowed but flagged: the 766 index (formula 2.1) counts a
    dossier with more than one supplement request as late.
    """
    d = _lock(dossier, expected_version)
    _require_open(d, {DossierStatus.PROCESSING})
    _require_any(actor, Action.DOSSIER_PROCESS, [d.current_unit, d.receiving_unit])
    items = [" ".join(str(i).split()) for i in items if str(i).strip()]
    if not items:
        _refuse("Vui lòng liệt kê các nội dung cần bổ sung, hoàn thiện.", "required", "items")
    if not reason.strip():
        _refuse("Vui lòng nêu lý do yêu cầu bổ sung.", "required", "reason")
    count = d.supplement_count + 1
    _pause(
        actor=actor,
        d=d,
        action="supplement_requested",
        kind=PauseKind.SUPPLEMENT,
        facts={"items": items, "reason": reason.strip(), "flagged": count > 1},
        extra_set={"supplement_count": count},
    )
    _after_commit(d, "supplement_requested")
    return d


@transaction.atomic
def dossier_supplement_provided(
    *,
    actor: User | None,
    dossier: Dossier,
    components: list[dict[str, Any]],
    note: str = "",
    lookup_secret: str | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The applicant's supplement (at the counter or online) resumes the clock."""
    d = _lock(dossier, expected_version)
    if not _is_applicant(actor, d, lookup_secret):
        _require_any(actor, Action.DOSSIER_RECEIVE, [d.receiving_unit])
    _require_open(d, {DossierStatus.WAITING_SUPPLEMENT})
    errors: dict[str, list] = {}
    version = d.procedure_version
    channel = (
        Channel.ONLINE
        if actor is None or not has_permission(actor, Action.DOSSIER_RECEIVE, d.receiving_unit)
        else Channel.COUNTER
    )
    cleaned = _clean_components(components or [], version=version, channel=channel, errors=errors)
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        _refuse("Vui lòng nộp ít nhất một thành phần bổ sung.", "required", "components")
    payload = _resume_payload(d, {"note": note, "components": _component_facts(cleaned)})
    _append_event(
        dossier=d, action="supplement_provided", actor=actor, unit=d.receiving_unit, payload=payload
    )
    for item in cleaned:
        _save_component(d, item, d.version)
    _after_commit(d, "supplement_provided")
    return d


@transaction.atomic
def dossier_pause(
    *,
    actor: User,
    dossier: Dossier,
    kind: str,
    basis: str,
    notice: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """A legal pause that does not count against the time limit, with its basis.

    Above all the applicant's financial obligations in land procedures: the dossier goes
    to the tax authority, whose notice (`notice`) is recorded and printed for the
    applicant; `dossier_resume(receipt=...)` records the paid receipt.
    """
    d = _lock(dossier, expected_version)
    _require_open(d, {DossierStatus.PROCESSING})
    _require(actor, Action.DOSSIER_PROCESS, d.current_unit)
    if kind not in PauseKind.values or kind == PauseKind.SUPPLEMENT:
        _refuse(
            "Loại tạm dừng không hợp lệ (yêu cầu bổ sung dùng chức năng riêng).",
            "pause_kind",
            "kind",
        )
    if not basis.strip():
        _refuse("Vui lòng ghi căn cứ pháp lý của việc tạm dừng.", "required", "basis")
    if kind == PauseKind.FINANCIAL_OBLIGATION and not notice.strip():
        _refuse(
            "Vui lòng ghi số, ngày thông báo nộp nghĩa vụ tài chính của cơ quan thuế.",
            "required",
            "notice",
        )
    _pause(
        actor=actor,
        d=d,
        action="paused",
        kind=kind,
        facts={"basis": basis.strip(), "notice": notice.strip()},
    )
    _after_commit(d, "paused")
    return d


@transaction.atomic
def dossier_resume(
    *,
    actor: User,
    dossier: Dossier,
    receipt: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    d = _lock(dossier, expected_version)
    _require_open(d, {DossierStatus.PAUSED})
    _require_any(actor, Action.DOSSIER_PROCESS, [d.current_unit, d.receiving_unit])
    if d.pause_kind == PauseKind.FINANCIAL_OBLIGATION and not receipt.strip():
        _refuse(
            "Vui lòng ghi số chứng từ (biên lai) đã nộp nghĩa vụ tài chính.", "required", "receipt"
        )
    payload = _resume_payload(d, {"receipt": receipt.strip(), "note": note, "kind": d.pause_kind})
    _append_event(dossier=d, action="resumed", actor=actor, unit=d.current_unit, payload=payload)
    _after_commit(d, "resumed")
    return d


@transaction.atomic
def dossier_pause_notice(
    *, actor: User, dossier: Dossier, notice: str, expected_version: int | None = None
) -> Dossier:
    """Record, while paused, the notice that starts the applicant's part (e.g. the tax
    authority's notice of financial obligations, printed for the applicant)."""
    d = _lock(dossier, expected_version)
    _require_open(d, {DossierStatus.PAUSED})
    _require_any(actor, Action.DOSSIER_PROCESS, [d.current_unit, d.handling_unit, d.receiving_unit])
    if not notice.strip():
        _refuse("Vui lòng ghi số, ngày và nội dung thông báo.", "required", "notice")
    _append_event(
        dossier=d,
        action="pause_notice_recorded",
        actor=actor,
        unit=d.current_unit,
        payload={"kind": d.pause_kind, "notice": notice.strip()},
    )
    _after_commit(d, "pause_notice_recorded")
    return d


@transaction.atomic
def dossier_apologise(
    *,
    actor: User,
    dossier: Dossier,
    new_due: dt.datetime,
    reason: str,
    expected_version: int | None = None,
) -> Dossier:
    """Mẫu 04 (Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết).

    Only once, and no later than one working day before the due time; the dossier still
    counts as late (its `due_at` stays; the new date is `apology_due_at`).
    """
    d = _lock(dossier, expected_version)
    _require_open(d, {DossierStatus.PROCESSING, DossierStatus.APPROVED})
    _require_any(
        actor, Action.DOSSIER_APOLOGISE, [d.current_unit, d.handling_unit, d.receiving_unit]
    )
    if d.apologised_at is not None:
        _refuse(
            "Hồ sơ đã được xin lỗi và hẹn lại một lần; không được hẹn lại lần thứ hai.",
            "apology_once",
        )
    if not reason.strip():
        _refuse("Vui lòng nêu lý do chậm giải quyết.", "required", "reason")
    now = timezone.now()
    calendar = _calendar(d.receiving_unit)
    if calendar.working_days_between(now, d.due_at) < 1:
        _refuse(
            "Phiếu xin lỗi và hẹn lại phải được gửi chậm nhất 01 ngày làm việc trước hạn trả kết quả.",
            "apology_too_late",
        )
    if new_due <= d.due_at:
        _refuse("Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại.", "new_due", "new_due")
    _append_event(
        dossier=d,
        action="apologised",
        actor=actor,
        unit=d.current_unit,
        payload={
            "reason": reason.strip(),
            "previous_due_at": d.due_at,
            "set": {
                "apologised_at": now,
                "apology_due_at": new_due,
                "apology_reason": reason.strip(),
            },
        },
    )
    _after_commit(d, "apologised")
    return d


_LEADER_ROLES = {Role.UNIT_LEADER, Role.CHAIRMAN}


@transaction.atomic
def dossier_issue_result(
    *,
    actor: User,
    dossier: Dossier,
    paper: bool,
    electronic_file: File | None = None,
    result_number: str = "",
    subject_effects: list[dict[str, Any]] | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The result is issued (paper and/or electronic file): processing ends here (766: "Đã
    xử lý xong"). `subject_effects`: [{"op": "block"|"unblock", "kind", "key", "reason"}]
    e.g. a registered mortgage blocks the parcel, its deregistration unblocks it."""
    d = _lock(dossier, expected_version)
    _require_open(d, {DossierStatus.PROCESSING, DossierStatus.APPROVED})
    _require_any(actor, Action.DOSSIER_PROCESS, [d.current_unit, d.receiving_unit])
    version = d.procedure_version
    if not paper and electronic_file is None:
        _refuse("Kết quả phải có bản giấy hoặc tệp điện tử.", "result_required")
    if version.result_type == "electronic" and electronic_file is None:
        _refuse(
            "Thủ tục này trả kết quả điện tử: vui lòng đính kèm tệp kết quả.",
            "result_file",
            "electronic_file",
        )
    needs_approval = ProcessStep.objects.filter(version=version, role__in=_LEADER_ROLES).exists()
    if needs_approval and d.approved_at is None:
        _refuse("Kết quả chưa được lãnh đạo có thẩm quyền phê duyệt.", "not_approved")
    effects = []
    for i, effect in enumerate(subject_effects or []):
        if (
            effect.get("op") not in ("block", "unblock")
            or effect.get("kind") not in SubjectKind.values
            or not effect.get("key")
        ):
            _refuse(
                "Tác động lên đối tượng (khóa/mở khóa) không hợp lệ.",
                "subject_effect",
                f"subject_effects[{i}]",
            )
        effects.append({**effect, "key": rules.subject_key(effect["kind"], effect["key"])})
    now = timezone.now()
    calendar = _calendar(d.receiving_unit)
    payload = _finish_payload(d, now, calendar, DossierStatus.RESULT_READY, "")
    payload["set"].pop("closing_reason")
    payload["set"].update({"result_paper": paper, "result_number": result_number.strip()})
    if electronic_file is not None:
        sha = _file_sha256(electronic_file)
        name = default_storage.save(
            f"dossiers/results/{now:%Y/%m}/{d.code}-{getattr(electronic_file, 'name', 'ket-qua')}",
            electronic_file,
        )
        payload["set"].update({"result_file": name, "result_file_sha256": sha})
    payload["subject_effects"] = effects
    _append_event(
        dossier=d, action="result_issued", actor=actor, unit=d.current_unit, payload=payload
    )
    for effect in effects:
        if effect["op"] == "block":
            SubjectBlock.objects.create(
                subject_kind=effect["kind"],
                subject_key=effect["key"],
                subject_label=effect.get("label", ""),
                reason=effect.get("reason") or f"Theo kết quả hồ sơ {d.code}",
                basis=f"Hồ sơ {d.code}",
                issued_by_unit=d.current_unit or d.receiving_unit,
                valid_from=timezone.localdate(),
                created_by=actor,
                created_at=now,
                source_dossier=d,
            )
        else:
            SubjectBlock.objects.filter(subject_key=effect["key"], lifted_at__isnull=True).update(
                lifted_at=now,
                lifted_by=actor,
                lift_reason=effect.get("reason") or f"Theo kết quả hồ sơ {d.code}",
                lifted_by_dossier=d,
            )
    _after_commit(d, "result_issued")
    return d


@transaction.atomic
def dossier_return_result(
    *,
    actor: User | None,
    dossier: Dossier,
    method: str,
    note: str = "",
    collected_by: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Return the result at the counter, by post or online (online may be the system).

    `collected_by`: {"name", "personal_id", "authorisation_ref"} when an authorised person
    collects the result for the applicant (TT 03/2025/TT-VPCP)."""
    d = _lock(dossier, expected_version)
    if method not in ReturnMethod.values:
        _refuse("Hình thức trả kết quả không hợp lệ.", "method", "method")
    proxy: dict[str, Any] = {}
    if collected_by:
        from cchc.accounts.identity import validate_personal_id

        name = " ".join(str(collected_by.get("name") or "").split())
        if not name:
            _refuse("Vui lòng nhập họ tên người nhận thay.", "required", "collected_by")
        try:
            pid = validate_personal_id(collected_by.get("personal_id") or "")
        except ValidationError as exc:
            raise ValidationError({"collected_by": exc.error_list}) from None
        ref = str(collected_by.get("authorisation_ref") or "").strip()
        if not ref:
            _refuse("Vui lòng ghi văn bản ủy quyền nhận kết quả.", "required", "collected_by")
        proxy = {"name": name, "personal_id": pid, "authorisation_ref": ref}
    if not (actor is None and method == ReturnMethod.ONLINE):
        _require_any(actor, Action.DOSSIER_RETURN_RESULT, [d.receiving_unit, d.postal_unit])
    _require_open(d, {DossierStatus.RESULT_READY})
    if fee_rule_blocks_return(dossier=d):
        owed = fee_outstanding(dossier=d)
        amount = group_dong(owed, language="vi")
        _refuse(
            f"Người nộp chưa nộp phí, lệ phí ({amount} đồng) nên chưa trả kết quả."
            if owed
            else "Chưa xác định mức phí, lệ phí của hồ sơ nên chưa trả kết quả.",
            "fee_unpaid",
            "method",
        )
    if method == ReturnMethod.ONLINE and not d.result_file:
        _refuse("Hồ sơ chưa có kết quả điện tử để trả trực tuyến.", "no_result_file", "method")
    now = timezone.now()
    _append_event(
        dossier=d,
        action="result_returned",
        actor=actor,
        unit=d.receiving_unit,
        payload={
            "method": method,
            "note": note,
            "collected_by": proxy or None,
            "set": {"status": DossierStatus.RETURNED, "returned_at": now, "return_method": method},
        },
    )
    _after_commit(d, "result_returned")
    return d


def _citizen_or_staff(actor: User | None, d: Dossier, lookup_secret: str | None) -> None:
    if not _is_applicant(actor, d, lookup_secret):
        _require_any(actor, Action.DOSSIER_RECEIVE, [d.receiving_unit])


@transaction.atomic
def dossier_withdraw(
    *,
    actor: User | None,
    dossier: Dossier,
    reason: str,
    lookup_secret: str | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The applicant withdraws the dossier (before a result is issued)."""
    d = _lock(dossier, expected_version)
    _citizen_or_staff(actor, d, lookup_secret)
    _require_open(d)
    if not reason.strip():
        _refuse("Vui lòng ghi lý do rút hồ sơ.", "required", "reason")
    calendar = _calendar(d.receiving_unit)
    payload = _finish_payload(d, timezone.now(), calendar, DossierStatus.WITHDRAWN, reason.strip())
    _append_event(
        dossier=d, action="withdrawn", actor=actor, unit=d.receiving_unit, payload=payload
    )
    _after_commit(d, "withdrawn")
    return d


@transaction.atomic
def dossier_stop_request(
    *,
    actor: User | None,
    dossier: Dossier,
    reason: str,
    lookup_secret: str | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The applicant asks to stop processing (NĐ 118/2025 Art. 21, TT 03/2025 Art. 7).

    Allowed while no decision or result has been issued; the one-stop then issues the
    "Thông báo dừng giải quyết hồ sơ" (its data is this event).
    """
    d = _lock(dossier, expected_version)
    _citizen_or_staff(actor, d, lookup_secret)
    if d.status in (DossierStatus.APPROVED, DossierStatus.RESULT_READY):
        _refuse(
            "Hồ sơ đã có quyết định hoặc kết quả giải quyết nên không thể dừng giải quyết.",
            "already_decided",
        )
    _require_open(
        d, {DossierStatus.PROCESSING, DossierStatus.WAITING_SUPPLEMENT, DossierStatus.PAUSED}
    )
    if not reason.strip():
        _refuse("Vui lòng ghi lý do đề nghị dừng giải quyết.", "required", "reason")
    calendar = _calendar(d.receiving_unit)
    payload = _finish_payload(d, timezone.now(), calendar, DossierStatus.STOPPED, reason.strip())
    payload["notice"] = "Thông báo dừng giải quyết hồ sơ"
    _append_event(dossier=d, action="stopped", actor=actor, unit=d.receiving_unit, payload=payload)
    _after_commit(d, "stopped")
    return d


@transaction.atomic
def dossier_rate(
    *,
    actor: User | None,
    dossier: Dossier,
    rating: str,
    comment: str = "",
    lookup_secret: str | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The applicant's rating of the handling (once), after processing ended."""
    d = _lock(dossier, expected_version)
    if not _is_applicant(actor, d, lookup_secret):
        _require_any(actor, Action.DOSSIER_RETURN_RESULT, [d.receiving_unit])
    if rating not in Rating.values:
        _refuse("Mức đánh giá không hợp lệ.", "rating", "rating")
    if d.status in OPEN_STATUSES:
        _refuse("Chỉ đánh giá sau khi hồ sơ đã được giải quyết xong.", "too_early")
    if d.rating:
        _refuse("Hồ sơ đã được đánh giá.", "already_rated")
    _append_event(
        dossier=d,
        action="rated",
        actor=actor,
        unit=d.receiving_unit,
        payload={"set": {"rating": rating, "rating_comment": comment.strip()}},
    )
    _after_commit(d, "rated")
    return d


@transaction.atomic
def dossier_note_add(
    *, actor: User, dossier: Dossier, text: str, expected_version: int | None = None
) -> Dossier:
    """An internal note, visible to staff only (never on the public status page)."""
    d = _lock(dossier, expected_version)
    unit = _require_any(
        actor, Action.DOSSIER_VIEW, [d.current_unit, d.handling_unit, d.receiving_unit]
    )
    if not text.strip():
        _refuse("Nội dung ghi chú không được để trống.", "required", "text")
    _append_event(
        dossier=d,
        action="note_added",
        actor=actor,
        unit=unit,
        payload={"text": text.strip(), "internal": True},
    )
    return d


@transaction.atomic
def dossier_fee_record(
    *,
    actor: User | None,
    dossier: Dossier,
    status: str,
    amount: Decimal | None = None,
    receipt: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """Fee status (phí, lệ phí): collected at the counter, paid online, or exempt."""
    d = _lock(dossier, expected_version)
    if not (actor is None and status == FeeStatus.PAID_ONLINE):
        _require_any(actor, Action.DOSSIER_RECEIVE, [d.receiving_unit, d.postal_unit])
    if status not in FeeStatus.values:
        _refuse("Trạng thái phí, lệ phí không hợp lệ.", "fee_status", "status")
    amount = d.fee_amount if amount is None else Decimal(amount)
    if amount < 0:
        _refuse("Số tiền không được âm.", "amount", "amount")
    if status in (FeeStatus.PAID, FeeStatus.PAID_ONLINE) and not receipt.strip():
        _refuse("Vui lòng ghi số biên lai / mã giao dịch.", "required", "receipt")
    _append_event(
        dossier=d,
        action="fee_recorded",
        actor=actor,
        unit=d.receiving_unit,
        payload={
            "set": {"fee_status": status, "fee_amount": amount, "fee_receipt": receipt.strip()}
        },
    )
    _after_commit(d, "fee_recorded")
    return d


@transaction.atomic
def dossier_reassign(
    *, actor: User, unit: Unit, from_user: User, to_user: User, reason: str
) -> list[Dossier]:
    """Move every open dossier that `from_user` holds in `unit` to `to_user` (absence)."""
    _require(actor, Action.DOSSIER_ASSIGN, unit)
    if from_user.pk == to_user.pk:
        _refuse("Cán bộ nhận phải khác cán bộ vắng mặt.", "same_user", "to_user")
    if not reason.strip():
        _refuse("Vui lòng ghi lý do chuyển hồ sơ (vắng mặt, nghỉ phép...).", "required", "reason")
    _check_assignee(to_user, unit)
    ids = list(
        Dossier.objects.filter(
            current_assignee=from_user, current_unit=unit, status__in=OPEN_STATUSES
        ).values_list("pk", flat=True)
    )
    moved = []
    _lock_all(ids)
    for pk in sorted(ids):
        d = _lock(pk, None)
        if d.current_assignee_id != from_user.pk or d.current_unit_id != unit.pk:
            continue
        _append_event(
            dossier=d,
            action="reassigned",
            actor=actor,
            unit=unit,
            payload={
                "from_user_id": from_user.pk,
                "to_user_id": to_user.pk,
                "reason": reason.strip(),
                "set": {"current_assignee_id": to_user.pk},
                "step_set": {"assignee_id": to_user.pk},
            },
        )
        _after_commit(d, "reassigned")
        moved.append(d)
    return moved


# --- Complaints and petitions (phản ánh, kiến nghị) about a dossier ---------------------

# QĐ 766/QĐ-TTg criterion 5.2 (formula document): a PAKN is handled within 15 working days.
PETITION_WORKING_DAYS = Decimal(15)


@transaction.atomic
def dossier_petition_add(
    *,
    actor: User | None,
    dossier: Dossier,
    kind: str,
    content: str,
    lookup_secret: str | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Record a complaint or petition about the handling of a dossier, with its deadline.

    From the applicant (portal account or lookup secret) or recorded by the one-stop."""
    d = _lock(dossier, expected_version)
    if not _is_applicant(actor, d, lookup_secret):
        _require_any(actor, Action.DOSSIER_RECEIVE, [d.receiving_unit])
    if kind not in PetitionKind.values:
        _refuse("Loại phản ánh, kiến nghị không hợp lệ.", "petition_kind", "kind")
    if not content.strip():
        _refuse("Vui lòng nhập nội dung phản ánh, kiến nghị.", "required", "content")
    now = timezone.now()
    calendar = _calendar(d.receiving_unit)
    due = calendar.due_at(now, PETITION_WORKING_DAYS, "working_days")
    _append_event(
        dossier=d,
        action="petition_received",
        actor=actor,
        unit=d.receiving_unit,
        payload={
            "set": {"petition_count": d.petition_count + 1},
            "petition_open": {
                "kind": kind,
                "content": content.strip(),
                "received_at": now,
                "due_at": due,
            },
        },
    )
    _after_commit(d, "petition_received")
    return d


@transaction.atomic
def dossier_petition_answer(
    *,
    actor: User,
    dossier: Dossier,
    no: int,
    answer: str,
    expected_version: int | None = None,
) -> Dossier:
    """The answer to complaint/petition number `no`; early / on time / late by its deadline."""
    d = _lock(dossier, expected_version)
    _require_any(actor, Action.DOSSIER_PROCESS, [d.receiving_unit, d.handling_unit, d.current_unit])
    petition = d.petitions.filter(no=no).first()
    if petition is None:
        _refuse("Không tìm thấy phản ánh, kiến nghị này.", "not_found", "no")
    if petition.answered_at is not None:
        _refuse("Phản ánh, kiến nghị này đã được trả lời.", "already_answered", "no")
    if not answer.strip():
        _refuse("Vui lòng nhập kết quả xử lý phản ánh, kiến nghị.", "required", "answer")
    now = timezone.now()
    calendar = _calendar(d.receiving_unit)
    _append_event(
        dossier=d,
        action="petition_answered",
        actor=actor,
        unit=d.receiving_unit,
        payload={
            "petition_set": {
                "no": no,
                "answered_at": now,
                "answer": answer.strip(),
                "answered_by_id": actor.pk,
                "outcome": rules.step_outcome(now, petition.due_at, tz=calendar.tz).value,
            }
        },
    )
    _after_commit(d, "petition_answered")
    return d


# --- Dossiers imported from another system ----------------------------------------------


@transaction.atomic
def dossier_import(
    *,
    actor: User | None,
    receiving_unit: Unit,
    set_fields: dict[str, Any],
    facts: dict[str, Any] | None = None,
) -> Dossier:
    """Record a dossier handled in another system (interchange file) as one `imported`
    event, chained and projected like any other. `set_fields`: projection fields (at
    least code, procedure_version_id, applicant_id, channel, received_at, due_at,
    status); missing ones take their defaults. `facts`: extra payload (source row...).
    `actor=None` is the system (a management command); a user needs DOSSIER_RECEIVE at
    the receiving unit."""
    if actor is not None:
        _require(actor, Action.DOSSIER_RECEIVE, receiving_unit)
    unknown = set(set_fields) - set(DOSSIER_FIELDS)
    if unknown:
        _refuse(f"Trường không hợp lệ: {', '.join(sorted(unknown))}.", "unknown_field")
    required = {
        "code",
        "procedure_version_id",
        "applicant_id",
        "channel",
        "received_at",
        "due_at",
        "status",
    }
    missing = required - {k for k, v in set_fields.items() if v not in (None, "")}
    if missing:
        _refuse(f"Thiếu dữ liệu: {', '.join(sorted(missing))}.", "required")
    if Dossier.objects.filter(code=set_fields["code"]).exists():
        _refuse(f"Mã hồ sơ {set_fields['code']} đã tồn tại.", "duplicate_code", "code")
    initial = {name: model_field.get_default() for name, model_field in DOSSIER_FIELDS.items()}
    initial.pop("version", None)
    initial.update(
        {
            "receiving_unit_id": receiving_unit.pk,
            "deemed_received_at": set_fields["received_at"],
            "original_due_at": set_fields["due_at"],
            "lookup_secret_hash": secret_hash(None),  # unusable: no receipt was issued here
        }
    )
    initial.update(set_fields)
    dossier = Dossier()
    dossier.version = 0
    facts = {k: v for k, v in (facts or {}).items() if k != "set"}
    _append_event(
        dossier=dossier,
        action="imported",
        actor=actor,
        unit=receiving_unit,
        payload={**facts, "set": initial},
    )
    return dossier


# --- Batch hand-over lists -------------------------------------------------------------


@transaction.atomic
def handover_batch_create(
    *,
    actor: User,
    from_unit: Unit,
    to_unit: Unit,
    dossiers: list[Dossier],
    to_user: User | None = None,
    note: str = "",
    expected_versions: dict[int, int] | None = None,
) -> HandoverBatch:
    """Hand several dossiers over at once with one printable list (all or nothing).

    `expected_versions` maps dossier pk -> the version the user saw (conflict check)."""
    _require(actor, Action.DOSSIER_PROCESS, from_unit)
    if not dossiers:
        _refuse("Vui lòng chọn ít nhất một hồ sơ để bàn giao.", "required", "dossiers")
    if from_unit.pk == to_unit.pk:
        _refuse("Đơn vị nhận phải khác đơn vị giao.", "same_unit", "to_unit")
    now = timezone.now()
    day = timezone.localtime(now).date()
    n = HandoverBatch.objects.filter(from_unit=from_unit, created_at__date=day).count() + 1
    batch = HandoverBatch.objects.create(
        code=f"BG-{from_unit.code}-{day:%y%m%d}-{n:03d}",
        from_unit=from_unit,
        to_unit=to_unit,
        created_by=actor,
        created_at=now,
        note=note.strip(),
    )
    _lock_all(d.pk for d in dossiers)
    for dossier in sorted(dossiers, key=lambda d: d.pk):
        current = Dossier.objects.only("current_unit_id", "code").get(pk=dossier.pk)
        if current.current_unit_id != from_unit.pk:
            _refuse(
                f"Hồ sơ {current.code} không do {from_unit.name} đang giữ nên không thể bàn giao.",
                "not_held",
                "dossiers",
            )
        dossier_handover(
            actor=actor,
            dossier=dossier,
            to_unit=to_unit,
            to_user=to_user,
            note=note,
            expected_version=(expected_versions or {}).get(dossier.pk),
            batch_code=batch.code,
        )
    batch.dossiers.set([d.pk for d in dossiers])
    return batch


@transaction.atomic
def handover_batch_receive(
    *, actor: User, batch: HandoverBatch, received_by_name: str = "", note: str = ""
) -> HandoverBatch:
    """The receiving unit confirms the signed list came back; recorded on every dossier."""
    batch = HandoverBatch.objects.select_for_update().get(pk=batch.pk)
    _require_any(actor, Action.DOSSIER_PROCESS, [batch.to_unit])
    if batch.received_at is not None:
        _refuse("Phiếu bàn giao này đã được xác nhận nhận.", "already_received")
    now = timezone.now()
    batch.received_by = actor
    batch.received_by_name = " ".join(received_by_name.split()) or str(actor)
    batch.received_at = now
    batch.receive_note = note.strip()
    batch.save(update_fields=["received_by", "received_by_name", "received_at", "receive_note"])
    pks = list(batch.dossiers.order_by("pk").values_list("pk", flat=True))
    _lock_all(pks)
    for pk in pks:
        d = _lock(pk, None)
        _append_event(
            dossier=d,
            action="handover_received",
            actor=actor,
            unit=batch.to_unit,
            payload={"batch": batch.code, "received_by_name": batch.received_by_name, "note": note},
        )
    return batch


# --- Intake blocks ----------------------------------------------------------------------


@transaction.atomic
def subject_block_create(
    *,
    actor: User,
    unit: Unit,
    subject_kind: str,
    subject_key: str,
    reason: str,
    basis: str = "",
    subject_label: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> SubjectBlock:
    """A department or court blocks receipt for a subject (a parcel, a person...)."""
    _require(actor, Action.DOSSIER_BLOCK_SUBJECT, unit)
    errors: dict[str, list] = {}
    if subject_kind not in SubjectKind.values:
        errors["subject_kind"] = [ValidationError("Loại đối tượng không hợp lệ.", code="invalid")]
    if not str(subject_key).strip():
        errors["subject_key"] = [ValidationError("Vui lòng nhập mã đối tượng.", code="required")]
    if not reason.strip():
        errors["reason"] = [ValidationError("Vui lòng nêu lý do ngăn chặn.", code="required")]
    valid_from = valid_from or timezone.localdate()
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = [
            ValidationError("Ngày hết hiệu lực phải sau ngày bắt đầu.", code="range")
        ]
    if errors:
        raise ValidationError(errors)
    return SubjectBlock.objects.create(
        subject_kind=subject_kind,
        subject_key=rules.subject_key(subject_kind, subject_key),
        subject_label=subject_label or str(subject_key),
        reason=reason.strip(),
        basis=basis.strip(),
        issued_by_unit=unit,
        valid_from=valid_from,
        valid_to=valid_to,
        created_by=actor,
        created_at=timezone.now(),
    )


@transaction.atomic
def subject_block_lift(*, actor: User, block: SubjectBlock, reason: str) -> SubjectBlock:
    block = SubjectBlock.objects.select_for_update().get(pk=block.pk)
    _require(actor, Action.DOSSIER_BLOCK_SUBJECT, block.issued_by_unit)
    if block.lifted_at is not None:
        _refuse("Ngăn chặn này đã được gỡ bỏ.", "already_lifted")
    if not reason.strip():
        _refuse("Vui lòng nêu lý do gỡ bỏ ngăn chặn.", "required", "reason")
    block.lifted_at = timezone.now()
    block.lifted_by = actor
    block.lift_reason = reason.strip()
    block.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    return block
