from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command

from cchc.directives.models import TaskReminder
from cchc.directives.reminders import reminders_due
from cchc.directives.services import (
    directive_confirm,
    directive_import,
    draft_tasks,
    reminders_send,
    task_report,
)

from .conftest import COMMUNE_NOTICE

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def weekdays(d: dt.date) -> bool:
    return d.weekday() < 5


def keys(now, deadline=None, recurrence=()):
    return [
        r.key
        for r in reminders_due(
            now=now, deadline=deadline, recurrence=list(recurrence), is_working=weekdays
        )
    ]


def test_deadline_reminders_count_working_days():
    deadline = dt.datetime(2025, 11, 14, 17, tzinfo=VN)  # Friday
    assert keys(dt.datetime(2025, 11, 7, 9, tzinfo=VN), deadline) == []
    # Monday 10/11 -> 4 working days left; Tuesday -> 3.
    assert keys(dt.datetime(2025, 11, 10, 9, tzinfo=VN), deadline) == []
    assert keys(dt.datetime(2025, 11, 11, 9, tzinfo=VN), deadline) == ["deadline-3"]
    assert keys(dt.datetime(2025, 11, 13, 9, tzinfo=VN), deadline) == ["deadline-1"]
    assert keys(dt.datetime(2025, 11, 14, 18, tzinfo=VN), deadline) == ["overdue"]


def test_recurring_report_reminders():
    assert keys(dt.datetime(2025, 11, 24, tzinfo=VN), recurrence=["monthly"]) == []
    assert keys(dt.datetime(2025, 11, 25, tzinfo=VN), recurrence=["monthly"]) == ["report-2025-11"]
    assert keys(dt.datetime(2025, 12, 26, tzinfo=VN), recurrence=["monthly", "quarterly"]) == [
        "report-2025-12",
        "report-quarterly-2025-12",
    ]
    assert keys(dt.datetime(2025, 11, 22, tzinfo=VN), recurrence=["quarterly"]) == []
    assert keys(dt.datetime(2025, 11, 20, tzinfo=VN), recurrence=["weekly"]) == ["report-2025-W47"]


def test_reminders_send_is_idempotent_and_escalates(tree, people):
    from cchc.accounts.models import Role
    from cchc.accounts.services import role_assign, user_create

    head = user_create(
        username="tp.vp", password="x-Secret-123", full_name="Chánh VP", email="tp@x.vn"
    )
    role_assign(user=head, role=Role.UNIT_LEADER, unit=tree.c_vp)
    people.vp.email = "vp@x.vn"
    people.vp.save()
    draft = directive_import(actor=people.chairman, text=COMMUNE_NOTICE, issuer=tree.commune_pc)
    rows = draft_tasks(draft)
    rows[2]["lead_codes"] = ["T-C.VP"]
    doc = directive_confirm(actor=people.chairman, draft=draft, corrections=rows)
    t1 = doc.tasks.get(position=0)  # VP leads, due Fri 14/11/2025 17:00, monthly reports

    before = dt.datetime(2025, 11, 13, 9, tzinfo=VN)
    sent = reminders_send(now=before)
    mine = TaskReminder.objects.filter(task=t1).exclude(kind="contribution")
    assert {(r.recipient.username, r.key) for r in mine} == {
        ("cv.vp", "deadline-1"),
        ("tp.vp", "deadline-1"),  # the unit leader also holds DIRECTIVE_UPDATE
    }
    # Phòng Kinh tế coordinates; its part was due two working days before (Wed 12/11).
    owed = TaskReminder.objects.filter(task=t1, kind="contribution")
    assert [(r.recipient.username, r.key) for r in owed] == [
        ("cv.pkt", f"contrib-{tree.c_pkt.pk}-overdue")
    ]
    assert owed[0].message.startswith(
        "Phần phối hợp của Phòng Kinh tế xã Tây Sơn đã quá hạn gửi (17:00 ngày 12/11/2025)"
    )
    assert sent == TaskReminder.objects.count()
    assert reminders_send(now=before) == 0  # once only
    assert any("Nhiệm vụ sắp đến hạn" in m.subject for m in mail.outbox)

    after = dt.datetime(2025, 11, 26, 9, tzinfo=VN)
    reminders_send(now=after)
    assert set(mine.values_list("key", flat=True)) == {"deadline-1", "overdue", "report-2025-11"}
    assert not mine.filter(recipient=people.chairman).exists()
    # A reported task waits for sign-off; it is still open and still owes its reports.
    task_report(actor=people.vp, task=t1, text="xong", progress=100)
    reminders_send(now=dt.datetime(2025, 12, 26, 9, tzinfo=VN))
    assert mine.filter(key="report-2025-12").exists()


def test_remind_command(tree, people):
    out = io.StringIO()
    call_command("directives", "remind", stdout=out)
    assert out.getvalue().startswith("Đã gửi 0 nhắc nhở")


def test_my_tasks_shows_unread_reminders(client, tree, people):
    from django.urls import reverse

    draft = directive_import(actor=people.chairman, text=COMMUNE_NOTICE, issuer=tree.commune_pc)
    rows = draft_tasks(draft)
    rows[2]["lead_codes"] = ["T-C.VP"]
    directive_confirm(actor=people.chairman, draft=draft, corrections=rows)
    reminders_send(now=dt.datetime(2025, 11, 13, 9, tzinfo=VN))
    client.force_login(people.vp)
    page = client.get(reverse("directives:mine")).content.decode()
    assert "Nhiệm vụ sắp đến hạn (17:00 ngày 14/11/2025)" in page
    client.post(reverse("directives:mine"))
    assert "Nhiệm vụ sắp đến hạn" not in client.get(reverse("directives:mine")).content.decode()


def test_task_owner_must_belong_to_the_lead_unit(tree, people):
    import pytest
    from django.core.exceptions import PermissionDenied, ValidationError

    from cchc.directives.services import task_assign_owner

    draft = directive_import(actor=people.chairman, text=COMMUNE_NOTICE, issuer=tree.commune_pc)
    rows = draft_tasks(draft)
    rows[2]["lead_codes"] = ["T-C.VP"]
    doc = directive_confirm(actor=people.chairman, draft=draft, corrections=rows)
    t1 = doc.tasks.get(position=0)
    with pytest.raises(ValidationError):
        task_assign_owner(actor=people.vp, task=t1, owner=people.pkt)
    with pytest.raises(PermissionDenied):
        task_assign_owner(actor=people.pkt, task=t1, owner=people.pkt)
    task_assign_owner(actor=people.vp, task=t1, owner=people.vp)
    t1.refresh_from_db()
    assert t1.owner == people.vp
