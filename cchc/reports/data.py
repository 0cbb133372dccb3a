"""The figures of a periodic reform report, gathered from the dashboards' own selectors.

Nothing here re-states a rule: lateness, "finished", the 766 criteria and their rates all
come from `cchc.indices.formulas` (through `cchc.indices.selectors`), the late-by-officer
summary from `cchc.dossiers.selectors`, directive tasks from `cchc.directives.selectors`.
A report therefore shows, by construction, the same figure as the dashboard for the same
unit and period (tested in `tests/test_reports.py`).

Periods: everything `cchc.indices.periods.parse_period` reads, including the half-years
(`2024-H1`, `2024-H2`) of the "báo cáo 6 tháng".
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cchc.indices.formulas import (
    DossierFacts,
    IndexResult,
    finished_with_result,
    is_on_time,
    round_half_away,
    score,
)
from cchc.indices.interchange import facts_from_database, period_bounds
from cchc.indices.periods import Period, parse_period
from cchc.indices.selectors import RankedUnit, _month_periods, _ranked
from cchc.indices.sources import database_figures_many
from cchc.reports.numbers import figure, percent
from cchc.units.models import Unit
from cchc.units.selectors import unit_children_holding

KIND_LABELS = {
    "month": "tháng",
    "quarter": "quý",
    "half": "6 tháng",
    "year": "năm",
    "range": "kỳ",
}


def period_kind(period: Period) -> str:
    label = period.label
    if re.match(r"^\d{4}$", label):
        return "year"
    if "-Q" in label:
        return "quarter"
    if "-H" in label:
        return "half"
    if re.match(r"^\d{4}-\d{2}$", label):
        return "month"
    return "range"


def period_title(period: Period) -> str:
    """Vietnamese name of the period as a report title says it ("quý I năm 2024")."""
    kind = period_kind(period)
    year = period.first_day.year
    if kind == "year":
        return f"năm {year}"
    if kind == "quarter":
        q = int(period.label[-1])
        return f"quý {['I', 'II', 'III', 'IV'][q - 1]} năm {year}"
    if kind == "half":
        return f"6 tháng {'đầu' if period.label.endswith('1') else 'cuối'} năm {year}"
    if kind == "month":
        return f"tháng {period.first_day.month:02d} năm {year}"
    return f"từ ngày {period.first_day:%d/%m/%Y} đến ngày {period.last_day:%d/%m/%Y}"


def previous_period(period: Period) -> Period:
    """The period of the same kind just before (for "change vs the previous period")."""
    kind = period_kind(period)
    first = period.first_day
    if kind == "year":
        return parse_period(str(first.year - 1))
    if kind == "quarter":
        q = int(period.label[-1])
        return parse_period(f"{first.year - 1}-Q4" if q == 1 else f"{first.year}-Q{q - 1}")
    if kind == "half":
        h = int(period.label[-1])
        return parse_period(f"{first.year - 1}-H2" if h == 1 else f"{first.year}-H1")
    if kind == "month":
        prev = first - dt.timedelta(days=1)
        return parse_period(f"{prev.year}-{prev.month:02d}")
    length = period.last_day - first
    last = first - dt.timedelta(days=1)
    start = last - length
    return Period(start, last, f"{start}..{last}")


# --- Report data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Dossier counts of one row (the unit, a child unit or a sector)."""

    name: str
    received: int = 0
    finished: int = 0
    on_time: int = 0
    late: int = 0
    pending: int = 0

    @property
    def on_time_percent(self) -> Decimal | None:
        if not self.received:
            return None
        return round_half_away(Decimal(self.on_time) * 100 / Decimal(self.received))


@dataclass(frozen=True)
class Rate:
    code: str
    label: str
    numerator: int | None
    denominator: int | None
    rate: Decimal | None  # percent, rounded to 2 places

    @property
    def text(self) -> str:
        return percent(self.rate)


@dataclass(frozen=True)
class LateUnit:
    name: str
    late_steps: int
    overrun_working_days: int


@dataclass(frozen=True)
class ProposalRow:
    title: str
    unit: str
    procedure: str
    status: str
    saving_per_year: Decimal  # VND (Điều 27 TT 02/2017/TT-VPCP, via cchc.reforms)
    saving_percent: Decimal


