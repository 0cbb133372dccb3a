"""Changing a confirmed task from the issuing side: units, deadline, owner, reporting
periods, cancellation. Bad input says why in Vietnamese and changes nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cchc.directives.models import (
    Contribution,
    ContributionStatus,
    TaskReminder,
    TaskStatus,
    WorkRecord,
)
from cchc.directives.services import (
    reminders_send,
    subtask_create,
    task_assign_owner,
    task_cancel,
    task_change_deadline,
    task_change_recurrence,
    task_change_units,
    task_report,
    task_sign_off,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def snapshot(task):
    task.refresh_from_db()
    return (
        sorted(u.code for u in task.lead_units.all()),
        sorted(u.code for u in task.coordinating_units.all()),
        task.deadline,
        task.owner_id,
        list(task.recurrence),
        task.status,
        task.contribution_days,
        task.events.count(),
        list(Contribution.objects.filter(task=task).values_list("unit_id", "status", "due_at")),
        list(WorkRecord.objects.filter(task=task).values_list("unit_id", "code", "closed_at")),
    )


def message(exc) -> str:
    return " ".join(exc.value.messages)


@pytest.fixture
def vp2(tree):
    from cchc.accounts.models import Role
    from cchc.accounts.services import role_assign, user_create

    user = user_create(username="cv.vp2", password="x-Secret-123", full_name="Trần Thị Hoa")
    role_assign(user=user, role=Role.SPECIALIST, unit=tree.c_vp)
    return user


def test_swap_lead_and_coordinating_units(confirmed, people, tree, vp2):
    t1 = confirmed.tasks.get(position=0)
    task_assign_owner(actor=people.chairman, task=t1, owner=vp2)
    year = timezone.localdate().year
    assert t1.work_record.code == f"{year}.T-C.VP.001"
    task_change_units(
        actor=people.chairman,
        task=t1,
        lead_units=[tree.c_pkt],
        coordinating_units=[tree.c_vp],
        note="Theo Công văn 45/UBND",
    )
    t1.refresh_from_db()
    assert [u.code for u in t1.lead_units.all()] == ["T-C.PKT"]
    assert [u.code for u in t1.coordinating_units.all()] == ["T-C.VP"]
    # The person in charge was the office's: released. The record moved to the new lead.
    assert t1.owner is None
    record = WorkRecord.objects.get(task=t1)
    assert (record.unit, record.code) == (tree.c_pkt, f"{year}.T-C.PKT.002")
    # What the coordinating units owe follows: the office now owes, PKT no longer does.
    owed = dict(Contribution.objects.filter(task=t1).values_list("unit__code", "status"))
    assert owed == {"T-C.VP": ContributionStatus.OWED, "T-C.PKT": ContributionStatus.WITHDRAWN}
    event = t1.events.get(kind="units_changed")
    assert event.actor == people.chairman
    assert event.data["lead"] == {"from": ["T-C.VP"], "to": ["T-C.PKT"]}
    assert event.data["note"] == "Theo Công văn 45/UBND"
    assert event.data["owner_released"] == "Trần Thị Hoa"
    # Back again: PKT owes once more (same row, re-dated), the office is withdrawn.
    task_change_units(
        actor=people.chairman, task=t1, lead_units=[tree.c_vp], coordinating_units=[tree.c_pkt]
    )
    owed = dict(Contribution.objects.filter(task=t1).values_list("unit__code", "status"))
    assert owed == {"T-C.VP": ContributionStatus.WITHDRAWN, "T-C.PKT": ContributionStatus.OWED}


@pytest.mark.parametrize(
    ("lead", "coord", "expected"),
    [
        ([], ["c_pkt"], "Nhiệm vụ cần ít nhất một đơn vị chủ trì."),
        (
            ["c_vp"],
            ["c_vp", "c_pkt"],
            "Một đơn vị không thể vừa chủ trì vừa phối hợp: Văn phòng HĐND và UBND xã Tây Sơn.",
        ),
        # A unit of another (former) district: outside the commune's territory, and closed.
        (["nv"], [], "Đơn vị Phòng Nội vụ huyện Tây Sơn không thuộc phạm vi"),
        (["c_vp"], ["tay_vinh"], "Đơn vị Xã Tây Vinh không thuộc phạm vi"),
    ],
)
def test_change_units_bad_input_changes_nothing(confirmed, people, tree, lead, coord, expected):
    t1 = confirmed.tasks.get(position=0)
    before = snapshot(t1)
    with pytest.raises(ValidationError) as exc:
        task_change_units(
            actor=people.chairman,
            task=t1,
            lead_units=[getattr(tree, n) for n in lead],
            coordinating_units=[getattr(tree, n) for n in coord],
        )
    assert expected in message(exc)
    assert snapshot(t1) == before


def test_only_the_issuing_side_changes_a_task(confirmed, people, tree):
    t1 = confirmed.tasks.get(position=0)
    before = snapshot(t1)
    future = timezone.localdate() + dt.timedelta(days=30)
    for call in (
        lambda a: task_change_units(
            actor=a, task=t1, lead_units=[tree.c_pkt], coordinating_units=[]
        ),
        lambda a: task_change_deadline(actor=a, task=t1, deadline=future),
        lambda a: task_change_recurrence(actor=a, task=t1, recurrence=[]),
        lambda a: task_cancel(actor=a, task=t1, reason="Không còn phù hợp"),
    ):
        for actor in (people.vp, people.pkt):  # the lead unit and a coordinating unit
            with pytest.raises(PermissionDenied) as exc:
                call(actor)
            assert str(exc.value) == "Chỉ cơ quan giao nhiệm vụ được thay đổi nhiệm vụ đã giao."
    assert snapshot(t1) == before


def next_weekday(d: dt.date, weekday: int) -> dt.date:
    return d + dt.timedelta(days=(weekday - d.weekday()) % 7 or 7)


def test_move_the_deadline(confirmed, people, tree):
    t1 = confirmed.tasks.get(position=0)
    reminders_send(now=dt.datetime(2025, 11, 13, 9, tzinfo=VN))
    assert TaskReminder.objects.filter(task=t1, kind="deadline").exists()
    # A Sunday falls due at the close of the Friday before; the coordinating unit owes
    # its part three working days before that (Tuesday).
    sunday = next_weekday(timezone.localdate() + dt.timedelta(days=20), 6)
    task_change_deadline(
        actor=people.chairman, task=t1, deadline=sunday, contribution_days=3, note="Lùi hạn"
    )
    t1.refresh_from_db()
    friday = sunday - dt.timedelta(days=2)
    assert timezone.localtime(t1.deadline).date() == friday
    due = Contribution.objects.get(task=t1, unit=tree.c_pkt).due_at
    assert timezone.localtime(due).date() == friday - dt.timedelta(days=3)
    # Reminders about the old deadline are withdrawn (the new one's will go out).
    assert not TaskReminder.objects.filter(task=t1, kind__in=["deadline", "overdue"]).exists()
    event = t1.events.get(kind="deadline_changed")
    assert event.data["from"].startswith("2025-11-14T")
    assert event.data["note"] == "Lùi hạn"
    # An explicit time is kept; removing the deadline is allowed and logged.
    task_change_deadline(actor=people.chairman, task=t1, deadline=friday, at=dt.time(10))
    t1.refresh_from_db()
    assert timezone.localtime(t1.deadline).time() == dt.time(10)
    task_change_deadline(actor=people.chairman, task=t1, deadline=None)
    t1.refresh_from_db()
    assert t1.deadline is None
    assert Contribution.objects.get(task=t1, unit=tree.c_pkt).due_at is None
    assert t1.events.filter(kind="deadline_changed").count() == 3


def test_deadline_bad_input_changes_nothing(confirmed, people):
    t1 = confirmed.tasks.get(position=0)
    before = snapshot(t1)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        task_change_deadline(actor=people.chairman, task=t1, deadline=yesterday)
    assert message(exc) == "Thời hạn mới không được trước ngày hôm nay."
    with pytest.raises(ValidationError) as exc:
        task_change_deadline(
            actor=people.chairman,
            task=t1,
            deadline=timezone.localdate() + dt.timedelta(days=10),
            contribution_days=31,
        )
    assert message(exc) == "Số ngày đơn vị phối hợp gửi trước hạn phải từ 0 đến 30."
    with pytest.raises(ValidationError) as exc:
        task_change_deadline(
            actor=people.chairman,
            task=t1,
            deadline=timezone.localdate() + dt.timedelta(days=10),
            note="x" * 2001,
        )
    assert message(exc) == "Ghi chú quá dài (tối đa 2.000 ký tự)."
    assert snapshot(t1) == before


def test_recurrence(confirmed, people):
    t1 = confirmed.tasks.get(position=0)
    before = snapshot(t1)
    with pytest.raises(ValidationError) as exc:
        task_change_recurrence(actor=people.chairman, task=t1, recurrence=["monthly", "daily"])
    assert message(exc) == "Kỳ báo cáo không hợp lệ: daily."
    assert snapshot(t1) == before
    task_change_recurrence(actor=people.chairman, task=t1, recurrence=["annual", "quarterly"])
    t1.refresh_from_db()
    assert t1.recurrence == ["quarterly", "annual"]
    assert t1.events.get(kind="recurrence_changed").data["from"] == ["monthly"]
    # The same again is no change and no history line.
    task_change_recurrence(actor=people.chairman, task=t1, recurrence=["quarterly", "annual"])
    assert t1.events.filter(kind="recurrence_changed").count() == 1


def test_owner_from_the_issuing_side(confirmed, people, vp2):
    t1 = confirmed.tasks.get(position=0)
    before = snapshot(t1)
    with pytest.raises(ValidationError) as exc:
        task_assign_owner(actor=people.chairman, task=t1, owner=people.pkt)
    assert message(exc) == "Người phụ trách phải thuộc đơn vị chủ trì."
    assert snapshot(t1) == before
    task_assign_owner(actor=people.chairman, task=t1, owner=vp2)
    t1.refresh_from_db()
    assert t1.owner == vp2 and t1.work_record.keeper == vp2
    assert t1.events.get(kind="owner").data["owner_name"] == "Trần Thị Hoa"


def test_cancel_with_a_reason(confirmed, people, tree):
    t1 = confirmed.tasks.get(position=0)
    sub = subtask_create(
        actor=people.vp, parent=t1, text="Chuẩn bị tài liệu", lead_units=[tree.c_vp]
    )
    before = snapshot(t1)
    for reason in ("", "   ", "x"):
        with pytest.raises(ValidationError) as exc:
            task_cancel(actor=people.chairman, task=t1, reason=reason)
        assert message(exc) == "Vui lòng ghi rõ lý do hủy nhiệm vụ."
    assert snapshot(t1) == before
    task_cancel(actor=people.chairman, task=t1, reason="Đã lồng ghép vào Kế hoạch 20/KH-UBND")
    t1.refresh_from_db()
    sub.refresh_from_db()
    assert t1.status == sub.status == TaskStatus.CANCELLED
    assert t1.cancel_reason == "Đã lồng ghép vào Kế hoạch 20/KH-UBND"
    assert t1.work_record.closed_at is not None
    assert Contribution.objects.get(task=t1).status == ContributionStatus.WITHDRAWN
    assert t1.events.get(kind="cancelled").data["reason"].startswith("Đã lồng ghép")
    assert sub.events.get(kind="cancelled").data["with_parent"] is True
    # A cancelled task is closed: no further change, report or second cancellation.
    after = snapshot(t1)
    future = timezone.localdate() + dt.timedelta(days=30)
    for call in (
        lambda: task_change_deadline(actor=people.chairman, task=t1, deadline=future),
        lambda: task_cancel(actor=people.chairman, task=t1, reason="Lần nữa cho chắc"),
        lambda: task_report(actor=people.vp, task=t1, text="xong", progress=100),
    ):
        with pytest.raises(ValidationError):
            call()
    assert snapshot(t1) == after
    # Nor are cancelled tasks reminded of anything.
    reminders_send(now=dt.datetime(2025, 11, 26, 9, tzinfo=VN))
    assert not TaskReminder.objects.filter(task=t1).exists()


def test_a_done_task_cannot_be_cancelled(confirmed, people):
    t2 = confirmed.tasks.get(position=1)
    task_report(actor=people.pkt, task=t2, text="Đã rà soát", progress=100)
    task_sign_off(actor=people.chairman, task=t2, accept=True)
    before = snapshot(t2)
    with pytest.raises(ValidationError) as exc:
        task_cancel(actor=people.chairman, task=t2, reason="Không cần nữa")
    assert message(exc) == "Nhiệm vụ đã kết thúc (hoàn thành hoặc đã hủy), không thể thay đổi."
    assert snapshot(t2) == before


def test_edit_form_keeps_an_explicit_time_when_only_the_lead_time_changes(
    client, confirmed, people
):
    """The deadline form is sent whole: a deadline at a stated hour must come back with that
    hour, or changing the coordinating units' lead time would move it to closing time."""
    from django.urls import reverse

    t1 = confirmed.tasks.get(position=0)
    url = reverse("directives:task_edit", args=[t1.pk])
    client.force_login(people.chairman)
    # A plain day ("trước ngày 15/11/2025") has no hour to send back.
    assert 'name="time" type="time" value=""' in client.get(url).content.decode()
    day = timezone.localdate() + dt.timedelta(days=20)
    task_change_deadline(actor=people.chairman, task=t1, deadline=day, at=dt.time(10, 30))
    t1.refresh_from_db()
    kept = t1.deadline
    page = client.get(url).content.decode()
    assert 'name="time" type="time" value="10:30"' in page
    response = client.post(
        url,
        {
            "action": "deadline",
            "deadline": day.isoformat(),
            "time": "10:30",
            "contribution_days": "4",
        },
    )
    assert response.status_code == 302
    t1.refresh_from_db()
    assert (t1.deadline, t1.contribution_days) == (kept, 4)
