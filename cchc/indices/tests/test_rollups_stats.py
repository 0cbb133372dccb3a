"""Period rollups (decision 0007): kept in the dossier services' own transaction, equal
to a recomputation after every kind of service call, and serving exactly the index
that `formulas.score` gives over `facts_from_database` for months, quarters and years."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.dossiers import services
from cchc.dossiers.models import ComponentSource, Dossier, DossierComponent, FeeStatus
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import components_for, drive_to, receive
from cchc.indices.formulas import score
from cchc.indices.interchange import facts_from_database
from cchc.indices.periods import Period, parse_period
from cchc.indices.stats_models import COUNT_FIELDS, DossierRollupState, PeriodRollup
from cchc.indices.stats_rollups import (
    RATIOS,
    dossier_bits,
    index_from_period_rollups,
    index_from_rollups,
    is_standard,
    judging_days,
    on_dossier_changed,
    stats_check,
    stats_rebuild,
)
from cchc.indices.tests.test_formulas import dossier_facts

# Clock of the fixtures starts Monday 23/11/2026: the runs below cross a quarter and a year.
PERIODS = ["2026-11", "2026-12", "2026-Q4", "2026", "2027-01", "2027-Q1", "2027"]


def _reload(d: Dossier) -> Dossier:
    return Dossier.objects.get(pk=d.pk)


def _assert_equal_to_facts(world, periods=PERIODS) -> None:
    for text in periods:
        period = parse_period(text)
        for unit in (None, world.province, world.commune, world.one_stop):
            direct = score(facts_from_database(period=period, unit=unit), period)
            served = index_from_period_rollups(period=period, unit=unit)
            assert served.as_json() == direct.as_json(), (text, unit)
            assert served.dossiers == direct.dossiers


# --- The in-transaction hook of the dossier services -------------------------------------


def test_hook_runs_inside_the_service_transaction_after_all_its_writes(world):
    seen = []

    def hook(dossier, action):
        seen.append(
            (
                action,
                connection.in_atomic_block,
                DossierComponent.objects.filter(dossier_id=dossier.pk).count(),
            )
        )

    services.IN_TRANSACTION_HOOKS.append(hook)
    try:
        d = receive(world, components=components_for(world, source=ComponentSource.DIGITIZED))
    finally:
        services.IN_TRANSACTION_HOOKS.remove(hook)
    # Components are saved after the event is appended: the hook sees them.
    assert seen == [("received", True, len(components_for(world)))]
    assert DossierRollupState.objects.get(dossier_id=d.pk).bits_month & 1


def test_a_failing_hook_rolls_the_service_back(world):
    def hook(dossier, action):
        raise RuntimeError("rollup failed")

    before = Dossier.objects.count()
    services.IN_TRANSACTION_HOOKS.append(hook)
    try:
        with pytest.raises(RuntimeError):
            receive(world)
    finally:
        services.IN_TRANSACTION_HOOKS.remove(hook)
    assert Dossier.objects.count() == before
    assert not PeriodRollup.objects.exists()


def test_the_indices_app_subscribes_its_hook():
    assert on_dossier_changed in services.IN_TRANSACTION_HOOKS


# --- Equality with a recomputation after real service calls ------------------------------


def test_every_kind_of_service_call_keeps_the_cells_exact(dossiers, world, clock):
    """Receive, supplement request and provision, refuse, fee, result, return, rate,
    withdraw, stop and petition, across a month, a quarter and a year boundary."""
    assert stats_check() == []
    _assert_equal_to_facts(world)
    # Supplement provided in December: the dossier resumes.
    services.dossier_supplement_provided(
        actor=world.officer,
        dossier=dossiers["supplement"],
        components=components_for(world, source=ComponentSource.DIGITIZED)[:1],
    )
    assert stats_check() == []
    services.dossier_withdraw(actor=world.officer, dossier=dossiers["open"], reason="Rút hồ sơ")
    services.dossier_petition_add(
        actor=world.officer, dossier=dossiers["returned"], kind="complaint", content="Trả chậm"
    )
    services.dossier_rate(actor=world.officer, dossier=dossiers["late"], rating="normal")
    assert stats_check() == []
    # January: a new quarter and year; one stopped, one returned late, one rated.
    clock.set(dt.datetime(2027, 1, 5, 9, 0, tzinfo=VN))
    stopped = receive(world)
    services.dossier_stop_request(actor=world.officer, dossier=stopped, reason="Dừng")
    slow = drive_to(world, receive(world), "approved")
    clock.set(dt.datetime(2027, 2, 20, 9, 0, tzinfo=VN))
    services.dossier_issue_result(actor=world.officer, dossier=_reload(slow), paper=True)
    services.dossier_return_result(actor=world.officer, dossier=_reload(slow), method="counter")
    services.dossier_rate(actor=world.officer, dossier=_reload(slow), rating="satisfied")
    assert stats_check() == []
    _assert_equal_to_facts(world)


def _random_history(world, clock, rng: random.Random, n: int) -> None:
    """n dossiers received over Nov 2026 – Feb 2027, each pushed through random acts of
    the real services; acts the rules refuse change nothing and are skipped."""
    clock.set(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    live: list[Dossier] = []
    happy: set[int] = set()  # only moved along the happy path (drive_to works on them)
    for _ in range(n):
        clock.advance(hours=rng.choice([5, 30, 80, 200]))
        if clock.now.hour >= 17 or clock.now.hour < 7:
            clock.advance(hours=14)
        source = rng.choice([ComponentSource.PAPER, ComponentSource.DIGITIZED])
        d = receive(world, components=components_for(world, source=source))
        live.append(d)
        happy.add(d.pk)
        for d in rng.sample(live, k=min(3, len(live))):
            d = _reload(d)
            act = rng.choices(
                ["drive", "supplement", "provide", "refuse", "withdraw", "rate", "petition", "fee"],
                weights=[5, 2, 2, 1, 1, 3, 1, 1],
            )[0]
            try:
                if act == "drive" and d.pk in happy:
                    drive_to(world, d, rng.choice(["approved", "result", "returned"]))
                elif act == "supplement" and d.pk in happy and d.version <= 3:
                    happy.discard(d.pk)
                    d = drive_to(world, d, "assigned")
                    services.dossier_request_supplement(
                        actor=world.specialist, dossier=d, items=["Bản chính"], reason="Mờ"
                    )
                elif act == "provide":
                    services.dossier_supplement_provided(
                        actor=world.officer, dossier=d, components=components_for(world)[:1]
                    )
                elif act == "refuse":
                    services.dossier_refuse(actor=world.officer, dossier=d, reason="Không đủ")
                elif act == "withdraw":
                    services.dossier_withdraw(actor=world.officer, dossier=d, reason="Rút")
                elif act == "rate":
                    rating = rng.choice(["satisfied", "normal", "dissatisfied"])
                    services.dossier_rate(actor=world.officer, dossier=d, rating=rating)
                elif act == "petition":
                    services.dossier_petition_add(
                        actor=world.officer, dossier=d, kind="petition", content="Kiến nghị"
                    )
                elif act == "fee":
                    services.dossier_fee_record(
                        actor=None, dossier=d, status=FeeStatus.PAID_ONLINE, receipt="GD"
                    )
            except (ValidationError, PermissionDenied):
                happy.discard(d.pk)


@pytest.mark.parametrize("seed", [1, 2])
def test_randomized_histories_equal_the_formulas(world, clock, seed):
    _random_history(world, clock, random.Random(seed), n=16)
    assert stats_check() == []
    _assert_equal_to_facts(world)
    # ...and a rebuild from the dossiers writes the very same cells.
    before = set(PeriodRollup.objects.values_list("unit_id", "month", "as_of", *COUNT_FIELDS))
    stats_rebuild()
    after = set(PeriodRollup.objects.values_list("unit_id", "month", "as_of", *COUNT_FIELDS))
    assert {r for r in before if any(r[3:])} == after


def test_one_aggregate_query_and_the_day_level_fallback(dossiers, world, django_assert_num_queries):
    period = parse_period("2026-Q4")
    with django_assert_num_queries(1):
        index_from_rollups(period=period, unit=world.commune)
    # A written-out month is a month; a week is not: it is served by the day rollups.
    assert is_standard(parse_period("2026-11-01..2026-11-30"))
    week = parse_period("2026-11-23..2026-11-29")
    assert not is_standard(week)
    with pytest.raises(ValueError):
        index_from_period_rollups(period=week)
    from cchc.indices.rollups import rollup_rebuild

    rollup_rebuild()
    assert (
        index_from_rollups(period=week, unit=world.province).as_json()
        == score(facts_from_database(period=week, unit=world.province), week).as_json()
    )


# --- cchc stats check / rebuild ----------------------------------------------------------


def test_stats_check_catches_a_tampered_cell_and_passes_after_rebuild(
    dossiers, world, capsys, django_capture_on_commit_callbacks
):
    call_command("stats", "rebuild")
    call_command("stats", "check")
    assert "khớp" in capsys.readouterr().out
    cell = PeriodRollup.objects.filter(as_of=dt.date(2026, 12, 31)).first()
    PeriodRollup.objects.filter(pk=cell.pk).update(on_time=cell.on_time + 1)
    with pytest.raises(CommandError) as excinfo:
        call_command("stats", "check", "--year", "2026")
    assert excinfo.value.returncode == 1
    out = capsys.readouterr().out
    assert "tính đến 31/12/2026" in out and "on_time lưu" in out
    # A lost per-dossier state is reported too (future deltas would be wrong).
    DossierRollupState.objects.filter(dossier_id=dossiers["late"].pk).delete()
    with pytest.raises(CommandError):
        call_command("stats", "check")
    assert f"hồ sơ #{dossiers['late'].pk}" in capsys.readouterr().out
    call_command("stats", "rebuild", "--year", "2026")
    call_command("stats", "check")
    # A stray cell in a month no dossier was received in is reported too.
    PeriodRollup.objects.create(
        unit=world.one_stop,
        procedure_code=world.procedure.code,
        month=dt.date(2020, 1, 1),
        as_of=dt.date(2020, 1, 31),
        received=1,
    )
    assert [p for p in stats_check() if "tháng 01/2020" in p]


# --- Pure: the cell arithmetic is the formulas' arithmetic --------------------------------


def _index_from_cells(rows, period: Period) -> dict[str, tuple[int, int]]:
    sums = dict.fromkeys(COUNT_FIELDS, 0)
    for f in rows:
        month, bits = dossier_bits(f)
        if not period.first_day <= month <= period.last_day:
            continue
        b = dict(zip(judging_days(month), bits, strict=False))[period.last_day]
        for i, name in enumerate(COUNT_FIELDS):
            sums[name] += bool(b & (1 << i))
    return {code: (sums[num], sums[den]) for code, (num, den) in RATIOS.items()}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(dossier_facts(), max_size=40),
    st.sampled_from(["2024-02", "2024-03", "2024-04", "2024-Q1", "2024-Q2", "2024"]),
)
def test_cells_give_the_formulas_numbers(rows, text):
    period = parse_period(text)
    direct = score(rows, period)
    for code, pair in _index_from_cells(rows, period).items():
        c = direct.criterion(code)
        assert (c.numerator, c.denominator) == pair, code


def test_after_the_bulk_path_both_rollups_are_rebuilt(dossiers, world):
    from cchc.indices.models import IndexRollup
    from cchc.indices.rollups import rollup_check
    from cchc.indices.stats_rollups import rebuild_after_bulk

    # As if written by the bulk path: no hook ran for these rows.
    PeriodRollup.objects.all().delete()
    DossierRollupState.objects.all().delete()
    IndexRollup.objects.all().delete()
    assert stats_check() != [] and rollup_check() != []
    pks = sorted(d.pk for d in dossiers.values())
    rebuild_after_bulk(range(pks[0], pks[-1] + 1))
    assert stats_check() == [] and rollup_check() == []


def test_the_interchange_import_keeps_the_cells_exact(world, tmp_path):
    from decimal import Decimal

    from cchc.dossiers.tests.factories import make_procedure
    from cchc.indices.interchange import import_csv
    from cchc.indices.tests.helpers import csv_text
    from cchc.indices.tests.test_import import _rows
    from cchc.procedures.models import OnlineLevel

    world.version.online_level = OnlineLevel.FULL
    world.version.save(update_fields=["online_level"])
    fee_version = make_procedure(fee=Decimal(20000), name="Cấp bản sao trích lục hộ tịch")
    source = tmp_path / "tinh.csv"
    source.write_text(csv_text(_rows(world, fee_version)), encoding="utf-8")
    assert import_csv(path=source).created == 6
    assert DossierRollupState.objects.count() == 6
    assert stats_check() == []
    _assert_equal_to_facts(world, ["2026-10", "2026-Q4", "2026"])
