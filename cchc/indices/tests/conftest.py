"""Fixtures for the index tests that build dossiers through the real dossier services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cchc.dossiers.tests.conftest import VN, Clock
from cchc.dossiers.tests.factories import make_world


@pytest.fixture
def clock(monkeypatch):
    # Monday 23/11/2026, 08:00 in Vietnam: an ordinary working day.
    c = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    monkeypatch.setattr(timezone, "now", c)
    return c


@pytest.fixture
def world(db, clock):
    return make_world()
