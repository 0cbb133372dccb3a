"""Fixtures for the index tests that build dossiers through the real dossier services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from cchc.dossiers import services
from cchc.dossiers.models import Channel, ComponentSource, Dossier, FeeStatus
from cchc.dossiers.tests.conftest import VN, Clock
from cchc.dossiers.tests.factories import (
    components_for,
    drive_to,
    make_procedure,
    make_world,
    pdf_bytes,
    receive,
)
from cchc.procedures.models import OnlineLevel


@pytest.fixture
def clock(monkeypatch):
    # Monday 23/11/2026, 08:00 in Vietnam: an ordinary working day.
    c = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    monkeypatch.setattr(timezone, "now", c)
    return c


@pytest.fixture
def world(db, clock):
    return make_world()


def _reload(d):
    return Dossier.objects.get(pk=d.pk)


@pytest.fixture
def dossiers(world, clock):
    """Six dossiers received on Monday 23/11/2026 and moved along different paths."""
    w = world
    w.version.online_level = OnlineLevel.FULL
    w.version.save(update_fields=["online_level"])
    fee_version = make_procedure(fee=Decimal(50000), name="Cấp bản sao trích lục")
    made = {}
    # 1. Returned on time, paper result only, digitized components.
    made["returned"] = drive_to(
        w, receive(w, components=components_for(w, source=ComponentSource.DIGITIZED)), "returned"
    )
    # 2. Waiting for a supplement.
    d = drive_to(w, receive(w), "at_department")
    services.dossier_request_supplement(
        actor=w.specialist, dossier=d, items=["Giấy chứng sinh bản chính"], reason="Mờ"
    )
    made["supplement"] = _reload(d)
    # 3. Online, reused data, refused.
    d = receive(
        w,
        actor=None,
        channel=Channel.ONLINE,
        components=components_for(w, source=ComponentSource.REUSED),
    )
    services.dossier_refuse(actor=w.officer, dossier=_reload(d), reason="Không đủ điều kiện")
    made["refused"] = _reload(d)
    # 4. A fee, paid online, result with an electronic file, rated dissatisfied.
    d = receive(
        w,
        procedure=fee_version.procedure,
        components=[
            {"requirement": req, "source": ComponentSource.PAPER}
            for req in fee_version.components.filter(is_required=True)
        ],
    )
    d = drive_to(w, _reload(d), "approved")
    services.dossier_fee_record(actor=None, dossier=d, status=FeeStatus.PAID_ONLINE, receipt="GD-1")
    d = _reload(d)
    services.dossier_issue_result(
        actor=w.officer,
        dossier=d,
        paper=True,
        electronic_file=ContentFile(pdf_bytes("ket qua"), name="kq.pdf"),
    )
    clock.advance(hours=1)
    services.dossier_return_result(actor=w.officer, dossier=_reload(d), method="counter")
    services.dossier_rate(actor=w.officer, dossier=_reload(d), rating="dissatisfied")
    made["fee"] = _reload(d)
    # 5. Still processing, due 30/11: on time as of the end of November...
    made["open"] = receive(w)
    # 6. ...and one finished in December, after its due time.
    d = drive_to(w, receive(w), "approved")
    clock.set(dt.datetime(2026, 12, 2, 9, 0, tzinfo=VN))
    services.dossier_issue_result(actor=w.officer, dossier=_reload(d), paper=True)
    made["late"] = _reload(d)
    return {k: _reload(v) for k, v in made.items()}
