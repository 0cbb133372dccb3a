"""Reads for the public portal. Reads only: writes go through dossier services or
`cchc.portal.services`.

The public status view is built from a fixed list of non-personal fields (never the
dossier object), so a template cannot leak the applicant's name or ID by accident.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from cchc.accounts.models import User
from cchc.accounts.permissions import Action, scope_filter
from cchc.dossiers.models import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierStatus,
    DossierStep,
    Outcome,
)
from cchc.dossiers.selectors import dossier_get_by_lookup, dossiers_of_citizen
from cchc.portal.models import ApplicationForm, FilledForm, Petition, ProxyAuthorisation
from cchc.procedures.models import ProcedureVersion
from cchc.units.models import TERRITORIAL_KINDS, Unit, UnitKind
from cchc.units.text import normalize_vn

NOT_FOUND_MESSAGE = (
    "Không tìm thấy hồ sơ với mã và mã tra cứu đã nhập. "
    "Vui lòng kiểm tra lại trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả."
)


# --- Units that receive a procedure online ---------------------------------------------


def submission_units(
    *, version: ProcedureVersion, text: str = "", limit: int = 30, only_pk: int | None = None
) -> list[Unit]:
    """One-stop units (and, where none is defined, the territorial units themselves) that
    receive `version`. Since NĐ 118/2025/NĐ-CP Art. 4 an applicant may choose any of
    them within the province, regardless of where they live.

    Effective kinds are computed in bulk (see cchc.procedures.selectors module doc):
    a one-stop inherits the kind of its nearest territorial ancestor.
    """
    today = timezone.localdate()
    kinds = set(version.implementing_unit_kinds or [])
    explicit = {u.pk for u in version.implementing_units.all()}
    candidates = Unit.objects.active_on(today).filter(kind=UnitKind.ONE_STOP)
    if not candidates.exists():
        candidates = Unit.objects.active_on(today).filter(kind__in=kinds)
    candidates = candidates | Unit.objects.filter(pk__in=explicit)
    if only_pk is not None:
        candidates = candidates.filter(pk=only_pk)
    if text:
        for word in normalize_vn(text).split():
            candidates = candidates.filter(search_text__contains=word)
    rows = list(candidates.only("pk", "name", "kind", "path", "parent_id").order_by("name"))
    ancestor_ids = {
        int(p) for u in rows for p in (u.path or "").strip("/").split("/") if p and p.isdigit()
    }
    ancestor_kind = dict(Unit.objects.filter(pk__in=ancestor_ids).values_list("pk", "kind"))
    out = []
    for unit in rows:
        effective = {unit.kind}
        if unit.kind in (UnitKind.ONE_STOP, UnitKind.PEOPLES_COMMITTEE):
            chain = [int(p) for p in (unit.path or "").strip("/").split("/") if p.isdigit()]
            for pk in reversed(chain[:-1]):
                if ancestor_kind.get(pk) in TERRITORIAL_KINDS:
                    effective.add(ancestor_kind[pk])
                    break
        if unit.pk in explicit or effective & kinds:
            out.append(unit)
        if len(out) >= limit:
            break
    return out


# --- Application forms ---------------------------------------------------------------------


def application_form_for(*, procedure_code: str) -> ApplicationForm | None:
    return ApplicationForm.objects.filter(procedure_code=procedure_code, is_active=True).first()


def previous_form_data(*, user: User, form: ApplicationForm) -> dict[str, Any]:
    """The applicant's last filled form of this procedure (for pre-filling)."""
    from django.db.models import Q

    return _last_filled(
        Q(user=user), form=form, personal_id=user.personal_id, tax_code=user.tax_code
    )


def previous_form_data_for_identity(
    *, personal_id: str = "", tax_code: str = "", form: ApplicationForm
) -> dict[str, Any]:
    """The same, for an applicant identified at the counter by personal ID or tax code."""
    from django.db.models import Q

    return _last_filled(Q(pk__in=[]), form=form, personal_id=personal_id, tax_code=tax_code)


def _last_filled(q, *, form: ApplicationForm, personal_id: str, tax_code: str) -> dict[str, Any]:
    from django.db.models import Q

    if personal_id:
        q |= Q(personal_id=personal_id)
    if tax_code:
        q |= Q(tax_code=tax_code)
    last = FilledForm.objects.filter(q, form=form).order_by("-created_at", "-pk").first()
    return dict(last.data) if last else {}


def proxy_authorisations(*, dossier_code: str) -> list[ProxyAuthorisation]:
    """People the applicant authorised to collect the result (not revoked), newest first."""
    return list(
        ProxyAuthorisation.objects.filter(
            dossier_code=dossier_code, revoked_at__isnull=True
        ).order_by("-created_at", "-pk")
    )


def identity_of(*, user: User) -> dict[str, str]:
    return {
        "full_name": user.full_name or "",
        "personal_id": user.personal_id or "",
        "tax_code": user.tax_code or "",
        "phone": user.phone or "",
        "email": user.email or "",
    }


