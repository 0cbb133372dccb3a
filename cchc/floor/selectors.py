"""Reads of the service centre floor: counter page, hall board, tablet, lookup, figures.

Nothing shown on the public screens (kiosk, board, tablet, lookup) carries personal data:
ticket numbers, counter numbers, procedure names, dossier codes and dates only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone

from cchc.accounts.permissions import Action, units_in_scope
from cchc.floor.models import (
    AT_COUNTER_STATUSES,
    Counter,
    CounterRating,
    RatingValue,
    Ticket,
    TicketStatus,
)
from cchc.floor.services import RATING_WINDOW
from cchc.indices.periods import Period
from cchc.units.models import Unit, UnitKind

if TYPE_CHECKING:
    from cchc.accounts.models import User


def _today() -> dt.date:
    return timezone.localdate(timezone.now())


def counters_for_user(*, user: User) -> list[Counter]:
    """Counters the user may operate (one-stop officers of their units)."""
    units = units_in_scope(user, Action.DOSSIER_RECEIVE)
    return list(
        Counter.objects.filter(unit__in=units, is_active=True)
        .select_related("unit", "officer")
        .order_by("unit__name", "number")
    )


def one_stop_units() -> list[Unit]:
    return list(Unit.objects.filter(kind=UnitKind.ONE_STOP, counters__is_active=True).distinct())


def served_sectors(*, unit: Unit) -> list:
    from cchc.procedures.models import Sector

    return list(
        Sector.objects.filter(counters__unit=unit, counters__is_active=True)
        .distinct()
        .order_by("name")
    )


def served_procedures(*, unit: Unit) -> list[tuple[str, list]]:
    """Active procedures of the sectors the unit's counters serve, grouped by sector."""
    from cchc.procedures.models import Procedure

    groups: dict[str, list] = {}
    for p in (
        Procedure.objects.filter(
            is_active=True, sector__counters__unit=unit, sector__counters__is_active=True
        )
        .select_related("sector")
        .distinct()
        .order_by("sector__name", "name")
    ):
        groups.setdefault(p.sector.name, []).append(p)
    return list(groups.items())


def ticket_by_token(*, token: str) -> Ticket | None:
    return (
        Ticket.objects.select_related("unit", "sector", "procedure", "counter")
        .filter(token=token)
        .first()
    )


def tickets_ahead(*, ticket: Ticket) -> int:
    """Roughly how many are called before this ticket (same sector, earlier or priority)."""
    if ticket.status not in (TicketStatus.WAITING, TicketStatus.TRANSFERRED):
        return 0
    q = Ticket.objects.filter(
        unit_id=ticket.unit_id, day=ticket.day, status=TicketStatus.WAITING, sector=ticket.sector_id
    )
    if ticket.priority:
        q = q.filter(~Q(priority=""), queued_at__lt=ticket.queued_at)
    else:
        q = q.filter(~Q(priority="") | Q(queued_at__lt=ticket.queued_at))
    return q.count()


@dataclass
class CounterPage:
    counter: Counter
    current: Ticket | None
    waiting: int
    other_counters: list[Counter]


def counter_page(*, counter: Counter) -> CounterPage:
    current = (
        Ticket.objects.filter(counter=counter, status__in=AT_COUNTER_STATUSES)
        .select_related("sector", "procedure")
        .order_by("-called_at")
        .first()
    )
    sector_ids = list(counter.sectors.values_list("pk", flat=True))
    waiting = Ticket.objects.filter(unit_id=counter.unit_id, day=_today()).filter(
        Q(status=TicketStatus.WAITING, sector_id__in=sector_ids)
        | Q(status=TicketStatus.TRANSFERRED, counter=counter)
    )
    others = list(
        Counter.objects.filter(unit_id=counter.unit_id, is_active=True)
        .exclude(pk=counter.pk)
        .order_by("number")
    )
    return CounterPage(counter, current, waiting.count(), others)


# --- Counter registry (the centre's manager) ------------------------------------------


