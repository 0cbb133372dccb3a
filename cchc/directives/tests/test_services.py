from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.directives.models import DirectiveDraft, DraftStatus, Task, TaskStatus
from cchc.directives.selectors import (
    chairman_overview,
    document_board,
    document_progress,
    task_list_for_user,
)
from cchc.directives.services import (
    deadline_at,
    directive_confirm,
    directive_import,
    draft_tasks,
    subtask_create,
    task_report,
    task_sign_off,
)

from .conftest import COMMUNE_NOTICE

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def draft(tree, people):
    return directive_import(actor=people.chairman, text=COMMUNE_NOTICE, issuer=tree.commune_pc)


def test_import_stores_a_draft_and_creates_no_task(draft, tree):
    assert draft.status == DraftStatus.DRAFT
    assert Task.objects.count() == 0
    rows = draft_tasks(draft)
    assert [r["lead_codes"] for r in rows] == [["T-C.VP"], ["T-C.PKT"], []]
    assert rows[0]["coordinating_codes"] == ["T-C.PKT"]
    assert [r["needs_review"] for r in rows] == [False, False, True]  # no Hội Nông dân unit
    assert draft.extraction["number"] == "12/TB-UBND"


def test_import_needs_directive_manage(tree, people):
    with pytest.raises(PermissionDenied):
        directive_import(actor=people.vp, text=COMMUNE_NOTICE, issuer=tree.commune_pc)
    assert DirectiveDraft.objects.count() == 0


def test_import_rejects_empty_text_and_scanned_pdf(tree, people):
    with pytest.raises(ValidationError) as exc:
        directive_import(actor=people.chairman, text="  ", issuer=tree.commune_pc)
    assert exc.value.message_dict["text"] == ["Vui lòng dán nội dung hoặc chọn tệp văn bản."]
    upload = SimpleUploadedFile("tb.docx", b"garbage")
    with pytest.raises(ValidationError):
        directive_import(actor=people.chairman, file=upload, issuer=tree.commune_pc)
    assert DirectiveDraft.objects.count() == 0


def test_confirm_needs_a_lead_for_every_task_and_changes_nothing(draft, people):
    with pytest.raises(ValidationError) as exc:
        directive_confirm(actor=people.chairman, draft=draft)
    assert "mục 3 chưa có đơn vị chủ trì" in str(exc.value)
    assert Task.objects.count() == 0
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT


def test_confirm_with_corrections(draft, people, tree):
    rows = draft_tasks(draft)
    rows[2]["lead_codes"] = ["T-C.VP"]  # the reviewer assigns item 3 to the office
    rows[1]["deadline"] = "2025-11-30"  # a Sunday
    rows.append({"number": "4", "text": "Việc thêm.", "lead_codes": ["T-C.PKT"]})
    doc = directive_confirm(actor=people.chairman, draft=draft, corrections=rows)
    tasks = list(doc.tasks.order_by("position"))
    assert [t.number for t in tasks] == ["1", "2", "3", "4"]
    assert [u.code for u in tasks[2].lead_units.all()] == ["T-C.VP"]
    assert tasks[0].recurrence == ["monthly"]
    assert tasks[0].deadline == dt.datetime(2025, 11, 14, 17, 0, tzinfo=VN)  # 15/11 is Sat
    # Sunday 30/11 -> close of Friday 28/11.
    assert tasks[1].deadline.astimezone(VN).date() == dt.date(2025, 11, 28)
    assert doc.number == "12/TB-UBND" and doc.issuer == tree.commune_pc
    assert doc.signer == "Lê Văn Tâm"
    draft.refresh_from_db()
    assert draft.status == DraftStatus.CONFIRMED and draft.document == doc
    with pytest.raises(ValidationError):
        directive_confirm(actor=people.chairman, draft=draft, corrections=rows)


def test_confirm_rejects_unknown_unit_codes(draft, people):
    rows = draft_tasks(draft)
    rows[2]["lead_codes"] = ["NOPE"]
    with pytest.raises(ValidationError) as exc:
        directive_confirm(actor=people.chairman, draft=draft, corrections=rows)
    assert "không có đơn vị mã NOPE" in str(exc.value)


def test_deadline_at_keeps_an_explicit_time(db):
    at = deadline_at(dt.date(2021, 5, 26), at=dt.time(12))
    assert at == dt.datetime(2021, 5, 26, 12, tzinfo=VN)


