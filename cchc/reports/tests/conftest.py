"""Report fixtures: dossiers made through the dossier services at a fixed clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cchc.dossiers.tests.conftest import VN, Clock
from cchc.dossiers.tests.factories import drive_to, make_world, receive


@pytest.fixture
def clock(monkeypatch):
    c = Clock(dt.datetime(2026, 11, 16, 8, 0, tzinfo=VN))
    monkeypatch.setattr(timezone, "now", c)
    return c


@pytest.fixture
def world(db, clock):
    w = make_world()
    # Three dossiers in November 2026: one returned on time, one in processing, one with
    # an apology letter (Mẫu 04) issued well before its due time.
    done = drive_to(w, receive(w), "returned")
    receive(w)
    apologised = drive_to(w, receive(w), "assigned")
    from cchc.dossiers import services

    services.dossier_apologise(
        actor=w.leader,
        dossier=apologised,
        new_due=apologised.due_at + dt.timedelta(days=3),
        reason="Chờ xác minh",
    )
    clock.advance(days=1)
    w.extra["done"] = done
    return w
