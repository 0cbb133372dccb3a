from __future__ import annotations

from django.urls import reverse

from cchc.floor import selectors, services
from cchc.indices.periods import parse_period

PASSWORD = "mat-khau-an-toan-2026"


def _visit(floor, clock, *, counter, sector, wait_min, serve_min, rate=None):
    w = floor.world
    services.ticket_take(unit=w.one_stop, sector=sector)
    clock.advance(minutes=wait_min)
    t = services.counter_call_next(actor=w.officer, counter=counter)
    services.ticket_start_service(actor=w.officer, ticket=t)
    clock.advance(minutes=serve_min)
    services.ticket_finish(actor=w.officer, ticket=t)
    if rate:
        services.rating_submit(counter=counter, ticket=t, value=rate, reason="Chậm")
    return t


def test_waiting_service_abandoned_and_peak_hours(floor, clock, django_assert_num_queries):
    w = floor.world
    _visit(
        floor,
        clock,
        counter=floor.counter_1,
        sector=floor.civil,
        wait_min=10,
        serve_min=5,
        rate="very_satisfied",
    )
    _visit(
        floor,
        clock,
        counter=floor.counter_1,
        sector=floor.civil,
        wait_min=20,
        serve_min=15,
        rate="dissatisfied",
    )
    clock.advance(minutes=30)  # now 09:20
    services.ticket_take(unit=w.one_stop, sector=floor.land)
    t = services.counter_call_next(actor=w.officer, counter=floor.counter_2)
    services.ticket_abandon(actor=w.officer, ticket=t)
    with django_assert_num_queries(2):  # tickets + ratings
        f = selectors.floor_figures(unit=w.commune, period=parse_period("2026-11-16..2026-11-16"))
    assert f.total.tickets == 3 and f.total.abandoned == 1 and f.total.served == 2
    # Waits: 10, 20 and 0 minutes (the abandoned ticket was called at once).
    assert f.total.avg_wait_minutes == 10.0
    assert f.total.avg_service_minutes == 10.0
    assert f.total.satisfied_share == 50.0
    by_sector = {s.label: s for s in f.by_sector}
    assert by_sector["Hộ tịch"].avg_wait_minutes == 15.0
    assert by_sector["Đất đai"].abandoned == 1
    assert [h.label for h in f.by_hour] == ["08:00", "09:00"]
    assert f.peak_hours[0].label == "08:00"
    officer = {s.label: s for s in f.by_officer}[w.officer.full_name]
    assert officer.ratings == {"very_satisfied": 1, "dissatisfied": 1}


def test_figures_cover_the_unit_subtree_and_the_period(floor, clock):
    _visit(floor, clock, counter=floor.counter_1, sector=floor.civil, wait_min=1, serve_min=1)
    w = floor.world
    assert (
        selectors.floor_figures(unit=w.commune, period=parse_period("2026-11")).total.tickets == 1
    )
    assert selectors.floor_figures(unit=w.province, period=parse_period("2026")).total.served == 1
    other = selectors.floor_figures(unit=w.other_commune_one_stop, period=parse_period("2026-11"))
    assert other.total.tickets == 0
    assert (
        selectors.floor_figures(unit=w.commune, period=parse_period("2026-10")).total.tickets == 0
    )


def test_figures_page(client, floor, clock, django_assert_max_num_queries):
    _visit(floor, clock, counter=floor.counter_1, sector=floor.civil, wait_min=4, serve_min=2)
    client.login(username=floor.world.officer.username, password=PASSWORD)
    page = client.get(reverse("floor:figures"), {"from": "2026-11-16", "to": "2026-11-16"})
    body = page.content.decode()
    assert page.status_code == 200
    assert ("Quầy 1" in body and "4.0" in body) or "4,0" in body
    # The dashboard's link: a unit and a period label.
    w = floor.world
    for _ in range(4):  # more tickets, no more queries
        _visit(floor, clock, counter=floor.counter_2, sector=floor.land, wait_min=1, serve_min=1)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("floor:figures"), {"unit": w.one_stop.pk, "period": "2026-11"})
    assert page.status_code == 200 and "5 lượt lấy số" in page.content.decode()
    bad = client.get(reverse("floor:figures"), {"unit": w.one_stop.pk, "period": "2026-13"})
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()
    # A unit outside the officer's scope is refused, not silently widened.
    other = client.get(reverse("floor:figures"), {"unit": w.other_commune_one_stop.pk})
    assert other.status_code == 403
    client.logout()
    client.login(username=floor.world.citizen.username, password=PASSWORD)
    assert client.get(reverse("floor:figures")).status_code == 403