@dataclass(frozen=True)
class Weakness:
    criterion: str
    label: str
    points_lost: Decimal  # rounded to 2 places
    action: str  # proposed action, from the what-if planner's best fix


@dataclass(frozen=True)
class InitiativeRow:
    submitted_on: dt.date
    title: str
    unit: str
    status: str  # label
    code: str  # InitiativeStatus value


@dataclass(frozen=True)
class TrainingRow:
    held_on: dt.date
    topic: str
    unit: str
    invited: int
    present: int


@dataclass(frozen=True)
class OutreachRow:
    held_on: dt.date
    kind: str
    title: str
    unit: str
    reach: int


@dataclass(frozen=True)
class Training:
    """Training of staff and outreach to citizens in the period (cchc.reforms records)."""

    sessions: list[TrainingRow]
    trained_people: int  # distinct staff present at one session at least
    outreach: list[OutreachRow]
    by_kind: list[tuple[str, int, int]]  # (kind label, activities, people reached)

    @property
    def invited(self) -> int:
        return sum(r.invited for r in self.sessions)

    @property
    def present(self) -> int:
        return sum(r.present for r in self.sessions)

    @property
    def reach(self) -> int:
        return sum(r.reach for r in self.outreach)


@dataclass(frozen=True)
class ReportData:
    unit: Unit
    period: Period
    previous: Period
    snapshot_at: dt.datetime
    totals: Counts
    by_unit: list[Counts]
    by_sector: list[Counts]
    index: IndexResult
    index_previous: IndexResult
    ranking: list[RankedUnit]
    trend: list[tuple[str, Decimal | None]]  # (month label, index percent)
    rates: list[Rate]
    satisfaction: dict[str, int]
    late_units: list[LateUnit]
    apologies: int
    directives: dict[str, int]
    assessment: dict[str, str] | None
    proposals: list[ProposalRow] = field(default_factory=list)
    weaknesses: list[Weakness] = field(default_factory=list)
    initiatives: list[InitiativeRow] = field(default_factory=list)
    training: Training | None = None
    floor: Any = None  # cchc.floor.selectors.Figures
    notes: list[str] = field(default_factory=list)

    @property
    def index_percent(self) -> Decimal | None:
        p = self.index.percent
        return None if p is None else round_half_away(p)

    @property
    def index_previous_percent(self) -> Decimal | None:
        p = self.index_previous.percent
        return None if p is None else round_half_away(p)

    @property
    def index_change(self) -> Decimal | None:
        a, b = self.index_percent, self.index_previous_percent
        return None if a is None or b is None else a - b

    @property
    def title(self) -> str:
        return f"Báo cáo công tác cải cách hành chính {period_title(self.period)}"


RATE_CRITERIA = (
    ("SO_HOA_GIAY_TO_GIAI_QUYET", "Tỷ lệ số hóa hồ sơ, kết quả giải quyết"),
    ("ORIGINAL_RESULT_AVAILABLE", "Tỷ lệ cấp kết quả điện tử"),
    ("REUSED_DIGITIZED_DATA", "Tỷ lệ khai thác, sử dụng lại dữ liệu đã số hóa"),
    ("ONLINE_DOSSIERS", "Tỷ lệ hồ sơ trực tuyến"),
    ("DOSSIERS_PAID_ONLINE", "Tỷ lệ thanh toán trực tuyến"),
    ("DOSSIER_ON_TIME", "Tỷ lệ hồ sơ giải quyết đúng hạn"),
    ("DOSSIER_RECEIVING_SATISFACTION", "Mức độ hài lòng trong tiếp nhận, giải quyết hồ sơ"),
)


def _counts(name: str, facts: list[DossierFacts], period: Period) -> Counts:
    # The same predicates the 766 scoring uses: on time (formula 2.1) and "finished".
    received = [f for f in facts if period.contains(f.received_at)]
    finished = sum(1 for f in received if f.finished_at is not None and f.finished_at <= period.end)
    on_time = sum(1 for f in received if is_on_time(f, period))
    return Counts(
        name=name,
        received=len(received),
        finished=finished,
        on_time=on_time,
        late=len(received) - on_time,
        pending=len(received) - finished,
    )


