"""Reads for simplification work: mining input, overviews, proposals, measured effects.

Scope: a user sees the dossiers received by units where they hold REPORT_VIEW
(`cchc.accounts.permissions.units_in_scope`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from cchc.accounts.models import Role, User
from cchc.accounts.permissions import Action, units_in_scope
from cchc.calendars.selectors import calendar_for_unit
from cchc.dossiers.models import Dossier, DossierEvent, DossierStep
from cchc.procedures.models import Procedure, ProcedureVersion
from cchc.reforms import cost, mining
from cchc.reforms.models import (
    Initiative,
    OutreachActivity,
    Proposal,
    TrainingAttendance,
    TrainingMaterial,
    TrainingSession,
)
from cchc.units.models import Unit

MINED_ACTIONS = (
    "handed_over",
    "returned_to_step",
    "supplement_requested",
    "supplement_provided",
    "paused",
    "resumed",
)


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


@dataclass
class MiningInput:
    dossiers: list[mining.DossierRow]
    steps: list[mining.StepRow]
    events: list[mining.EventRow]


def _dossiers(user: User, *, year: int, procedure: Procedure | None) -> QuerySet[Dossier]:
    since, until = year_bounds(year)
    qs = Dossier.objects.filter(
        received_at__gte=since,
        received_at__lt=until,
        receiving_unit__in=units_in_scope(user, Action.REPORT_VIEW),
    )
    if procedure is not None:
        qs = qs.filter(procedure_version__procedure=procedure)
    return qs


def mining_input(*, user: User, year: int, procedure: Procedure | None = None) -> MiningInput:
    """The rows process mining needs, in 4 queries (dossiers with component counts,
    steps, events; the scope's units are a subquery)."""
    qs = _dossiers(user, year=year, procedure=procedure)
    dossiers = [
        mining.DossierRow(
            id=r["id"],
            procedure_id=r["procedure_version__procedure_id"],
            receiving_unit_id=r["receiving_unit_id"],
            channel=r["channel"],
            received_at=r["received_at"],
            supplement_count=r["supplement_count"],
            components=r["n_components"],
            digitized_components=r["n_digitized"],
        )
        for r in qs.values(
            "id",
            "procedure_version__procedure_id",
            "receiving_unit_id",
            "channel",
            "received_at",
            "supplement_count",
        ).annotate(
            n_components=Count("components"),
            n_digitized=Count("components", filter=~Q(components__source="paper")),
        )
    ]
    ids = qs.values("id")
    steps = [
        mining.StepRow(**r)
        for r in DossierStep.objects.filter(dossier__in=ids)
        .order_by("dossier_id", "index")
        .values(
            "dossier_id",
            "index",
            "order",
            "name",
            "unit_id",
            "quota",
            "started_at",
            "finished_at",
            "overrun_working_days",
        )
    ]
    events = [
        mining.EventRow(**r)
        for r in DossierEvent.objects.filter(dossier__in=ids, action__in=MINED_ACTIONS)
        .order_by("dossier_id", "seq")
        .values("dossier_id", "seq", "action", "created_at", "payload")
    ]
    return MiningInput(dossiers=dossiers, steps=steps, events=events)


@dataclass
class MiningOverview:
    year: int
    results: list[mining.ProcedureMining]
    candidates: list[mining.Candidate]
    procedures: dict[int, Procedure]
    units: dict[int, Unit]
    period_days: int


def _period_days(year: int, now: dt.datetime) -> int:
    since, until = year_bounds(year)
    end = min(until, max(now, since + dt.timedelta(days=1)))
    return max(1, (end - since).days)


def mining_overview(
    *, user: User, year: int, procedure: Procedure | None = None, now: dt.datetime | None = None
) -> MiningOverview:
    """Process mining of `year` over the user's scope, one result per procedure.

    Query count is fixed (8): the rows (dossiers with component counts, steps, events;
    the scope as subqueries), the calendar (2), procedure and unit names.
    Durations use the calendar of the whole system (national days off and the default
    office hours); units with their own office hours differ by minutes at most.
    """
    now = now or timezone.now()
    data = mining_input(user=user, year=year, procedure=procedure)
    calendar = calendar_for_unit(unit=None)

    def working_days(start, end, pauses):
        return calendar.working_days_between(start, end, pauses)

    # Partition the rows by procedure once (mine_procedure filters what it is given).
    procedure_of = {d.id: d.procedure_id for d in data.dossiers}
    dossiers_by: dict[int, list[mining.DossierRow]] = defaultdict(list)
    steps_by: dict[int, list[mining.StepRow]] = defaultdict(list)
    events_by: dict[int, list[mining.EventRow]] = defaultdict(list)
    for d in data.dossiers:
        dossiers_by[d.procedure_id].append(d)
    for s in data.steps:
        steps_by[procedure_of[s.dossier_id]].append(s)
    for e in data.events:
        events_by[procedure_of[e.dossier_id]].append(e)
    procedure_ids = sorted(dossiers_by)
    results = [
        mining.mine_procedure(
            procedure_id=pid,
            dossiers=dossiers_by[pid],
            steps=steps_by[pid],
            events=events_by[pid],
            working_days=working_days,
            now=now,
        )
        for pid in procedure_ids
    ]
    period = _period_days(year, now)
    unit_ids = {s.unit_id for s in data.steps}
    for r in results:
        for a, b, _n in r.loop_pairs:
            unit_ids |= {a, b}
    return MiningOverview(
        year=year,
        results=results,
        candidates=mining.candidates(results, period_days=period),
        procedures=Procedure.objects.in_bulk(procedure_ids),
        units=Unit.objects.in_bulk(unit_ids),
        period_days=period,
    )


# --- Measured effect of a new procedure version -----------------------------------------


EFFECT_FIELDS = (
    "deemed_received_at",
    "finished_at",
    "paused_working_days",
    "outcome",
    "supplement_count",
    "channel",
    "fee_amount",
)


@dataclass
class DossierStats:
    """What the dossiers of a group really show (one definition for versions and
    initiatives): the statutory clock from deemed receipt to finish minus paused working
    days, the on-time share of finished dossiers, supplement and online shares."""

    dossiers: int
    finished: int
    times: mining.Percentiles | None  # working days received → finished, pauses removed
    on_time_rate: Decimal | None
    supplement_rate: Decimal
    online_rate: Decimal
    fees_collected: Decimal | None  # average fee recorded on the dossiers


def dossier_stats(rows: list[dict], calendar: Any) -> DossierStats:
    """`rows`: dicts with EFFECT_FIELDS; `calendar`: cchc.calendars working days."""
    finished = [r for r in rows if r["finished_at"] is not None]
    times = [
        max(
            Decimal(0),
            calendar.working_days_between(r["deemed_received_at"], r["finished_at"])
            - r["paused_working_days"],
        )
        for r in finished
    ]
    n = len(rows)
    return DossierStats(
        dossiers=n,
        finished=len(finished),
        times=mining.summarise(times),
        on_time_rate=(
            Decimal(sum(1 for r in finished if r["outcome"] in ("early", "on_time")))
            / len(finished)
            if finished
            else None
        ),
        supplement_rate=(
            Decimal(sum(1 for r in rows if r["supplement_count"])) / n if n else Decimal(0)
        ),
        online_rate=(
            Decimal(sum(1 for r in rows if r["channel"] == "online")) / n if n else Decimal(0)
        ),
        fees_collected=(sum((r["fee_amount"] for r in rows), Decimal(0)) / n if n else None),
    )


@dataclass
class VersionEffect:
    version: ProcedureVersion
    stats: DossierStats
    processing_time: Decimal
    fees: Decimal  # the version's published fees


@dataclass
class ProcedureEffect:
    procedure: Procedure
    versions: list[VersionEffect] = field(default_factory=list)


def procedure_effect(*, user: User, procedure: Procedure) -> ProcedureEffect:
    """Per version of `procedure`: real processing times of the dossiers received under it
    (the statutory clock: from deemed receipt to finish, minus paused working days),
    on-time, supplement and online rates. 4 queries + 2 for the calendar."""
    versions = list(
        ProcedureVersion.objects.filter(procedure=procedure)
        .prefetch_related("fees")
        .order_by("number")
    )
    rows = list(
        Dossier.objects.filter(
            procedure_version__procedure=procedure,
            receiving_unit__in=units_in_scope(user, Action.REPORT_VIEW),
        ).values("procedure_version_id", *EFFECT_FIELDS)
    )
    calendar = calendar_for_unit(unit=None)
    grouped: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        grouped[r["procedure_version_id"]].append(r)
    out = ProcedureEffect(procedure=procedure)
    for v in versions:
        out.versions.append(
            VersionEffect(
                version=v,
                stats=dossier_stats(grouped.get(v.pk, []), calendar),
                processing_time=v.processing_time,
                fees=sum((f.amount for f in v.fees.all()), Decimal(0)),
            )
        )
    return out


# --- Measured effect of an applied initiative ---------------------------------------------

EFFECT_WINDOW_DAYS = 365  # dossiers received up to a year either side of the application


@dataclass(frozen=True)
class Metric:
    code: str
    label: Any  # a lazy translation
    higher_is_better: bool
    unit: str  # "%" (a 0..1 share shown as a percentage) or "days"

    def of(self, stats: DossierStats) -> Decimal | None:
        if self.code == "processing_days":
            return stats.times.median if stats.times else None
        return getattr(stats, self.code)


METRICS = {
    m.code: m
    for m in (
        Metric("on_time_rate", _l("Tỷ lệ hồ sơ giải quyết đúng hạn"), True, "%"),
        Metric(
            "processing_days",
            _l("Thời gian giải quyết thực tế (trung vị, ngày làm việc)"),
            False,
            "days",
        ),
        Metric("online_rate", _l("Tỷ lệ hồ sơ nộp trực tuyến"), True, "%"),
        Metric("supplement_rate", _l("Tỷ lệ hồ sơ phải bổ sung"), False, "%"),
    )
}


@dataclass
class InitiativeEffect:
    initiative: Initiative
    metric: Metric
    since: dt.datetime  # start of the "before" window
    applied: dt.datetime
    until: dt.datetime  # end of the "after" window (capped at now)
    before: DossierStats
    after: DossierStats

    @property
    def before_value(self) -> Decimal | None:
        return self.metric.of(self.before)

    @property
    def after_value(self) -> Decimal | None:
        return self.metric.of(self.after)

    @property
    def change(self) -> Decimal | None:
        if self.before_value is None or self.after_value is None:
            return None
        return self.after_value - self.before_value

    @property
    def improved(self) -> bool | None:
        if not self.change:
            return None
        return (self.change > 0) == self.metric.higher_is_better


def initiative_effects(
    initiatives: list[Initiative], *, now: dt.datetime | None = None
) -> dict[int, InitiativeEffect]:
    """Before/after the application date, on the initiative's metric, from the dossiers of
    its procedure received by its unit (and the units under it) — the same statistics as
    `procedure_effect`. One query for all the initiatives + 2 for the calendar."""
    now = now or timezone.now()
    todo = [
        i
        for i in initiatives
        if i.metric in METRICS and i.procedure_id and i.applied_at and i.applied_at <= now
    ]
    if not todo:
        return {}
    window = dt.timedelta(days=EFFECT_WINDOW_DAYS)
    match = Q()
    for i in todo:
        match |= Q(
            procedure_version__procedure_id=i.procedure_id,
            receiving_unit__path__startswith=i.unit.path,
            deemed_received_at__gte=i.applied_at - window,
            deemed_received_at__lt=min(i.applied_at + window, now),
        )
    rows = list(
        Dossier.objects.filter(match).values(
            "procedure_version__procedure_id", "receiving_unit__path", *EFFECT_FIELDS
        )
    )
    calendar = calendar_for_unit(unit=None)
    out = {}
    for i in todo:
        applied = i.applied_at
        assert applied is not None  # noqa: S101 - type narrowing for mypy; no check relies on it
        since, until = applied - window, min(applied + window, now)
        mine = [
            r
            for r in rows
            if r["procedure_version__procedure_id"] == i.procedure_id
            and r["receiving_unit__path"].startswith(i.unit.path)
            and since <= r["deemed_received_at"] < until
        ]
        out[i.pk] = InitiativeEffect(
            initiative=i,
            metric=METRICS[i.metric],
            since=since,
            applied=applied,
            until=until,
            before=dossier_stats([r for r in mine if r["deemed_received_at"] < applied], calendar),
            after=dossier_stats([r for r in mine if r["deemed_received_at"] >= applied], calendar),
        )
    return out


def procedures_in_scope(*, user: User) -> QuerySet[Procedure]:
    """Procedures with at least one dossier the user may report on."""
    return (
        Procedure.objects.filter(
            versions__dossiers__receiving_unit__in=units_in_scope(user, Action.REPORT_VIEW)
        )
        .distinct()
        .order_by("code")
    )


# --- Proposals ------------------------------------------------------------------------------


def proposal_list(*, user: User) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(unit__in=units_in_scope(user, Action.REPORT_VIEW))
        .select_related("procedure", "unit", "created_by")
        .order_by("-created_at")
    )


