"""Reads on dossiers for the officer screens, the leader view and the citizen portal.

Every staff read is scoped by `cchc.accounts.permissions.scope_filter`: a user sees a
dossier when DOSSIER_VIEW covers the unit that received it, the unit handling it or the
unit currently holding it, or when it is assigned to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from cchc.accounts.models import User
from cchc.accounts.permissions import Action, has_permission, scope_filter
from cchc.core.lookup_secrets import secret_matches
from cchc.dossiers import rules
from cchc.dossiers.models import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    Dossier,
    DossierEvent,
    DossierStatus,
    DossierStep,
    HandoverBatch,
    Outcome,
)
from cchc.units.models import Unit

QUEUE_KINDS = (
    "mine",
    "unit",
    "due_soon",
    "overdue",
    "waiting_supplement",
    "bounced",
    "to_return",
)
# A dossier sent back (return to an earlier step, or a transfer back to a unit that held
# it) this many times is shown as bounced between units ("đùn đẩy").
BOUNCE_THRESHOLD = 2
INTERNAL_ACTIONS = frozenset({"note_added"})


def _calendar(unit: Unit | None):
    from cchc.calendars.selectors import calendar_for_unit

    return calendar_for_unit(unit=unit)


def dossier_visible_q(user: User) -> Q:
    """Dossiers `user` may see as staff (one query for the user's assignments)."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    units = Unit.objects.filter(scope_filter(user, Action.DOSSIER_VIEW)).values("pk")
    return (
        Q(receiving_unit_id__in=units)
        | Q(handling_unit_id__in=units)
        | Q(current_unit_id__in=units)
        | Q(current_assignee=user)
    )


def _base(user: User) -> QuerySet[Dossier]:
    return Dossier.objects.filter(dossier_visible_q(user)).select_related(
        "applicant",
        "procedure_version__procedure",
        "receiving_unit",
        "current_unit",
        "current_assignee",
    )


def due_soon_threshold(*, unit: Unit | None = None, now: dt.datetime | None = None) -> dt.datetime:
    """One working day of office time from now (the flag for the step holder and leader)."""
    now = now or timezone.now()
    return _calendar(unit).add_working_time(now, Decimal(1))


def dossier_queue(
    *, user: User, kind: str, search: str | None = None, unit: Unit | None = None
) -> QuerySet[Dossier]:
    """Work queues: mine, unit, due_soon, overdue, waiting_supplement, bounced, to_return
    (results issued and waiting to be handed to the applicant).

    `unit` narrows "unit" (and the others) to dossiers currently held by that unit.
    `search` matches the code, the applicant's name or identity number, the procedure.
    """
    if kind not in QUEUE_KINDS:
        raise ValueError(f"unknown queue {kind!r}")
    now = timezone.now()
    qs = _base(user)
    if kind == "mine":
        qs = qs.filter(current_assignee=user, status__in=OPEN_STATUSES)
    elif kind == "unit":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif kind == "due_soon":
        qs = qs.filter(
            status__in=OPEN_STATUSES - PAUSED_STATUSES,
            due_at__gte=now,
            due_at__lte=due_soon_threshold(unit=unit, now=now),
        )
    elif kind == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES - PAUSED_STATUSES, due_at__lt=now)
    elif kind == "waiting_supplement":
        qs = qs.filter(status=DossierStatus.WAITING_SUPPLEMENT)
    elif kind == "bounced":
        qs = qs.filter(bounce_count__gte=BOUNCE_THRESHOLD)
    elif kind == "to_return":
        qs = qs.filter(status=DossierStatus.RESULT_READY)
    if unit is not None:
        qs = qs.filter(current_unit=unit)
    if search:
        for word in search.split():
            qs = qs.filter(
                Q(code__icontains=word)
                | Q(applicant__name__icontains=word)
                | Q(applicant__personal_id=word)
                | Q(applicant__tax_code=word)
                | Q(procedure_version__procedure__code__icontains=word)
                | Q(procedure_version__procedure__name__icontains=word)
            )
    return qs.order_by("due_at", "pk")