def _rate(code: str, label: str, result: IndexResult) -> Rate:
    c = result.criterion(code)
    rate = None if c.rate is None else round_half_away(c.rate * 100)
    return Rate(code, label, c.numerator, c.denominator, rate)


def _sector_counts(facts: list[DossierFacts], period: Period) -> list[Counts]:
    from cchc.procedures.models import Procedure

    codes = {f.procedure_code for f in facts}
    sector_of = dict(Procedure.objects.filter(code__in=codes).values_list("code", "sector__name"))
    groups: dict[str, list[DossierFacts]] = defaultdict(list)
    for f in facts:
        groups[sector_of.get(f.procedure_code, "Khác")].append(f)
    return sorted(
        (_counts(name, rows, period) for name, rows in groups.items()), key=lambda c: c.name
    )


def _late_units(unit: Unit, period: Period) -> list[LateUnit]:
    from cchc.dossiers.selectors import step_overruns

    units = Unit.objects.filter(path__startswith=unit.path)
    since, until = period_bounds(period)
    per_unit: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in step_overruns(units=units, since=since, until=until):
        per_unit[row["unit_id"]][0] += row["late_steps"] or 0
        per_unit[row["unit_id"]][1] += row["overrun_working_days"] or 0
    names = dict(Unit.objects.filter(pk__in=per_unit).values_list("pk", "name"))
    rows = [
        LateUnit(names.get(pk, str(pk)), late, days)
        for pk, (late, days) in per_unit.items()
        if late or days
    ]
    return sorted(rows, key=lambda r: (-r.overrun_working_days, -r.late_steps, r.name))


def _apologies(unit: Unit, period: Period) -> int:
    """Apology letters (Mẫu 04, TT 03/2025/TT-VPCP) issued in the period in the subtree."""
    from cchc.dossiers.models import DossierEvent

    since, until = period_bounds(period)
    return DossierEvent.objects.filter(
        action="apologised",
        created_at__gte=since,
        created_at__lt=until,
        dossier__receiving_unit__path__startswith=unit.path,
    ).count()


def _directives(unit: Unit, period: Period, now: dt.datetime) -> dict[str, int]:
    """Tasks led by the unit due in the period's year: the tracker's on-time summary (the
    same figure the reform index uses), and how many are still open past their deadline
    at the snapshot ("overdue" as the directive boards compute it, `with_state`)."""
    from django.db.models import Count, Q

    from cchc.directives.models import Task, TaskStatus
    from cchc.directives.selectors import tasks_on_time_summary, with_state

    year = period.last_day.year
    summary = tasks_on_time_summary(unit=unit, year=year)
    due = summary.get("due") or 0
    done = summary.get("done_on_time") or 0
    tasks = Task.objects.filter(lead_units=unit, parent__isnull=True, deadline__year=year).exclude(
        status=TaskStatus.CANCELLED
    )
    state = with_state(tasks, now=now).aggregate(
        done=Count("pk", filter=Q(status=TaskStatus.DONE), distinct=True),
        overdue=Count("pk", filter=Q(is_overdue=True), distinct=True),
    )
    return {
        "due": due,
        "done": state["done"] or 0,
        "done_on_time": done,
        "not_on_time": due - done,
        "overdue": state["overdue"] or 0,
    }


def _assessment(unit: Unit, period: Period) -> dict[str, str] | None:
    from cchc.assessments.models import Assessment

    a = (
        Assessment.objects.filter(unit=unit, framework__year=period.last_day.year)
        .select_related("framework")
        .first()
    )
    if a is None:
        return None
    return {"framework": str(a.framework), "status": a.get_status_display()}


def _proposals(unit: Unit, period: Period) -> list[ProposalRow]:
    """Simplification proposals of the subtree made in the period, with their savings."""
    from cchc.reforms.models import Proposal
    from cchc.reforms.selectors import proposal_cost

    since, until = period_bounds(period)
    qs = (
        Proposal.objects.filter(
            unit__path__startswith=unit.path, created_at__gte=since, created_at__lt=until
        )
        .select_related("unit", "procedure")
        .prefetch_related("items")
        .order_by("created_at", "pk")
    )
    rows = []
    for p in qs:
        r = proposal_cost(p).reduction
        rows.append(
            ProposalRow(
                p.title,
                p.unit.name,
                p.procedure.code,
                p.get_status_display(),
                r.per_year,
                r.percent,
            )
        )
    return rows


