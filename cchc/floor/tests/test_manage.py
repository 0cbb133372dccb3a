"""The counter registry of a centre (its manager: COUNTER_MANAGE) and the office-hours
guard, which takes days off, make-up days and hours from the one working calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cchc.accounts.models import Role
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import grant, make_user
from cchc.floor import selectors, services
from cchc.floor.models import Counter, Ticket, TicketStatus

PASSWORD = "mat-khau-an-toan-2026"


def _fields(exc: ValidationError) -> dict[str, str]:
    return {k: v[0].code for k, v in exc.error_dict.items()}


def test_manager_registers_a_counter_with_sectors_and_officer(floor):
    w = floor.world
    c = services.counter_create(
        actor=w.leader,
        unit=w.one_stop,
        number=3,
        name="  Chứng   thực ",
        sectors=[floor.civil, floor.land],
        officer=w.officer,
    )
    assert (c.number, c.name, c.officer) == (3, "Chứng thực", w.officer)
    assert set(c.sectors.all()) == {floor.civil, floor.land}


def test_one_stop_officer_and_other_centres_manager_may_not_manage(floor):
    w = floor.world
    with pytest.raises(PermissionDenied):
        services.counter_create(actor=w.officer, unit=w.one_stop, number=3, sectors=[floor.civil])
    other_manager = make_user()
    grant(other_manager, Role.UNIT_LEADER, w.other_commune_one_stop)
    with pytest.raises(PermissionDenied):
        services.counter_set_active(actor=other_manager, counter=floor.counter_1, active=False)
    with pytest.raises(PermissionDenied):
        services.counter_update(
            actor=other_manager, counter=floor.counter_1, number=1, sectors=[floor.civil]
        )
    assert Counter.objects.filter(unit=w.one_stop).count() == 2
    assert Counter.objects.get(pk=floor.counter_1.pk).is_active


def test_invalid_counter_is_refused_field_by_field_in_vietnamese(floor):
    w = floor.world
    with pytest.raises(ValidationError) as exc:
        services.counter_create(
            actor=w.leader, unit=w.one_stop, number=1, sectors=[], officer=w.specialist
        )
    assert _fields(exc.value) == {
        "number": "duplicate",
        "sectors": "required",
        "officer": "not_one_stop_officer",
    }
    text = " ".join(exc.value.messages)
    assert "Số quầy 1 đã có" in text
    assert "ít nhất một lĩnh vực" in text
    assert "không phải công chức Một cửa" in text
    with pytest.raises(ValidationError) as exc:
        services.counter_create(actor=w.leader, unit=w.one_stop, number=0, sectors=[floor.civil])
    assert _fields(exc.value) == {"number": "range"}
    assert Counter.objects.filter(unit=w.one_stop).count() == 2


def test_update_moves_sectors_and_officer_and_keeps_numbers_unique(floor):
    w = floor.world
    services.counter_update(
        actor=w.leader,
        counter=floor.counter_2,
        number=5,
        name="Đất đai, xây dựng",
        sectors=[floor.land, floor.civil],
        officer=w.officer,
    )
    c2 = Counter.objects.get(pk=floor.counter_2.pk)
    assert (c2.number, c2.officer) == (5, w.officer)
    # Counter 2 (now 5) also serves Hộ tịch: it calls the civil ticket.
    services.ticket_take(unit=w.one_stop, sector=floor.civil)
    assert services.counter_call_next(actor=w.officer, counter=c2).sector == floor.civil
    with pytest.raises(ValidationError) as exc:
        services.counter_update(
            actor=w.leader, counter=floor.counter_1, number=5, sectors=[floor.civil]
        )
    assert _fields(exc.value) == {"number": "duplicate"}
    assert Counter.objects.get(pk=floor.counter_1.pk).number == 1


def test_closing_a_counter_refused_while_a_ticket_is_at_it(floor):
    w = floor.world
    services.ticket_take(unit=w.one_stop, sector=floor.land)
    t = services.counter_call_next(actor=w.officer, counter=floor.counter_2)
    with pytest.raises(ValidationError) as exc:
        services.counter_set_active(actor=w.leader, counter=floor.counter_2, active=False)
    assert "Quầy đang có số 0001" in exc.value.messages[0]
    services.ticket_finish(actor=w.officer, ticket=t)
    closed = services.counter_set_active(actor=w.leader, counter=floor.counter_2, active=False)
    assert not closed.is_active and closed.officer is None
    with pytest.raises(ValidationError):
        services.counter_call_next(actor=w.officer, counter=floor.counter_2)
    # Land is still served by counter 1; close it too and the kiosk stops offering land.
    services.counter_update(
        actor=w.leader, counter=floor.counter_1, number=1, sectors=[floor.civil]
    )
    assert floor.land not in selectors.served_sectors(unit=w.one_stop)
    with pytest.raises(ValidationError):
        services.ticket_take(unit=w.one_stop, sector=floor.land)
    services.counter_set_active(actor=w.leader, counter=floor.counter_2, active=True)
    assert services.ticket_take(unit=w.one_stop, sector=floor.land).number == 2


def test_office_hours_guard_follows_the_units_calendar(floor, clock):
    """Own office hours of the centre and a make-up Saturday, both from cchc.calendars."""
    from cchc.calendars.models import CalendarException, CalendarExceptionKind
    from cchc.calendars.services import office_hours_set

    w = floor.world
    admin = make_user()
    grant(admin, Role.SYSTEM_ADMIN, w.province, include_subtree=True)
    office_hours_set(
        actor=admin,
        unit=w.one_stop,
        morning_start=dt.time(8, 0),
        morning_end=dt.time(11, 0),
        afternoon_start=dt.time(13, 0),
        afternoon_end=dt.time(16, 0),
        receipt_cutoff=dt.time(15, 30),
    )
    services.ticket_take(unit=w.one_stop, sector=floor.civil)
    clock.set(dt.datetime(2026, 11, 16, 7, 45, tzinfo=VN))  # default hours would be open
    with pytest.raises(ValidationError) as exc:
        services.counter_call_next(actor=w.officer, counter=floor.counter_1)
    assert "08:00–11:00 và 13:00–16:00" in exc.value.messages[0]
    clock.set(dt.datetime(2026, 11, 16, 13, 10, tzinfo=VN))  # default hours would be closed
    t = services.counter_call_next(actor=w.officer, counter=floor.counter_1)
    services.ticket_finish(actor=w.officer, ticket=t)
    # A make-up Saturday (làm bù) is a working day for the counters too.
    saturday = dt.date(2026, 11, 21)
    CalendarException.objects.create(
        date=saturday,
        kind=CalendarExceptionKind.WORKDAY,
        name="Làm bù",
        legal_basis="Thông báo thử nghiệm",
    )
    clock.set(dt.datetime(2026, 11, 21, 9, 0, tzinfo=VN))
    services.ticket_take(unit=w.one_stop, sector=floor.civil)
    assert services.counter_call_next(actor=w.officer, counter=floor.counter_1).status == (
        TicketStatus.CALLED
    )


# --- Screens ---------------------------------------------------------------------------------


@pytest.fixture
def manager_client(client, floor):
    client.login(username=floor.world.leader.username, password=PASSWORD)
    return client


def test_registry_page_lists_counters_in_few_queries(
    manager_client, floor, django_assert_max_num_queries
):
    url = reverse("floor:manage", args=[floor.world.one_stop.pk])
    for n in range(3, 8):
        services.counter_create(
            actor=floor.world.leader, unit=floor.world.one_stop, number=n, sectors=[floor.land]
        )
    with django_assert_max_num_queries(16):
        page = manager_client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Hộ tịch, Đất đai" in body and "Sửa quầy 7" in body
    assert "07:30–11:30" in body.replace("\u2013", "–")
    # Only one centre managed: the entry page goes straight to it.
    assert manager_client.get(reverse("floor:manage_index")).url == url


def test_registry_post_shows_vietnamese_errors_and_saves_nothing(manager_client, floor):
    url = reverse("floor:manage", args=[floor.world.one_stop.pk])
    response = manager_client.post(url, {"number": "1", "name": "Trùng"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Số quầy 1 đã có" in body and "ít nhất một lĩnh vực" in body
    response = manager_client.post(url, {"number": "ba", "sectors": [floor.civil.pk]})
    assert response.status_code == 400 and "Số quầy phải là số nguyên" in response.content.decode()
    assert Counter.objects.filter(unit=floor.world.one_stop).count() == 2
    response = manager_client.post(
        url,
        {"number": "4", "name": "Chứng thực", "sectors": [floor.civil.pk], "officer": ""},
    )
    assert response.status_code == 302
    assert Counter.objects.get(unit=floor.world.one_stop, number=4).name == "Chứng thực"


def test_registry_is_closed_to_officers_and_hours_form_needs_calendar_manage(client, floor):
    w = floor.world
    client.login(username=w.officer.username, password=PASSWORD)
    assert client.get(reverse("floor:manage", args=[w.one_stop.pk])).status_code == 403
    response = client.post(
        reverse("floor:manage_counter_active", args=[floor.counter_1.pk]), {"active": "0"}
    )
    assert response.status_code == 403
    assert Counter.objects.get(pk=floor.counter_1.pk).is_active
    client.logout()
    client.login(username=w.leader.username, password=PASSWORD)
    page = client.get(reverse("floor:manage", args=[w.one_stop.pk])).content.decode()
    assert "Lưu giờ làm việc" not in page and "quản trị hệ thống" in page
    response = client.post(
        reverse("floor:manage_hours", args=[w.one_stop.pk]),
        {
            "morning_start": "08:00",
            "morning_end": "11:00",
            "afternoon_start": "13:00",
            "afternoon_end": "16:00",
            "receipt_cutoff": "15:00",
        },
    )
    assert response.status_code == 403
    from cchc.calendars.models import OfficeHours

    assert not OfficeHours.objects.filter(unit=w.one_stop).exists()


def test_admin_sets_the_centres_office_hours_from_the_registry(client, floor):
    from cchc.calendars.models import OfficeHours

    w = floor.world
    admin = make_user()
    grant(admin, Role.SYSTEM_ADMIN, w.province, include_subtree=True)
    client.login(username=admin.username, password=PASSWORD)
    url = reverse("floor:manage_hours", args=[w.one_stop.pk])
    bad = client.post(
        url,
        {
            "morning_start": "11:00",
            "morning_end": "08:00",
            "afternoon_start": "13:00",
            "afternoon_end": "16:00",
            "receipt_cutoff": "15:00",
        },
    )
    assert bad.status_code == 400 and "Giờ làm việc không hợp lệ" in bad.content.decode()
    assert not OfficeHours.objects.filter(unit=w.one_stop).exists()
    ok = client.post(
        url,
        {
            "morning_start": "08:00",
            "morning_end": "11:00",
            "afternoon_start": "13:00",
            "afternoon_end": "16:00",
            "receipt_cutoff": "15:00",
        },
    )
    assert ok.status_code == 302
    assert OfficeHours.objects.get(unit=w.one_stop).morning_start == dt.time(8, 0)
    page = client.get(ok.url).content.decode()  # the form starts from the saved hours
    assert 'name="morning_start" value="08:00"' in page
    assert 'name="receipt_cutoff" value="15:00"' in page


def test_edit_page_changes_the_officer(manager_client, floor):
    w = floor.world
    url = reverse("floor:manage_counter", args=[floor.counter_2.pk])
    assert manager_client.get(url).status_code == 200
    response = manager_client.post(
        url,
        {"number": "2", "name": "Đất đai", "sectors": [floor.land.pk], "officer": w.officer.pk},
    )
    assert response.status_code == 302
    assert Counter.objects.get(pk=floor.counter_2.pk).officer == w.officer
    response = manager_client.post(
        url, {"number": "2", "sectors": [floor.land.pk], "officer": w.specialist.pk}
    )
    assert response.status_code == 400  # not offered: not a one-stop officer of the unit
    assert Ticket.objects.count() == 0


def test_a_sector_with_waiting_citizens_keeps_an_open_counter(floor):
    """Counter 2 is the only one for land once counter 1 drops it; with a land ticket
    waiting, counter 2 can neither close nor drop land until someone else serves it."""
    w = floor.world
    services.counter_update(
        actor=w.leader, counter=floor.counter_1, number=1, sectors=[floor.civil]
    )
    services.ticket_take(unit=w.one_stop, sector=floor.land)
    with pytest.raises(ValidationError) as exc:
        services.counter_set_active(actor=w.leader, counter=floor.counter_2, active=False)
    assert "Còn 1 số đang chờ lĩnh vực Đất đai" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.counter_update(
            actor=w.leader, counter=floor.counter_2, number=2, sectors=[floor.civil]
        )
    assert _fields(exc.value) == {"sectors": "sector_orphaned"}
    assert Counter.objects.get(pk=floor.counter_2.pk).is_active
    # Once counter 1 takes land back, counter 2 may close.
    services.counter_update(
        actor=w.leader, counter=floor.counter_1, number=1, sectors=[floor.civil, floor.land]
    )
    assert not services.counter_set_active(
        actor=w.leader, counter=floor.counter_2, active=False
    ).is_active


def test_one_officer_sits_at_one_counter(floor):
    w = floor.world
    services.counter_update(
        actor=w.leader, counter=floor.counter_1, number=1, sectors=[floor.civil], officer=w.officer
    )
    # The manager cannot seat them at a second counter...
    with pytest.raises(ValidationError) as exc:
        services.counter_update(
            actor=w.leader,
            counter=floor.counter_2,
            number=2,
            sectors=[floor.land],
            officer=w.officer,
        )
    assert _fields(exc.value) == {"officer": "officer_elsewhere"}
    assert "Quầy 1" in exc.value.messages[0]
    assert Counter.objects.get(pk=floor.counter_2.pk).officer_id != w.officer.pk
    # ...and an officer who signs in at another counter leaves the first one.
    services.counter_sign_in(actor=w.officer, counter=floor.counter_2)
    seats = Counter.objects.filter(officer=w.officer)
    assert list(seats.values_list("pk", flat=True)) == [floor.counter_2.pk]