def dossier_get_for_user(*, user: User, code: str | None = None, pk: int | None = None) -> Dossier:
    """One dossier for a staff page; PermissionDenied when the user may not see it."""
    qs = Dossier.objects.select_related(
        "applicant",
        "procedure_version__procedure",
        "receiving_unit",
        "handling_unit",
        "current_unit",
        "current_assignee",
        "approved_by",
    )
    dossier = qs.get(code=code) if code is not None else qs.get(pk=pk)
    if dossier.current_assignee_id == getattr(user, "pk", None):
        return dossier
    for unit in (dossier.receiving_unit, dossier.handling_unit, dossier.current_unit):
        if unit is not None and has_permission(user, Action.DOSSIER_VIEW, unit):
            return dossier
    # The postal partner that received it (or returns its result by post) sees it too,
    # e.g. to print the receipt after a postal intake.
    if dossier.postal_unit_id is not None:
        postal = Unit.objects.get(pk=dossier.postal_unit_id)
        for action in (Action.DOSSIER_POSTAL_RECEIVE, Action.DOSSIER_RETURN_RESULT):
            if has_permission(user, action, postal):
                return dossier
    raise PermissionDenied("Bạn không có quyền xem hồ sơ này.")


def dossier_get_by_lookup(*, code: str, secret: str) -> Dossier | None:
    """The public status page: the code and the secret printed on the receipt."""
    dossier = (
        Dossier.objects.select_related("procedure_version__procedure", "receiving_unit")
        .filter(code=code.strip())
        .first()
    )
    if dossier is None:
        # Same work either way, so a wrong code and a wrong secret look alike.
        secret_matches(rules.normalise_lookup_secret(secret), "")
        return None
    if not secret_matches(rules.normalise_lookup_secret(secret), dossier.lookup_secret_hash):
        return None
    return dossier


def dossiers_of_citizen(*, user: User) -> QuerySet[Dossier]:
    """Dossiers the citizen submitted with their account, or as the same person/organisation."""
    q = Q(applicant__user=user)
    if user.personal_id:
        q |= Q(applicant__personal_id=user.personal_id)
    if user.tax_code:
        q |= Q(applicant__tax_code=user.tax_code)
    return (
        Dossier.objects.filter(q)
        .select_related("procedure_version__procedure", "receiving_unit")
        .order_by("-received_at")
    )


def dossier_timeline(*, dossier: Dossier, staff: bool = True) -> list[DossierEvent]:
    """Events in order with actor and unit; internal notes only for staff."""
    qs = DossierEvent.objects.filter(dossier=dossier).select_related("actor", "unit")
    if not staff:
        qs = qs.exclude(action__in=INTERNAL_ACTIONS)
    return list(qs.order_by("seq"))


def dossier_steps(*, dossier: Dossier) -> list[DossierStep]:
    """The control slip (Mẫu 05): each pass with hand-over times and early/on time/late."""
    return list(
        DossierStep.objects.filter(dossier=dossier)
        .select_related("unit", "assignee")
        .order_by("index")
    )


# --- Lateness -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Attention:
    """A dossier needing attention, and whom to flag (step holder and unit leader)."""

    dossier: Dossier
    holder_id: int | None
    unit_id: int | None
    overdue: bool


def dossiers_needing_attention(
    *, unit: Unit | None = None, now: dt.datetime | None = None
) -> list[Attention]:
    """Open, running dossiers due within one working day or already overdue (system-wide or
    for the unit holding them). The notifier flags `holder_id` and the unit's leaders."""
    now = now or timezone.now()
    threshold = due_soon_threshold(unit=unit, now=now)
    qs = Dossier.objects.filter(
        status__in=OPEN_STATUSES - PAUSED_STATUSES, due_at__lte=threshold
    ).select_related("current_unit", "current_assignee", "applicant")
    if unit is not None:
        qs = qs.filter(current_unit=unit)
    return [
        Attention(
            dossier=d,
            holder_id=d.current_assignee_id,
            unit_id=d.current_unit_id,
            overdue=d.due_at < now,
        )
        for d in qs.order_by("due_at", "pk")
    ]


