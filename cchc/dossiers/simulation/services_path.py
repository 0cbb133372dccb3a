"""The services path: every simulated act goes through the real service.

The services stamp events with `timezone.now()`; there is no `at` parameter yet (asked
for in notes/requests.md), so the clock is set to each act's simulated time for the
duration of the call. Acts run in global time order across dossiers, as they would have
happened, so the event chain's times never go backwards.

Lookup secrets of simulated dossiers are thrown away, so they are hashed with a cheap
hasher for the run (a PBKDF2 hash costs ~0.7 s, more than everything else an intake
does); they cannot be verified afterwards unless that hasher is enabled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.test.utils import override_settings
from django.utils import timezone

from cchc.dossiers import services
from cchc.dossiers.models import Channel, Dossier
from cchc.dossiers.simulation.engine import Act, Run

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class SimulationDrift(RuntimeError):
    """A service did something else than the engine predicted (a bug in the engine)."""


class _Clock:
    def __init__(self) -> None:
        self.now: dt.datetime | None = None

    def __call__(self) -> dt.datetime:
        assert self.now is not None  # noqa: S101 - type narrowing for mypy; no check relies on it
        return self.now


@contextmanager
def simulated_clock() -> Iterator[_Clock]:
    """`django.utils.timezone.now` returns the clock's time inside the block."""
    clock = _Clock()
    original = timezone.now
    timezone.now = clock
    try:
        yield clock
    finally:
        timezone.now = original


def _ordered(runs: Iterable[Run]) -> list[tuple[dt.datetime, int, int, Run, Act]]:
    items = []
    for run in runs:
        for i, act in enumerate(run.acts):
            items.append((act.at, run.ordinal, i, run, act))
    items.sort(key=lambda x: (x[0], x[1], x[2]))
    return items


def perform(runs: list[Run]) -> int:
    """Perform every act of `runs` through the services; returns the number of acts."""
    known: dict[int, list[Any]] = {}
    items = _ordered(runs)
    with simulated_clock() as clock, override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        for at, _ordinal, _i, run, act in items:
            clock.now = at
            _perform(run, act, known)
    return len(items)


def _perform(run: Run, act: Act, known: dict[int, list[Any]]) -> None:
    a = act.args
    actor = a["actor"]
    if act.kind == "receive":
        applicant = {k: v for k, v in run.applicant.items() if not k.startswith("_")}
        d = services.dossier_receive(
            actor=actor,
            channel=run.channel,
            procedure=run.option.procedure,
            receiving_unit=run.point.unit,
            applicant=applicant,
            components=a["components"],
            assisted_by=a["assisted_by"],
            received_at=act.at,
            postal_unit=run.point.postal_unit if run.channel == Channel.POSTAL else None,
        )
        if d.code != run.code:
            raise SimulationDrift(f"code {d.code} != predicted {run.code}")
        known[run.ordinal] = [d.pk, d.issued_lookup_secret, d.version]
        return
    pk, secret, version = known[run.ordinal]
    common: dict[str, Any] = {"dossier": Dossier(pk=pk), "expected_version": version}
    kind = act.kind
    if kind == "handover":
        services.dossier_handover(actor=actor, to_unit=a["to_unit"], **common)
    elif kind == "assign":
        services.dossier_assign(actor=actor, to_user=a["to_user"], **common)
    elif kind == "approve":
        services.dossier_approve(actor=actor, to_unit=a["to_unit"], **common)
    elif kind == "supplement_request":
        services.dossier_request_supplement(
            actor=actor, items=a["items"], reason=a["reason"], **common
        )
    elif kind == "supplement_provide":
        services.dossier_supplement_provided(
            actor=actor,
            components=a["components"],
            lookup_secret=secret if actor is None else None,
            **common,
        )
    elif kind == "pause":
        services.dossier_pause(
            actor=actor, kind=a["kind"], basis=a["basis"], notice=a["notice"], **common
        )
    elif kind == "resume":
        services.dossier_resume(actor=actor, receipt=a["receipt"], **common)
    elif kind == "apologise":
        services.dossier_apologise(actor=actor, new_due=a["new_due"], reason=a["reason"], **common)
    elif kind == "issue":
        services.dossier_issue_result(
            actor=actor, paper=True, result_number=a["result_number"], **common
        )
    elif kind == "return":
        services.dossier_return_result(actor=actor, method=a["method"], **common)
    elif kind == "rate":
        services.dossier_rate(
            actor=None,
            rating=a["rating"],
            comment=a["comment"],
            lookup_secret=secret,
            **common,
        )
    elif kind == "refuse":
        services.dossier_refuse(actor=actor, reason=a["reason"], **common)
    elif kind == "withdraw":
        services.dossier_withdraw(actor=None, reason=a["reason"], lookup_secret=secret, **common)
    else:  # pragma: no cover - the engine emits only the kinds above
        raise SimulationDrift(f"unknown act {kind}")
    known[run.ordinal][2] = version + 1
