"""Reads for the official forms, the tracking book, signed results and the applicant's data store.

Each form reads a fixed, small number of queries whatever the dossier's history
(components, steps and events are fetched in one query each, with their units and
users joined), and the tracking book reads two queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cchc.accounts.models import User
from cchc.accounts.permissions import Action, has_permission, require
from cchc.documents.models import ApplicantDocument, ResultDocument
from cchc.dossiers.models import Applicant, Dossier, DossierEvent, DossierStep
from cchc.units.models import TERRITORIAL_KINDS, Unit, UnitKind

# Longest range one tracking book export may cover (one year and a day for leap years).
TRACKING_BOOK_MAX_DAYS = 366

_PLACE_PREFIXES = (
    "Thành phố ",
    "Tỉnh ",
    "Phường ",
    "Xã ",
    "Thị trấn ",
    "Đặc khu ",
    "Thị xã ",
    "Huyện ",
    "Quận ",
)


@dataclass(frozen=True)
class Issuer:
    """The header of an administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I):
    the governing body (cơ quan chủ quản), the issuing body and the place name (địa danh)."""

    parent_name: str
    name: str
    place: str


def _strip_place(name: str) -> str:
    for prefix in _PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def issuer_for(unit: Unit) -> Issuer:
    """Header lines for `unit` (one query for its ancestors).

    A territorial parent is written as its People's Committee ("ỦY BAN NHÂN DÂN PHƯỜNG
    QUY NHƠN"), as one-stop forms are issued under the People's Committee; the place
    name is that of the nearest territorial unit without its kind ("Quy Nhơn"), per
    NĐ 30/2020 Phụ lục I (địa danh)."""
    ids = [pk for pk in unit.ancestor_ids if pk != unit.pk]
    ancestors = {u.pk: u for u in Unit.objects.filter(pk__in=ids)} if ids else {}
    chain = [ancestors[pk] for pk in ids if pk in ancestors][::-1]  # nearest first
    parent = chain[0] if chain else None
    if parent is None:
        parent_name = ""
    elif parent.kind in TERRITORIAL_KINDS:
        parent_name = f"Ủy ban nhân dân {parent.name[:1].lower()}{parent.name[1:]}"
    else:
        parent_name = parent.name
    territory = next((u for u in [unit, *chain] if u.kind in TERRITORIAL_KINDS), None)
    if (
        unit.kind == UnitKind.PEOPLES_COMMITTEE
        and parent is not None
        and parent.kind in TERRITORIAL_KINDS
    ):
        parent_name = ""
    place = _strip_place(territory.name) if territory else ""
    return Issuer(parent_name=parent_name, name=unit.name, place=place)


# --- Dossier forms ---------------------------------------------------------------------


def dossier_for_forms(*, user: User, code: str) -> Dossier:
    """The dossier `code` if `user` holds DOSSIER_VIEW in its receiving or handling unit.

    Raises Dossier.DoesNotExist or PermissionDenied; views answer both with the same
    404 so a code of another unit reveals nothing."""
    dossier = Dossier.objects.select_related("receiving_unit", "handling_unit").get(
        code=code.strip()
    )
    for unit in (dossier.receiving_unit, dossier.handling_unit):
        if unit is not None and has_permission(user, Action.DOSSIER_VIEW, unit):
            return dossier
    raise PermissionDenied("Bạn không có quyền xem hồ sơ này.")


@dataclass
class FormData:
    dossier: Dossier
    issuer: Issuer
    components: list = field(default_factory=list)
    steps: list[DossierStep] = field(default_factory=list)
    events: list[DossierEvent] = field(default_factory=list)
    receiver_name: str = ""

    def last_event(self, action: str) -> DossierEvent | None:
        for event in reversed(self.events):
            if event.action == action:
                return event
        return None


def form_data(*, dossier: Dossier) -> FormData:
    """Everything a form prints, in five queries (dossier, ancestors, components, steps,
    events), whatever the length of the dossier's history."""
    d = Dossier.objects.select_related(
        "applicant",
        "procedure_version__procedure",
        "receiving_unit",
        "handling_unit",
        "current_unit",
    ).get(pk=dossier.pk)
    events = list(
        DossierEvent.objects.filter(dossier=d)
        .exclude(action="note_added")
        .select_related("actor", "unit")
        .order_by("seq")
    )
    received = next((e for e in events if e.action == "received"), None)
    return FormData(
        dossier=d,
        issuer=issuer_for(d.receiving_unit),
        components=list(d.components.order_by("id")),
        steps=list(
            DossierStep.objects.filter(dossier=d)
            .select_related("unit", "assignee")
            .order_by("index")
        ),
        events=events,
        receiver_name=str(received.actor) if received and received.actor else "",
    )


# --- Tracking book (Sổ theo dõi hồ sơ) ----------------------------------------------------