def managed_centres(*, user: User) -> list[Unit]:
    """One-stop units whose counters the user manages (COUNTER_MANAGE)."""
    return list(
        units_in_scope(user, Action.COUNTER_MANAGE).filter(kind=UnitKind.ONE_STOP).order_by("name")
    )


@dataclass
class Registry:
    unit: Unit
    counters: list[Counter]
    hours: object  # cchc.calendars.workdays.OfficeHoursSpec
    hours_own: bool  # the centre has its own row (else inherited or the default)
    can_edit_hours: bool


def centre_registry(*, user: User, unit: Unit) -> Registry:
    """The counters of a centre with their sectors and officers, and its office hours
    (5 queries, whatever the number of counters)."""
    from cchc.accounts.permissions import has_permission
    from cchc.calendars.models import OfficeHours
    from cchc.calendars.selectors import office_hours_for_unit

    counters = list(
        Counter.objects.filter(unit=unit)
        .select_related("officer")
        .prefetch_related("sectors")
        .order_by("number")
    )
    return Registry(
        unit=unit,
        counters=counters,
        hours=office_hours_for_unit(unit=unit),
        hours_own=OfficeHours.objects.filter(unit=unit).exists(),
        can_edit_hours=has_permission(user, Action.CALENDAR_MANAGE, unit),
    )


def officer_choices(*, unit: Unit):
    """Accounts that may work at the unit's counters (DOSSIER_RECEIVE on it today), as a
    queryset for a form field."""
    from cchc.accounts.models import RoleAssignment, User
    from cchc.accounts.permissions import roles_for_action

    today = _today()
    lineage = [*unit.ancestor_ids, unit.pk]
    user_ids = (
        RoleAssignment.objects.filter(role__in=roles_for_action(Action.DOSSIER_RECEIVE))
        .filter(Q(unit=unit) | Q(unit_id__in=lineage, include_subtree=True))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .values("user_id")
    )
    return User.objects.filter(pk__in=user_ids, is_active=True).order_by("full_name", "username")


def announcement_text(*, ticket: Ticket) -> str:
    """What the hall hears: the number digit by digit, then the counter."""
    digits = " ".join(ticket.display)
    return f"Xin mời số {digits}, đến quầy số {ticket.counter.number}."


# --- Hall board --------------------------------------------------------------------------


@dataclass
class BoardRow:
    label: str
    received: int = 0
    on_time: int = 0
    late: int = 0
    waiting_supplement: int = 0
    ready: int = 0


@dataclass
class Board:
    unit: Unit
    serving: list[Ticket]
    waiting: int
    by_procedure: list[BoardRow]
    by_commune: list[BoardRow]
    ready_codes: list[str]


def _board_counts(dossiers, group: str) -> list[BoardRow]:
    from cchc.dossiers.models import DossierStatus, Outcome

    start = timezone.make_aware(dt.datetime.combine(_today(), dt.time.min))
    end = start + dt.timedelta(days=1)
    today = Q(finished_at__gte=start, finished_at__lt=end)
    rows = (
        dossiers.values(group)
        .annotate(
            received=Count("pk", filter=Q(received_at__gte=start, received_at__lt=end)),
            on_time=Count("pk", filter=today & Q(outcome__in=[Outcome.EARLY, Outcome.ON_TIME])),
            late=Count("pk", filter=today & Q(outcome=Outcome.LATE)),
            waiting_supplement=Count("pk", filter=Q(status=DossierStatus.WAITING_SUPPLEMENT)),
            ready=Count("pk", filter=Q(status=DossierStatus.RESULT_READY)),
        )
        .order_by(group)
    )
    out = []
    for r in rows:
        row = BoardRow(
            label=r[group] or "—",
            received=r["received"],
            on_time=r["on_time"],
            late=r["late"],
            waiting_supplement=r["waiting_supplement"],
            ready=r["ready"],
        )
        if row.received or row.on_time or row.late or row.waiting_supplement or row.ready:
            out.append(row)
    return out


READY_LIMIT = 60


