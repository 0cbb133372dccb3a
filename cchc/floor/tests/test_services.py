from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import receive
from cchc.floor import services
from cchc.floor.models import CounterRating, Priority, Ticket, TicketEvent, TicketStatus


def _codes(exc: ValidationError) -> set[str]:
    return (
        {e.code for e in exc.error_list}
        if not hasattr(exc, "error_dict")
        else {e.code for errs in exc.error_dict.values() for e in errs}
    )


def test_numbers_are_gap_free_per_unit_and_day(floor, clock):
    w = floor.world
    a = services.ticket_take(unit=w.one_stop, sector=floor.civil)
    b = services.ticket_take(unit=w.one_stop, sector=floor.land)
    other = services.ticket_take(unit=w.other_commune_one_stop, sector=floor.civil)
    with pytest.raises(ValidationError):  # refused: no number consumed
        services.ticket_take(unit=w.one_stop, sector=None)
    c = services.ticket_take(unit=w.one_stop, procedure=w.procedure)
    assert [a.number, b.number, c.number] == [1, 2, 3]
    assert c.sector == floor.civil
    assert other.number == 1
    clock.set(dt.datetime(2026, 11, 17, 8, 0, tzinfo=VN))
    assert services.ticket_take(unit=w.one_stop, sector=floor.civil).number == 1


def test_ticket_refused_when_no_counter_serves_the_sector(floor):
    from cchc.procedures.models import Sector

    tax = Sector.objects.create(code="TH", name="Thuế")
    with pytest.raises(ValidationError) as exc:
        services.ticket_take(unit=floor.world.one_stop, sector=tax)
    assert "no_counter" in _codes(exc.value)
    assert not Ticket.objects.exists()


def test_call_next_priority_first_then_fifo_within_served_sectors(floor, clock):
    w = floor.world
    land_1 = services.ticket_take(unit=w.one_stop, sector=floor.land)
    clock.advance(minutes=1)
    civil_1 = services.ticket_take(unit=w.one_stop, sector=floor.civil)
    clock.advance(minutes=1)
    civil_elderly = services.ticket_take(
        unit=w.one_stop, sector=floor.civil, priority=Priority.ELDERLY
    )
    clock.advance(minutes=1)
    # Counter 2 serves land only: it skips the civil tickets, even the priority one.
    got = services.counter_call_next(actor=w.officer, counter=floor.counter_2)
    assert got.pk == land_1.pk
    assert got.status == TicketStatus.CALLED and got.counter == floor.counter_2
    # Counter 1: the elderly citizen before the earlier ordinary ticket.
    first = services.counter_call_next(actor=w.officer, counter=floor.counter_1)
    assert first.pk == civil_elderly.pk
    services.ticket_finish(actor=w.officer, ticket=first)
    second = services.counter_call_next(actor=w.officer, counter=floor.counter_1)
    assert second.pk == civil_1.pk
    services.ticket_finish(actor=w.officer, ticket=second)
    assert services.counter_call_next(actor=w.officer, counter=floor.counter_1) is None


def test_counter_busy_until_the_called_ticket_is_closed(floor):
    w = floor.world
    services.ticket_take(unit=w.one_stop, sector=floor.civil)
    services.ticket_take(unit=w.one_stop, sector=floor.civil)
    t = services.counter_call_next(actor=w.officer, counter=floor.counter_1)
    with pytest.raises(ValidationError) as exc:
        services.counter_call_next(actor=w.officer, counter=floor.counter_1)
    assert "counter_busy" in _codes(exc.value)
    services.ticket_abandon(actor=w.officer, ticket=t)
    assert Ticket.objects.get(pk=t.pk).status == TicketStatus.ABANDONED
    assert services.counter_call_next(actor=w.officer, counter=floor.counter_1).number == 2


def test_office_hours_refusal_in_vietnamese(floor, clock):
    w = floor.world
    services.ticket_take(unit=w.one_stop, sector=floor.civil)
    clock.set(dt.datetime(2026, 11, 16, 12, 0, tzinfo=VN))  # lunch break
    with pytest.raises(ValidationError) as exc:
        services.counter_call_next(actor=w.officer, counter=floor.counter_1)
    assert "outside_office_hours" in _codes(exc.value)
    assert "Ngoài giờ làm việc" in exc.value.messages[0]
    clock.set(dt.datetime(2026, 11, 22, 9, 0, tzinfo=VN))  # Sunday
    with pytest.raises(ValidationError) as exc:
        services.counter_call_next(actor=w.officer, counter=floor.counter_1)
    assert "ngày nghỉ" in exc.value.messages[0]
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_officer_of_another_unit_cannot_call(floor):
    w = floor.world
    services.ticket_take(unit=w.one_stop, sector=floor.civil)
    with pytest.raises(PermissionDenied):
        services.counter_call_next(actor=w.outsider, counter=floor.counter_1)
    with pytest.raises(PermissionDenied):
        services.counter_call_next(actor=w.specialist, counter=floor.counter_1)
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_transfer_puts_ticket_at_head_of_target_counter(floor, clock):
    w = floor.world
    first = services.ticket_take(unit=w.one_stop, sector=floor.land)
    waiting = services.ticket_take(unit=w.one_stop, sector=floor.land, priority=Priority.PREGNANT)
    # Counter 1 (it serves land too) calls the priority ticket first.
    called = services.counter_call_next(actor=w.officer, counter=floor.counter_1)
    assert called.pk == waiting.pk
    services.ticket_transfer(actor=w.officer, ticket=called, to_counter=floor.counter_2)
    t = Ticket.objects.get(pk=called.pk)
    assert t.status == TicketStatus.TRANSFERRED and t.counter == floor.counter_2
    # Counter 1 cannot call it back; counter 2 calls it before the older waiting ticket.
    assert services.counter_call_next(actor=w.officer, counter=floor.counter_1).pk == first.pk
    assert services.counter_call_next(actor=w.officer, counter=floor.counter_2).pk == t.pk
    assert list(TicketEvent.objects.filter(ticket=t).values_list("action", flat=True)) == [
        "taken",
        "called",
        "transferred",
        "called",
    ]
    with pytest.raises(ValidationError):
        services.ticket_transfer(actor=w.officer, ticket=t, to_counter=floor.other_counter)


