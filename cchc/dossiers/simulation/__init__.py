"""A realistic simulated year of dossiers (`cchc simulate`).

- `profile`: the parameters (procedure mix, seasonality, speed, supplements, ratings...);
- `world`: receiving points, procedures and staff read from the database;
- `engine`: each dossier's life as acts and the events they record (pure);
- `services_path`: performs the acts through the real services (default, small N);
- `bulk`: writes the same events and projections with bulk inserts (large N).

Same seed, same database ⇒ same dossiers (codes, times, procedures, channels, fates).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from cchc.dossiers.models import Dossier, DossierCodeSequence, DossierEvent, DossierStatus
from cchc.dossiers.simulation import bulk as bulk_path
from cchc.dossiers.simulation import services_path
from cchc.dossiers.simulation.engine import Run, arrivals, lives
from cchc.dossiers.simulation.world import World, load_world

# Told after a bulk simulation commits, with the new dossiers' ids (a range): e.g. index
# rollups to rebuild. The services path needs none: every act runs the dossier services'
# own ON_COMMIT_HOOKS.
AFTER_BULK_HOOKS: list[Callable[[range], None]] = []

MAX_DOSSIERS = 5_000_000
MAX_SERVICES_DOSSIERS = 20_000
FIRST_YEAR = 2000


@dataclass
class SimulationReport:
    path: str
    dossiers: int
    events: int
    seconds: float
    year: int
    seed: int
    statuses: dict[str, int] = field(default_factory=dict)
    points: int = 0
    staff_created: int = 0
    first_received_at: dt.datetime | None = None
    last_received_at: dt.datetime | None = None

    @property
    def rate(self) -> float:
        return self.dossiers / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        path = "qua các dịch vụ" if self.path == "services" else "ghi hàng loạt (bulk)"
        statuses = ", ".join(
            f"{DossierStatus(s).label}: {n}" for s, n in sorted(self.statuses.items())
        )
        return (
            f"Đã mô phỏng {self.dossiers} hồ sơ ({self.events} sự kiện) năm {self.year}, "
            f"hạt giống {self.seed}, {path}, tại {self.points} Bộ phận Một cửa, trong "
            f"{self.seconds:.1f} giây ({self.rate:.0f} hồ sơ/giây). Trạng thái — {statuses}."
            + (
                f" Đã tạo {self.staff_created} tài khoản cán bộ mô phỏng."
                if self.staff_created
                else ""
            )
        )


def _refuse(message: str, code: str) -> None:
    raise ValidationError(message, code=code)


def prepare(
    *,
    dossiers: int,
    seed: int,
    year: int,
    bulk: bool,
    unit_codes: list[str] | None = None,
    now: dt.datetime | None = None,
) -> tuple[World, list, dt.datetime]:
    """Check the arguments, load the world and draw the arrivals (no dossier written)."""
    now = now or timezone.now()
    tz = ZoneInfo(settings.TIME_ZONE)
    if dossiers < 1:
        _refuse("Số hồ sơ cần mô phỏng phải là số nguyên dương.", "dossiers")
    if dossiers > MAX_DOSSIERS:
        _refuse(f"Số hồ sơ tối đa là {MAX_DOSSIERS:,}.".replace(",", "."), "dossiers")
    if not bulk and dossiers > MAX_SERVICES_DOSSIERS:
        _refuse(
            f"Mô phỏng qua các dịch vụ chỉ dùng cho tối đa {MAX_SERVICES_DOSSIERS:,} hồ sơ; "
            "với số lượng lớn hãy thêm --bulk.".replace(",", "."),
            "too_many_for_services",
        )
    if year < FIRST_YEAR or year > now.astimezone(tz).year:
        _refuse(
            f"Năm mô phỏng phải từ {FIRST_YEAR} đến năm hiện tại ({now.astimezone(tz).year}).",
            "year",
        )
    cutoff = min(now, dt.datetime(year + 1, 1, 1, tzinfo=tz))
    world = load_world(year=year, seed=seed, unit_codes=unit_codes)
    drawn = arrivals(world, count=dossiers, cutoff=cutoff, rng=random.Random(seed))  # noqa: S311 - reproducible simulation draws, not security
    if not drawn:
        _refuse(f"Không có thủ tục nào có hiệu lực để tiếp nhận trong năm {year}.", "no_procedure")
    last = DossierEvent.objects.order_by("-chain_seq").values_list("created_at", flat=True)
    last_at = last.first()
    if last_at is not None and last_at > drawn[0].at:
        _refuse(
            "Chuỗi sự kiện đã có sự kiện lúc "
            f"{timezone.localtime(last_at):%d/%m/%Y %H:%M}, sau thời điểm hồ sơ mô phỏng đầu "
            f"tiên ({timezone.localtime(drawn[0].at):%d/%m/%Y %H:%M}); sự kiện chỉ được ghi "
            "nối tiếp theo thời gian. Hãy mô phỏng trên cơ sở dữ liệu mới hoặc một năm sau đó.",
            "chain_later",
        )
    return world, drawn, cutoff


def _agency_codes(world: World) -> dict[int, str]:
    from cchc.dossiers.services import _agency_code

    return {p.unit.pk: _agency_code(p.unit) for p in world.points}


def _code_start(agency_codes: dict[int, str], year: int) -> dict[tuple[str, dt.date], int]:
    rows = DossierCodeSequence.objects.filter(
        agency_code__in=set(agency_codes.values()), day__year=year
    ).values_list("agency_code", "day", "last_number")
    return {(a, d): n for a, d, n in rows}


def simulate_runs(
    world: World, drawn: list, cutoff: dt.datetime, *, applicant_extra=None, workers: int = 1
):
    """The runs (lazily, in arrival order) of the drawn arrivals."""
    codes = _agency_codes(world)
    return lives(
        world,
        drawn,
        cutoff=cutoff,
        code_start=_code_start(codes, world.year),
        agency_codes=codes,
        applicant_extra=applicant_extra,
        workers=workers,
    )


def simulate(
    *,
    dossiers: int,
    seed: int,
    year: int,
    bulk: bool = False,
    unit_codes: list[str] | None = None,
    now: dt.datetime | None = None,
    workers: int = 1,
) -> SimulationReport:
    """Simulate `dossiers` dossiers of `year` (up to now) and write them; see module doc.

    `workers` > 1 (bulk path only) computes the dossiers' lives in that many processes.
    """
    if workers < 1 or workers > 64:
        _refuse("Số tiến trình (--workers) phải từ 1 đến 64.", "workers")
    if workers > 1 and not bulk:
        _refuse("Chỉ dùng nhiều tiến trình (--workers) với --bulk.", "workers")
    started = time.perf_counter()
    # One transaction: a refusal, or a failure half-way, leaves nothing behind (not even
    # the simulated staff accounts).
    with transaction.atomic():
        report = _simulate(
            dossiers=dossiers,
            seed=seed,
            year=year,
            bulk=bulk,
            unit_codes=unit_codes,
            now=now,
            workers=workers,
        )
    report.seconds = time.perf_counter() - started
    return report


def _simulate(
    *,
    dossiers: int,
    seed: int,
    year: int,
    bulk: bool,
    unit_codes: list[str] | None,
    now: dt.datetime | None,
    workers: int,
) -> SimulationReport:
    world, drawn, cutoff = prepare(
        dossiers=dossiers, seed=seed, year=year, bulk=bulk, unit_codes=unit_codes, now=now
    )
    report = SimulationReport(
        path="bulk" if bulk else "services",
        dossiers=len(drawn),
        events=0,
        seconds=0.0,
        year=year,
        seed=seed,
        points=len(world.points),
        staff_created=len(world.cast.created),
        first_received_at=drawn[0].at,
        last_received_at=drawn[-1].at,
    )
    if bulk:
        writer = bulk_path.Writer(seed=seed)
        stats = bulk_path.write(
            simulate_runs(world, drawn, cutoff, applicant_extra=writer.prepare, workers=workers),
            writer=writer,
        )
        report.events, report.statuses = stats.events, stats.statuses
        ids = range(writer.dossier_base, writer.dossier_base + stats.dossiers)
        for hook in list(AFTER_BULK_HOOKS):
            transaction.on_commit(lambda hook=hook: hook(ids))
    else:
        runs: list[Run] = list(simulate_runs(world, drawn, cutoff))
        before = DossierEvent.objects.count()
        services_path.perform(runs)
        report.events = DossierEvent.objects.count() - before
        codes = [r.code for r in runs]
        report.statuses = dict(
            Dossier.objects.filter(code__in=codes)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
    return report
