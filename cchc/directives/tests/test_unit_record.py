"""A unit's record over a year (unit_directive_record, for the heads' evaluation) and its
screen and export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cchc.directives.models import Contribution, Task, TaskStatus, WorkRecord
from cchc.directives.selectors import unit_directive_record
from cchc.directives.services import (
    contribution_submit,
    directive_confirm,
    directive_import,
    draft_tasks,
    task_cancel,
)

from .conftest import COMMUNE_NOTICE

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY = dt.datetime(2025, 11, 14, 17, tzinfo=VN)


def second_notice(people, tree):
    draft = directive_import(actor=people.chairman, text=COMMUNE_NOTICE, issuer=tree.commune_pc)
    rows = draft_tasks(draft)
    rows[2]["lead_codes"] = ["T-C.VP"]
    return directive_confirm(actor=people.chairman, draft=draft, corrections=rows)


def test_record_over_a_year(confirmed, people, tree):
    year = timezone.localdate().year
    other = second_notice(people, tree)
    vp_tasks = list(Task.objects.filter(lead_units=tree.c_vp).order_by("document_id", "position"))
    assert len(vp_tasks) == 4
    a, b, c, d = vp_tasks
    first = Contribution.objects.get(task=a, unit=tree.c_pkt)
    contribution_submit(actor=people.pkt, contribution=first, text="Ý kiến")  # late
    # a: done two working days late (Fri 17:00 -> Tue 17:00); b: done on time;
    # c: still open past its deadline; d: cancelled.
    Task.objects.filter(pk=a.pk).update(
        deadline=FRIDAY, status=TaskStatus.DONE, done_at=FRIDAY + dt.timedelta(days=4)
    )
    Task.objects.filter(pk=b.pk).update(
        deadline=FRIDAY, status=TaskStatus.DONE, done_at=FRIDAY - dt.timedelta(days=1)
    )
    Task.objects.filter(pk=c.pk).update(deadline=FRIDAY)
    task_cancel(actor=people.chairman, task=d, reason="Trùng với nhiệm vụ khác")
    WorkRecord.objects.filter(task=b).update(is_electronic=False)
    record = unit_directive_record(unit=tree.c_vp, year=year)
    assert (
        record.assigned,
        record.done_on_time,
        record.done_late,
        record.overdue,
        record.open,
        record.cancelled,
    ) == (4, 1, 1, 1, 0, 1)
    assert record.average_delay_working_days == Decimal("2.0")
    assert (record.electronic_records, record.electronic_share) == (3, Decimal("0.750"))
    assert record.on_time_share == Decimal("0.333")
    # PKT coordinated item 1 of both notices: one part sent late, one still missing.
    pkt = unit_directive_record(unit=tree.c_pkt, year=year)
    assert (pkt.contributions_on_time, pkt.contributions_late, pkt.contributions_missing) == (
        0,
        1,
        1,
    )
    assert pkt.assigned == 2 and pkt.average_delay_working_days is None
    # Another year holds nothing; a unit never assigned anything has no shares.
    empty = unit_directive_record(unit=tree.c_vp, year=year - 1)
    assert empty.assigned == 0 and empty.electronic_share is None and empty.on_time_share is None
    assert other.tasks.count() == 3


def test_record_queries_do_not_grow_with_tasks(
    confirmed, people, tree, django_assert_max_num_queries
):
    year = timezone.localdate().year
    unit_directive_record(unit=tree.c_vp, year=year)  # warm the calendar cache
    with django_assert_max_num_queries(4):
        unit_directive_record(unit=tree.c_vp, year=year)
    second_notice(people, tree)
    second_notice(people, tree)
    with django_assert_max_num_queries(4):
        record = unit_directive_record(unit=tree.c_vp, year=year)
    assert record.assigned == 6


def test_unit_record_page_export_and_permissions(
    client, confirmed, people, tree, django_assert_max_num_queries
):
    year = timezone.localdate().year
    url = reverse("directives:unit_record", args=[tree.c_vp.pk]) + f"?year={year}"
    client.force_login(people.chairman)
    client.get(url)
    with django_assert_max_num_queries(12) as first:
        page = client.get(url)
    body = page.content.decode()
    assert f"Kết quả thực hiện nhiệm vụ của Văn phòng HĐND và UBND xã Tây Sơn năm {year}" in body
    # Item 1 is past its deadline (14/11/2025); item 3 has none.
    assert 'id="fig-assigned">2<' in body and 'id="fig-overdue">1<' in body
    second_notice(people, tree)
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(url)
    assert 'id="fig-assigned">4<' in page.content.decode()
    book = load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content))
    summary = [r for r in book["Tổng hợp"].iter_rows(values_only=True)]
    assert summary[1] == ("Nhiệm vụ được giao", 4)
    assert summary[4] == ("Quá hạn", 2)
    tasks = list(book["Nhiệm vụ"].iter_rows(values_only=True))
    assert tasks[0][5] == "Kết quả" and len(tasks) == 5
    assert [r[5] for r in tasks[1:]].count("Quá hạn") == 2
    # A year of working days late, and counting; open tasks have no delay.
    assert all(r[6] > 200 if r[5] == "Quá hạn" else r[6] is None for r in tasks[1:])
    # The unit's own officer sees it; another unit's does not.
    client.force_login(people.vp)
    assert client.get(url).status_code == 200
    client.force_login(people.pkt)
    assert client.get(url).status_code == 403
    # The overview links each unit to its record.
    client.force_login(people.chairman)
    overview = client.get(reverse("directives:overview")).content.decode()
    assert reverse("directives:unit_record", args=[tree.c_vp.pk]) in overview
