"""Coordinating units' contributions: what a unit owes, sending it with evidence files,
what the lead unit sees before reporting, the 'Việc phối hợp' list."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cchc.core.uploads import check_upload
from cchc.directives.models import Contribution, ContributionFile, ContributionStatus
from cchc.directives.selectors import contribution_list_for_user, task_contributions
from cchc.directives.services import (
    contribution_submit,
    directive_confirm,
    directive_import,
    draft_tasks,
    task_cancel,
    task_change_deadline,
    task_change_units,
)

from .conftest import COMMUNE_NOTICE, TINY_PDF

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def owed(confirmed, unit):
    return Contribution.objects.get(task__document=confirmed, task__position=0, unit=unit)


def state(c):
    c.refresh_from_db()
    return (c.status, c.text, c.submitted_at, c.files.count(), c.task.events.count())


def test_confirmation_creates_what_coordinating_units_owe(confirmed, tree):
    rows = list(Contribution.objects.filter(task__document=confirmed))
    assert [(c.task.number, c.unit.code, c.status) for c in rows] == [("1", "T-C.PKT", "owed")]
    # Two working days before the lead's deadline (Fri 14/11/2025 17:00): Wed 12/11, 17:00.
    assert rows[0].due_at == dt.datetime(2025, 11, 12, 17, tzinfo=VN)


def test_submit_with_evidence(confirmed, people, tree):
    c = owed(confirmed, tree.c_pkt)
    evidence = check_upload(ContentFile(TINY_PDF, name="DS.pdf"))
    contribution_submit(
        actor=people.pkt, contribution=c, text="Đã cử 2 công chức dự tập huấn", files=[evidence]
    )
    c.refresh_from_db()
    assert c.status == ContributionStatus.SUBMITTED and c.submitted_by == people.pkt
    assert c.is_late  # due 12/11/2025, sent today
    stored = c.files.get()
    assert (stored.original_name, stored.content_type, stored.size) == (
        "DS.pdf",
        "application/pdf",
        len(TINY_PDF),
    )
    with stored.file.open("rb") as fh:
        assert fh.read() == TINY_PDF
    event = c.task.events.get(kind="contribution")
    assert event.data == {"unit": "T-C.PKT", "files": 1, "late": True}
    # Adding later keeps the first sending date (the one measured against the due date).
    first = c.submitted_at
    contribution_submit(actor=people.pkt, contribution=c, text="Bổ sung danh sách")
    c.refresh_from_db()
    assert c.submitted_at == first and c.text == "Bổ sung danh sách"
    assert c.task.events.filter(kind="contribution_added").count() == 1


def test_submit_bad_input_changes_nothing(confirmed, people, tree):
    c = owed(confirmed, tree.c_pkt)
    before = state(c)
    with pytest.raises(ValidationError) as exc:
        contribution_submit(actor=people.pkt, contribution=c, text="   ")
    assert exc.value.messages == ["Vui lòng nhập nội dung phối hợp."]
    with pytest.raises(ValidationError) as exc:
        contribution_submit(actor=people.pkt, contribution=c, text="x" * 20_001)
    assert exc.value.messages == ["Nội dung quá dài (tối đa 20.000 ký tự)."]
    too_many = [check_upload(ContentFile(TINY_PDF, name=f"{i}.pdf")) for i in range(11)]
    with pytest.raises(ValidationError) as exc:
        contribution_submit(actor=people.pkt, contribution=c, text="ok", files=too_many)
    assert exc.value.messages == ["Tối đa 10 tệp minh chứng cho mỗi phần phối hợp."]
    # The lead unit cannot send the coordinating unit's part.
    with pytest.raises(PermissionDenied):
        contribution_submit(actor=people.vp, contribution=c, text="Thay mặt")
    assert state(c) == before
    assert ContributionFile.objects.count() == 0


def test_no_contribution_once_released_or_cancelled(confirmed, people, tree):
    t1 = confirmed.tasks.get(position=0)
    c = owed(confirmed, tree.c_pkt)
    task_change_units(actor=people.chairman, task=t1, lead_units=[tree.c_vp], coordinating_units=[])
    before = state(c)
    with pytest.raises(ValidationError) as exc:
        contribution_submit(actor=people.pkt, contribution=c, text="Gửi muộn")
    assert exc.value.messages == ["Đơn vị không còn được giao phối hợp nhiệm vụ này."]
    assert state(c) == before
    task_change_units(
        actor=people.chairman, task=t1, lead_units=[tree.c_vp], coordinating_units=[tree.c_pkt]
    )
    task_cancel(actor=people.chairman, task=t1, reason="Không còn phù hợp")
    with pytest.raises(ValidationError) as exc:
        contribution_submit(actor=people.pkt, contribution=c, text="Gửi muộn")
    assert exc.value.messages == ["Nhiệm vụ đã kết thúc, không thể gửi thêm nội dung phối hợp."]


def test_lead_sees_received_and_missing(confirmed, people, tree):
    t1 = confirmed.tasks.get(position=0)
    future = timezone.localdate() + dt.timedelta(days=30)
    task_change_deadline(actor=people.chairman, task=t1, deadline=future)
    rows = task_contributions(task=t1)
    assert [(c.unit.code, c.status, c.is_overdue) for c in rows] == [("T-C.PKT", "owed", False)]
    late = timezone.now() + dt.timedelta(days=40)
    assert task_contributions(task=t1, now=late)[0].is_overdue
    url = reverse("directives:task", args=[t1.pk])
    from django.test import Client

    lead = Client()
    lead.force_login(people.vp)
    page = lead.get(url).content.decode()
    assert "Còn 1 đơn vị phối hợp chưa gửi phần việc." in page
    contribution_submit(actor=people.pkt, contribution=owed(confirmed, tree.c_pkt), text="Xong")
    page = lead.get(url).content.decode()
    assert "chưa gửi phần việc" not in page and "Đã gửi" in page


def test_contribute_through_the_task_page(client, confirmed, people, tree, outsider):
    t1 = confirmed.tasks.get(position=0)
    url = reverse("directives:task", args=[t1.pk])
    c = owed(confirmed, tree.c_pkt)
    client.force_login(people.pkt)
    page = client.get(url).content.decode()
    assert f'id="contribute-{c.pk}"' in page
    assert "Gửi báo cáo" not in page  # the progress report is the lead's
    # A file that only pretends to be a PDF is refused by content; nothing is kept.
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    refused = client.post(
        url, {"action": "contribute", "contribution": c.pk, "text": "Ý kiến", "files": [fake]}
    )
    assert "không đúng định dạng cho phép" in refused.content.decode()
    c.refresh_from_db()
    assert c.status == ContributionStatus.OWED and ContributionFile.objects.count() == 0
    good = SimpleUploadedFile("Danh sách.pdf", TINY_PDF, "application/pdf")
    other = SimpleUploadedFile("anh.png", TINY_PDF, "image/png")  # a PDF named .png is a PDF
    done = client.post(
        url,
        {"action": "contribute", "contribution": c.pk, "text": "Ý kiến", "files": [good, other]},
    )
    assert done.status_code == 302
    c.refresh_from_db()
    assert c.status == ContributionStatus.SUBMITTED
    assert sorted(c.files.values_list("original_name", "content_type")) == [
        ("Danh sách.pdf", "application/pdf"),
        ("anh.png", "application/pdf"),
    ]
    # The lead unit downloads the evidence; a unit outside the task may not.
    f = c.files.get(original_name="Danh sách.pdf")
    client.force_login(people.vp)
    response = client.get(reverse("directives:contribution_file", args=[f.pk]))
    assert b"".join(response.streaming_content) == TINY_PDF
    client.force_login(outsider)
    assert client.get(reverse("directives:contribution_file", args=[f.pk])).status_code == 403


def test_coordination_list_and_export(client, confirmed, people, tree, django_assert_num_queries):
    url = reverse("directives:coordination")
    client.force_login(people.pkt)
    client.get(url)
    with django_assert_num_queries(6) as first:
        page = client.get(url)
    body = page.content.decode()
    assert "Tổ chức tập huấn" in body or "tập huấn" in body
    assert 'class="overdue"' in body  # due 12/11/2025, not sent
    # A second notice: twice the rows, the same number of queries.
    draft = directive_import(actor=people.chairman, text=COMMUNE_NOTICE, issuer=tree.commune_pc)
    rows = draft_tasks(draft)
    rows[2]["lead_codes"] = ["T-C.VP"]
    directive_confirm(actor=people.chairman, draft=draft, corrections=rows)
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count('class="overdue"') == 2
    assert len(contribution_list_for_user(actor=people.pkt)) == 2
    assert contribution_list_for_user(actor=people.vp) == []
    sheet = load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Văn bản", "Mục", "Nhiệm vụ")
    assert [r[4] for r in rows[1:]] == ["Phòng Kinh tế xã Tây Sơn"] * 2
    assert rows[1][6] == "Chưa gửi (quá hạn)"


def test_sent_parts_join_the_work_record(confirmed, people, tree):
    from cchc.directives.selectors import work_record_items

    t1 = confirmed.tasks.get(position=0)
    evidence = check_upload(ContentFile(TINY_PDF, name="DS.pdf"))
    contribution_submit(
        actor=people.pkt, contribution=owed(confirmed, tree.c_pkt), text="Ý kiến", files=[evidence]
    )
    items = work_record_items(record=t1.work_record)
    assert [i.kind for i in items] == ["Văn bản chỉ đạo", "Phần phối hợp", "Minh chứng phối hợp"]
    assert items[1].title == "Phòng Kinh tế xã Tây Sơn: Ý kiến"
    assert items[2].url.startswith("/directives/contribution-files/")


def test_task_page_only_for_the_units_concerned(client, confirmed, people, outsider):
    t2 = confirmed.tasks.get(position=1)  # Phòng Kinh tế leads, nobody coordinates
    url = reverse("directives:task", args=[t2.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    for user in (people.pkt, people.chairman):
        client.force_login(user)
        assert client.get(url).status_code == 200