def hall_board(*, unit: Unit) -> Board:
    """The TV board of a one-stop unit (6 queries). Counts cover the dossiers received at
    this unit (and any unit below it): received today, finished today on time / late,
    and — whatever the day — those waiting for a supplement and results ready to collect."""
    from cchc.dossiers.models import Dossier, DossierStatus

    serving = list(
        Ticket.objects.filter(unit=unit, day=_today(), status__in=AT_COUNTER_STATUSES)
        .select_related("counter")
        .order_by("counter__number")
    )
    waiting = Ticket.objects.filter(
        unit=unit, day=_today(), status__in=[TicketStatus.WAITING, TicketStatus.TRANSFERRED]
    ).count()
    dossiers = Dossier.objects.filter(receiving_unit__path__startswith=unit.path)
    start = timezone.make_aware(dt.datetime.combine(_today(), dt.time.min))
    relevant = dossiers.filter(
        Q(received_at__gte=start)
        | Q(finished_at__gte=start)
        | Q(status__in=[DossierStatus.WAITING_SUPPLEMENT, DossierStatus.RESULT_READY])
    )
    ready_codes = list(
        dossiers.filter(status=DossierStatus.RESULT_READY)
        .order_by("finished_at", "code")
        .values_list("code", flat=True)[:READY_LIMIT]
    )
    return Board(
        unit=unit,
        serving=serving,
        waiting=waiting,
        by_procedure=_board_counts(relevant, "procedure_version__procedure__name"),
        by_commune=_board_counts(relevant, "receiving_unit__parent__name"),
        ready_codes=ready_codes,
    )


# --- Rating tablet ------------------------------------------------------------------------


def tablet_ticket(*, counter: Counter) -> Ticket | None:
    """The visit the tablet asks about: the counter's latest finished, unrated ticket,
    finished within the rating window."""
    since = timezone.now() - RATING_WINDOW
    return (
        Ticket.objects.filter(
            counter=counter, status=TicketStatus.DONE, done_at__gte=since, rating__isnull=True
        )
        .order_by("-done_at")
        .first()
    )


# --- Lookup kiosk -------------------------------------------------------------------------


def parse_scan(text: str) -> tuple[str, str]:
    """What a scanner types: the receipt's QR (the lookup link `...?ma=<code>[&s=<secret>]`)
    or the bare code. Returns (code, secret-if-in-the-link)."""
    from urllib.parse import parse_qs, urlsplit

    text = (text or "").strip()[:512]
    if "?" in text and "ma=" in text:
        query = parse_qs(urlsplit(text).query)
        return (query.get("ma", [""])[0].strip()[:64], query.get("s", [""])[0].strip()[:64])
    return text[:64], ""


# --- Figures ------------------------------------------------------------------------------


@dataclass
class TimeStat:
    label: str
    tickets: int = 0
    served: int = 0
    abandoned: int = 0
    wait_total: float = 0.0
    service_total: float = 0.0
    waited: int = 0
    ratings: dict[str, int] = field(default_factory=dict)

    @property
    def avg_wait_minutes(self) -> float | None:
        return round(self.wait_total / self.waited / 60, 1) if self.waited else None

    @property
    def avg_service_minutes(self) -> float | None:
        return round(self.service_total / self.served / 60, 1) if self.served else None

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def dissatisfied(self) -> int:
        return self.ratings.get(RatingValue.DISSATISFIED, 0)

    @property
    def satisfied_share(self) -> float | None:
        total = sum(self.ratings.values())
        if not total:
            return None
        good = self.ratings.get(RatingValue.VERY_SATISFIED, 0) + self.ratings.get(
            RatingValue.SATISFIED, 0
        )
        return round(100 * good / total, 1)


@dataclass
class Figures:
    unit: Unit
    period: Period
    total: TimeStat
    by_counter: list[TimeStat]
    by_officer: list[TimeStat]
    by_sector: list[TimeStat]
    by_hour: list[TimeStat]
    peak_hours: list[TimeStat]

    @property
    def date_from(self) -> dt.date:
        return self.period.first_day

    @property
    def date_to(self) -> dt.date:
        return self.period.last_day


