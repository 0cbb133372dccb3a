"""`cchc backup` / `cchc restore`: a round trip through a fresh database on the engine the
suite runs on (SQLite file, or a new PostgreSQL database), checked by the operator's own
commands in a separate process: `cchc audit verify`, `cchc stats check`, `cchc index`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cchc.dossiers import services
from cchc.dossiers.models import Dossier, DossierEvent
from cchc.dossiers.tests.factories import drive_to, make_world, receive
from cchc.ops.backup import MANIFEST_NAME, read_manifest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
PERIOD = "2026-11"


def _cchc(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    env.pop("CCHC_REQUIRE_POSTGRES", None)
    return subprocess.run(
        [sys.executable, "-m", "cchc", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database of the suite's engine, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    s = connection.settings_dict
    name = f"{s['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    params = {k: s[v] for k, v in (("host", "HOST"), ("port", "PORT"), ("user", "USER")) if s[v]}
    if s.get("PASSWORD"):
        params["password"] = s["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    yield f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def history(clock):
    """Dossiers at every stage, one refused and one with a supplement request."""
    world = make_world()
    dossiers = []
    for stage in ("received", "assigned", "at_leader", "approved", "returned", "returned"):
        dossiers.append(drive_to(world, receive(world), stage))
        clock.advance(hours=3)
    refused = drive_to(world, receive(world), "assigned")
    services.dossier_refuse(
        actor=world.specialist, dossier=refused, reason="Thiếu giấy tờ", expected_version=3
    )
    waiting = drive_to(world, receive(world), "assigned")
    services.dossier_request_supplement(
        actor=world.specialist,
        dossier=waiting,
        items=["Bản sao giấy chứng sinh"],
        reason="Bản chụp mờ",
        expected_version=3,
    )
    return world


def _index_json() -> dict:
    out = StringIO()
    call_command("index", period=PERIOD, json=True, stdout=out)
    return json.loads(out.getvalue())


def test_round_trip_into_a_fresh_database(history, monkeypatch, tmp_path, fresh_database_url):
    monkeypatch.undo()  # the restored copy is scored with the real clock, so is the original
    expected_index = _index_json()
    # Some criterion counts the eight dossiers received in the period.
    assert any(c["denominator"] == 8 for c in expected_index["criteria"])
    events = DossierEvent.objects.count()

    archive = tmp_path / "cchc.tar"
    out = StringIO()
    call_command("backup", out=str(archive), stdout=out)
    manifest = read_manifest(archive)
    assert manifest.engine == connection.vendor
    assert manifest.counts[Dossier._meta.db_table] == 8
    assert manifest.counts[DossierEvent._meta.db_table] == events
    assert manifest.chain_head["seq"] == events and len(manifest.chain_head["hash"]) == 64
    assert manifest.migrations and "dossiers.0001_initial" in manifest.migrations

    restored = _cchc(fresh_database_url, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "khớp manifest" in restored.stdout

    audit = _cchc(fresh_database_url, "audit", "verify", "--projections")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert f"{events} sự kiện của 8 hồ sơ" in audit.stdout
    stats = _cchc(fresh_database_url, "stats", "check")
    assert stats.returncode == 0, stats.stdout + stats.stderr
    index = _cchc(fresh_database_url, "index", "--period", PERIOD, "--json")
    assert index.returncode == 0, index.stderr
    assert json.loads(index.stdout) == expected_index

    # Restoring again over the now non-empty copy is refused without --force.
    again = _cchc(fresh_database_url, "restore", str(archive))
    assert again.returncode != 0
    assert "--force" in again.stderr


def test_restore_over_data_needs_force_and_then_replaces_it(history, tmp_path):
    archive = tmp_path / "cchc.tar"
    call_command("backup", out=str(archive), stdout=StringIO())
    before = set(Dossier.objects.values_list("code", flat=True))
    late = receive(history)  # written after the backup

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive), stdout=StringIO())
    assert Dossier.objects.filter(pk=late.pk).exists()  # refused: nothing changed

    call_command("restore", str(archive), force=True, stdout=StringIO())
    assert set(Dossier.objects.values_list("code", flat=True)) == before
    out = StringIO()
    call_command("audit", "verify", "--projections", stdout=out)
    assert "toàn vẹn" in out.getvalue()


def test_tampered_backup_is_refused(history, tmp_path, fresh_database_url):
    archive = tmp_path / "cchc.tar"
    call_command("backup", out=str(archive), stdout=StringIO())
    manifest = read_manifest(archive)
    # Rewrite the payload with one byte changed, keeping the manifest.
    with tarfile.open(archive) as tar:
        manifest_bytes = tar.extractfile(MANIFEST_NAME).read()
        payload = bytearray(tar.extractfile(manifest.payload["name"]).read())
    payload[len(payload) // 2] ^= 0xFF
    forged = tmp_path / "forged.tar"
    for name, data in ((MANIFEST_NAME, manifest_bytes), (manifest.payload["name"], payload)):
        (tmp_path / name).write_bytes(data)
    with tarfile.open(forged, "w") as tar:
        tar.add(tmp_path / MANIFEST_NAME, arcname=MANIFEST_NAME)
        tar.add(tmp_path / manifest.payload["name"], arcname=manifest.payload["name"])

    result = _cchc(fresh_database_url, "restore", str(forged))
    assert result.returncode != 0
    assert "SHA-256" in result.stderr
