"""Seams other apps call: remedial tasks (assessments) and the on-time summary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cchc.directives.selectors import tasks_on_time_summary
from cchc.directives.services import task_create, task_report, task_sign_off


def test_task_create_files_remedies_under_one_yearly_document(tree, people):
    due = dt.date.today() + dt.timedelta(days=30)
    a = task_create(
        actor=people.chairman,
        unit=tree.c_pkt,
        text="Khắc phục tiêu chí 3.2",
        deadline=due,
        source="assessments:remedy:1",
    )
    b = task_create(actor=people.chairman, unit=tree.c_vp, text="Khắc phục tiêu chí 5.1")
    assert a.document_id == b.document_id
    assert a.document.issuer == tree.commune_pc  # the nearest People's Committee
    assert (a.number, b.number) == ("1", "2")
    assert a.source == "assessments:remedy:1"
    assert [u.code for u in a.lead_units.all()] == ["T-C.PKT"]
    assert a.work_record.code.endswith("T-C.PKT.001")
    with pytest.raises(PermissionDenied):
        task_create(actor=people.vp, unit=tree.c_vp, text="x")


def test_tasks_on_time_summary(tree, people):
    year = dt.date.today().year
    due = dt.date(year, 12, 31)
    t1 = task_create(actor=people.chairman, unit=tree.c_pkt, text="Việc 1", deadline=due)
    task_create(actor=people.chairman, unit=tree.c_pkt, text="Việc 2", deadline=due)
    task_create(actor=people.chairman, unit=tree.c_pkt, text="Không hạn")
    task_report(actor=people.pkt, task=t1, text="xong", progress=100)
    task_sign_off(actor=people.chairman, task=t1, accept=True)
    assert tasks_on_time_summary(unit=tree.c_pkt, year=year) == {"due": 2, "done_on_time": 1}
    assert tasks_on_time_summary(unit=tree.c_pkt, year=year + 1) == {"due": 0, "done_on_time": 0}
    assert tasks_on_time_summary(unit=tree.commune, year=year) == {"due": 0, "done_on_time": 0}