def _initiatives(unit: Unit, period: Period) -> list[InitiativeRow]:
    """Initiatives (sáng kiến, giải pháp CCHC) submitted in the subtree during the period,
    with their status today (cchc.reforms records)."""
    from cchc.reforms.models import Initiative

    since, until = period_bounds(period)
    qs = (
        Initiative.objects.filter(
            unit__path__startswith=unit.path, submitted_at__gte=since, submitted_at__lt=until
        )
        .select_related("unit")
        .order_by("submitted_at", "pk")
    )
    return [
        InitiativeRow(
            timezone.localtime(i.submitted_at).date(),
            i.title,
            i.unit.name,
            i.get_status_display(),
            i.status,
        )
        for i in qs
    ]


def _training(unit: Unit, period: Period) -> Training:
    """Training sessions and outreach activities of the subtree held in the period, read
    from the cchc.reforms records (4 queries)."""
    from django.db.models import Count, Q, Sum

    from cchc.reforms.models import (
        OutreachActivity,
        OutreachKind,
        TrainingAttendance,
        TrainingSession,
    )

    in_tree = {"unit__path__startswith": unit.path} if unit.path else {"unit": unit}
    days = {"held_on__gte": period.first_day, "held_on__lte": period.last_day}
    sessions = (
        TrainingSession.objects.filter(**in_tree, **days)
        .select_related("unit")
        .annotate(
            invited=Count("attendance"),
            present=Count("attendance", filter=Q(attendance__attended=True)),
        )
        .order_by("held_on", "pk")
    )
    rows = [TrainingRow(s.held_on, s.topic, s.unit.name, s.invited, s.present) for s in sessions]
    trained = (
        TrainingAttendance.objects.filter(
            attended=True, session__in=TrainingSession.objects.filter(**in_tree, **days)
        )
        .values("user_id")
        .distinct()
        .count()
    )
    activities = list(
        OutreachActivity.objects.filter(**in_tree, **days)
        .select_related("unit")
        .order_by("held_on", "pk")
    )
    labels = dict(OutreachKind.choices)
    per_kind = (
        OutreachActivity.objects.filter(**in_tree, **days)
        .values("kind")
        .annotate(n=Count("pk"), reach=Sum("reach"))
        .order_by("kind")
    )
    return Training(
        sessions=rows,
        trained_people=trained,
        outreach=[
            OutreachRow(a.held_on, labels.get(a.kind, a.kind), a.title, a.unit.name, a.reach)
            for a in activities
        ],
        by_kind=[(labels.get(r["kind"], r["kind"]), r["n"], r["reach"] or 0) for r in per_kind],
    )


def _floor(unit: Unit, period: Period):
    """Waiting, service and ratings at the one-stop counters of the subtree: the same
    selector the floor figures page and the dashboards read."""
    from cchc.floor.selectors import floor_figures

    return floor_figures(unit=unit, period=period)


def _weaknesses(facts: list[DossierFacts], period: Period, result: IndexResult) -> list[Weakness]:
    """The criteria that lost the most points (the dashboard's `losses`) and, for each,
    the planner's best action (`cchc.indices.whatif.rank_actions`)."""
    from cchc.indices.definition import CRITERIA_BY_CODE
    from cchc.indices.whatif import rank_actions

    lost = sorted(
        (c for c in result.criteria if c.points_lost), key=lambda c: -(c.points_lost or 0)
    )[:3]
    if not lost:
        return []
    actions = rank_actions(facts, period)
    names = dict(
        Unit.objects.filter(code__in={a.unit_code for a in actions}).values_list("code", "name")
    )
    out = []
    for c in lost:
        best = next((a for a in actions if a.criterion == c.code), None)
        text = (
            f"Khắc phục {best.losing} hồ sơ tại {names.get(best.unit_code, best.unit_code)} "
            f"(tăng tối đa {figure(round_half_away(best.gain_if_all))} điểm)"
            if best
            else "Rà soát, khắc phục theo chỉ tiêu"
        )
        label = getattr(CRITERIA_BY_CODE[c.code], "name", c.code)
        out.append(Weakness(c.code, label, round_half_away(c.points_lost or Decimal(0)), text))
    return out


