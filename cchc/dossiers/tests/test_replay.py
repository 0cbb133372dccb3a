"""State = replay(events): for dossiers driven through every service."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from cchc.dossiers import services
from cchc.dossiers.models import Dossier, DossierEvent
from cchc.dossiers.projection import dossier_rebuild, dossier_replay, state_from_db
from cchc.dossiers.tests.factories import components_for, drive_to, pdf_bytes, receive


def _r(d) -> Dossier:
    return Dossier.objects.get(pk=d.pk)


def _drive_everything(world, clock) -> list[Dossier]:
    out = []
    a = drive_to(world, receive(world), "assigned")
    clock.advance(hours=2)
    services.dossier_request_supplement(actor=world.specialist, dossier=a, items=["A"], reason="B")
    clock.advance(days=1)
    services.dossier_supplement_provided(
        actor=world.officer, dossier=_r(a), components=[{"name": "A", "source": "paper"}]
    )
    clock.advance(hours=1)
    services.dossier_pause(
        actor=world.specialist, dossier=_r(a), kind="financial_obligation", basis="x", notice="TB 1"
    )
    clock.advance(days=2)
    services.dossier_resume(actor=world.specialist, dossier=_r(a), receipt="BL 1")
    services.dossier_note_add(actor=world.specialist, dossier=_r(a), text="ghi chú")
    services.dossier_apologise(
        actor=world.leader, dossier=_r(a), new_due=_r(a).due_at + dt.timedelta(days=2), reason="x"
    )
    services.dossier_handover(
        actor=world.specialist, dossier=_r(a), to_unit=world.department, to_user=world.leader
    )
    services.dossier_return_to_step(actor=world.leader, dossier=_r(a), step_order=2, reason="lại")
    services.dossier_reassign(
        actor=world.leader,
        unit=world.department,
        from_user=world.specialist,
        to_user=world.specialist_2,
        reason="ốm",
    )
    clock.advance(days=3)
    services.dossier_handover(
        actor=world.specialist_2, dossier=_r(a), to_unit=world.department, to_user=world.leader
    )
    services.dossier_approve(actor=world.leader, dossier=_r(a))
    services.dossier_fee_record(actor=world.officer, dossier=_r(a), status="exempt")
    services.dossier_issue_result(
        actor=world.officer,
        dossier=_r(a),
        paper=True,
        electronic_file=ContentFile(pdf_bytes("kq"), name="kq.pdf"),
    )
    services.dossier_return_result(actor=world.officer, dossier=_r(a), method="post")
    services.dossier_rate(actor=world.officer, dossier=_r(a), rating="normal", comment="ổn")
    services.dossier_petition_add(
        actor=world.officer, dossier=_r(a), kind="complaint", content="Phải đi lại nhiều lần"
    )
    clock.advance(days=1)
    services.dossier_petition_answer(
        actor=world.officer, dossier=_r(a), no=1, answer="Đã nhắc nhở cán bộ"
    )
    out.append(a)

    b = drive_to(world, receive(world), "at_department")
    services.dossier_refuse(actor=world.leader, dossier=b, reason="Không đủ điều kiện")
    out.append(b)
    c = receive(world)
    services.dossier_withdraw(actor=world.officer, dossier=c, reason="rút")
    out.append(c)
    d = receive(world, components=components_for(world, source="digitized"))
    services.dossier_stop_request(
        actor=None, dossier=d, reason="dừng", lookup_secret=d.issued_lookup_secret
    )
    out.append(d)
    out.append(receive(world))
    return [_r(x) for x in out]


def test_replay_equals_stored_projection(world, clock):
    dossiers = _drive_everything(world, clock)
    assert _r(dossiers[0]).version > 15
    for d in dossiers:
        events = list(DossierEvent.objects.filter(dossier=d).order_by("seq"))
        replayed = dossier_replay(events)
        stored = state_from_db(d)
        assert replayed.fields == stored.fields, d.code
        assert replayed.steps == stored.steps, d.code
        assert replayed.petitions == stored.petitions, d.code
        assert dossier_rebuild(dossier=d) is False
