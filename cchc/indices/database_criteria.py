"""The 766 criteria the database computes from data other than dossier facts.

Each function below returns `(numerator, denominator)` for a period and a unit's subtree
(`None` = the whole province) and is registered in `cchc.indices.sources` by
`register_all()` (called from `IndicesConfig.ready`). Scoring an interchange file never
calls them: there these criteria stay null (the interchange contract of issue 5).

Everything is judged **as of the period's end** T (23:59:59 of its last day), like the
dossier criteria: a date after T is treated as not (yet) happened.

Sources of the formulas (see also `definition.py`):
- QĐ 766/QĐ-TTg ngày 23/6/2022 (satisfaction formulas for petitions);
- the portal's “Mô tả công thức tính chỉ số 766” as transcribed in
  docs/domain-vn.md §1 (items 1.1–1.3, 3.5, 4.5, 5.2) and the scores reverse-engineered
  from portal data (payment: the B and C terms). The portal gives a unit with no PAKN
  full points; here, as for every criterion, a zero denominator gives null.

Scope of catalog criteria for a unit: the procedure versions its subtree implements —
a version whose `implementing_unit_kinds` meet the kinds of the subtree's units (and the
territorial kind a one-stop or committee acts for), or that lists one of those units in
`implementing_units`. Whole province: every version.

Not computed (no data recorded for them; they keep the official figure):
ELECTRONIC_CERTIFIED_COPY (the components record certified copies *submitted*, not the
copies a commune *issued*), SYNCED_WITH_DVCQG_PERSONAL_STORAGE, CITIZEN_DATA_CONNECTED_*
(no record of a VNeID-authenticated account or a population-database lookup per dossier),
DOSSIER_SYNC (registered by the portal synchronisation).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cchc.indices.interchange import local_tz, period_bounds, to_local
from cchc.indices.periods import Period

# Portal formula 1.1 / 1.2: working days allowed, by level (province, ministry).
ANNOUNCE_BEFORE_EFFECT_WD = {"province": 5, "central": 20}
PUBLIC_AFTER_ANNOUNCE_WD = {"province": 5, "central": 10}

Figure = tuple[int, int]


def _last_instant(period: Period) -> dt.datetime:
    """T as an aware instant (23:59:59 of the last day, local time)."""
    return period.end.replace(tzinfo=local_tz())


def _level_key(level: str) -> str:
    return "central" if level == "central" else "province"


# --- The data, read once for many (period, unit) requests ----------------------------------


@dataclass(frozen=True)
class _Scope:
    kinds: frozenset[str] | None  # None = whole province
    unit_ids: frozenset[int]

    def covers(self, version_kinds: list[str] | None, version_units: set[int]) -> bool:
        if self.kinds is None:
            return True
        return bool(self.kinds.intersection(version_kinds or [])) or bool(
            self.unit_ids & version_units
        )

    def holds(self, unit_id: int) -> bool:
        return self.kinds is None or unit_id in self.unit_ids


@dataclass(frozen=True)
class _Petition:
    unit_id: int
    dossier_code: str  # "" when not about a dossier
    received_at: dt.datetime
    due_at: dt.datetime
    answered_at: dt.datetime | None
    rating: str


@dataclass
class Data:
    """Catalog, petitions and payments of a root unit's subtree over a date range: every
    figure of this module for any period inside the range and any unit of the subtree is
    computed from it in Python (about ten queries whatever the number of requests)."""

    units: dict[int, tuple[str, str]]  # id → (path, kind); empty for the whole province
    versions: list[dict[str, Any]]  # every catalog version (the catalog has hundreds)
    version_units: dict[int, set[int]]
    fee_version_ids: set[int]
    petitions: list[_Petition]
    # (procedure id, receiving unit id, paid day) of online payments in the range.
    online_paid: set[tuple[int, int, dt.date]]
    # procedure id → first online payment ever (for "integrated").
    first_online_paid: dict[int, dt.datetime]
    calendar: Any
    effective_kinds: dict[int, set[str]] = field(default_factory=dict)
    in_force_cache: dict[dt.datetime, list[dict[str, Any]]] = field(default_factory=dict)

    def scope(self, unit: Any) -> _Scope:
        if unit is None:
            return _Scope(None, frozenset())
        ids = frozenset(pk for pk, (path, _) in self.units.items() if path.startswith(unit.path))
        kinds = {self.units[pk][1] for pk in ids} | self.effective_kinds.get(unit.pk, set())
        return _Scope(frozenset(kinds), ids)


def load(*, first_day: dt.date, last_day: dt.date, root: Any, units: Sequence[Any] = ()) -> Data:
    """Read what the figures need for periods within [first_day, last_day] and units in
    `root`'s subtree (None: the whole province); `units` are the units that will be asked
    about (their effective kinds are read once)."""
    from django.db.models import Min, Q
    from django.db.models.functions import TruncDate

    from cchc.calendars.selectors import calendar_for_unit
    from cchc.dossiers.models import DossierPetition
    from cchc.integrations.models import Payment, PaymentStatus
    from cchc.integrations.services import COUNTER
    from cchc.portal.models import Petition
    from cchc.procedures.models import FeeItem, ProcedureVersion
    from cchc.procedures.selectors import unit_effective_kinds
    from cchc.units.models import Unit

    start, _ = period_bounds(Period(first_day, first_day, str(first_day)))
    _, end = period_bounds(Period(last_day, last_day, str(last_day)))
    unit_rows: dict[int, tuple[str, str]] = {}
    if units:
        in_tree = Unit.objects.all() if root is None else Unit.objects.subtree_of(root)
        unit_rows = {
            pk: (path, kind) for pk, path, kind in in_tree.values_list("pk", "path", "kind")
        }
    versions: list[dict[str, Any]] = [
        dict(row)
        for row in ProcedureVersion.objects.values(
            "pk",
            "procedure_id",
            "procedure__name",
            "level",
            "valid_from",
            "valid_to",
            "published_at",
            "public_on_national_db_on",
            "online_payment_integrated_on",
            "online_level",
            "processing_time",
            "subjects",
            "implementing_unit_kinds",
        )
    ]
    from cchc.procedures.models import ComponentRequirement, ProcessStep

    with_steps = set(ProcessStep.objects.values_list("version_id", flat=True).distinct())
    with_components = set(
        ComponentRequirement.objects.values_list("version_id", flat=True).distinct()
    )
    versions.sort(key=lambda v: v["pk"])
    for v in versions:
        v["has_steps"] = v["pk"] in with_steps
        v["has_components"] = v["pk"] in with_components
    through = ProcedureVersion.implementing_units.through
    version_units: dict[int, set[int]] = defaultdict(set)
    for version_id, unit_id in through.objects.values_list("procedureversion_id", "unit_id"):
        version_units[version_id].add(unit_id)
    fee_version_ids = set(
        FeeItem.objects.filter(Q(amount__gt=0) | Q(varies=True))
        .values_list("version_id", flat=True)
        .distinct()
    )

    on_dossier = DossierPetition.objects.filter(received_at__gte=start, received_at__lt=end)
    portal = Petition.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    online = Payment.objects.filter(status=PaymentStatus.PAID).exclude(provider=COUNTER)
    in_range = online.filter(paid_at__gte=start, paid_at__lt=end)
    if root is not None:
        on_dossier = on_dossier.filter(dossier__receiving_unit__path__startswith=root.path)
        portal = portal.filter(unit__path__startswith=root.path)
        in_range = in_range.filter(dossier__receiving_unit__path__startswith=root.path)
    petitions = [
        _Petition(unit_id, code, received, due, answered, "")
        for unit_id, code, received, due, answered in on_dossier.values_list(
            "dossier__receiving_unit_id", "dossier__code", "received_at", "due_at", "answered_at"
        )
    ]
    petitions += [
        _Petition(unit_id, code or "", received, due, answered, rating or "")
        for unit_id, code, received, due, answered, rating in portal.values_list(
            "unit_id", "dossier_code", "submitted_at", "due_at", "responded_at", "rating"
        )
    ]
    online_paid = set(
        in_range.annotate(day=TruncDate("paid_at", tzinfo=local_tz()))
        .values_list(
            "dossier__procedure_version__procedure_id", "dossier__receiving_unit_id", "day"
        )
        .distinct()
    )
    first_online_paid = dict(
        online.values("dossier__procedure_version__procedure_id")
        .annotate(first=Min("paid_at"))
        .values_list("dossier__procedure_version__procedure_id", "first")
    )
    return Data(
        units=unit_rows,
        versions=versions,
        version_units=version_units,
        fee_version_ids=fee_version_ids,
        petitions=petitions,
        online_paid=online_paid,
        first_online_paid=first_online_paid,
        # The province's calendar (national days off, make-up days): announcement and
        # publication are the province's acts.
        calendar=calendar_for_unit(unit=None),
        effective_kinds={u.pk: unit_effective_kinds(unit=u) for u in units if u is not None},
    )


def _in_force(data: Data, period: Period, scope: _Scope) -> dict[int, dict[str, Any]]:
    """Procedure id → its version in force at T (valid_from ≤ T < valid_to), in scope.
    Versions carry their own validity, so a procedure later withdrawn still counts for
    the periods it was in force."""
    t = _last_instant(period)
    if t not in data.in_force_cache:
        data.in_force_cache[t] = [
            v
            for v in data.versions
            if v["valid_from"] <= t and (v["valid_to"] is None or v["valid_to"] > t)
        ]
    found: dict[int, dict[str, Any]] = {}
    for v in data.in_force_cache[t]:  # by id: the last version wins if the catalog overlaps
        if scope.covers(v["implementing_unit_kinds"], data.version_units.get(v["pk"], set())):
            found[v["procedure_id"]] = v
    return found


def _announced(data: Data, period: Period, scope: _Scope) -> list[dict[str, Any]]:
    """Versions whose announcing decision (QĐ công bố, `published_at`) is in the period."""
    return [
        v
        for v in data.versions
        if v["published_at"] is not None
        and period.first_day <= v["published_at"] <= period.last_day
        and scope.covers(v["implementing_unit_kinds"], data.version_units.get(v["pk"], set()))
    ]


def _per_procedure(rows: list[dict[str, Any]], on_time: Callable[[dict[str, Any]], bool]) -> Figure:
    """Portal formula 1.1: a procedure counts once per period; one late announcement in
    the period makes the whole period late for it."""
    verdict: dict[int, bool] = {}
    for r in rows:
        verdict[r["procedure_id"]] = verdict.get(r["procedure_id"], True) and on_time(r)
    return sum(verdict.values()), len(verdict)


# --- 1. Transparency (catalog) ----------------------------------------------------------


def publish_on_time(data: Data, period: Period, scope: _Scope) -> Figure:
    """PUBLISH_ON_TIME (portal 1.1): announced ≤ the effect date of the regulating
    document − 5 working days (ministry: 20). The effect date is the day the version
    applies from (`valid_from`). Denominator: procedures announced in the period."""

    def on_time(r: dict[str, Any]) -> bool:
        effect = to_local(r["valid_from"]).date()  # type: ignore[union-attr]
        days = ANNOUNCE_BEFORE_EFFECT_WD[_level_key(r["level"])]
        # published ≤ effect − n WD ⇔ the n-th working day after publication ≤ effect.
        return bool(data.calendar.add_working_days(r["published_at"], days) <= effect)

    return _per_procedure(_announced(data, period, scope), on_time)


def public_update_on_time(data: Data, period: Period, scope: _Scope) -> Figure:
    """PUBLIC_UPDATE_ON_TIME (portal 1.2): made public on the national TTHC database
    ≤ 5 working days (ministry: 10) after the announcing decision. As of T: a publication
    after T, or none recorded, counts from T (late once T is past the deadline)."""

    def on_time(r: dict[str, Any]) -> bool:
        deadline = data.calendar.add_working_days(
            r["published_at"], PUBLIC_AFTER_ANNOUNCE_WD[_level_key(r["level"])]
        )
        public = r["public_on_national_db_on"]
        end = public if public is not None and public <= period.last_day else period.last_day
        return bool(end <= deadline)

    return _per_procedure(_announced(data, period, scope), on_time)


def public_content_full(data: Data, period: Period, scope: _Scope) -> Figure:
    """PUBLIC_CONTENT_FULL (portal 1.3; khoản 2 Điều 8 NĐ 63/2010/NĐ-CP): procedures in
    force at T whose version has all 7 parts — name, steps (trình tự), way of doing it
    (cách thức: the online level, always recorded), components (thành phần hồ sơ), time
    limit, subjects (đối tượng), implementing body (cơ quan thực hiện) — / procedures in
    force at T."""
    versions = _in_force(data, period, scope)
    full = 0
    for v in versions.values():
        parts = (
            bool(v["procedure__name"].strip()),
            v["has_steps"],
            bool(v["online_level"]),
            v["has_components"],
            v["processing_time"] > 0,
            bool(v["subjects"].strip()),
            bool(v["implementing_unit_kinds"]) or bool(data.version_units.get(v["pk"])),
        )
        full += all(parts)
    return full, len(versions)


# --- 5. Petitions (phản ánh, kiến nghị) ---------------------------------------------------
# PAKN received in the period by the unit's subtree: those recorded on a dossier
# (`DossierPetition`, at the dossier's receiving unit) and those sent through the portal
# (`portal.Petition`, at the unit they were addressed to).


def _petitions(data: Data, period: Period, scope: _Scope) -> list[_Petition]:
    start, end = period_bounds(period)
    return [p for p in data.petitions if start <= p.received_at < end and scope.holds(p.unit_id)]


def _petition_on_time(p: _Petition, t: dt.datetime) -> bool:
    # As the dossiers' end time E: the answer if given by T, else T.
    end = p.answered_at if p.answered_at is not None and p.answered_at <= t else t
    return end <= p.due_at


def petition_processing_on_time(data: Data, period: Period, scope: _Scope) -> Figure:
    """PETITION_PROCESSING_ON_TIME (QĐ 766; portal 5.2, 15 working days): PAKN answered
    on or before their deadline (an unanswered one is on time while T ≤ its deadline) /
    PAKN received in the period. No PAKN: denominator 0, so null (the project's rule for
    every criterion; the portal gives the maximum — the comparison screen shows it)."""
    t = _last_instant(period)
    petitions = _petitions(data, period, scope)
    return sum(_petition_on_time(p, t) for p in petitions), len(petitions)


def petition_handling_satisfaction(data: Data, period: Period, scope: _Scope) -> Figure:
    """PETITION_HANDLING_SATISFACTION (QĐ 766): (PAKN − those rated "không hài lòng",
    complained about again, or handled late; each once) / PAKN received in the period.
    "Complained about again": a later PAKN about the same dossier, received (by T) after
    this one was answered."""
    t = _last_instant(period)
    petitions = _petitions(data, period, scope)
    later: dict[str, list[dt.datetime]] = defaultdict(list)
    for p in petitions:
        if p.dossier_code:
            later[p.dossier_code].append(p.received_at)

    def satisfied(p: _Petition) -> bool:
        if not _petition_on_time(p, t) or p.rating == "dissatisfied":
            return False
        if p.dossier_code and p.answered_at is not None and p.answered_at <= t:
            answered = p.answered_at
            return not any(r > answered for r in later[p.dossier_code])
        return True

    return sum(satisfied(p) for p in petitions), len(petitions)


# --- 6. Procedure-level online payment ---------------------------------------------------


def _fee_procedures(data: Data, period: Period, scope: _Scope) -> dict[int, dict[str, Any]]:
    """Procedures whose version in force at T has a fee (a non-zero or varying item)."""
    return {
        pid: v
        for pid, v in _in_force(data, period, scope).items()
        if v["pk"] in data.fee_version_ids
    }


def formality_online_payment_integrated(data: Data, period: Period, scope: _Scope) -> Figure:
    """FORMALITY_ONLINE_PAYMENT_INTEGRATED (portal 3.5, full at ≥ 80%): procedures with
    fees integrated for online payment by T / procedures with fees. Integrated: the
    catalog records the integration date (≤ T), or an online payment through the gateway
    (anywhere in the province) has been made for it by T — no online payment is possible
    without integration."""
    t = _last_instant(period)
    procedures = _fee_procedures(data, period, scope)

    def integrated(pid: int, v: dict[str, Any]) -> bool:
        day = v["online_payment_integrated_on"]
        first = data.first_online_paid.get(pid)
        return (day is not None and day <= period.last_day) or (first is not None and first <= t)

    return sum(integrated(pid, v) for pid, v in procedures.items()), len(procedures)


def formality_online_payment_transacted(data: Data, period: Period, scope: _Scope) -> Figure:
    """FORMALITY_ONLINE_PAYMENT_TRANSACTED: procedures with fees that had an online
    payment in the period (on dossiers of the unit's subtree) / procedures with fees."""
    procedures = _fee_procedures(data, period, scope)
    paid = {
        pid
        for pid, unit_id, day in data.online_paid
        if period.first_day <= day <= period.last_day and scope.holds(unit_id)
    }
    return len(paid & set(procedures)), len(procedures)


CRITERIA_FUNCTIONS: dict[str, Callable[[Data, Period, _Scope], Figure]] = {
    "PUBLISH_ON_TIME": publish_on_time,
    "PUBLIC_UPDATE_ON_TIME": public_update_on_time,
    "PUBLIC_CONTENT_FULL": public_content_full,
    "PETITION_PROCESSING_ON_TIME": petition_processing_on_time,
    "PETITION_HANDLING_SATISFACTION": petition_handling_satisfaction,
    "FORMALITY_ONLINE_PAYMENT_INTEGRATED": formality_online_payment_integrated,
    "FORMALITY_ONLINE_PAYMENT_TRANSACTED": formality_online_payment_transacted,
}
REGISTERED = tuple(CRITERIA_FUNCTIONS)


def figures_many(requests: Sequence[tuple[Period, Any]]) -> list[dict[str, Figure]]:
    """The figures of every criterion of this module for each (period, unit) request,
    reading the data once (units must share the first request's root: the province, or
    one unit's subtree — the dashboard asks about a unit and its children)."""
    if not requests:
        return []
    first = min(p.first_day for p, _ in requests)
    last = max(p.last_day for p, _ in requests)
    units = [u for _, u in requests if u is not None]
    root = None
    if units and all(u is not None for _, u in requests):
        root = min(units, key=lambda u: len(u.path))
        if not all(u.path.startswith(root.path) for u in units):
            root = None
    data = load(
        first_day=first, last_day=last, root=root, units=list({u.pk: u for u in units}.values())
    )
    out = []
    for period, unit in requests:
        scope = data.scope(unit)
        out.append({code: fn(data, period, scope) for code, fn in CRITERIA_FUNCTIONS.items()})
    return out


def _single(code: str) -> Callable[[Period, Any], Figure]:
    def figure(period: Period, unit: Any) -> Figure:
        return figures_many([(period, unit)])[0][code]

    figure.__name__ = code.lower()
    return figure


def register_all() -> None:
    from cchc.indices.sources import register_database_batch, register_database_criterion

    for code in REGISTERED:
        register_database_criterion(code, _single(code))
    register_database_batch(REGISTERED, figures_many)