def proposal_get(*, user: User, pk: int) -> Proposal:
    return proposal_list(user=user).prefetch_related("items").get(pk=pk)


@dataclass(frozen=True)
class ProposalCost:
    before: cost.CostInputs
    after: cost.CostInputs
    reduction: cost.Reduction
    days_saved: Decimal  # working days of waiting saved per dossier (not a cost: khoản 2)


def proposal_cost(proposal: Proposal) -> ProposalCost:
    """Compliance cost before and after the proposal's items (Điều 27 TT 02/2017/TT-VPCP).
    Uses `proposal.items.all()` (prefetch it for lists)."""
    items = list(proposal.items.all())
    before = cost.CostInputs(
        hours=proposal.hours,
        income_per_hour=proposal.income_per_hour,
        fees=proposal.fees,
        other_costs=proposal.other_costs,
        subjects_per_year=proposal.subjects_per_year,
        frequency_per_year=proposal.frequency_per_year,
    )
    after = cost.CostInputs(
        hours=max(Decimal(0), proposal.hours - sum((i.hours_saved for i in items), Decimal(0))),
        income_per_hour=proposal.income_per_hour,
        fees=max(Decimal(0), proposal.fees - sum((i.fee_saved for i in items), Decimal(0))),
        other_costs=max(
            Decimal(0), proposal.other_costs - sum((i.cost_saved for i in items), Decimal(0))
        ),
        subjects_per_year=proposal.subjects_per_year,
        frequency_per_year=proposal.frequency_per_year,
    )
    return ProposalCost(
        before=before,
        after=after,
        reduction=cost.reduction(before, after),
        days_saved=sum((i.days_saved for i in items), Decimal(0)),
    )