def report_data(*, unit: Unit, period: Period, now: dt.datetime | None = None) -> ReportData:
    """Every figure of the report of `unit` (its subtree) for `period`."""
    snapshot_at = now or timezone.now()
    previous = previous_period(period)
    months = _month_periods(period)
    first = min(period.first_day, months[0].first_day, previous.first_day)
    last = max(period.last_day, months[-1].last_day)
    wide = Period(first, last, f"{first}..{last}")
    # Facts are snapshots: a subset of one wide read is exactly a narrower read (the
    # dashboard relies on the same property).
    facts = list(facts_from_database(period=wide, unit=unit))
    in_period = [f for f in facts if period.contains(f.received_at)]
    # The criteria the database computes from other data (sync, records...) enter every
    # score as the dashboard's do (`cchc.indices.sources`).
    # One batched read for the period, the previous period, each child and each month,
    # as the dashboard reads them.
    children, holder = unit_children_holding(unit=unit)
    requests = [(period, unit), (previous, unit)]
    requests += [(period, c) for c in children] + [(m, unit) for m in months]
    official = database_figures_many(requests)
    by_child = dict(zip([c.pk for c in children], official[2 : 2 + len(children)], strict=True))
    by_month = official[2 + len(children) :]
    result = score(facts, period, official=official[0])
    per_child = _facts_by_child(children, holder, facts)
    # Each child's index from the same facts, in the dashboard's ranking order.
    ranking = _ranked(
        [RankedUnit(c, score(per_child[c.pk], period, official=by_child[c.pk])) for c in children]
    )
    by_unit = [_counts(r.unit.name, per_child[r.unit.pk], period) for r in ranking]
    satisfaction = {
        "rated": sum(1 for f in in_period if f.rating is not None),
        "satisfied": sum(1 for f in in_period if f.rating == "satisfied"),
        "normal": sum(1 for f in in_period if f.rating == "normal"),
        "dissatisfied": sum(1 for f in in_period if f.rating == "dissatisfied"),
        "complaints": sum(1 for f in in_period if f.complaint),
        "with_result": sum(1 for f in in_period if finished_with_result(f, period)),
    }
    return ReportData(
        unit=unit,
        period=period,
        previous=previous,
        snapshot_at=snapshot_at,
        totals=_counts(unit.name, in_period, period),
        by_unit=by_unit,
        by_sector=_sector_counts(in_period, period),
        index=result,
        index_previous=score(facts, previous, official=official[1]),
        ranking=ranking,
        trend=[
            (
                f"{m.first_day.month:02d}/{m.first_day.year}",
                score(facts, m, official=figures).percent,
            )
            for m, figures in zip(months, by_month, strict=True)
        ],
        rates=[_rate(code, label, result) for code, label in RATE_CRITERIA],
        satisfaction=satisfaction,
        late_units=_late_units(unit, period),
        apologies=_apologies(unit, period),
        directives=_directives(unit, period, snapshot_at),
        assessment=_assessment(unit, period),
        proposals=_proposals(unit, period),
        weaknesses=_weaknesses(in_period, period, result),
        initiatives=_initiatives(unit, period),
        training=_training(unit, period),
        floor=_floor(unit, period),
    )


def _facts_by_child(
    children: list[Unit], holder: dict[int, Unit], facts: list[DossierFacts]
) -> dict[int, list[DossierFacts]]:
    """The facts of each child's subtree, by the receiving unit's code the facts carry
    (`holder`: unit id -> child, as the dashboard maps them; one query, whatever the
    number of children)."""
    child_of_code = {
        code: holder[pk]
        for pk, code in Unit.objects.filter(pk__in=holder).values_list("pk", "code")
    }
    grouped: dict[int, list[DossierFacts]] = {c.pk: [] for c in children}
    for f in facts:
        child = child_of_code.get(f.unit_code)
        if child is not None:
            grouped[child.pk].append(f)
    return grouped
