"""`cchc audit verify` finds edited, deleted, inserted and back-dated events."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cchc.dossiers.events import compute_hash, verify_chain
from cchc.dossiers.models import Dossier, DossierEvent, DossierStep, EventChainHead
from cchc.dossiers.projection import projection_differences
from cchc.dossiers.tests.factories import drive_to, receive


@pytest.fixture
def history(world, clock):
    a = receive(world)
    clock.advance(minutes=5)
    b = receive(world)
    clock.advance(minutes=5)
    drive_to(world, a, "approved")
    clock.advance(minutes=5)
    drive_to(world, b, "assigned")
    return Dossier.objects.get(pk=a.pk), Dossier.objects.get(pk=b.pk)


def _verify(*args: str) -> tuple[int, str]:
    """`cchc audit verify ARGS`: (exit status, output). run_from_argv turns a CommandError
    into sys.exit(returncode); calling the command keeps the test's database connection."""
    out = StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out)
    except CommandError as exc:
        out.write(str(exc))
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def _kinds(out: str) -> set[str]:
    return {line.split("]")[0].lstrip("[") for line in out.splitlines() if line.startswith("[")}


def test_intact_history_passes(history):
    status, out = _verify("--projections")
    assert status == 0, out
    assert "toàn vẹn" in out
    assert f"{DossierEvent.objects.count()} sự kiện của 2 hồ sơ" in out


def test_empty_database_passes(db):
    assert _verify()[0] == 0


def test_edited_payload_is_detected(history):
    event = DossierEvent.objects.get(dossier=history[0], seq=2)
    DossierEvent.objects.filter(pk=event.pk).update(payload={**event.payload, "note": "sửa"})
    status, out = _verify()
    assert status == 1
    assert "edited" in _kinds(out) and f"#{event.chain_seq}" in out


def test_edited_actor_via_raw_sql_is_detected(history, world):
    event = DossierEvent.objects.get(dossier=history[1], seq=1)
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE dossiers_dossierevent SET actor_id = %s WHERE id = %s",
            [world.leader.pk, event.pk],
        )
    status, out = _verify()
    assert status == 1 and "edited" in _kinds(out)


def test_deleted_middle_event_is_detected(history):
    event = DossierEvent.objects.get(dossier=history[0], seq=3)
    DossierEvent.objects.filter(pk=event.pk).delete()
    status, out = _verify()
    assert status == 1
    assert {"missing", "chain_broken", "dossier_seq"} <= _kinds(out)


def test_deleted_last_event_is_detected(history):
    last = DossierEvent.objects.order_by("-chain_seq").first()
    DossierEvent.objects.filter(pk=last.pk).delete()
    status, out = _verify()
    assert status == 1 and "head" in _kinds(out)


def test_deleted_last_event_with_rewound_head_is_still_detected(history):
    # A forger who also rewinds the head row is caught by the dossier's version count.
    last = DossierEvent.objects.order_by("-chain_seq").first()
    DossierEvent.objects.filter(pk=last.pk).delete()
    EventChainHead.objects.update(chain_seq=last.chain_seq - 1, hash=last.prev_hash)
    status, out = _verify()
    assert status == 1 and "dossier_seq" in _kinds(out)


def test_deleted_head_row_is_detected(history):
    EventChainHead.objects.all().delete()
    status, out = _verify()
    assert status == 1 and "head" in _kinds(out)


def test_inserted_event_is_detected(history, world):
    """A forged event spliced into the middle, with a correctly computed hash."""
    a, _ = history
    target = DossierEvent.objects.get(dossier=a, seq=2)
    later = DossierEvent.objects.filter(chain_seq__gt=target.chain_seq)
    # Make room: shift every later event one place (from the end, to keep uniqueness).
    for ev in later.order_by("-chain_seq"):
        DossierEvent.objects.filter(pk=ev.pk).update(chain_seq=ev.chain_seq + 1)
    fields = {
        "chain_seq": target.chain_seq + 1,
        "dossier_id": a.pk,
        "seq": 99,
        "actor_id": world.officer.pk,
        "unit_id": None,
        "created_at": target.created_at,
        "action": "note_added",
        "payload": {"text": "giả mạo"},
    }
    DossierEvent.objects.create(
        **fields, prev_hash=target.hash, hash=compute_hash(target.hash, fields)
    )
    status, out = _verify()
    assert status == 1
    assert {"chain_broken", "dossier_seq"} <= _kinds(out)