def attention_recipients(*, attention: list[Attention]) -> dict[int, list[Attention]]:
    """Who is flagged about what: each step holder, and every leader of the holding unit
    (UNIT_LEADER there or above it with subtree), user id -> their dossiers. One query."""
    from cchc.accounts.models import Role, RoleAssignment

    unit_ids = {a.unit_id for a in attention if a.unit_id is not None}
    units = {u.pk: u for a in attention if (u := a.dossier.current_unit) is not None}
    today = timezone.localdate()
    ancestor_ids = {pk for u in units.values() for pk in u.ancestor_ids} | unit_ids
    leaders = (
        RoleAssignment.objects.filter(role=Role.UNIT_LEADER, unit_id__in=ancestor_ids)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(user__is_active=True)
        .values_list("user_id", "unit_id", "include_subtree")
    )
    leaders_of: dict[int, set[int]] = {pk: set() for pk in unit_ids}
    for user_id, leader_unit, subtree in leaders:
        for pk, unit in units.items():
            if leader_unit == pk or (subtree and leader_unit in unit.ancestor_ids):
                leaders_of[pk].add(user_id)
    out: dict[int, list[Attention]] = {}
    for a in attention:
        recipients = set(leaders_of.get(a.unit_id, set()))
        if a.holder_id is not None:
            recipients.add(a.holder_id)
        for user_id in recipients:
            out.setdefault(user_id, []).append(a)
    return out


def step_overruns(
    *,
    units: QuerySet[Unit] | list[Unit] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[dict]:
    """Working days by which finished steps overran their quota, per unit and officer.

    Rows: {"unit_id", "assignee_id", "steps", "late_steps", "overrun_working_days"}.
    """
    qs = DossierStep.objects.filter(finished_at__isnull=False)
    if units is not None:
        qs = qs.filter(unit__in=units)
    if since is not None:
        qs = qs.filter(finished_at__gte=since)
    if until is not None:
        qs = qs.filter(finished_at__lt=until)
    rows = (
        qs.values("unit_id", "assignee_id")
        .annotate(
            steps=Count("id"),
            late_steps=Count("id", filter=Q(outcome=Outcome.LATE)),
            overrun_working_days=Sum("overrun_working_days"),
        )
        .order_by("-overrun_working_days", "unit_id", "assignee_id")
    )
    return list(rows)


def unit_late_summary(*, user: User, unit: Unit) -> dict:
    """The leader's view of a unit: open, at risk, overdue, bounced; late by officer."""
    if not has_permission(user, Action.DOSSIER_VIEW, unit):
        raise PermissionDenied("Bạn không có quyền xem số liệu của đơn vị này.")
    now = timezone.now()
    threshold = due_soon_threshold(unit=unit, now=now)
    running = OPEN_STATUSES - PAUSED_STATUSES
    held = Dossier.objects.filter(current_unit=unit)
    totals = held.aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        at_risk=Count("id", filter=Q(status__in=running, due_at__gte=now, due_at__lte=threshold)),
        overdue=Count("id", filter=Q(status__in=running, due_at__lt=now)),
        bounced=Count("id", filter=Q(status__in=OPEN_STATUSES, bounce_count__gte=BOUNCE_THRESHOLD)),
    )
    by_officer = list(
        held.filter(status__in=running)
        .values("current_assignee_id", "current_step_order")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(due_at__lt=now)),
            step_overdue=Count("id", filter=Q(current_step_due_at__lt=now)),
        )
        .order_by("current_assignee_id", "current_step_order")
    )
    return {
        "totals": totals,
        "by_officer_step": by_officer,
        "overruns": step_overruns(units=[unit]),
    }