def previous_applicant_data(*, user: User) -> dict[str, Any]:
    """Address, phone, e-mail and date of birth the applicant declared last time."""
    last = dossiers_of_citizen(user=user).select_related("applicant").first()
    if last is None:
        return {}
    a = last.applicant
    return {
        "address": a.address,
        "phone": a.phone,
        "email": a.email,
        "date_of_birth": a.date_of_birth.isoformat() if a.date_of_birth else "",
    }


# --- Applicant data store ---------------------------------------------------------------


@dataclass(frozen=True)
class StoreItem:
    """One document of the applicant's data store that may be reused in a new dossier."""

    reference: str
    title: str
    kind: str  # "result" | "component" | "document"
    dossier_code: str = ""
    date: dt.datetime | None = None


def _documents_app_items(user: User) -> list[StoreItem]:
    """Items of the documents app's store (ApplicantDocument), when that app provides it.

    Its selector takes an Applicant row and matches the person or organisation by ID, so
    any of the user's own dossiers' applicant rows stands for them."""
    try:
        from cchc.documents.selectors import applicant_documents
    except ImportError:
        return []
    last = dossiers_of_citizen(user=user).select_related("applicant").first()
    if last is None:
        return []
    return [
        StoreItem(
            reference=f"doc:{doc.pk}",
            title=str(getattr(doc, "title", "") or doc),
            kind="document",
            dossier_code=getattr(getattr(doc, "source_dossier", None), "code", "") or "",
            date=getattr(doc, "issued_at", None),
        )
        for doc in applicant_documents(applicant=last.applicant, reusable_only=True)
    ]


def applicant_store(*, user: User) -> list[StoreItem]:
    """The applicant's earlier electronic results and digitized papers (NĐ 45/2020/NĐ-CP:
    data already given is not asked again). Three queries."""
    dossiers = dossiers_of_citizen(user=user)
    items = _documents_app_items(user)
    for d in dossiers.exclude(result_file=""):
        items.append(
            StoreItem(
                reference=f"result:{d.code}",
                title=f"Kết quả hồ sơ {d.code} — {d.procedure_version.result_name or d.procedure_version.procedure.name}",
                kind="result",
                dossier_code=d.code,
                date=d.finished_at,
            )
        )
    components = (
        DossierComponent.objects.filter(dossier__in=dossiers.values("pk"))
        .exclude(file="")
        .select_related("dossier")
        .order_by("-dossier__received_at", "pk")
    )
    for c in components:
        items.append(
            StoreItem(
                reference=f"component:{c.pk}",
                title=f"{c.name} (hồ sơ {c.dossier.code})",
                kind="component",
                dossier_code=c.dossier.code,
                date=c.dossier.received_at,
            )
        )
    return items


def applicant_store_file(*, user: User, reference: str) -> tuple[Any, str] | None:
    """(stored file, download name) for a store reference that belongs to `user`, else
    None. Ownership is checked in the query: the same rule as `dossiers_of_citizen`."""
    kind, _, key = str(reference or "").partition(":")
    mine = dossiers_of_citizen(user=user)
    if kind == "result":
        d = mine.exclude(result_file="").filter(code=key).first()
        return (d.result_file, f"ket-qua-{d.code}") if d else None
    if not key.isdigit():
        return None
    if kind == "component":
        c = (
            DossierComponent.objects.filter(pk=int(key), dossier__in=mine.values("pk"))
            .exclude(file="")
            .first()
        )
        return (c.file, f"thanh-phan-{c.pk}") if c else None
    if kind == "doc":
        try:
            from cchc.documents.selectors import applicant_documents
        except ImportError:
            return None
        last = mine.select_related("applicant").first()
        if last is None:
            return None
        doc = applicant_documents(applicant=last.applicant).filter(pk=int(key)).first()
        return (doc.file, f"giay-to-{doc.pk}") if doc else None
    return None


def applicant_store_item(*, user: User, reference: str) -> bool:
    """Whether `reference` names a document of `user`'s own data store."""
    return applicant_store_file(user=user, reference=reference) is not None