def test_appended_forgery_without_head_update_is_detected(history, world):
    last = DossierEvent.objects.order_by("-chain_seq").first()
    fields = {
        "chain_seq": last.chain_seq + 1,
        "dossier_id": last.dossier_id,
        "seq": last.seq + 1,
        "actor_id": world.officer.pk,
        "unit_id": None,
        "created_at": last.created_at + dt.timedelta(seconds=1),
        "action": "note_added",
        "payload": {"text": "giả mạo"},
    }
    DossierEvent.objects.create(**fields, prev_hash=last.hash, hash=compute_hash(last.hash, fields))
    status, out = _verify()
    assert status == 1 and "head" in _kinds(out)


def test_backdated_event_is_detected(history):
    event = DossierEvent.objects.get(dossier=history[1], seq=2)
    DossierEvent.objects.filter(pk=event.pk).update(
        created_at=event.created_at - dt.timedelta(days=2)
    )
    status, out = _verify()
    assert status == 1
    assert {"edited", "backdated"} <= _kinds(out)


def test_backdated_and_rehashed_from_there_on_is_still_detected(history):
    """Even re-hashing the whole chain after the change leaves the time order broken."""
    event = DossierEvent.objects.get(dossier=history[1], seq=2)
    rows = list(DossierEvent.objects.order_by("chain_seq").values())
    prev = rows[0]["prev_hash"]
    for row in rows:
        if row["id"] == event.pk:
            row["created_at"] = row["created_at"] - dt.timedelta(days=2)
        row["prev_hash"] = prev
        row["hash"] = compute_hash(prev, row)
        prev = row["hash"]
    report = verify_chain(rows, head=(rows[-1]["chain_seq"], prev))
    assert [p.kind for p in report.problems] == ["backdated"]


def test_dossier_history_badge(history):
    from cchc.dossiers.audit import dossier_history_intact

    a, b = history
    assert dossier_history_intact(dossier=a) and dossier_history_intact(dossier=b)
    DossierEvent.objects.filter(dossier=a, seq=2).update(payload={"x": 1})
    assert not dossier_history_intact(dossier=a)
    assert dossier_history_intact(dossier=b)
    last_b = DossierEvent.objects.filter(dossier=b).order_by("-seq").first()
    DossierEvent.objects.filter(pk=last_b.pk).delete()
    assert not dossier_history_intact(dossier=b)


def test_projection_tampering_is_reported_and_rebuilt(history):
    a, _ = history
    Dossier.objects.filter(pk=a.pk).update(
        status="returned", due_at=a.due_at + dt.timedelta(days=9)
    )
    DossierStep.objects.filter(dossier=a, index=2).update(outcome="early")
    assert _verify()[0] == 0  # the chain itself is intact
    status, out = _verify("--projections")
    assert status == 1 and "projection" in _kinds(out) and a.code in out
    call_command("dossiers_rebuild")
    a = Dossier.objects.get(pk=a.pk)
    assert projection_differences(a) == []
    assert _verify("--projections")[0] == 0


def test_audit_head_anchor(history):
    out = StringIO()
    call_command("audit", "head", stdout=out)
    anchor = out.getvalue().strip()
    assert _verify("--expect-head", anchor)[0] == 0
    seq, _, _digest = anchor.partition(":")
    DossierEvent.objects.filter(chain_seq=int(seq)).update(hash="0" * 64)
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--expect-head", anchor)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database")
def test_console_command_exit_status(clock):
    """The real `cchc audit verify` process: 0 on an intact database, non-zero after tampering."""
    import os
    import subprocess
    import sys

    from cchc.dossiers.tests.factories import make_world

    world = make_world()
    drive_to(world, receive(world), "approved")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
    }
    cmd = [sys.executable, "-m", "cchc", "audit", "verify"]
    ok = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    DossierEvent.objects.filter(seq=2).update(payload={"forged": True})
    bad = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0
    assert "[edited]" in bad.stdout
