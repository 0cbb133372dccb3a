from __future__ import annotations

from django.utils import timezone

from cchc.directives.models import WorkRecord
from cchc.directives.selectors import (
    electronic_record_share,
    work_record_items,
    work_record_list,
)
from cchc.directives.services import (
    directive_confirm,
    directive_import,
    draft_tasks,
    task_report,
    task_sign_off,
)

from .conftest import COMMUNE_NOTICE


def test_work_record_opened_on_assignment_and_closed_when_done(tree, people):
    draft = directive_import(actor=people.chairman, text=COMMUNE_NOTICE, issuer=tree.commune_pc)
    rows = draft_tasks(draft)
    rows[2]["lead_codes"] = ["T-C.VP"]
    doc = directive_confirm(actor=people.chairman, draft=draft, corrections=rows)
    year = timezone.localdate().year
    records = list(work_record_list(unit=tree.c_vp, year=year))
    assert [r.code for r in records] == [f"{year}.T-C.VP.001", f"{year}.T-C.VP.002"]
    assert all(r.closed_at is None and r.is_electronic for r in records)
    assert WorkRecord.objects.get(unit=tree.c_pkt).code == f"{year}.T-C.PKT.001"

    t1 = doc.tasks.get(position=0)
    task_report(actor=people.vp, task=t1, text="Đã tập huấn", progress=100, link="https://x.vn/bc")
    task_sign_off(actor=people.chairman, task=t1, accept=True)
    record = WorkRecord.objects.get(task=t1)
    assert record.closed_at is not None
    items = work_record_items(record=record)
    assert [i.kind for i in items] == [
        "Văn bản chỉ đạo",
        "Báo cáo tiến độ",
        "Nghiệm thu hoàn thành",
    ]
    assert items[1].url == "https://x.vn/bc"
    assert work_record_list(unit=tree.c_vp, year=year).get(pk=record.pk).document_count == 3
    assert electronic_record_share(unit=tree.c_vp, year=year) == (2, 2)


def test_records_page(client, tree, people, django_assert_num_queries):
    from django.urls import reverse

    draft = directive_import(actor=people.chairman, text=COMMUNE_NOTICE, issuer=tree.commune_pc)
    rows = draft_tasks(draft)
    rows[2]["lead_codes"] = ["T-C.VP"]
    directive_confirm(actor=people.chairman, draft=draft, corrections=rows)
    client.force_login(people.vp)
    client.get(reverse("directives:records"))
    with django_assert_num_queries(6):
        page = client.get(reverse("directives:records")).content.decode()
    year = timezone.localdate().year
    assert f"{year}.T-C.VP.002" in page
    assert "Hồ sơ điện tử: 2/2 nhiệm vụ chủ trì." in page
    assert "T-C.PKT" not in page  # not the specialist's unit
