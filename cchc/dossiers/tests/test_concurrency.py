"""Real concurrency: threads with their own database connections.

On PostgreSQL the code sequence row and the dossier row are locked with SELECT ... FOR
UPDATE; on SQLite, IMMEDIATE transactions serialise writers. Either way: no duplicate or
missing code, and of two simultaneous actions on one dossier exactly one wins.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cchc.core.testing.concurrency import requires_server_database, run_threads
from cchc.dossiers import services
from cchc.dossiers.audit import audit_verify
from cchc.dossiers.models import Dossier, DossierEvent, DossierStatus
from cchc.dossiers.tests.factories import applicant_data, components_for, drive_to, make_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    requires_server_database,
]


def test_concurrent_intake_gives_unique_gap_free_codes():
    world = make_world()
    threads, per_thread = 8, 10

    def intake(i: int) -> list[str]:
        codes = []
        for _ in range(per_thread):
            d = services.dossier_receive(
                actor=world.officer,
                channel="counter",
                procedure=world.procedure,
                receiving_unit=world.one_stop,
                applicant=applicant_data(),
                components=components_for(world),
            )
            codes.append(d.code)
        return codes

    results = run_threads(threads, intake)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    codes = [c for r in results for c in r]
    assert len(codes) == len(set(codes)) == threads * per_thread
    numbers = sorted(int(c.rsplit("-", 1)[1]) for c in codes)
    assert numbers == list(range(1, threads * per_thread + 1))
    assert Dossier.objects.count() == threads * per_thread
    report = audit_verify(projections=True)
    assert report.ok, report.problems
    assert report.events == threads * per_thread


def test_concurrent_double_action_on_one_dossier_one_wins():
    world = make_world()
    d = drive_to(
        world,
        services.dossier_receive(
            actor=world.officer,
            channel="counter",
            procedure=world.procedure,
            receiving_unit=world.one_stop,
            applicant=applicant_data(),
            components=components_for(world),
        ),
        "at_leader",
    )
    version = d.version

    def act(i: int):
        if i % 2:
            return services.dossier_approve(actor=world.leader, dossier=d, expected_version=version)
        return services.dossier_refuse(
            actor=world.leader, dossier=d, reason="Không đủ điều kiện", expected_version=version
        )

    results = run_threads(2, act)
    wins = [r for r in results if isinstance(r, Dossier)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], services.DossierConflict)
    assert "người khác cập nhật" in losses[0].messages[0]
    d.refresh_from_db()
    assert d.version == version + 1
    assert DossierEvent.objects.filter(dossier=d).count() == version + 1
    assert audit_verify(projections=True).ok


def test_concurrent_same_action_without_version_is_applied_once():
    """Even a caller that passes no expected_version cannot double-apply: the row lock
    makes the second see the first's result and refuse on the status."""
    world = make_world()
    d = drive_to(
        world,
        services.dossier_receive(
            actor=world.officer,
            channel="counter",
            procedure=world.procedure,
            receiving_unit=world.one_stop,
            applicant=applicant_data(),
            components=components_for(world),
        ),
        "assigned",
    )

    def refuse(i: int):
        return services.dossier_refuse(actor=world.specialist, dossier=d, reason=f"lý do {i}")

    results = run_threads(4, refuse)
    assert sum(isinstance(r, Dossier) for r in results) == 1
    losers = [r for r in results if not isinstance(r, Dossier)]
    assert all(isinstance(r, ValidationError) for r in losers)
    d.refresh_from_db()
    assert d.status == DossierStatus.REFUSED
    assert DossierEvent.objects.filter(dossier=d, action="refused").count() == 1
    assert audit_verify().ok


def test_multi_dossier_services_do_not_deadlock_with_single_ones():
    """Reassigning many dossiers while others act on them one by one: every call ends
    (the multi-dossier service locks all its dossiers before it touches the chain head)."""
    world = make_world()
    dossiers = [
        drive_to(
            world,
            services.dossier_receive(
                actor=world.officer,
                channel="counter",
                procedure=world.procedure,
                receiving_unit=world.one_stop,
                applicant=applicant_data(),
                components=components_for(world),
            ),
            "assigned",
        )
        for _ in range(4)
    ]
    holders = [world.specialist, world.specialist_2]
    for round_no in range(4):
        src, dst = holders[round_no % 2], holders[(round_no + 1) % 2]

        def act(i: int, src=src, dst=dst, round_no=round_no):
            if i == 0:
                return services.dossier_reassign(
                    actor=world.leader,
                    unit=world.department,
                    from_user=src,
                    to_user=dst,
                    reason=f"vòng {round_no}",
                )
            target = dossiers[-i]
            return services.dossier_note_add(actor=world.leader, dossier=target, text=f"{round_no}")

        results = run_threads(4, act)
        assert not [r for r in results if isinstance(r, Exception)], results
    assert audit_verify(projections=True).ok