# --- Initiatives, training, outreach ------------------------------------------------------


@dataclass
class Community:
    year: int
    initiatives: list[Initiative]
    sessions: list[TrainingSession]
    untrained: list[tuple[Unit, list[User]]]  # staff with no attended session in the year
    outreach: list[OutreachActivity]
    reach: int
    assisted: list[dict]  # {"unit", "dossiers", "online"} volunteer-assisted submissions
    effects: dict[int, InitiativeEffect] = field(default_factory=dict)  # by initiative pk


STAFF_EXCLUDED_ROLES = (Role.CITIZEN, Role.PARTNER_STAFF)


def _staff(units: QuerySet[Unit]) -> list[tuple[Unit, list[User]]]:
    """Active staff of each unit (any role but citizen and partner staff), by unit name
    then person; one query."""
    from cchc.accounts.models import RoleAssignment

    staff_roles = [r for r in Role.values if r not in STAFF_EXCLUDED_ROLES]
    by_unit: dict[int, tuple[Unit, dict[int, User]]] = {}
    for a in (
        RoleAssignment.objects.filter(unit__in=units, role__in=staff_roles, user__is_active=True)
        .select_related("unit", "user")
        .order_by("unit__name", "user__full_name", "user__username")
    ):
        by_unit.setdefault(a.unit_id, (a.unit, {}))[1][a.user_id] = a.user
    return [(unit, list(people.values())) for unit, people in by_unit.values()]


