"""Backup and restore of the whole database, with a manifest checked on restore.

A backup is one tar file holding `manifest.json` and the database payload:

- SQLite: `database.sqlite3`, a consistent page copy made with SQLite's online backup API
  (writers may go on while it runs; the copy is one point in time).
- PostgreSQL: `database.pgdump`, `pg_dump -Fc` run on a snapshot exported by a
  REPEATABLE READ transaction, so the manifest (read in that same transaction) describes
  exactly the dumped data even while the server keeps taking dossiers.

The manifest records the applied migrations, the row count of every table, the head of
the dossier event chain (seq:hash, see cchc.dossiers.audit) and the payload's SHA-256.
Restore checks the payload hash first, refuses a backup made by newer code, refuses to
overwrite a database that holds data unless forced, and after restoring re-reads the
same facts from the restored database: any difference is an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection

FORMAT = "cchc-backup/1"
MANIFEST_NAME = "manifest.json"
PAYLOAD_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Tables whose rows mean "this database is in use": restoring over them needs --force.
# (Migrations seed a few reference rows elsewhere, e.g. calendar exceptions.)
DATA_MODELS = ("accounts.User", "units.Unit", "procedures.Procedure", "dossiers.Dossier")


class BackupError(Exception):
    """A backup or restore that must not go on; the message is for the operator."""


@dataclass
class Manifest:
    engine: str
    created_at: str
    migrations: list[str]
    counts: dict[str, int]
    chain_head: dict[str, Any]
    payload: dict[str, Any] = field(default_factory=dict)
    format: str = FORMAT

    def as_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "engine": self.engine,
            "created_at": self.created_at,
            "migrations": self.migrations,
            "counts": self.counts,
            "chain_head": self.chain_head,
            "payload": self.payload,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        if data.get("format") != FORMAT:
            raise BackupError(f"Tệp sao lưu có định dạng lạ: {data.get('format')!r}.")
        return cls(
            engine=data["engine"],
            created_at=data["created_at"],
            migrations=list(data["migrations"]),
            counts={k: int(v) for k, v in data["counts"].items()},
            chain_head=dict(data["chain_head"]),
            payload=dict(data.get("payload") or {}),
        )


# --- Reading the facts a manifest records ------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_names(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    return [row[0] for row in cursor.fetchall()]


def read_facts(cursor, vendor: str) -> tuple[list[str], dict[str, int], dict[str, Any]]:
    """(applied migrations, row count per table, chain head) as seen by `cursor`."""
    from cchc.dossiers.models import EventChainHead

    tables = _table_names(cursor, vendor)
    counts: dict[str, int] = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - identifiers from model metadata, quoted; values are parameters
        counts[table] = int(cursor.fetchone()[0])
    migrations: list[str] = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    head: dict[str, Any] = {"seq": 0, "hash": ""}
    head_table = EventChainHead._meta.db_table
    if head_table in tables:
        cursor.execute(f"SELECT chain_seq, hash FROM {_quote(head_table)} WHERE id = 1")  # noqa: S608 - identifiers from model metadata, quoted; values are parameters
        row = cursor.fetchone()
        if row:
            head = {"seq": int(row[0]), "hash": row[1]}
    return migrations, counts, head


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor() -> str:
    if connection.vendor not in PAYLOAD_NAMES:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")
    return connection.vendor


# --- PostgreSQL client tools ---------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"Không tìm thấy {name} trên PATH: cài gói postgresql-client cùng phiên bản máy chủ."
        )
    return found


def _pg_env_args() -> tuple[dict[str, str], list[str]]:
    """Connection arguments for pg_dump/pg_restore from Django's settings (password by env)."""
    s = connection.settings_dict
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    args = []
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    args += ["--dbname", str(s["NAME"])]
    return env, args


def _run(cmd: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed program path and argument list, no shell
    if result.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} thất bại: {result.stderr.strip()[-2000:]}")


# --- Backup --------------------------------------------------------------------------------


def _backup_sqlite(payload: Path) -> tuple[list[str], dict[str, int], dict[str, Any]]:
    connection.ensure_connection()
    target = sqlite3.connect(payload)
    try:
        # Online backup API: a page-consistent copy even while other connections write.
        connection.connection.backup(target)
        cursor = target.cursor()
        return read_facts(cursor, "sqlite")  # the facts of the copy itself
    finally:
        target.close()


def _backup_postgresql(payload: Path) -> tuple[list[str], dict[str, int], dict[str, Any]]:
    import psycopg

    pg_dump = _pg_tool("pg_dump")
    env, args = _pg_env_args()
    s = connection.settings_dict
    params = {
        key: s[name]
        for key, name in (
            ("host", "HOST"),
            ("port", "PORT"),
            ("user", "USER"),
            ("password", "PASSWORD"),
        )
        if s.get(name)
    }
    # A separate connection holds the snapshot open while pg_dump reads it.
    with (
        psycopg.connect(dbname=s["NAME"], **params, autocommit=False) as conn,
        conn.cursor() as cursor,
    ):
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        facts = read_facts(cursor, "postgresql")
        _run([pg_dump, "-Fc", f"--snapshot={snapshot}", "--file", str(payload), *args], env)
        conn.rollback()
    return facts


