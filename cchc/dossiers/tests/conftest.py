"""Fixtures for dossier tests: a controllable clock and a ready-made world."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cchc.dossiers.tests.factories import make_world

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock:
    """Stands in for `django.utils.timezone.now`; tests move it forward explicitly."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, value: dt.datetime) -> None:
        self.now = value

    def advance(self, **kw: float) -> dt.datetime:
        self.now += dt.timedelta(**kw)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    # Monday 16/11/2026, 08:00 in Vietnam: an ordinary working week (24/11 is a day off).
    c = Clock(dt.datetime(2026, 11, 16, 8, 0, tzinfo=VN))
    monkeypatch.setattr(timezone, "now", c)
    return c


@pytest.fixture
def world(db, clock):
    return make_world()
