"""Rollups: the index served from them equals scoring the dossiers; kept current after
every dossier event; `cchc stats check` catches any drift."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.dossiers import services
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import drive_to, receive
from cchc.indices.formulas import score
from cchc.indices.interchange import facts_from_database
from cchc.indices.models import IndexRollup
from cchc.indices.periods import Period, parse_period
from cchc.indices.rollups import (
    index_from_rollups,
    rollup_check,
    rollup_counts,
    rollup_rebuild,
)
from cchc.indices.tests.test_formulas import dossier_facts

PERIODS = ["2026-11", "2026-Q4", "2026-11-23..2026-11-23", "2026-11-24..2026-12-01", "2026-12"]


def test_rollups_give_the_same_index_as_the_dossiers(
    dossiers,
    world,
    django_assert_num_queries,
):
    rollup_rebuild()
    assert rollup_check() == []
    for text in PERIODS:
        period = parse_period(text)
        for unit in (None, world.province, world.commune, world.other_commune_one_stop):
            with django_assert_num_queries(1):
                from_rollups = index_from_rollups(period=period, unit=unit)
            direct = score(facts_from_database(period=period, unit=unit), period)
            assert from_rollups.as_json() == direct.as_json()


def test_rollups_follow_every_event(world, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(world)
    assert IndexRollup.objects.get().count == 1
    assert rollup_check() == []
    with django_capture_on_commit_callbacks(execute=True):
        drive_to(world, d, "returned")
        clock.set(dt.datetime(2026, 11, 24, 9, 0, tzinfo=VN))
        other = receive(world)
        services.dossier_refuse(
            actor=world.officer,
            dossier=Dossier.objects.get(pk=other.pk),
            reason="Không đủ điều kiện",
        )
    assert rollup_check() == []
    november = parse_period("2026-11")
    assert (
        index_from_rollups(period=november).as_json()
        == score(facts_from_database(period=november), november).as_json()
    )


def test_stats_commands(world, clock, django_capture_on_commit_callbacks, capsys):
    receive(world)  # no hooks run (test transaction): the rollups are stale
    with pytest.raises(CommandError, match="chạy `cchc stats rebuild`"):
        call_command("stats", "check")
    call_command("stats", "rebuild")
    call_command("stats", "check")
    assert "khớp" in capsys.readouterr().out
    IndexRollup.objects.update(count=5)  # tampering
    with pytest.raises(CommandError):
        call_command("stats", "check")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(dossier_facts(), max_size=30),
    st.dates(min_value=dt.date(2024, 2, 15), max_value=dt.date(2024, 4, 15)),
    st.integers(0, 40),
)
def test_rollup_arithmetic_matches_the_formulas(rows, first, days):
    """Pure check of the day-level reasoning: counts from keys = counts from the facts."""
    period = Period(first, first + dt.timedelta(days=days), "p")
    direct = score(rows, period)
    counts = rollup_counts(rows)
    t = period.last_day
    on_time = received = 0
    for k, n in counts.items():
        if not period.first_day <= k.received_day <= t:
            continue
        received += n
        ended = k.end_day is not None and k.end_day <= t
        ok = not k.multi_supplement and (k.ended_on_time if ended else t <= k.due_key)
        on_time += n if ok else 0
    c = direct.criterion("DOSSIER_ON_TIME")
    assert (c.numerator, c.denominator) == (on_time, received)
