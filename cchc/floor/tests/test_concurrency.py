"""Real concurrency (PostgreSQL): threads with their own connections take numbers and
call tickets at the same time: no duplicate or missing number, no ticket called twice."""

from __future__ import annotations

import pytest

from cchc.core.testing.concurrency import requires_server_database, run_threads
from cchc.dossiers.tests.factories import make_world
from cchc.floor import services
from cchc.floor.models import Ticket, TicketStatus
from cchc.floor.tests.conftest import make_floor

pytestmark = [pytest.mark.django_db(transaction=True), requires_server_database]


def test_concurrent_kiosks_give_gap_free_numbers(clock):
    floor = make_floor(make_world())
    threads, per_thread = 8, 10

    def take(i: int) -> list[int]:
        return [
            services.ticket_take(unit=floor.world.one_stop, sector=floor.civil).number
            for _ in range(per_thread)
        ]

    results = run_threads(threads, take)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(n for r in results for n in r)
    assert numbers == list(range(1, threads * per_thread + 1))


def test_two_counters_never_call_the_same_ticket(clock):
    floor = make_floor(make_world())
    w = floor.world
    for _ in range(20):
        services.ticket_take(unit=w.one_stop, sector=floor.land)
    counters = [floor.counter_1, floor.counter_2]

    def work(i: int) -> list[int]:
        called = []
        while True:
            t = services.counter_call_next(actor=w.officer, counter=counters[i])
            if t is None:
                return called
            services.ticket_finish(actor=w.officer, ticket=t)
            called.append(t.number)

    results = run_threads(2, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    called = [n for r in results for n in r]
    assert sorted(called) == list(range(1, 21))
    assert Ticket.objects.filter(status=TicketStatus.DONE).count() == 20
