"""Reads for personal data: everything held about one person, and the access log.

`subject_data` gathers, for one personal ID (and/or one portal account), the records of
every app that keeps data about the person, limited to the dossiers a `units` Q allows
(None = no limit, for the person's own download). Each record is written with its own
field names (see `row`), so a field another app adds later is exported without a change
here; only secrets (password hashes, lookup-secret hashes, hash-chain values) are left out.
"""

from __future__ import annotations

import datetime as dt
import decimal
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from cchc.accounts.permissions import Action, scope_filter
from cchc.privacy.models import PersonalDataAccess

if TYPE_CHECKING:
    from cchc.accounts.models import User

# Never exported: credentials and integrity values that say nothing about the person.
SECRET_FIELDS = frozenset({"password", "lookup_secret_hash", "hash", "prev_hash"})


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def scrub(value: Any) -> Any:
    """A JSON value without secret keys at any depth (event payloads carry the projection)."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in SECRET_FIELDS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def row(obj: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """One record as {field: value}: own columns only, foreign keys as their ids."""
    skip = SECRET_FIELDS | set(exclude)
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in skip:
            continue
        out[f.attname] = scrub(_value(getattr(obj, f.attname)))
    return out


@dataclass
class StoredFile:
    """A file to put in the export ZIP: where it is kept, and its entry name."""

    field_file: Any
    entry: str


@dataclass
class SubjectData:
    personal_id: str
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: list[StoredFile] = field(default_factory=list)

    @property
    def record_count(self) -> int:
        return sum(len(v) for v in self.sections.values())


def _entry(prefix: str, name: str) -> str:
    # The stored name is never trusted as a path: only its last part, under our prefix.
    base = posixpath.basename((name or "").replace("\\", "/")) or "tep"
    return f"tep/{prefix}/{base}"


def dossier_scope(user: User) -> Q:
    """Dossiers whose receiving, handling or current unit the user may export from."""
    return (
        scope_filter(user, Action.PERSONAL_DATA_EXPORT, field="receiving_unit__")
        | scope_filter(user, Action.PERSONAL_DATA_EXPORT, field="handling_unit__")
        | scope_filter(user, Action.PERSONAL_DATA_EXPORT, field="current_unit__")
    )


def subject_data(
    *, personal_id: str = "", account: User | None = None, dossiers_q: Q | None = None
) -> SubjectData:
    from cchc.accounts.models import User
    from cchc.documents.models import ApplicantDocument, ResultDocument
    from cchc.dossiers.models import (
        Applicant,
        Dossier,
        DossierComponent,
        DossierEvent,
        DossierPetition,
    )
    from cchc.integrations.models import Notification, NotificationSubscription, Payment
    from cchc.portal.models import FilledForm, Petition, ProxyAuthorisation

    data = SubjectData(personal_id=personal_id)
    s = data.sections

    who = Q(pk__in=[])
    if personal_id:
        who |= Q(personal_id=personal_id)
    if account is not None:
        who |= Q(user=account)
    accounts_q = Q(pk__in=[])
    if personal_id:
        accounts_q |= Q(personal_id=personal_id)
    if account is not None:
        accounts_q |= Q(pk=account.pk)
    s["tai_khoan"] = [
        row(u, exclude=("is_superuser", "is_staff"))
        for u in User.objects.filter(accounts_q).order_by("pk")
    ]

    applicants = list(Applicant.objects.filter(who).order_by("pk"))
    s["nguoi_nop"] = [row(a) for a in applicants]

    dossiers_qs = (
        Dossier.objects.filter(applicant__in=applicants)
        .select_related("procedure_version__procedure", "receiving_unit")
        .prefetch_related(
            models.Prefetch("components", queryset=DossierComponent.objects.order_by("pk"))
        )
    )
    if dossiers_q is not None:
        dossiers_qs = dossiers_qs.filter(dossiers_q)
    dossiers = list(dossiers_qs.distinct().order_by("received_at", "pk"))
    codes = [d.code for d in dossiers]
    s["ho_so"] = [
        {
            **row(d),
            "procedure_code": d.procedure_version.procedure.code,
            "procedure_name": d.procedure_version.procedure.name,
            "receiving_unit_name": d.receiving_unit.name,
        }
        for d in dossiers
    ]
    components = []
    for d in dossiers:
        for c in d.components.all():
            components.append({**row(c), "dossier_code": d.code})
            if c.file:
                data.files.append(StoredFile(c.file, _entry(f"{d.code}/thanh-phan", c.file.name)))
        if d.result_file:
            data.files.append(
                StoredFile(d.result_file, _entry(f"{d.code}/ket-qua", d.result_file.name))
            )
    s["thanh_phan_ho_so"] = components
    # The history of each dossier; internal staff notes are working documents of the
    # agency, not data about the person, and are listed without their text.
    s["dien_bien_ho_so"] = [
        {
            "dossier_code": e.dossier.code,
            "seq": e.seq,
            "action": e.action,
            "created_at": _value(e.created_at),
            "payload": {} if e.action == "note_added" else scrub(e.payload),
        }
        for e in DossierEvent.objects.filter(dossier__in=dossiers)
        .select_related("dossier")
        .order_by("dossier_id", "seq")
    ]
    s["phan_anh_ve_ho_so"] = [
        row(p) for p in DossierPetition.objects.filter(dossier__in=dossiers).order_by("pk")
    ]
    s["thanh_toan"] = [row(p) for p in Payment.objects.filter(dossier__in=dossiers).order_by("pk")]
    s["thong_bao"] = [
        row(n) for n in Notification.objects.filter(dossier__in=dossiers).order_by("pk")
    ]
    s["dang_ky_nhan_thong_bao"] = [
        row(n) for n in NotificationSubscription.objects.filter(dossier__in=dossiers)
    ]
    s["ket_qua_dien_tu"] = [
        row(r) for r in ResultDocument.objects.filter(dossier__in=dossiers).order_by("pk")
    ]
    stored = ApplicantDocument.objects.filter(applicant__in=applicants)
    if dossiers_q is not None:
        stored = stored.filter(Q(source_dossier__in=dossiers) | Q(source_dossier__isnull=True))
    s["kho_du_lieu"] = []
    for doc in stored.order_by("pk"):
        s["kho_du_lieu"].append(row(doc))
        if doc.file:
            data.files.append(StoredFile(doc.file, _entry(f"kho/{doc.pk}", doc.file.name)))
    forms_q = Q(dossier_code__in=codes)
    if dossiers_q is None:
        forms_q |= who
    s["to_khai"] = [row(f) for f in FilledForm.objects.filter(forms_q).order_by("pk")]
    proxies_q = Q(dossier_code__in=codes)
    if personal_id:
        proxies_q |= Q(proxy_personal_id=personal_id)
    proxies = ProxyAuthorisation.objects.filter(proxies_q).order_by("pk")
    if dossiers_q is not None:
        proxies = proxies.filter(dossier_code__in=codes)
    s["uy_quyen"] = []
    for p in proxies:
        s["uy_quyen"].append(row(p))
        if p.document:
            data.files.append(StoredFile(p.document, _entry(f"uy-quyen/{p.pk}", p.document.name)))
    petitions_q = Q(dossier_code__in=codes)
    if account is not None and dossiers_q is None:
        petitions_q |= Q(user=account)
    s["phan_anh_kien_nghi"] = [row(p) for p in Petition.objects.filter(petitions_q).order_by("pk")]
    # NĐ 13/2023 Art. 9(1): the person may know who processed their data.
    log_q = Q(dossier__in=dossiers)
    if personal_id:
        log_q |= Q(subject_personal_id=personal_id)
    s["nhat_ky_truy_cap"] = [
        row(x, exclude=("ip",)) for x in PersonalDataAccess.objects.filter(log_q).order_by("at")
    ]
    return data


def read_files(files: list[StoredFile]) -> Iterator[tuple[str, bytes | None]]:
    """(entry name, content) of each file; None when the storage no longer has it."""
    seen: set[str] = set()
    for f in files:
        entry = f.entry
        n = 1
        while entry in seen:
            n += 1
            stem, dot, ext = f.entry.rpartition(".")
            entry = f"{stem}-{n}.{ext}" if dot else f"{f.entry}-{n}"
        seen.add(entry)
        try:
            with f.field_file.open("rb") as fh:
                yield entry, fh.read()
        except (OSError, ValueError):
            yield entry, None


def access_log(*, user: User, limit: int = 200) -> list[PersonalDataAccess]:
    """Recent accesses in the units the user may export from (and the user's own)."""
    units = scope_filter(user, Action.PERSONAL_DATA_EXPORT, field="unit__")
    return list(
        PersonalDataAccess.objects.filter(units | Q(actor=user))
        .select_related("actor", "dossier", "unit")
        .order_by("-at", "-pk")[:limit]
    )