def dossier_counts_late(dossier: Dossier) -> bool:
    """Late for the 766 index (QĐ 766/QĐ-TTg formula 2.1): finished/unfinished after the
    due time, more than one supplement request, or an apology (Mẫu 04) was needed."""
    if dossier.supplement_count > 1 or dossier.apologised_at is not None:
        return True
    if dossier.finished_at is not None:
        return dossier.outcome == Outcome.LATE
    if dossier.status in PAUSED_STATUSES and dossier.paused_since is not None:
        # 766 formula 2.1: a dossier waiting is judged at the time it was paused.
        return dossier.paused_since > dossier.due_at
    return dossier.due_at < timezone.now()


# --- Batch hand-over lists ---------------------------------------------------------------


def handover_batch_list(*, user: User, unit: Unit | None = None) -> QuerySet[HandoverBatch]:
    """Hand-over lists sent from or to units the user may view (optionally one unit)."""
    units = Unit.objects.filter(scope_filter(user, Action.DOSSIER_VIEW)).values("pk")
    qs = HandoverBatch.objects.filter(Q(from_unit_id__in=units) | Q(to_unit_id__in=units))
    if unit is not None:
        qs = qs.filter(Q(from_unit=unit) | Q(to_unit=unit))
    return (
        qs.select_related("from_unit", "to_unit", "created_by", "received_by")
        .annotate(dossier_count=Count("dossiers"))
        .order_by("-created_at", "-pk")
    )


def handover_batch_get_for_user(*, user: User, pk: int) -> HandoverBatch:
    batch = HandoverBatch.objects.select_related(
        "from_unit", "to_unit", "created_by", "received_by"
    ).get(pk=pk)
    if not any(
        has_permission(user, Action.DOSSIER_VIEW, u) for u in (batch.from_unit, batch.to_unit)
    ):
        raise PermissionDenied("Bạn không có quyền xem phiếu bàn giao này.")
    batch.lines = list(
        batch.dossiers.select_related("applicant", "procedure_version__procedure").order_by("code")
    )
    return batch


# --- Screens (scr): reads for the officer, specialist and leader pages ------------------


@dataclass(frozen=True)
class StepClock:
    """One line of the step clock (Mẫu 05): due time, working days used, status."""

    step: DossierStep
    elapsed_working_days: Decimal
    # An Outcome value for a finished step; "running" or "running_late" for the open one.
    status: str
    status_label: str

    @property
    def is_open(self) -> bool:
        return self.step.finished_at is None


_RUNNING_LABELS = {
    "running": gettext_noop("Đang xử lý (trong hạn)"),
    "running_late": gettext_noop("Đang xử lý (quá hạn)"),
}


def dossier_step_clock(*, dossier: Dossier, now: dt.datetime | None = None) -> list[StepClock]:
    """Each pass through a step with its due time, the working days it used (the calendar
    counts them) and its status: early / on time / late once finished (from the
    projection), or running within / past its due time."""
    now = now or timezone.now()
    calendar = _calendar(dossier.receiving_unit)
    rows = []
    for step in dossier_steps(dossier=dossier):
        end = step.finished_at or now
        elapsed = calendar.working_days_between(step.started_at, end).quantize(Decimal("0.01"))
        if step.finished_at is not None:
            status = step.outcome
            label = Outcome(step.outcome).label if step.outcome else ""
        else:
            status = "running_late" if now > step.due_at else "running"
            label = gettext(_RUNNING_LABELS[status])
        rows.append(
            StepClock(step=step, elapsed_working_days=elapsed, status=status, status_label=label)
        )
    return rows


