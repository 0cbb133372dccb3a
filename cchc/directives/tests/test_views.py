from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc.directives.models import DirectiveDraft, Task
from cchc.directives.services import directive_confirm, directive_import, draft_tasks

from .conftest import COMMUNE_NOTICE


@pytest.fixture
def doc(tree, people):
    draft = directive_import(actor=people.chairman, text=COMMUNE_NOTICE, issuer=tree.commune_pc)
    rows = draft_tasks(draft)
    rows[2]["lead_codes"] = ["T-C.VP"]
    return directive_confirm(actor=people.chairman, draft=draft, corrections=rows)


def test_import_review_confirm_through_the_screens(client, tree, people):
    client.force_login(people.chairman)
    page = client.get(reverse("directives:import"))
    assert page.status_code == 200
    assert "Ủy ban nhân dân xã Tây Sơn" in page.content.decode()
    response = client.post(
        reverse("directives:import"), {"text": COMMUNE_NOTICE, "issuer": tree.commune_pc.pk}
    )
    draft = DirectiveDraft.objects.get()
    assert response.url == reverse("directives:review", args=[draft.pk])
    review = client.get(response.url).content.decode()
    assert "Kết luận của Chủ tịch UBND xã" in review  # the text, left
    assert 'name="t0-lead" value="T-C.VP"' in review  # the extraction, right
    assert "Cần rà soát" in review  # item 3: Hội Nông dân xã is not in the tree
    post = {"count": "4"}
    for i, (number, lead) in enumerate([("1", "T-C.VP"), ("2", "T-C.PKT"), ("3", "")]):
        post |= {f"t{i}-number": number, f"t{i}-text": f"Việc {number}", f"t{i}-lead": lead}
    bad = client.post(response.url, post)
    assert "mục 3 chưa có đơn vị chủ trì" in bad.content.decode()
    assert Task.objects.count() == 0
    post["t2-lead"] = "T-C.PKT"
    post["t0-recurrence"] = ["monthly", "quarterly"]
    post["t0-deadline"] = "2025-12-31"
    done = client.post(response.url, post)
    tasks = list(Task.objects.order_by("position"))
    assert done.url == reverse("directives:board", args=[tasks[0].document_id])
    assert [t.lead_units.get().code for t in tasks] == ["T-C.VP", "T-C.PKT", "T-C.PKT"]
    assert tasks[0].recurrence == ["monthly", "quarterly"]


def test_import_refused_without_directive_manage(client, people):
    client.force_login(people.vp)
    assert client.get(reverse("directives:import")).status_code == 403


def test_list_pages_query_counts(client, doc, people, django_assert_num_queries):
    client.force_login(people.vp)
    client.get(reverse("directives:mine"))  # warm the session
    with django_assert_num_queries(8):
        page = client.get(reverse("directives:mine"))
    assert page.status_code == 200
    client.force_login(people.chairman)
    client.get(reverse("directives:board", args=[doc.pk]))
    with django_assert_num_queries(8):  # 7 + the issuer's permission check
        page = client.get(reverse("directives:board", args=[doc.pk]))
    assert "Phòng Kinh tế xã Tây Sơn" in page.content.decode()
    client.get(reverse("directives:overview"))
    with django_assert_num_queries(5):
        client.get(reverse("directives:overview"))
    # A second notice doubles the rows, not the queries.
    draft = directive_import(actor=people.chairman, text=COMMUNE_NOTICE, issuer=doc.issuer)
    rows = draft_tasks(draft)
    rows[2]["lead_codes"] = ["T-C.VP"]
    directive_confirm(actor=people.chairman, draft=draft, corrections=rows)
    client.force_login(people.vp)
    with django_assert_num_queries(8):
        page = client.get(reverse("directives:mine"))
    assert (
        page.content.decode().count('class="overdue"')
        + page.content.decode().count('<tr class="">')
        == 4
    )