@pytest.fixture
def doc(draft, people):
    rows = draft_tasks(draft)
    rows[2]["lead_codes"] = ["T-C.VP"]
    return directive_confirm(actor=people.chairman, draft=draft, corrections=rows)


def test_report_sign_off_and_send_back(doc, people):
    t1 = doc.tasks.get(position=0)
    # The coordinating unit contributes; the progress does not move.
    report = task_report(
        actor=people.pkt, task=t1, text="Đã cử 2 công chức dự tập huấn", progress=80
    )
    assert report.kind == "contribution" and report.progress is None
    # ... and meets what the coordinating unit owed.
    owed = t1.contributions.get()
    assert (owed.status, owed.text) == ("submitted", "Đã cử 2 công chức dự tập huấn")
    t1.refresh_from_db()
    assert (t1.status, t1.progress) == (TaskStatus.ASSIGNED, 0)
    task_report(actor=people.vp, task=t1, text="Đã tập huấn", progress=100, link="https://x.vn/bc")
    t1.refresh_from_db()
    assert (t1.status, t1.progress) == (TaskStatus.REPORTED, 100)
    with pytest.raises(PermissionDenied):
        task_sign_off(actor=people.vp, task=t1, accept=True)
    with pytest.raises(ValidationError):
        task_sign_off(actor=people.chairman, task=t1, accept=False, note=" ")
    task_sign_off(actor=people.chairman, task=t1, accept=False, note="Thiếu danh sách học viên")
    t1.refresh_from_db()
    assert (t1.status, t1.progress) == (TaskStatus.IN_PROGRESS, 90)
    task_sign_off(actor=people.chairman, task=t1, accept=True)
    t1.refresh_from_db()
    assert t1.status == TaskStatus.DONE and t1.done_at is not None
    assert [e.kind for e in t1.events.all()] == [
        "assigned",
        "contribution",
        "progress",
        "sent_back",
        "done",
    ]
    with pytest.raises(ValidationError):
        task_report(actor=people.vp, task=t1, text="thêm", progress=100)


def test_report_permissions_and_validation(doc, people):
    t2 = doc.tasks.get(position=1)  # Phòng Kinh tế leads, nobody coordinates
    with pytest.raises(PermissionDenied):
        task_report(actor=people.vp, task=t2, text="x", progress=10)
    with pytest.raises(ValidationError):
        task_report(actor=people.pkt, task=t2, text="x", progress=120)
    with pytest.raises(ValidationError):
        task_report(actor=people.pkt, task=t2, text="", progress=10)
    assert t2.reports.count() == 0


def test_subtasks_roll_up_weighted(doc, people, tree):
    t1 = doc.tasks.get(position=0)
    a = subtask_create(
        actor=people.vp, parent=t1, text="Chuẩn bị tài liệu", lead_units=[tree.c_vp], weight=1
    )
    b = subtask_create(
        actor=people.vp, parent=t1, text="Tổ chức lớp", lead_units=[tree.c_vp], weight=3
    )
    task_report(actor=people.vp, task=a, text="xong", progress=100)
    t1.refresh_from_db()
    assert t1.progress == 25
    task_report(actor=people.vp, task=b, text="một nửa", progress=50)
    t1.refresh_from_db()
    assert t1.progress == round((100 * 1 + 50 * 3) / 4)
    board = document_board(document=doc)
    assert len(board) == 3  # sub-tasks are not top-level rows
    assert document_progress(tasks=board) == round((t1.progress + 0 + 0) / 3)


def test_overdue_is_computed_not_stored_and_overview_worst_first(doc, people, tree):
    after = dt.datetime(2025, 11, 20, 9, tzinfo=VN)  # past task 1's deadline, not task 2's
    mine = list(task_list_for_user(actor=people.vp, now=after))
    assert [t.number for t in mine] == ["1", "3"]
    assert [t.is_overdue for t in mine] == [True, False]
    assert Task.objects.filter(status=TaskStatus.OVERDUE).count() == 0
    rows = chairman_overview(actor=people.chairman, now=after)
    assert [(r.unit_name, r.overdue, r.open) for r in rows] == [
        ("Văn phòng HĐND và UBND xã Tây Sơn", 1, 2),
        ("Phòng Kinh tế xã Tây Sơn", 0, 1),
    ]
    assert chairman_overview(actor=people.vp, now=after) == []