def parse_book_range(raw_start: str | None, raw_end: str | None) -> tuple[dt.date, dt.date]:
    """`from`/`to` as dd/mm/yyyy or yyyy-mm-dd; both default to today. Raises a Vietnamese
    ValidationError on anything else, a reversed range or more than a year."""
    today = timezone.localdate()

    def parse(raw: str | None, name: str) -> dt.date:
        raw = (raw or "").strip()
        if not raw:
            return today
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
        raise ValidationError(
            {
                name: ValidationError(
                    "Ngày không hợp lệ; vui lòng nhập theo dạng dd/mm/yyyy.", code="date"
                )
            }
        )

    start, end = parse(raw_start, "from"), parse(raw_end, "to")
    if start > end:
        raise ValidationError(
            {"to": ValidationError("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.", code="range")}
        )
    if (end - start).days + 1 > TRACKING_BOOK_MAX_DAYS:
        raise ValidationError(
            {
                "to": ValidationError(
                    "Mỗi lần xuất sổ theo dõi tối đa 366 ngày.", code="range_too_long"
                )
            }
        )
    return start, end


def unit_for_book(*, user: User, code: str) -> Unit:
    """The unit whose book `user` may read (DOSSIER_VIEW there); DoesNotExist / PermissionDenied."""
    unit = Unit.objects.get(code=code.strip())
    require(user, Action.DOSSIER_VIEW, unit)
    return unit


@dataclass(frozen=True)
class BookRow:
    number: int
    dossier: Dossier
    forwarded_at: dt.datetime | None
    forwarded_to: str


def _local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def tracking_book_rows(*, unit: Unit, start: dt.date, end: dt.date) -> list[BookRow]:
    """Dossiers received by `unit` between `start` and `end` (local dates, inclusive),
    in order of receipt: two queries (dossiers with their joins, and their steps)."""
    lo, hi = _local_bounds(start, end)
    dossiers = (
        Dossier.objects.filter(receiving_unit=unit, received_at__gte=lo, received_at__lt=hi)
        .select_related("applicant", "procedure_version__procedure", "handling_unit")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=DossierStep.objects.select_related("unit").order_by("index"),
                to_attr="book_steps",
            )
        )
        .order_by("received_at", "pk")
    )
    rows = []
    for n, d in enumerate(dossiers, 1):
        # The first pass handled outside the receiving one-stop is the hand-over to the
        # agency that resolves it (column "chuyển hồ sơ đến cơ quan giải quyết").
        forwarded = next((s for s in d.book_steps if s.unit_id != unit.pk), None)
        rows.append(
            BookRow(
                number=n,
                dossier=d,
                forwarded_at=forwarded.started_at if forwarded else None,
                forwarded_to=forwarded.unit.name if forwarded else "",
            )
        )
    return rows


# --- Signed results and the applicant's data store ---------------------------------------


def result_document_by_token(*, token: str) -> ResultDocument | None:
    return (
        ResultDocument.objects.select_related("dossier", "issuing_unit").filter(token=token).first()
    )


def result_document_by_sha256(*, sha256: str) -> ResultDocument | None:
    return (
        ResultDocument.objects.select_related("dossier", "issuing_unit")
        .filter(sha256=sha256)
        .first()
    )


def _holder_q(*, kind: str, personal_id: str = "", tax_code: str = "") -> Q:
    """Applicant rows are per dossier; the data store belongs to the person or organisation,
    identified by the personal identity number or the tax code."""
    q = Q(pk__in=[])
    if personal_id:
        q |= Q(applicant__kind=kind, applicant__personal_id=personal_id)
    if tax_code:
        q |= Q(applicant__kind=kind, applicant__tax_code=tax_code)
    return q


def _same_holder_q(applicant: Applicant) -> Q:
    return Q(applicant=applicant) | _holder_q(
        kind=applicant.kind, personal_id=applicant.personal_id, tax_code=applicant.tax_code
    )


def applicant_documents_for_identity(
    *, kind: str, personal_id: str = "", tax_code: str = "", reusable_only: bool = False
) -> QuerySet[ApplicantDocument]:
    """The data store of the person (personal ID) or organisation (tax code) typed at the
    counter, before any Applicant row exists for the new dossier (one query)."""
    qs = ApplicantDocument.objects.filter(
        _holder_q(kind=kind, personal_id=personal_id, tax_code=tax_code)
    ).select_related("source_dossier__procedure_version__procedure", "result_document")
    if reusable_only:
        qs = qs.filter(reusable=True)
    return qs.order_by("-issued_at", "-pk")


def applicant_documents(
    *, applicant: Applicant, reusable_only: bool = False
) -> QuerySet[ApplicantDocument]:
    """The applicant's stored results and digitized papers, newest first (one query).

    `applicant` may be the Applicant row of any of their dossiers."""
    qs = ApplicantDocument.objects.filter(_same_holder_q(applicant)).select_related(
        "source_dossier__procedure_version__procedure", "result_document"
    )
    if reusable_only:
        qs = qs.filter(reusable=True)
    return qs.order_by("-issued_at", "-pk")