def dossier_assignable_users(
    *, unit: Unit | None = None, units: list[Unit | None] | None = None
) -> QuerySet[User]:
    """Active users who may process dossiers in `unit` (or any of `units`): a direct role,
    or a subtree role on an ancestor. For the assign / hand-over / reassign pickers."""
    from cchc.accounts.models import RoleAssignment
    from cchc.accounts.permissions import roles_for_action

    chosen = [u for u in [unit, *(units or [])] if u is not None]
    if not chosen:
        return User.objects.none()
    where = Q(pk__in=[])
    for u in chosen:
        where |= Q(unit=u) | Q(include_subtree=True, unit_id__in=u.ancestor_ids)
    today = timezone.localdate()
    assignments = (
        RoleAssignment.objects.filter(role__in=roles_for_action(Action.DOSSIER_PROCESS))
        .filter(where)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    )
    return (
        User.objects.filter(is_active=True, pk__in=assignments.values("user_id"))
        .distinct()
        .order_by("full_name", "username")
    )


def dossier_handover_targets(*, dossier: Dossier) -> QuerySet[Unit]:
    """Units a dossier can be handed to: the organisations of the receiving unit's
    administrative unit (its departments, one-stop, People's Committee), the handling
    unit, and the province's agencies and vertical agencies (liên thông steps)."""
    from cchc.units.models import TERRITORIAL_KINDS, UnitKind

    receiving = dossier.receiving_unit
    ancestors = receiving.ancestor_ids
    local_root = ancestors[-2] if len(ancestors) >= 2 else ancestors[-1]
    province_root = ancestors[0]
    local_path = Unit.objects.filter(pk=local_root).values_list("path", flat=True).first() or ""
    province_path = (
        Unit.objects.filter(pk=province_root).values_list("path", flat=True).first() or ""
    )
    today = timezone.localdate()
    q = Q(path__startswith=local_path) if local_path else Q(pk=receiving.pk)
    if province_path:
        q |= Q(
            path__startswith=province_path,
            kind__in=[UnitKind.AGENCY, UnitKind.CENTRAL_AGENCY, UnitKind.PUBLIC_SERVICE],
        )
    if dossier.handling_unit_id:
        q |= Q(pk=dossier.handling_unit_id)
    return (
        Unit.objects.filter(q)
        .active_on(today)
        .exclude(kind__in=TERRITORIAL_KINDS)
        .order_by("path", "name")
    )


@dataclass
class DossierPage:
    """Everything the staff dossier page shows, read in a fixed number of queries."""

    dossier: Dossier
    steps: list[StepClock]
    timeline: list[DossierEvent]
    components: list
    units: dict[int, Unit]
    users: dict[int, User]
    can: dict[str, bool]
    counts_late: bool
    bounced: bool
    petitions: list


def dossier_page(*, user: User, code: str) -> DossierPage:
    """The staff page of one dossier: state, step clock, timeline (with internal notes),
    components, and which actions the user's roles allow on it.

    Raises Dossier.DoesNotExist for an unknown code and PermissionDenied when the user
    may not see it.
    """
    from cchc.dossiers.models import DossierComponent

    dossier = dossier_get_for_user(user=user, code=code)
    timeline = dossier_timeline(dossier=dossier, staff=True)
    unit_ids: set[int] = set()
    user_ids: set[int] = set()
    for event in timeline:
        for key in ("from_unit_id", "to_unit_id"):
            if isinstance(event.payload.get(key), int):
                unit_ids.add(event.payload[key])
        for key in ("from_user_id", "to_user_id"):
            if isinstance(event.payload.get(key), int):
                user_ids.add(event.payload[key])
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)} if unit_ids else {}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    components = list(DossierComponent.objects.filter(dossier=dossier).order_by("pk"))

    current = dossier.current_unit
    receiving = dossier.receiving_unit
    can = {
        "process": has_permission(user, Action.DOSSIER_PROCESS, current),
        "process_receiving": has_permission(user, Action.DOSSIER_PROCESS, receiving),
        "assign": has_permission(user, Action.DOSSIER_ASSIGN, current),
        "approve": has_permission(user, Action.DOSSIER_APPROVE, current),
        "receive": has_permission(user, Action.DOSSIER_RECEIVE, receiving),
        "return_result": has_permission(user, Action.DOSSIER_RETURN_RESULT, receiving),
        "apologise": any(
            has_permission(user, Action.DOSSIER_APOLOGISE, u)
            for u in (current, dossier.handling_unit, receiving)
            if u is not None
        ),
    }
    return DossierPage(
        dossier=dossier,
        steps=dossier_step_clock(dossier=dossier),
        timeline=timeline,
        components=components,
        units=units,
        users=users,
        can=can,
        counts_late=dossier_counts_late(dossier),
        bounced=dossier.bounce_count >= BOUNCE_THRESHOLD,
        petitions=list(dossier.petitions.select_related("answered_by").order_by("no")),
    )