def staff_by_unit(*, user: User) -> list[tuple[Unit, list[User]]]:
    """The people who may be called to a training, by unit, in the user's scope."""
    return _staff(units_in_scope(user, Action.REPORT_VIEW))


def training_session_get(*, user: User, pk: int) -> TrainingSession:
    """A session of a unit in the user's scope (DoesNotExist otherwise)."""
    return TrainingSession.objects.select_related("unit").get(
        pk=pk, unit__in=units_in_scope(user, Action.REPORT_VIEW)
    )


@dataclass
class SessionSheet:
    session: TrainingSession
    attendance: dict[int, bool]  # user pk → present
    staff: list[tuple[Unit, list[User]]]  # the people who may be called, by unit
    materials: list[TrainingMaterial]
    by_unit: list[tuple[Unit, int, int]]  # unit, called, present

    @property
    def present(self) -> set[int]:
        return {pk for pk, attended in self.attendance.items() if attended}


def training_session_sheet(*, user: User, session: TrainingSession) -> SessionSheet:
    """A session with its attendance by unit and its materials (a fixed number of
    queries). People called who are no longer in the user's scope stay listed."""
    attendance = {a.user_id: a.attended for a in session.attendance.all()}
    staff = staff_by_unit(user=user)
    listed = {u.pk for _unit, people in staff for u in people}
    missing = [pk for pk in attendance if pk not in listed]
    if missing:
        staff.append((session.unit, list(User.objects.filter(pk__in=missing))))
    by_unit = []
    for unit, people in staff:
        called = [u for u in people if u.pk in attendance]
        if called:
            by_unit.append((unit, len(called), sum(1 for u in called if attendance[u.pk])))
    return SessionSheet(
        session=session,
        attendance=attendance,
        staff=staff,
        materials=list(session.files.select_related("uploaded_by")),
        by_unit=by_unit,
    )