# --- Public status -----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStep:
    name: str
    unit_name: str
    started_at: dt.datetime
    due_at: dt.datetime
    finished_at: dt.datetime | None
    outcome_label: str
    outcome: str


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the code and the secret may see: no personal data."""

    code: str
    procedure_name: str
    procedure_code: str
    receiving_unit_name: str
    status: str
    status_label: str
    received_at: dt.datetime
    due_at: dt.datetime
    is_late: bool
    outcome_label: str
    supplement_items: list[str] = field(default_factory=list)
    supplement_reason: str = ""
    steps: list[PublicStep] = field(default_factory=list)
    can_rate: bool = False
    rated: bool = False
    # Mẫu 04: the apology's new date (the original due date stays the legal one).
    apology_due_at: dt.datetime | None = None


def _supplement_request(dossier: Dossier) -> tuple[list[str], str]:
    event = (
        DossierEvent.objects.filter(dossier=dossier, action="supplement_requested")
        .order_by("-seq")
        .only("payload")
        .first()
    )
    if event is None:
        return [], ""
    payload = event.payload or {}
    facts = payload.get("facts") or payload
    return list(facts.get("items") or []), str(facts.get("reason") or "")


def public_status_build(dossier: Dossier) -> PublicStatus:
    now = timezone.now()
    steps = [
        PublicStep(
            name=s.name,
            unit_name=s.unit.name,
            started_at=s.started_at,
            due_at=s.due_at,
            finished_at=s.finished_at,
            outcome=s.outcome,
            outcome_label=Outcome(s.outcome).label if s.outcome else "Đang thực hiện",
        )
        for s in DossierStep.objects.filter(dossier=dossier)
        .select_related("unit")
        .order_by("index")
    ]
    items, reason = ([], "")
    if dossier.status == DossierStatus.WAITING_SUPPLEMENT:
        items, reason = _supplement_request(dossier)
    is_late = (
        dossier.status in OPEN_STATUSES - PAUSED_STATUSES and dossier.due_at < now
    ) or dossier.outcome == Outcome.LATE
    return PublicStatus(
        code=dossier.code,
        procedure_name=dossier.procedure_version.procedure.name,
        procedure_code=dossier.procedure_version.procedure.code,
        receiving_unit_name=dossier.receiving_unit.name,
        status=dossier.status,
        status_label=dossier.get_status_display(),
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        is_late=is_late,
        outcome_label=Outcome(dossier.outcome).label if dossier.outcome else "",
        supplement_items=items,
        supplement_reason=reason,
        steps=steps,
        can_rate=dossier.status not in OPEN_STATUSES and not dossier.rating,
        rated=bool(dossier.rating),
        apology_due_at=dossier.apology_due_at,
    )


def public_status(*, code: str, secret: str) -> PublicStatus | None:
    """Status by dossier code + lookup secret; None for an unknown code or a wrong secret
    alike (the secret is checked against its hash by the dossier selector)."""
    dossier = dossier_get_by_lookup(code=code, secret=secret)
    if dossier is None:
        return None
    return public_status_build(dossier)


# --- My dossiers ---------------------------------------------------------------------------


@dataclass
class MyDossier:
    dossier: Dossier
    supplement_items: list[str]
    supplement_reason: str


def dossier_list_for_applicant(*, user: User) -> list[MyDossier]:
    """The signed-in applicant's own dossiers with any open supplement request (3 queries)."""
    if user is None or not user.is_authenticated:
        return []
    dossiers = list(dossiers_of_citizen(user=user).select_related("current_unit"))
    waiting = [d.pk for d in dossiers if d.status == DossierStatus.WAITING_SUPPLEMENT]
    requests: dict[int, tuple[list[str], str]] = {}
    if waiting:
        for e in (
            DossierEvent.objects.filter(dossier_id__in=waiting, action="supplement_requested")
            .order_by("seq")
            .only("dossier_id", "payload")
        ):
            facts = (e.payload or {}).get("facts") or e.payload or {}
            requests[e.dossier_id] = (
                list(facts.get("items") or []),
                str(facts.get("reason") or ""),
            )
    return [MyDossier(d, *requests.get(d.pk, ([], ""))) for d in dossiers]


def my_dossier_get(*, user: User, code: str) -> Dossier:
    """One of the applicant's own dossiers; PermissionDenied for anybody else's (the same
    answer for an unknown code, so codes cannot be probed)."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied("Vui lòng đăng nhập.")
    dossier = (
        dossiers_of_citizen(user=user)
        .select_related("applicant", "receiving_unit", "current_unit")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise PermissionDenied("Bạn không có quyền xem hồ sơ này.")
    return dossier


def my_dossier_components(*, dossier: Dossier) -> list[DossierComponent]:
    return list(DossierComponent.objects.filter(dossier=dossier).order_by("pk"))


# --- Petitions ---------------------------------------------------------------------------


def petition_list_for_unit(*, user: User, unit: Unit | None = None) -> QuerySet[Petition]:
    """Petitions addressed to units where `user` may receive dossiers (permission-checked)."""
    if user is None or not user.is_authenticated:
        return Petition.objects.none()
    units = Unit.objects.filter(scope_filter(user, Action.DOSSIER_RECEIVE)).values("pk")
    qs = Petition.objects.filter(unit_id__in=units).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("status", "due_at")


def petition_by_code(*, code: str) -> Petition | None:
    return Petition.objects.select_related("unit").filter(code=code).first()


def petition_get_by_lookup(*, code: str, secret: str) -> Petition | None:
    """The submitter's view of a petition: code + the secret shown once at submission.
    An unknown code costs the same hash check as a wrong secret."""
    from cchc.core.lookup_secrets import secret_matches

    petition = petition_by_code(code=str(code or "").strip())
    if petition is None:
        secret_matches(str(secret or ""), "")
        return None
    if not secret_matches(str(secret or "").strip(), petition.lookup_secret_hash):
        return None
    return petition


# --- Submission unit ---------------------------------------------------------------------


def submission_unit_get(*, version: ProcedureVersion, pk: int) -> Unit | None:
    """The unit `pk` if it receives `version` online (same rule as `submission_units`)."""
    unit = Unit.objects.filter(pk=pk).only("pk", "name").first()
    if unit is None:
        return None
    matches = submission_units(version=version, only_pk=pk, limit=1)
    return matches[0] if matches else None
