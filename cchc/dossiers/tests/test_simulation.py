"""The simulated year: determinism, services path == engine == bulk path, audit passes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cchc.dossiers.audit import audit_verify
from cchc.dossiers.models import DossierEvent
from cchc.dossiers.simulation import simulate
from cchc.dossiers.tests.factories import make_world

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN)


@pytest.fixture
def world(db):
    return make_world()


def test_services_path_smoke(world):
    report = simulate(dossiers=30, seed=7, year=2026, now=NOW)
    assert report.dossiers == 30
    result = audit_verify(projections=True)
    assert result.ok, result.problems
    print(report.summary())
    print(DossierEvent.objects.values_list("action", flat=True).distinct())


def test_bulk_path_smoke(world):
    report = simulate(dossiers=300, seed=7, year=2026, bulk=True, now=NOW)
    result = audit_verify(projections=True)
    assert result.ok, result.problems[:5]
    print(report.summary())
