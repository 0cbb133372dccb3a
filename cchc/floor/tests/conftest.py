"""A one-stop unit with two counters, on the dossier tests' world and clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from cchc.dossiers.tests.conftest import VN, Clock
from cchc.dossiers.tests.factories import World, make_world
from cchc.floor.models import Counter
from cchc.procedures.models import Sector


@dataclass
class Floor:
    world: World
    civil: Sector  # Hộ tịch (the world's procedure's sector)
    land: Sector
    counter_1: Counter  # Hộ tịch + Đất đai
    counter_2: Counter  # Đất đai only
    other_counter: Counter  # at another commune's one-stop unit


def make_floor(world: World) -> Floor:
    civil = world.procedure.sector
    land, _ = Sector.objects.get_or_create(code="DD", defaults={"name": "Đất đai"})
    c1 = Counter.objects.create(unit=world.one_stop, number=1, name="Hộ tịch")
    c1.sectors.set([civil, land])
    c2 = Counter.objects.create(unit=world.one_stop, number=2, name="Đất đai")
    c2.sectors.set([land])
    other = Counter.objects.create(unit=world.other_commune_one_stop, number=1)
    other.sectors.set([civil])
    return Floor(world, civil, land, c1, c2, other)


@pytest.fixture
def clock(monkeypatch):
    # Monday 16/11/2026, 08:00 in Vietnam: a working day, within office hours.
    c = Clock(dt.datetime(2026, 11, 16, 8, 0, tzinfo=VN))
    monkeypatch.setattr(timezone, "now", c)
    return c


@pytest.fixture
def floor(db, clock):
    return make_floor(make_world())