def test_finish_links_dossier_of_same_unit_only(floor):
    w = floor.world
    services.ticket_take(unit=w.one_stop, sector=floor.civil)
    t = services.counter_call_next(actor=w.officer, counter=floor.counter_1)
    services.ticket_start_service(actor=w.officer, ticket=t)
    dossier = receive(w)
    other = receive(w, actor=w.outsider, receiving_unit=w.other_commune_one_stop)
    with pytest.raises(ValidationError):
        services.ticket_finish(actor=w.officer, ticket=t, dossier=other)
    services.ticket_finish(actor=w.officer, ticket=t, dossier=dossier)
    t.refresh_from_db()
    assert t.status == TicketStatus.DONE and t.dossier == dossier and t.done_at


def _served(floor) -> Ticket:
    w = floor.world
    services.ticket_take(unit=w.one_stop, sector=floor.civil)
    t = services.counter_call_next(actor=w.officer, counter=floor.counter_1)
    return services.ticket_finish(actor=w.officer, ticket=t)


def test_one_rating_per_ticket_and_reason_when_dissatisfied(floor):
    t = _served(floor)
    with pytest.raises(ValidationError) as exc:
        services.rating_submit(counter=floor.counter_1, ticket=t, value="dissatisfied")
    assert "reason_required" in _codes(exc.value)
    with pytest.raises(ValidationError):  # not served at counter 2
        services.rating_submit(counter=floor.counter_2, ticket=t, value="satisfied")
    r = services.rating_submit(
        counter=floor.counter_1, ticket=t, value="dissatisfied", reason="Chờ  lâu"
    )
    assert r.reason == "Chờ lâu" and r.officer == floor.world.officer
    with pytest.raises(ValidationError) as exc:
        services.rating_submit(counter=floor.counter_1, ticket=t, value="satisfied")
    assert "already_rated" in _codes(exc.value)
    assert CounterRating.objects.count() == 1


def test_rating_window_closes(floor, clock):
    t = _served(floor)
    clock.advance(minutes=31)
    with pytest.raises(ValidationError):
        services.rating_submit(counter=floor.counter_1, ticket=t, value="satisfied")


def test_booking_and_check_in(floor, clock):
    w = floor.world
    slot = dt.datetime(2026, 11, 17, 9, 0, tzinfo=VN)
    with pytest.raises(ValidationError):  # lunch break
        services.ticket_book(unit=w.one_stop, sector=floor.civil, booked_for=slot.replace(hour=12))
    booked = services.ticket_book(unit=w.one_stop, sector=floor.civil, booked_for=slot)
    assert booked.status == TicketStatus.BOOKED and booked.number == 1
    with pytest.raises(ValidationError):  # not the booked day yet
        services.ticket_check_in(token=booked.token)
    clock.set(dt.datetime(2026, 11, 17, 8, 0, tzinfo=VN))
    walk_in = services.ticket_take(unit=w.one_stop, sector=floor.civil)
    assert walk_in.number == 2  # booked ticket holds number 1 of that day
    # Not in the queue before check-in.
    assert services.counter_call_next(actor=w.officer, counter=floor.counter_1).pk == walk_in.pk
    services.ticket_finish(actor=w.officer, ticket=walk_in)
    clock.set(dt.datetime(2026, 11, 17, 8, 50, tzinfo=VN))
    later = services.ticket_take(unit=w.one_stop, sector=floor.civil)
    clock.set(dt.datetime(2026, 11, 17, 9, 10, tzinfo=VN))
    services.ticket_check_in(token=booked.token)
    # Queued at its slot (09:00), after the 08:50 walk-in.
    assert services.counter_call_next(actor=w.officer, counter=floor.counter_1).pk == later.pk
    with pytest.raises(ValidationError):
        services.ticket_check_in(token=booked.token)


def test_counter_registry_and_sign_in(floor):
    from cchc.dossiers.tests.factories import grant, make_user

    w = floor.world
    admin_user = make_user()
    grant(admin_user, "system_admin", w.province, include_subtree=True)
    with pytest.raises(PermissionDenied):
        services.counter_create(actor=w.officer, unit=w.one_stop, number=3, sectors=[])
    with pytest.raises(ValidationError):
        services.counter_create(actor=admin_user, unit=w.one_stop, number=1, sectors=[])
    with pytest.raises(ValidationError):  # counters belong to one-stop units only
        services.counter_create(actor=admin_user, unit=w.department, number=9, sectors=[])
    c = services.counter_create(
        actor=admin_user, unit=w.one_stop, number=3, name=" Chứng thực ", sectors=[floor.civil]
    )
    assert c.name == "Chứng thực" and list(c.sectors.all()) == [floor.civil]
    with pytest.raises(PermissionDenied):
        services.counter_sign_in(actor=w.outsider, counter=c)
    assert services.counter_sign_in(actor=w.officer, counter=c).officer == w.officer