def outreach_get(*, user: User, pk: int) -> OutreachActivity:
    return OutreachActivity.objects.select_related("unit").get(
        pk=pk, unit__in=units_in_scope(user, Action.REPORT_VIEW)
    )


def community_overview(*, user: User, year: int) -> Community:
    """Initiatives, training (and who is still untrained), outreach, and the dossiers
    submitted with a volunteer's help (Dossier.assisted_by_*), in the user's scope.
    A fixed number of queries, whatever the volume."""
    units = units_in_scope(user, Action.REPORT_VIEW)
    since, until = year_bounds(year)
    initiatives = list(
        Initiative.objects.filter(
            unit__in=units, submitted_at__gte=since, submitted_at__lt=until
        ).select_related("unit", "procedure")
    )
    sessions = list(
        TrainingSession.objects.filter(unit__in=units, held_on__year=year)
        .select_related("unit")
        .annotate(
            invited=Count("attendance"),
            present=Count("attendance", filter=Q(attendance__attended=True)),
        )
    )
    trained = set(
        TrainingAttendance.objects.filter(attended=True, session__held_on__year=year).values_list(
            "user_id", flat=True
        )
    )
    untrained = [
        (unit, [u for u in people if u.pk not in trained]) for unit, people in _staff(units)
    ]
    outreach = list(
        OutreachActivity.objects.filter(unit__in=units, held_on__year=year).select_related("unit")
    )
    assisted_rows = list(
        Dossier.objects.filter(
            receiving_unit__in=units, received_at__gte=since, received_at__lt=until
        )
        .exclude(assisted_by_unit__isnull=True, assisted_by_name="")
        .values("assisted_by_unit_id")
        .annotate(dossiers=Count("id"), online=Count("id", filter=Q(channel="online")))
        .order_by("-dossiers")
    )
    names = Unit.objects.in_bulk({r["assisted_by_unit_id"] for r in assisted_rows} - {None})
    return Community(
        year=year,
        initiatives=initiatives,
        effects=initiative_effects(initiatives),
        sessions=sessions,
        untrained=[(unit, people) for unit, people in untrained if people],
        outreach=outreach,
        reach=sum(o.reach for o in outreach),
        assisted=[
            {
                "unit": names.get(r["assisted_by_unit_id"]),
                "dossiers": r["dossiers"],
                "online": r["online"],
            }
            for r in assisted_rows
        ],
    )
