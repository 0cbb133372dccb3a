"""Processing services: the happy path, pauses and the clock, lateness, refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db.models import F

from cchc.dossiers import services
from cchc.dossiers.models import (
    ComponentSource,
    Dossier,
    DossierEvent,
    DossierStatus,
    DossierStep,
    FeeStatus,
    Outcome,
    SubjectBlock,
)
from cchc.dossiers.selectors import dossier_counts_late, dossier_timeline, step_overruns
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import components_for, drive_to, make_world, pdf_bytes, receive


def _events(d) -> int:
    return DossierEvent.objects.filter(dossier=d).count()


def _reload(d) -> Dossier:
    return Dossier.objects.get(pk=d.pk)


def test_happy_path_steps_and_control_slip(world, clock):
    d = receive(world)
    clock.advance(hours=1)
    d = drive_to(world, d, "at_department")
    assert (d.current_unit_id, d.current_step_order, d.handling_unit_id) == (
        world.department.pk,
        2,
        world.department.pk,
    )
    clock.advance(hours=2)
    d = drive_to(world, d, "assigned")  # leader assigns to the specialist
    assert d.current_assignee_id == world.specialist.pk
    clock.advance(days=1)
    services.dossier_handover(
        actor=world.specialist,
        dossier=d,
        to_unit=world.department,
        to_user=world.leader,
        expected_version=d.version,
    )
    clock.advance(hours=1)
    d = _reload(d)
    services.dossier_approve(actor=world.leader, dossier=d, expected_version=d.version)
    d = _reload(d)
    assert d.status == DossierStatus.APPROVED
    assert d.current_unit_id == world.one_stop.pk  # step 4 belongs to the receiving one-stop
    clock.advance(hours=1)
    services.dossier_issue_result(
        actor=world.officer,
        dossier=d,
        paper=True,
        electronic_file=ContentFile(pdf_bytes("result"), name="kq.pdf"),
        result_number="123/GKS",
        expected_version=d.version,
    )
    d = _reload(d)
    assert d.status == DossierStatus.RESULT_READY
    assert d.finished_at == clock.now and d.outcome == Outcome.EARLY
    assert d.result_file.name and len(d.result_file_sha256) == 64
    services.dossier_return_result(
        actor=world.officer, dossier=d, method="online", expected_version=d.version
    )
    d = _reload(d)
    assert d.status == DossierStatus.RETURNED and d.return_method == "online"
    steps = list(DossierStep.objects.filter(dossier=d).order_by("index"))
    assert [s.order for s in steps] == [1, 2, 3, 4]
    assert all(s.finished_at and s.outcome for s in steps)
    assert [e.action for e in dossier_timeline(dossier=d)] == [
        "received",
        "handed_over",
        "assigned",
        "handed_over",
        "approved",
        "result_issued",
        "result_returned",
    ]
    assert d.version == 7


def test_stale_version_is_a_conflict_and_changes_nothing(world):
    d = receive(world)
    services.dossier_handover(
        actor=world.officer, dossier=d, to_unit=world.department, expected_version=1
    )
    with pytest.raises(services.DossierConflict) as exc:
        services.dossier_refuse(actor=world.officer, dossier=d, reason="x", expected_version=1)
    assert "người khác cập nhật" in exc.value.messages[0]
    assert _events(d) == 2 and _reload(d).status == DossierStatus.PROCESSING


def test_processing_requires_permission_in_the_current_unit(world):
    d = receive(world)
    for actor in (world.specialist, world.outsider, world.citizen, None):
        with pytest.raises(PermissionDenied):
            services.dossier_handover(actor=actor, dossier=d, to_unit=world.department)
    d = drive_to(world, d, "at_department")
    with pytest.raises(PermissionDenied):  # officer of the one-stop may not approve
        services.dossier_approve(actor=world.officer, dossier=d)
    with pytest.raises(PermissionDenied):  # only a leader assigns
        services.dossier_assign(actor=world.specialist, dossier=d, to_user=world.specialist)
    with pytest.raises(ValidationError) as exc:  # an officer outside the unit
        services.dossier_assign(actor=world.leader, dossier=d, to_user=world.officer)
    assert "to_user" in exc.value.message_dict
    assert _events(d) == 2


def test_handover_checks_the_step_unit_and_the_last_step(world):
    d = receive(world)
    d = drive_to(world, d, "approved")
    with pytest.raises(ValidationError) as exc:
        services.dossier_handover(actor=world.officer, dossier=d, to_unit=world.department)
    assert "bước cuối" in exc.value.messages[0]
    other = receive(world)
    other = drive_to(world, other, "at_leader")
    with pytest.raises(ValidationError):
        # step 4 is the receiving one-stop's, not another department's
        services.dossier_approve(actor=world.leader, dossier=other, to_unit=world.other_department)


def test_issue_result_requires_approval_when_a_leader_step_exists(world):
    d = drive_to(world, receive(world), "assigned")
    with pytest.raises(ValidationError) as exc:
        services.dossier_issue_result(actor=world.specialist, dossier=d, paper=True)
    assert "phê duyệt" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.dossier_issue_result(actor=world.specialist, dossier=d, paper=False)
    assert _events(d) == 3


def test_supplement_pauses_and_moves_the_due_date_by_paused_working_days(world, clock):
    d = drive_to(world, receive(world), "assigned")
    due = d.due_at
    step_due = d.current_step_due_at
    clock.set(dt.datetime(2026, 11, 17, 8, 0, tzinfo=VN))  # Tuesday
    services.dossier_request_supplement(
        actor=world.specialist,
        dossier=d,
        items=["Bản sao giấy chứng nhận kết hôn"],
        reason="Thiếu giấy tờ chứng minh quan hệ cha mẹ",
        expected_version=d.version,
    )
    d = _reload(d)
    assert d.status == DossierStatus.WAITING_SUPPLEMENT and d.supplement_count == 1
    # Thursday 8:00: two full working days (Tue 08:00→Thu 08:00) were paused.
    clock.set(dt.datetime(2026, 11, 19, 8, 0, tzinfo=VN))
    comps = [
        {
            "name": "Bản sao giấy chứng nhận kết hôn",
            "source": ComponentSource.DIGITIZED,
            "file": ContentFile(pdf_bytes("scan"), name="kh.pdf"),
        }
    ]
    services.dossier_supplement_provided(
        actor=world.officer, dossier=d, components=comps, expected_version=d.version
    )
    d = _reload(d)
    assert d.status == DossierStatus.PROCESSING and d.paused_since is None
    assert d.paused_working_days == Decimal("2.00")
    # Due Mon 23/11 17:00 + 2 working days: 24/11 is a day off → Wed 26? no: Wed 25, Thu 26.
    assert d.due_at == dt.datetime(2026, 11, 26, 17, 0, tzinfo=VN) != due
    assert d.current_step_due_at > step_due
    assert DossierStep.objects.get(dossier=d, index=2).due_at == d.current_step_due_at
    assert d.components.filter(added_by_seq=d.version).count() == 1
    assert not dossier_counts_late(d)


def test_second_supplement_request_is_flagged_and_counts_late(world, clock):
    d = drive_to(world, receive(world), "assigned")
    for n in (1, 2):
        services.dossier_request_supplement(
            actor=world.specialist, dossier=d, items=["Tờ khai"], reason="Sai thông tin"
        )
        ev = DossierEvent.objects.filter(dossier=d).order_by("-seq").first()
        assert ev.payload["flagged"] is (n == 2)
        clock.advance(hours=1)
        services.dossier_supplement_provided(
            actor=world.officer,
            dossier=d,
            components=[{"name": "Tờ khai", "source": "paper"}],
        )
    d = _reload(d)
    assert d.supplement_count == 2 and dossier_counts_late(d)


def test_waiting_dossier_is_judged_when_it_was_paused(world, clock):
    d = drive_to(world, receive(world), "assigned")
    services.dossier_request_supplement(actor=world.specialist, dossier=d, items=["A"], reason="B")
    clock.set(dt.datetime(2026, 12, 31, 8, 0, tzinfo=VN))  # long after the due date
    assert not dossier_counts_late(_reload(d))  # the clock stopped before the due date


def test_citizen_supplements_online_with_the_lookup_secret(world):
    d = receive(world)
    secret = d.issued_lookup_secret
    services.dossier_request_supplement(actor=world.officer, dossier=d, items=["A"], reason="B")
    comps = [
        {"name": "A", "source": "electronic", "file": ContentFile(pdf_bytes("x"), name="a.pdf")}
    ]
    with pytest.raises(PermissionDenied):
        services.dossier_supplement_provided(
            actor=None, dossier=d, components=comps, lookup_secret="SAI"
        )
    services.dossier_supplement_provided(
        actor=None, dossier=d, components=comps, lookup_secret=secret
    )
    assert _reload(d).status == DossierStatus.PROCESSING


def test_financial_obligation_pause_needs_notice_and_receipt(world, clock):
    d = drive_to(world, receive(world), "assigned")
    with pytest.raises(ValidationError) as exc:
        services.dossier_pause(
            actor=world.specialist,
            dossier=d,
            kind="financial_obligation",
            basis="Luật Đất đai 2024",
        )
    assert "notice" in exc.value.message_dict
    services.dossier_pause(
        actor=world.specialist,
        dossier=d,
        kind="financial_obligation",
        basis="Điều 8 NĐ 101/2024/NĐ-CP",
        notice="Thông báo nộp tiền sử dụng đất số 45/TB-CCT ngày 16/11/2026",
    )
    d = _reload(d)
    assert d.status == DossierStatus.PAUSED and d.pause_kind == "financial_obligation"
    clock.advance(days=3)
    with pytest.raises(ValidationError):
        services.dossier_resume(actor=world.specialist, dossier=d, receipt="")
    services.dossier_resume(actor=world.specialist, dossier=d, receipt="BL 0001234")
    d = _reload(d)
    assert d.status == DossierStatus.PROCESSING and d.paused_working_days > 0
    assert d.due_at > d.original_due_at
    kinds = [e.action for e in dossier_timeline(dossier=d)][-2:]
    assert kinds == ["paused", "resumed"]


def test_apology_once_and_not_later_than_one_working_day_before_due(world, clock):
    d = drive_to(world, receive(world), "assigned")
    new_due = d.due_at + dt.timedelta(days=3)
    with pytest.raises(PermissionDenied):
        services.dossier_apologise(actor=world.specialist, dossier=d, new_due=new_due, reason="x")
    # Friday 20/11 10:00: less than one working day before Monday 23/11 17:00? No: 1.x days.
    clock.set(dt.datetime(2026, 11, 20, 10, 0, tzinfo=VN))
    services.dossier_apologise(
        actor=world.leader,
        dossier=d,
        new_due=new_due,
        reason="Chờ xác minh",
        expected_version=d.version,
    )
    d = _reload(d)
    assert d.apology_due_at == new_due and d.due_at == d.original_due_at
    assert dossier_counts_late(d)
    with pytest.raises(ValidationError) as exc:
        services.dossier_apologise(actor=world.leader, dossier=d, new_due=new_due, reason="lần 2")
    assert "một lần" in exc.value.messages[0]

    late = drive_to(world, receive(world), "assigned")
    clock.set(late.due_at - dt.timedelta(hours=3))  # same day, a few office hours left
    before = _events(late)
    with pytest.raises(ValidationError) as exc:
        services.dossier_apologise(
            actor=world.leader, dossier=late, new_due=late.due_at + dt.timedelta(days=3), reason="x"
        )
    assert "01 ngày làm việc" in exc.value.messages[0]
    assert _events(late) == before


def test_late_step_overrun_is_attributed_to_its_unit_and_officer(world, clock):
    d = drive_to(world, receive(world), "assigned")
    # Step 2 (quota 3 working days) started Mon 16/11 08:00: due Thu 19/11 08:00.
    assert d.current_step_due_at == dt.datetime(2026, 11, 19, 8, 0, tzinfo=VN)
    clock.set(dt.datetime(2026, 11, 20, 8, 0, tzinfo=VN))  # one working day late
    d = _reload(d)
    services.dossier_handover(
        actor=world.specialist, dossier=d, to_unit=world.department, to_user=world.leader
    )
    step = DossierStep.objects.get(dossier=d, index=2)
    assert step.outcome == Outcome.LATE and step.overrun_working_days == Decimal("1.00")
    assert step.assignee_id == world.specialist.pk and step.unit_id == world.department.pk
    rows = step_overruns(units=[world.department])
    row = next(r for r in rows if r["assignee_id"] == world.specialist.pk)
    assert row["late_steps"] == 1 and row["overrun_working_days"] == step.overrun_working_days


def test_return_to_step_goes_back_to_the_same_unit_and_counts_bounces(world):
    d = drive_to(world, receive(world), "at_leader")
    services.dossier_return_to_step(
        actor=world.leader, dossier=d, step_order=2, reason="Thẩm định chưa đủ"
    )
    d = _reload(d)
    assert (d.current_step_order, d.current_assignee_id, d.bounce_count) == (
        2,
        world.specialist.pk,
        1,
    )
    with pytest.raises(ValidationError):
        services.dossier_return_to_step(actor=world.specialist, dossier=d, step_order=3, reason="x")
    with pytest.raises(ValidationError):
        services.dossier_return_to_step(actor=world.specialist, dossier=d, step_order=1, reason=" ")


def test_transfer_back_and_forth_between_units_is_bounced(world):
    from cchc.accounts.models import Role
    from cchc.dossiers.selectors import dossier_queue
    from cchc.dossiers.tests.factories import grant

    grant(world.leader, Role.UNIT_LEADER, world.other_department)
    d = drive_to(world, receive(world), "at_department")
    services.dossier_handover(
        actor=world.leader, dossier=d, to_unit=world.other_department, advance_step=False
    )
    services.dossier_handover(
        actor=world.leader, dossier=d, to_unit=world.department, advance_step=False
    )
    services.dossier_handover(
        actor=world.leader, dossier=d, to_unit=world.other_department, advance_step=False
    )
    d = _reload(d)
    assert d.bounce_count == 2
    assert d in dossier_queue(user=world.leader, kind="bounced")


def test_refuse_withdraw_stop_rate(world):
    a = drive_to(world, receive(world), "assigned")
    with pytest.raises(ValidationError):
        services.dossier_refuse(actor=world.specialist, dossier=a, reason="  ")
    services.dossier_refuse(actor=world.specialist, dossier=a, reason="Không đủ điều kiện")
    a = _reload(a)
    assert a.status == DossierStatus.REFUSED and a.closing_reason == "Không đủ điều kiện"
    assert a.finished_at and a.current_step_order is None
    assert DossierStep.objects.filter(dossier=a, finished_at__isnull=True).count() == 0
    with pytest.raises(ValidationError):
        services.dossier_withdraw(actor=world.officer, dossier=a, reason="x")

    b = receive(world)
    services.dossier_withdraw(
        actor=None, dossier=b, reason="Không cần nữa", lookup_secret=b.issued_lookup_secret
    )
    assert _reload(b).status == DossierStatus.WITHDRAWN

    c = receive(
        world,
        actor=world.citizen,
        channel="online",
        components=components_for(world, source=ComponentSource.REUSED),
    )
    services.dossier_stop_request(actor=world.citizen, dossier=c, reason="Đổi ý")
    c = _reload(c)
    assert c.status == DossierStatus.STOPPED
    assert DossierEvent.objects.get(dossier=c, action="stopped").payload["notice"]

    received = receive(world)
    e = drive_to(world, received, "approved")
    with pytest.raises(ValidationError) as exc:
        services.dossier_stop_request(actor=world.officer, dossier=e, reason="x")
    assert "đã có quyết định" in exc.value.messages[0]

    with pytest.raises(ValidationError):  # not finished yet
        services.dossier_rate(actor=world.officer, dossier=e, rating="satisfied")
    services.dossier_issue_result(actor=world.officer, dossier=e, paper=True)
    services.dossier_return_result(actor=world.officer, dossier=e, method="counter")
    with pytest.raises(PermissionDenied):
        services.dossier_rate(actor=None, dossier=e, rating="satisfied", lookup_secret="SAI")
    services.dossier_rate(
        actor=None,
        dossier=e,
        rating="dissatisfied",
        comment="Chờ lâu",
        lookup_secret=received.issued_lookup_secret,
    )
    e = _reload(e)
    assert (e.rating, e.rating_comment) == ("dissatisfied", "Chờ lâu")
    with pytest.raises(ValidationError):
        services.dossier_rate(actor=world.officer, dossier=e, rating="satisfied")


def test_internal_notes_are_staff_only(world):
    d = receive(world)
    with pytest.raises(PermissionDenied):
        services.dossier_note_add(actor=world.citizen, dossier=d, text="x")
    services.dossier_note_add(actor=world.officer, dossier=d, text="Công dân hẹn mang bản chính")
    assert [e.action for e in dossier_timeline(dossier=d)] == ["received", "note_added"]
    assert [e.action for e in dossier_timeline(dossier=d, staff=False)] == ["received"]


def test_reassign_absent_officer(world):
    a = drive_to(world, receive(world), "assigned")
    b = drive_to(world, receive(world), "assigned")
    with pytest.raises(PermissionDenied):
        services.dossier_reassign(
            actor=world.specialist,
            unit=world.department,
            from_user=world.specialist,
            to_user=world.specialist_2,
            reason="Nghỉ phép",
        )
    moved = services.dossier_reassign(
        actor=world.leader,
        unit=world.department,
        from_user=world.specialist,
        to_user=world.specialist_2,
        reason="Nghỉ phép",
    )
    assert {m.pk for m in moved} == {a.pk, b.pk}
    for d in (a, b):
        d = _reload(d)
        assert d.current_assignee_id == world.specialist_2.pk
        assert DossierStep.objects.get(dossier=d, index=2).assignee_id == world.specialist_2.pk
        assert (
            DossierEvent.objects.get(dossier=d, action="reassigned").payload["reason"]
            == "Nghỉ phép"
        )


def test_fee_status(world, clock):
    w = make_world(fee=Decimal(8000))
    d = receive(w)
    assert (d.fee_status, d.fee_amount) == (FeeStatus.UNPAID, Decimal(8000))
    with pytest.raises(ValidationError):
        services.dossier_fee_record(actor=w.officer, dossier=d, status="paid")
    services.dossier_fee_record(actor=w.officer, dossier=d, status="paid", receipt="BL-01")
    d = _reload(d)
    assert (d.fee_status, d.fee_receipt) == (FeeStatus.PAID, "BL-01")
    with pytest.raises(PermissionDenied):
        services.dossier_fee_record(actor=None, dossier=d, status="paid", receipt="x")


def test_result_locks_and_unlocks_a_subject(world):
    from cchc.dossiers.models import SubjectKind

    d = drive_to(world, receive(world), "approved")
    services.dossier_issue_result(
        actor=world.officer,
        dossier=d,
        paper=True,
        subject_effects=[
            {
                "op": "block",
                "kind": "land_parcel",
                "key": "Tờ 5 thửa 7",
                "reason": "Đã đăng ký thế chấp",
            }
        ],
    )
    block = SubjectBlock.objects.get()
    assert block.source_dossier_id == d.pk and block.subject_kind == SubjectKind.LAND_PARCEL
    with pytest.raises(services.IntakeRefused) as exc:
        receive(world, subjects=[{"kind": "land_parcel", "key": "TỜ 5, THỬA 7"}])
    assert "thế chấp" in exc.value.messages[0]
    e = drive_to(world, receive(world), "approved")
    services.dossier_issue_result(
        actor=world.officer,
        dossier=e,
        paper=True,
        subject_effects=[{"op": "unblock", "kind": "land_parcel", "key": "to 5 thua 7"}],
    )
    assert SubjectBlock.objects.get().lifted_by_dossier_id == e.pk
    assert receive(world, subjects=[{"kind": "land_parcel", "key": "Tờ 5 thửa 7"}]).pk


def test_on_commit_hooks_run_after_commit_only(world, django_capture_on_commit_callbacks):
    seen = []

    def hook(pk, action):
        seen.append(action)

    services.ON_COMMIT_HOOKS.append(hook)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            receive(world)
        assert seen == ["received"]
        with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
            receive(world, components=[])
        assert seen == ["received"]
    finally:
        services.ON_COMMIT_HOOKS.remove(hook)


def test_batch_handover_list_all_or_nothing_and_received_back(world):
    from cchc.dossiers.models import HandoverBatch
    from cchc.dossiers.selectors import handover_batch_get_for_user, handover_batch_list

    a, b = receive(world), receive(world)
    held_elsewhere = drive_to(world, receive(world), "at_department")
    with pytest.raises(ValidationError) as exc:
        services.handover_batch_create(
            actor=world.officer,
            from_unit=world.one_stop,
            to_unit=world.department,
            dossiers=[a, b, held_elsewhere],
        )
    assert held_elsewhere.code in exc.value.messages[0]
    assert HandoverBatch.objects.count() == 0 and _events(a) == 1 and _events(b) == 1
    with pytest.raises(services.DossierConflict):
        services.handover_batch_create(
            actor=world.officer,
            from_unit=world.one_stop,
            to_unit=world.department,
            dossiers=[a, b],
            expected_versions={a.pk: 1, b.pk: 7},
        )
    assert _events(a) == 1

    batch = services.handover_batch_create(
        actor=world.officer, from_unit=world.one_stop, to_unit=world.department, dossiers=[a, b]
    )
    for d in (a, b):
        d = _reload(d)
        assert d.current_unit_id == world.department.pk
        assert (
            DossierEvent.objects.get(dossier=d, action="handed_over").payload["batch"] == batch.code
        )
    assert [x.code for x in handover_batch_list(user=world.specialist)] == [batch.code]
    assert handover_batch_list(user=world.outsider).count() == 0
    page = handover_batch_get_for_user(user=world.leader, pk=batch.pk)
    assert [d.code for d in page.lines] == sorted([a.code, b.code])

    with pytest.raises(PermissionDenied):
        services.handover_batch_receive(actor=world.officer, batch=batch)
    services.handover_batch_receive(
        actor=world.leader, batch=batch, received_by_name="Phạm Lãnh Đạo"
    )
    batch.refresh_from_db()
    assert batch.received_at is not None and batch.received_by_name == "Phạm Lãnh Đạo"
    assert DossierEvent.objects.filter(action="handover_received").count() == 2
    with pytest.raises(ValidationError):
        services.handover_batch_receive(actor=world.leader, batch=batch)


def test_petition_about_a_dossier_has_its_own_deadline(world, clock):
    from cchc.dossiers.models import DossierPetition

    d = receive(world)
    secret = d.issued_lookup_secret
    with pytest.raises(PermissionDenied):
        services.dossier_petition_add(actor=None, dossier=d, kind="complaint", content="x")
    with pytest.raises(ValidationError):
        services.dossier_petition_add(
            actor=None, dossier=d, kind="complaint", content=" ", lookup_secret=secret
        )
    services.dossier_petition_add(
        actor=None,
        dossier=d,
        kind="complaint",
        content="Cán bộ hẹn nhiều lần",
        lookup_secret=secret,
    )
    p = DossierPetition.objects.get(dossier=d)
    # 15 working days from Mon 16/11 (24/11 off): Tue 17/11 … Tue 8/12, 17:00.
    assert p.due_at == dt.datetime(2026, 12, 8, 17, 0, tzinfo=VN)
    assert _reload(d).petition_count == 1
    with pytest.raises(PermissionDenied):
        services.dossier_petition_answer(actor=world.citizen, dossier=d, no=1, answer="x")
    clock.advance(days=2)
    services.dossier_petition_answer(actor=world.officer, dossier=d, no=1, answer="Đã xử lý")
    p.refresh_from_db()
    assert p.outcome == Outcome.EARLY and p.answered_by_id == world.officer.pk
    with pytest.raises(ValidationError):
        services.dossier_petition_answer(actor=world.officer, dossier=d, no=1, answer="lần 2")


def test_proxy_collection_and_applicant_by_identity(world):
    from cchc.dossiers.tests.factories import PERSONAL_ID_2

    d = drive_to(world, receive(world), "result")
    with pytest.raises(ValidationError) as exc:
        services.dossier_return_result(
            actor=world.officer,
            dossier=d,
            method="counter",
            collected_by={"name": "Lê Văn Nhận", "personal_id": "123", "authorisation_ref": "x"},
        )
    assert "collected_by" in exc.value.message_dict
    services.dossier_return_result(
        actor=world.officer,
        dossier=d,
        method="counter",
        collected_by={
            "name": "Lê Văn Nhận",
            "personal_id": PERSONAL_ID_2,
            "authorisation_ref": "Giấy ủy quyền số 12/UQ",
        },
    )
    ev = DossierEvent.objects.get(dossier=d, action="result_returned")
    assert ev.payload["collected_by"]["personal_id"] == PERSONAL_ID_2
    # The citizen's account (same personal ID as the applicant) may rate a counter dossier.
    services.dossier_rate(actor=world.citizen, dossier=d, rating="satisfied")
    assert _reload(d).rating == "satisfied"


def test_import_from_another_system_is_chained_and_projected(world):
    from cchc.dossiers.audit import audit_verify
    from cchc.dossiers.models import Applicant
    from cchc.dossiers.projection import projection_differences

    applicant = Applicant.objects.create(kind="person", personal_id="000000000000", name="Không rõ")
    fields = {
        "code": "H52.50.05-250301-0007",
        "procedure_version_id": world.version.pk,
        "applicant_id": applicant.pk,
        "channel": "online",
        "received_at": dt.datetime(2025, 3, 1, 8, 0, tzinfo=VN),
        "due_at": dt.datetime(2025, 3, 8, 17, 0, tzinfo=VN),
        "status": "returned",
        "finished_at": dt.datetime(2025, 3, 5, 8, 0, tzinfo=VN),
        "outcome": "early",
    }
    with pytest.raises(PermissionDenied):
        services.dossier_import(
            actor=world.specialist, receiving_unit=world.one_stop, set_fields=fields
        )
    with pytest.raises(ValidationError):
        services.dossier_import(actor=None, receiving_unit=world.one_stop, set_fields={"code": "x"})
    d = services.dossier_import(
        actor=None,
        receiving_unit=world.one_stop,
        set_fields=fields,
        facts={"source": "interchange", "external": {"complaint": False}},
    )
    d = _reload(d)
    assert d.status == "returned" and d.version == 1 and d.original_due_at == d.due_at
    assert projection_differences(d) == []
    assert audit_verify(projections=True).ok
    with pytest.raises(ValidationError):
        services.dossier_import(actor=None, receiving_unit=world.one_stop, set_fields=fields)


def test_legal_pause_steps_stop_the_clock_until_the_receipt(world, clock):
    """Land procedure: the tax authority's and the applicant's financial-obligation steps
    do not count; the notice is recorded for the applicant, the paid receipt resumes."""
    from cchc.accounts.models import Role
    from cchc.dossiers.tests.factories import grant, make_unit
    from cchc.procedures.models import ProcessStep, StepHandler
    from cchc.units.models import UnitKind

    tax = make_unit("Thuế cơ sở 1", UnitKind.CENTRAL_AGENCY, world.province)
    version = world.version
    ProcessStep.objects.filter(version=version, order__gte=3).update(order=10 + F("order"))
    for order, name, kind in (
        (3, "Cơ quan thuế xác định và thông báo nghĩa vụ tài chính (liên thông)", "central_agency"),
        (4, "Người sử dụng đất nộp nghĩa vụ tài chính", ""),
    ):
        ProcessStep.objects.create(
            version=version,
            order=order,
            name=name,
            handler=StepHandler.OTHER_AGENCY,
            handler_unit_kind=kind,
            role=Role.SPECIALIST,
            quota=0,
            is_legal_pause=True,
        )
    grant(world.specialist, Role.SPECIALIST, tax)
    d = drive_to(world, receive(world), "assigned")
    due = d.due_at
    with pytest.raises(ValidationError):  # the tax step belongs to a central agency
        services.dossier_handover(actor=world.specialist, dossier=d, to_unit=world.other_department)
    services.dossier_handover(actor=world.specialist, dossier=d, to_unit=tax)
    d = _reload(d)
    assert d.status == DossierStatus.PAUSED and d.pause_kind == "financial_obligation"
    services.dossier_pause_notice(
        actor=world.specialist,
        dossier=d,
        notice="Thông báo 45/TB-CCT: tiền sử dụng đất 12.000.000 đ",
    )
    clock.advance(days=1)  # Tue 17/11 08:00
    services.dossier_handover(actor=world.specialist, dossier=_reload(d), to_unit=world.department)
    assert _reload(d).status == DossierStatus.PAUSED  # still the applicant's part
    clock.advance(days=1)  # Wed 18/11 08:00: two working days paused in all
    with pytest.raises(ValidationError) as exc:
        services.dossier_handover(
            actor=world.specialist,
            dossier=_reload(d),
            to_unit=world.department,
            to_user=world.leader,
        )
    assert "receipt" in exc.value.message_dict
    services.dossier_handover(
        actor=world.specialist,
        dossier=_reload(d),
        to_unit=world.department,
        to_user=world.leader,
        receipt="Chứng từ nộp NSNN số 0012345",
    )
    d = _reload(d)
    assert d.status == DossierStatus.PROCESSING and d.paused_working_days == Decimal("2.00")
    assert d.due_at > due
    pause_steps = DossierStep.objects.filter(dossier=d, order__in=(3, 4))
    assert [(s.outcome, s.overrun_working_days) for s in pause_steps] == [("", 0), ("", 0)]
    actions = [e.action for e in dossier_timeline(dossier=d)]
    assert "pause_notice_recorded" in actions
    from cchc.dossiers.projection import projection_differences

    assert projection_differences(d) == []