def user_attention_counts(*, user: User, now: dt.datetime | None = None) -> dict[str, int]:
    """Lateness flags for the signed-in user: running dossiers due within one working day
    or overdue that they hold, and (as a leader, DOSSIER_ASSIGN) that their units hold."""
    if user is None or not user.is_authenticated:
        return {"due_soon": 0, "overdue": 0}
    now = now or timezone.now()
    led = Unit.objects.filter(scope_filter(user, Action.DOSSIER_ASSIGN))
    qs = Dossier.objects.filter(status__in=OPEN_STATUSES - PAUSED_STATUSES).filter(
        Q(current_assignee=user) | Q(current_unit__in=led)
    )
    return qs.aggregate(
        due_soon=Count("id", filter=Q(due_at__gte=now, due_at__lte=due_soon_threshold(now=now))),
        overdue=Count("id", filter=Q(due_at__lt=now)),
    )


@dataclass
class UnitDashboard:
    """The leader's view of one unit: totals, late and at-risk lists, by step and officer."""

    unit: Unit
    totals: dict
    overdue: list[Dossier]
    at_risk: list[Dossier]
    bounced: list[Dossier]
    by_officer_step: list[dict]
    overruns: list[dict]


def unit_dashboard(*, user: User, unit: Unit, limit: int = 50) -> UnitDashboard:
    """`unit_late_summary` with names resolved and the dossiers behind the counts."""
    summary = unit_late_summary(user=user, unit=unit)
    now = timezone.now()
    threshold = due_soon_threshold(unit=unit, now=now)
    running = OPEN_STATUSES - PAUSED_STATUSES
    held = Dossier.objects.filter(current_unit=unit).select_related(
        "applicant", "procedure_version__procedure", "current_assignee"
    )
    overdue = list(held.filter(status__in=running, due_at__lt=now).order_by("due_at")[:limit])
    at_risk = list(
        held.filter(status__in=running, due_at__gte=now, due_at__lte=threshold).order_by("due_at")[
            :limit
        ]
    )
    bounced = list(
        held.filter(status__in=OPEN_STATUSES, bounce_count__gte=BOUNCE_THRESHOLD).order_by(
            "-bounce_count", "due_at"
        )[:limit]
    )
    user_ids = {r["current_assignee_id"] for r in summary["by_officer_step"]}
    user_ids |= {r["assignee_id"] for r in summary["overruns"]}
    user_ids.discard(None)
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    by_officer_step = [
        {**r, "officer": names.get(r["current_assignee_id"], "")}
        for r in summary["by_officer_step"]
    ]
    overruns = [
        {**r, "officer": names.get(r["assignee_id"], "")}
        for r in summary["overruns"]
        if r["unit_id"] == unit.pk
    ]
    return UnitDashboard(
        unit=unit,
        totals=summary["totals"],
        overdue=overdue,
        at_risk=at_risk,
        bounced=bounced,
        by_officer_step=by_officer_step,
        overruns=overruns,
    )