def backup_create(*, out: Path) -> Manifest:
    """Write a backup of the default database to `out` (a tar file); return its manifest."""
    vendor = _vendor()
    payload_name = PAYLOAD_NAMES[vendor]
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="cchc-backup-", dir=out.parent) as tmp:
        payload = Path(tmp) / payload_name
        if vendor == "sqlite":
            migrations, counts, head = _backup_sqlite(payload)
        else:
            migrations, counts, head = _backup_postgresql(payload)
        manifest = Manifest(
            engine=vendor,
            created_at=_now(),
            migrations=migrations,
            counts=counts,
            chain_head=head,
            payload={
                "name": payload_name,
                "sha256": _sha256(payload),
                "bytes": payload.stat().st_size,
            },
        )
        manifest_path = Path(tmp) / MANIFEST_NAME
        manifest_path.write_text(
            json.dumps(manifest.as_json(), ensure_ascii=False, indent=2, sort_keys=True)
        )
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(manifest_path, arcname=MANIFEST_NAME)
            tar.add(payload, arcname=payload_name)
        os.replace(partial, out)  # never leave a half-written file under the final name
    return manifest


# --- Restore -------------------------------------------------------------------------------


def read_manifest(path: Path) -> Manifest:
    try:
        with tarfile.open(path, "r") as tar:
            member = tar.getmember(MANIFEST_NAME)
            f = tar.extractfile(member)
            if f is None:
                raise BackupError("Tệp sao lưu không có manifest.json.")
            return Manifest.from_json(json.loads(f.read().decode()))
    except (tarfile.TarError, KeyError, json.JSONDecodeError) as exc:
        raise BackupError(f"Không đọc được tệp sao lưu {path}: {exc}") from exc


def _extract_payload(path: Path, manifest: Manifest, into: Path) -> Path:
    name = manifest.payload.get("name")
    if name not in PAYLOAD_NAMES.values():
        raise BackupError("Manifest không chỉ ra dữ liệu sao lưu hợp lệ.")
    target = into / name
    with tarfile.open(path, "r") as tar:
        f = tar.extractfile(tar.getmember(name))
        if f is None:
            raise BackupError("Tệp sao lưu thiếu dữ liệu.")
        with target.open("wb") as out:
            shutil.copyfileobj(f, out, 1 << 20)
    if _sha256(target) != manifest.payload.get("sha256"):
        raise BackupError("Dữ liệu sao lưu đã bị thay đổi hoặc hỏng (SHA-256 không khớp).")
    return target


def database_holds_data() -> bool:
    from django.apps import apps

    tables = set(connection.introspection.table_names())
    for label in DATA_MODELS:
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._default_manager.exists():
            return True
    return False


def _known_migrations() -> set[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


@dataclass
class RestoreResult:
    manifest: Manifest
    pending_migrations: list[str]


def backup_restore(*, path: Path, force: bool = False) -> RestoreResult:
    """Restore `path` into the default database, then check it against the manifest."""
    vendor = _vendor()
    manifest = read_manifest(Path(path))
    if manifest.engine != vendor:
        raise BackupError(f"Bản sao lưu của {manifest.engine} không khôi phục được vào {vendor}.")
    unknown = sorted(set(manifest.migrations) - _known_migrations())
    if unknown:
        raise BackupError(
            "Bản sao lưu được tạo bởi phiên bản phần mềm mới hơn (migration chưa có: "
            + ", ".join(unknown[:5])
            + "). Hãy nâng cấp phần mềm trước khi khôi phục."
        )
    if not force and database_holds_data():
        raise BackupError("Cơ sở dữ liệu đích đang có dữ liệu; dùng --force để ghi đè toàn bộ.")
    with tempfile.TemporaryDirectory(prefix="cchc-restore-") as tmp:
        payload = _extract_payload(Path(path), manifest, Path(tmp))
        if vendor == "sqlite":
            _restore_sqlite(payload)
        else:
            _restore_postgresql(payload)
    problems = verify_against(manifest)
    if problems:
        raise BackupError(
            "Cơ sở dữ liệu sau khôi phục không khớp với manifest:\n" + "\n".join(problems)
        )
    pending = sorted(_known_migrations() - set(manifest.migrations))
    return RestoreResult(manifest=manifest, pending_migrations=pending)


def _restore_sqlite(payload: Path) -> None:
    connection.close()
    connection.ensure_connection()
    source = sqlite3.connect(payload)
    try:
        # The backup API writes every page of the source over the target (file or memory).
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def _restore_postgresql(payload: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    env, args = _pg_env_args()
    connection.close()
    # One transaction: a failed restore leaves the database as it was.
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            str(payload),
        ],
        env,
    )


def verify_against(manifest: Manifest) -> list[str]:
    """Differences between the current database and what `manifest` recorded."""
    connection.close()
    with connection.cursor() as cursor:
        migrations, counts, head = read_facts(cursor, connection.vendor)
    problems = []
    if migrations != manifest.migrations:
        problems.append("trạng thái migration khác bản sao lưu")
    for table, n in sorted(manifest.counts.items()):
        if counts.get(table) != n:
            problems.append(f"bảng {table}: {counts.get(table)} dòng, bản sao lưu có {n}")
    for table in sorted(set(counts) - set(manifest.counts)):
        if counts[table]:
            problems.append(
                f"bảng {table} không có trong bản sao lưu nhưng có {counts[table]} dòng"
            )
    if head != manifest.chain_head:
        problems.append(
            f"đầu chuỗi sự kiện #{head['seq']} {head['hash']} khác bản sao lưu "
            f"#{manifest.chain_head.get('seq')} {manifest.chain_head.get('hash')}"
        )
    return problems
