"""Fault test: a real gunicorn on the test's PostgreSQL database is SIGKILLed in the middle
of a burst of concurrent dossier actions over HTTP, then restarted.

Whatever the kill interrupted must be all-or-nothing: every dossier's projection equals
the replay of its events, the event chain verifies, and the statistics check passes.
Only meaningful against a server database shared with another process, hence PostgreSQL.
"""

from __future__ import annotations

import os
import threading
import time

import pytest
import requests
from django.db import connection

from cchc.api import services as api_services
from cchc.core.testing.concurrency import requires_server_database
from cchc.dossiers.audit import audit_verify
from cchc.dossiers.models import Dossier, DossierEvent
from cchc.dossiers.tests.factories import PERSONAL_ID, make_world, receive
from cchc.indices.rollups import rollup_check
from cchc.indices.stats_rollups import stats_check
from cchc.ops.gunicorn import GunicornServer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, requires_server_database]

WORKERS = 3
CLIENT_THREADS = 8
KILL_AFTER_SUCCESSES = 40  # kill once the burst is well under way (not at a fixed time)


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def server(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    env.pop("CCHC_REQUIRE_POSTGRES", None)
    srv = GunicornServer(log=tmp_path / "gunicorn.log", workers=WORKERS, env=env)
    yield srv
    srv.stop()


def _tokens(world) -> dict[str, str]:
    out = {}
    for role in ("officer", "specialist", "leader"):
        user = getattr(world, role)
        out[role] = api_services.api_token_create(actor=None, user=user, name=f"fault-{role}")[1]
    return out


def _next_action(world, version: int) -> tuple[str, str, dict] | None:
    """The happy path by version (as factories.drive_to): (token role, action, body)."""
    return {
        1: ("officer", "handover", {"to_unit": world.department.code}),
        2: ("leader", "assign", {"to_user": world.specialist.username}),
        3: (
            "specialist",
            "handover",
            {"to_unit": world.department.code, "to_user": world.leader.username},
        ),
        4: ("leader", "approve", {}),
        5: ("officer", "issue-result", {"paper": True}),
        6: ("officer", "return-result", {"method": "counter"}),
    }.get(version)


def test_sigkill_during_a_burst_leaves_no_half_changed_dossier(server):
    world = make_world()
    codes = [receive(world).code for _ in range(24)]
    tokens = _tokens(world)
    procedure_code = world.procedure.code
    requirements = [r.pk for r in world.requirements() if r.is_required]

    server.start()
    successes = 0
    outcomes: dict[str, int] = {}
    lock = threading.Lock()
    killed = threading.Event()

    def record(key: str) -> None:
        nonlocal successes
        with lock:
            outcomes[key] = outcomes.get(key, 0) + 1
            if key.startswith("2"):
                successes += 1

    def headers(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[role]}"}

    def step_worker(i: int) -> None:
        # Two threads share each slice of dossiers: they race, and 409s are expected.
        mine = codes[(i // 2) :: CLIENT_THREADS // 2]
        session = requests.Session()
        while not killed.is_set():
            progressed = False
            for code in mine:
                try:
                    r = session.get(
                        f"{server.base}/api/dossiers/{code}", headers=headers("officer"), timeout=10
                    )
                    if r.status_code != 200:
                        record(f"get {r.status_code}")
                        continue
                    version = r.json()["version"]
                    action = _next_action(world, version)
                    if action is None:
                        continue
                    role, name, body = action
                    r = session.post(
                        f"{server.base}/api/dossiers/{code}/{name}",
                        json={"expected_version": version, **body},
                        headers=headers(role),
                        timeout=10,
                    )
                    record(f"{r.status_code} {name}")
                    progressed = True
                except requests.RequestException:
                    record("connection error")
                    if killed.is_set():
                        return
            if not progressed:
                return

    def intake_worker(i: int) -> None:
        session = requests.Session()
        while not killed.is_set():
            try:
                r = session.post(
                    f"{server.base}/api/dossiers",
                    json={
                        "procedure_code": procedure_code,
                        "receiving_unit": world.one_stop.code,
                        "applicant": {"name": "Nguyễn Văn Tải", "personal_id": PERSONAL_ID},
                        "components": [{"requirement_id": pk} for pk in requirements],
                    },
                    headers=headers("officer"),
                    timeout=10,
                )
                record(f"{r.status_code} intake")
            except requests.RequestException:
                record("connection error")

    threads = [threading.Thread(target=step_worker, args=(i,)) for i in range(CLIENT_THREADS)]
    threads += [threading.Thread(target=intake_worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 120
    while successes < KILL_AFTER_SUCCESSES and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # requests in flight on every worker die with it
    killed.set()
    for t in threads:
        t.join(30)
    print("burst outcomes:", dict(sorted(outcomes.items())))  # shown with -s
    assert successes >= KILL_AFTER_SUCCESSES, (outcomes, server.log.read_text()[-3000:])
    assert not any(k.startswith("5") for k in outcomes), outcomes

    # After a restart the server takes actions again, on the same data.
    server.start()
    code = codes[0]
    r = requests.get(f"{server.base}/api/dossiers/{code}", headers=headers("officer"), timeout=10)
    assert r.status_code == 200
    version = r.json()["version"]
    action = _next_action(world, version)
    if action is not None:
        role, name, body = action
        r = requests.post(
            f"{server.base}/api/dossiers/{code}/{name}",
            json={"expected_version": version, **body},
            headers=headers(role),
            timeout=10,
        )
        assert r.status_code == 200, r.text
    server.stop()

    assert Dossier.objects.count() >= len(codes)
    report = audit_verify(projections=True)
    assert report.ok, report.problems[:10]
    assert report.events == DossierEvent.objects.count()
    assert stats_check() == []
    assert rollup_check() == []