def handover_list(
    *, user: User, from_unit: Unit, to_unit: Unit | None, day: dt.date
) -> list[DossierEvent]:
    """The hand-over list (danh sách bàn giao) of one day: dossiers `from_unit` handed
    over (to `to_unit`, or to any unit), for printing and signing. Read from the
    `handed_over` events, so it is exactly what the control slips record."""
    if not (
        has_permission(user, Action.DOSSIER_VIEW, from_unit)
        or (to_unit is not None and has_permission(user, Action.DOSSIER_VIEW, to_unit))
    ):
        raise PermissionDenied("Bạn không có quyền xem danh sách bàn giao của đơn vị này.")
    tz = _calendar(from_unit).tz
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=1)
    qs = DossierEvent.objects.filter(
        action="handed_over", unit=from_unit, created_at__gte=start, created_at__lt=end
    ).select_related("dossier__applicant", "dossier__procedure_version__procedure", "actor")
    if to_unit is not None:
        qs = qs.filter(payload__to_unit_id=to_unit.pk)
    return list(qs.order_by("created_at", "pk"))


def subject_block_list(*, user: User, include_lifted: bool = False) -> QuerySet:
    """Intake blocks (ngăn chặn) of the provinces where the user works as staff: intake
    refuses them anywhere in the province, so its officers see them with their reasons."""
    from cchc.dossiers.models import SubjectBlock

    scope = (
        scope_filter(user, Action.DOSSIER_VIEW)
        | scope_filter(user, Action.DOSSIER_RECEIVE)
        | scope_filter(user, Action.DOSSIER_BLOCK_SUBJECT)
        | scope_filter(user, Action.DOSSIER_POSTAL_RECEIVE)
    )
    roots = {
        path.split("/")[1]
        for path in Unit.objects.filter(scope).values_list("path", flat=True)
        if path.strip("/")
    }
    where = Q(pk__in=[])
    for root in roots:
        where |= Q(issued_by_unit__path__startswith=f"/{root}/")
    qs = SubjectBlock.objects.filter(where)
    if not include_lifted:
        today = timezone.localdate()
        qs = qs.filter(lifted_at__isnull=True).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today)
        )
    return qs.select_related(
        "issued_by_unit", "created_by", "lifted_by", "source_dossier"
    ).order_by("-created_at", "-pk")


def subject_block_get_for_user(*, user: User, pk: int):
    """One block for its page; SubjectBlock.DoesNotExist when the user cannot see it."""
    return subject_block_list(user=user, include_lifted=True).get(pk=pk)


@dataclass
class DossierPageExtras:
    """What other apps keep about a dossier, for its staff page: the fee schedule and
    payments (cchc.integrations), the signed electronic results (cchc.documents) and the
    notification outbox. A fixed number of queries, however many rows each holds."""

    fee_lines: list
    fee_outstanding: Decimal
    fee_needs_assessment: bool
    fee_varies: bool
    fee_blocks_return: bool
    payments: list
    notifications: list
    results: list

    @property
    def has_failed_notifications(self) -> bool:
        return any(n.status == "failed" for n in self.notifications)


def dossier_page_extras(*, dossier: Dossier) -> DossierPageExtras:
    # Imported here: integrations and documents import the dossier domain, not the reverse.
    from cchc.documents.models import ResultDocument
    from cchc.dossiers.fees import SETTLED, fee_outstanding
    from cchc.integrations import selectors as integrations

    lines = integrations.fee_lines(dossier=dossier)
    varies = any(item.varies for item in lines)
    settled = dossier.fee_status in SETTLED
    # The same rule as cchc.dossiers.fees.fee_needs_assessment, without re-reading the
    # schedule: a varying fee is set by the first fee decision recorded on the dossier.
    needs = (
        varies
        and not settled
        and not DossierEvent.objects.filter(dossier=dossier, action="fee_recorded").exists()
    )
    outstanding = fee_outstanding(dossier=dossier)
    blocks = not dossier.procedure_version.fee_collected_after_return and (outstanding > 0 or needs)
    return DossierPageExtras(
        fee_lines=lines,
        fee_outstanding=outstanding,
        fee_needs_assessment=needs,
        fee_varies=varies,
        fee_blocks_return=blocks,
        payments=list(integrations.payments_of_dossier(dossier=dossier)),
        notifications=list(dossier.notifications.order_by("-created_at", "-pk")),
        results=list(ResultDocument.objects.filter(dossier=dossier).order_by("-signed_at", "-pk")),
    )
