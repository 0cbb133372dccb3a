"""Queues and views for the screens: scoping, search, lateness flags, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cchc.dossiers import services
from cchc.dossiers.models import Dossier
from cchc.dossiers.selectors import (
    attention_recipients,
    dossier_get_for_user,
    dossier_queue,
    dossiers_needing_attention,
    dossiers_of_citizen,
    unit_late_summary,
)
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import (
    PERSONAL_ID_2,
    applicant_data,
    drive_to,
    receive,
)


def _codes(qs) -> set[str]:
    return {d.code for d in qs}


@pytest.fixture
def spread(world, clock):
    at_one_stop = receive(world)
    at_department = drive_to(
        world,
        receive(world, applicant=applicant_data(name="Trần Văn Bình", personal_id=PERSONAL_ID_2)),
        "at_department",
    )
    assigned = drive_to(world, receive(world), "assigned")
    waiting = drive_to(world, receive(world), "assigned")
    services.dossier_request_supplement(
        actor=world.specialist, dossier=waiting, items=["x"], reason="y"
    )
    elsewhere = receive(world, actor=world.outsider, receiving_unit=world.other_commune_one_stop)
    return {
        "at_one_stop": at_one_stop,
        "at_department": at_department,
        "assigned": assigned,
        "waiting": waiting,
        "elsewhere": elsewhere,
    }


def test_queues_are_scoped_to_the_users_units(world, spread):
    s = spread
    assert _codes(dossier_queue(user=world.specialist, kind="mine")) == {
        s["assigned"].code,
        s["waiting"].code,
    }
    # The one-stop sees what it received (wherever it is now), not the other commune's.
    officer_unit = _codes(dossier_queue(user=world.officer, kind="unit"))
    assert s["elsewhere"].code not in officer_unit
    assert {s["at_one_stop"].code, s["at_department"].code, s["assigned"].code} <= officer_unit
    assert _codes(dossier_queue(user=world.outsider, kind="unit")) == {s["elsewhere"].code}
    assert _codes(dossier_queue(user=world.specialist, kind="waiting_supplement")) == {
        s["waiting"].code
    }
    assert _codes(dossier_queue(user=world.citizen, kind="unit")) == set()
    held = dossier_queue(user=world.leader, kind="unit", unit=world.department)
    assert _codes(held) == {s["at_department"].code, s["assigned"].code, s["waiting"].code}


def test_search_by_code_applicant_identity_and_procedure(world, spread):
    s = spread
    assert _codes(dossier_queue(user=world.officer, kind="unit", search="bình")) == {
        s["at_department"].code
    }
    assert _codes(dossier_queue(user=world.officer, kind="unit", search=PERSONAL_ID_2)) == {
        s["at_department"].code
    }
    code = s["assigned"].code
    assert _codes(dossier_queue(user=world.officer, kind="unit", search=code)) == {code}
    found = dossier_queue(user=world.officer, kind="unit", search="khai sinh")
    assert len(found) == 4


def test_due_soon_and_overdue(world, spread, clock):
    s = spread
    # All are due Mon 23/11 17:00: on that morning they are within one working day.
    clock.set(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    assert dossier_queue(user=world.officer, kind="overdue").count() == 0
    due_soon = _codes(dossier_queue(user=world.officer, kind="due_soon"))
    assert due_soon == {s["at_one_stop"].code, s["at_department"].code, s["assigned"].code}
    assert s["waiting"].code not in due_soon  # the clock is stopped while waiting
    clock.set(dt.datetime(2026, 11, 25, 8, 0, tzinfo=VN))
    assert _codes(dossier_queue(user=world.officer, kind="overdue")) == due_soon
    flagged = dossiers_needing_attention(unit=world.department)
    assert {a.dossier.code for a in flagged} == {s["at_department"].code, s["assigned"].code}
    holder = next(a for a in flagged if a.dossier.code == s["assigned"].code)
    assert holder.holder_id == world.specialist.pk and holder.overdue
    recipients = attention_recipients(attention=flagged)
    assert {a.dossier.code for a in recipients[world.specialist.pk]} == {s["assigned"].code}
    assert {a.dossier.code for a in recipients[world.leader.pk]} == {
        s["at_department"].code,
        s["assigned"].code,
    }
    assert world.officer.pk not in recipients
    summary = unit_late_summary(user=world.leader, unit=world.department)
    assert summary["totals"]["overdue"] == 2
    with pytest.raises(PermissionDenied):
        unit_late_summary(user=world.officer, unit=world.department)


def test_queue_query_count_does_not_grow_with_rows(world, spread, django_assert_num_queries):
    def render(kind: str) -> None:
        for d in dossier_queue(user=world.officer, kind=kind):
            str(d.applicant.name)
            str(d.procedure_version.procedure.name)
            str(d.receiving_unit.name)
            str(d.current_unit and d.current_unit.name)
            str(d.current_assignee)

    # one for the user's role assignments, one for the list
    with django_assert_num_queries(2):
        render("unit")
    for _ in range(3):
        receive(world)
    with django_assert_num_queries(2):
        render("unit")


def test_get_for_user_and_citizen_views(world, spread):
    s = spread
    assert (
        dossier_get_for_user(user=world.specialist, code=s["assigned"].code).pk == s["assigned"].pk
    )
    with pytest.raises(PermissionDenied):
        dossier_get_for_user(user=world.outsider, code=s["assigned"].code)
    with pytest.raises(Dossier.DoesNotExist):
        dossier_get_for_user(user=world.officer, code="KHONG-CO")
    # The citizen account holder's personal ID matches applicants who did not log in.
    mine = _codes(dossiers_of_citizen(user=world.citizen))
    assert s["at_one_stop"].code in mine and s["at_department"].code not in mine


def test_postal_partner_sees_the_dossier_it_received(world):
    from cchc.dossiers.tests.factories import components_for

    d = receive(
        world,
        actor=world.postal_staff,
        channel="postal",
        postal_unit=world.post,
        components=components_for(world, source="digitized"),
    )
    assert dossier_get_for_user(user=world.postal_staff, code=d.code).pk == d.pk
    other = receive(world)
    with pytest.raises(PermissionDenied):
        dossier_get_for_user(user=world.postal_staff, code=other.code)


def test_to_return_queue(world):
    d = drive_to(world, receive(world), "result")
    assert [x.code for x in dossier_queue(user=world.officer, kind="to_return")] == [d.code]
    assert d.code not in {x.code for x in dossier_queue(user=world.officer, kind="unit")}