def test_xlsx_exports(client, doc, people):
    client.force_login(people.chairman)
    response = client.get(reverse("directives:board", args=[doc.pk]) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Văn bản", "Mục", "Nội dung", "Chủ trì")
    assert [r[1] for r in rows[1:]] == ["1", "2", "3"]
    response = client.get(reverse("directives:overview") + "?format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "Văn phòng HĐND và UBND xã Tây Sơn"


def test_task_page_report_and_sign_off(client, doc, people):
    task = doc.tasks.get(position=1)
    url = reverse("directives:task", args=[task.pk])
    client.force_login(people.pkt)
    client.post(url, {"action": "report", "progress": "100", "text": "Đã rà soát xong"})
    task.refresh_from_db()
    assert task.status == "reported"
    client.force_login(people.chairman)
    client.post(url, {"action": "accept", "note": ""})
    task.refresh_from_db()
    assert task.status == "done"


def test_progress_report_docx(client, doc, people):
    from docx import Document

    client.force_login(people.chairman)
    response = client.get(reverse("directives:board", args=[doc.pk]) + "?format=docx")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    report = Document(io.BytesIO(response.content))
    assert report.paragraphs[0].text == "BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ"
    assert "Thông báo số 12/TB-UBND" in report.paragraphs[1].text
    table = report.tables[0]
    assert [r.cells[0].text for r in table.rows] == ["Mục", "1", "2", "3"]
    assert table.rows[2].cells[2].text == "Phòng Kinh tế xã Tây Sơn"
    assert table.rows[1].cells[5].text == "0%"


def test_task_page_subtasks_and_refusals(client, doc, people):
    task = doc.tasks.get(position=0)
    url = reverse("directives:task", args=[task.pk])
    client.force_login(people.vp)
    client.post(
        url, {"action": "subtask", "text": "Soạn tài liệu", "lead": "T-C.VP", "weight": "2"}
    )
    client.post(url, {"action": "subtask", "text": "Mở lớp", "lead": "T-C.VP", "weight": "1"})
    sub = task.subtasks.get(text="Soạn tài liệu")
    client.post(
        reverse("directives:task", args=[sub.pk]),
        {"action": "report", "progress": "60", "text": "Đang soạn"},
    )
    task.refresh_from_db()
    assert task.progress == 40  # (60*2 + 0*1) / 3
    page = client.get(url).content.decode()
    assert "Soạn tài liệu" in page and "trọng số 2" in page
    client.force_login(people.pkt)  # coordinating only: may not split or sign off
    refused = client.post(url, {"action": "subtask", "text": "x", "lead": "T-C.PKT"})
    assert "Bạn không có quyền chia nhỏ nhiệm vụ này." in refused.content.decode()
    refused = client.post(url, {"action": "accept"})
    assert refused.status_code == 200 and "không có quyền" in refused.content.decode()
    assert task.subtasks.count() == 2


def test_a_notice_board_opens_only_for_its_issuer_and_the_units_it_concerns(
    client, doc, people, outsider, django_assert_max_num_queries
):
    from cchc.accounts.services import user_create

    url = reverse("directives:board", args=[doc.pk])
    for user in (people.chairman, people.pkt, people.vp):
        client.force_login(user)
        assert client.get(url).status_code == 200
    # A unit's officer: the permission check is one query over the notice's tasks, not
    # one per task: 8 as the issuer's, then its two kinds of assignment and one EXISTS.
    with django_assert_max_num_queries(11):
        assert client.get(url).status_code == 200
    stranger = user_create(username="nguoi.ngoai", password="x-Secret-123", full_name="Ngoài")
    for user in (stranger, outsider):  # no role at all; a sibling unit on no task
        client.force_login(user)
        for suffix in ("", "?format=xlsx", "?format=docx"):
            refused = client.get(url + suffix)
            assert refused.status_code == 404
            assert "Phòng Kinh tế" not in refused.content.decode(errors="ignore")