PEAK_HOURS = 3


def floor_figures(*, unit: Unit, period: Period) -> Figures:
    """The floor figures of `unit` and every unit below it for `period` (ticket days
    within its first and last day): waiting time (queued → called), service time
    (called/started → done), abandoned tickets and the tablet's ratings, in total and per
    counter, officer, sector and hour of the day (local), with the peak hours.

    Stable signature for the dashboards and reports; no permission check (callers check
    `REPORT_VIEW` on `unit`). 2 queries, aggregated in Python: a centre issues hundreds of
    tickets a day, and the hour of day is taken in local time the same way on every
    database. Booked tickets count from their check-in (a booking never checked in is not a
    visit)."""
    if unit.path:
        in_scope = Q(unit__path__startswith=unit.path)
        rated_scope = Q(ticket__unit__path__startswith=unit.path)
    else:  # a unit whose path was never computed: itself only, never "everything"
        in_scope, rated_scope = Q(unit=unit), Q(ticket__unit=unit)
    days = {"day__gte": period.first_day, "day__lte": period.last_day}
    rows = (
        Ticket.objects.filter(in_scope, **days)
        .exclude(status=TicketStatus.BOOKED)
        .values(
            "pk",
            "status",
            "queued_at",
            "called_at",
            "served_at",
            "done_at",
            "counter__number",
            "counter__unit__name",
            "officer__full_name",
            "officer__username",
            "sector__name",
        )
    )
    ratings: dict[int, str] = dict(
        CounterRating.objects.filter(
            rated_scope,
            ticket__day__gte=period.first_day,
            ticket__day__lte=period.last_day,
        ).values_list("ticket_id", "value")
    )
    total = TimeStat("Tổng")
    groups: dict[str, dict[str, TimeStat]] = defaultdict(dict)

    def bucket(kind: str, key: str) -> TimeStat:
        stat = groups[kind].get(key)
        if stat is None:
            stat = groups[kind][key] = TimeStat(key)
        return stat

    for r in rows:
        stats = [total]
        if r["counter__number"] is not None:
            stats.append(
                bucket("counter", f"{r['counter__unit__name']} – Quầy {r['counter__number']}")
            )
        if r["officer__username"]:
            stats.append(bucket("officer", r["officer__full_name"] or r["officer__username"]))
        stats.append(bucket("sector", r["sector__name"] or "—"))
        if r["queued_at"]:
            stats.append(bucket("hour", f"{timezone.localtime(r['queued_at']).hour:02d}:00"))
        value = ratings.get(r["pk"])
        for stat in stats:
            stat.tickets += 1
            if r["status"] == TicketStatus.ABANDONED:
                stat.abandoned += 1
            if r["called_at"] and r["queued_at"]:
                stat.waited += 1
                stat.wait_total += (r["called_at"] - r["queued_at"]).total_seconds()
            if r["status"] == TicketStatus.DONE and r["done_at"]:
                stat.served += 1
                begin = r["served_at"] or r["called_at"]
                stat.service_total += (r["done_at"] - begin).total_seconds()
            if value:
                stat.ratings[value] = stat.ratings.get(value, 0) + 1

    def ordered(kind: str) -> list[TimeStat]:
        return [groups[kind][k] for k in sorted(groups[kind])]

    by_hour = ordered("hour")
    peak = sorted(by_hour, key=lambda s: (-s.tickets, s.label))[:PEAK_HOURS]
    return Figures(
        unit=unit,
        period=period,
        total=total,
        by_counter=ordered("counter"),
        by_officer=ordered("officer"),
        by_sector=ordered("sector"),
        by_hour=by_hour,
        peak_hours=peak,
    )


def figures_units_for_user(*, user: User) -> list[Unit]:
    """Units whose floor figures the user may see (REPORT_VIEW), the widest first."""
    return list(units_in_scope(user, Action.REPORT_VIEW).order_by("depth", "path"))
