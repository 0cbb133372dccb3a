"""The event chain, pure part: canonical JSON, hashing and chain verification.

One SHA-256 chain runs over the whole `DossierEvent` table in `chain_seq` order; each
event's hash covers the previous event's hash and the canonical JSON of its own fields.
The head row (`EventChainHead`) records the last sequence number and hash, so deleting
the last event is visible too. See docs/decisions/0004-dossier-event-chain.md.
No database access here: `verify_chain` takes rows (dicts) and returns the problems.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "chain_seq",
    "dossier_id",
    "seq",
    "actor_id",
    "unit_id",
    "created_at",
    "action",
    "payload",
)


def format_instant(value: dt.datetime) -> str:
    """A datetime as UTC ISO-8601 with microseconds: one spelling per instant."""
    if value.tzinfo is None:
        raise ValueError("naive datetime in an event")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_jsonable(value: Any) -> Any:
    """Payload values in a form that survives JSON/JSONB storage unchanged.

    Decimals and datetimes become strings, so the stored payload hashes the same after a
    round trip through PostgreSQL's jsonb; floats are refused (their text is not stable).
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return format_instant(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, float):
        raise TypeError("floats are not allowed in event payloads; use Decimal")
    raise TypeError(f"cannot put {type(value).__name__} in an event payload")


def canonical_json(value: Any) -> str:
    return json.dumps(to_jsonable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_digest_input(fields: dict[str, Any]) -> str:
    return canonical_json({name: fields[name] for name in HASHED_FIELDS})


def compute_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    data = (prev_hash + event_digest_input(fields)).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Problem:
    chain_seq: int | None
    kind: str  # edited | chain_broken | missing | backdated | dossier_seq | head | projection
    message: str

    def __str__(self) -> str:
        where = f"#{self.chain_seq}" if self.chain_seq is not None else "-"
        return f"[{self.kind}] {where}: {self.message}"


@dataclass
class VerifyReport:
    events: int = 0
    dossiers: int = 0
    problems: list[Problem] | None = None
    head_seq: int = 0
    head_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(
    rows: Iterable[dict[str, Any]],
    *,
    head: tuple[int, str] | None,
    dossier_versions: dict[int, int] | None = None,
) -> VerifyReport:
    """Check rows (in chain_seq order, each with HASHED_FIELDS + prev_hash + hash).

    Detects: an edited event (hash mismatch), a deleted or inserted event (sequence gap,
    prev_hash not the previous hash, per-dossier seq not 1..n), a back-dated event
    (created_at earlier than its predecessor's), a deleted last event (the head row does
    not match the last event) and, given `dossier_versions`, a dossier whose projection
    counts a different number of events than it has.
    """
    problems: list[Problem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    prev_created: dt.datetime | None = None
    last_seq_by_dossier: dict[int, int] = {}
    count = 0
    for row in rows:
        count += 1
        chain_seq = row["chain_seq"]
        if chain_seq != expected_seq:
            if chain_seq > expected_seq:
                problems.append(
                    Problem(
                        chain_seq,
                        "missing",
                        f"thiếu sự kiện #{expected_seq}…#{chain_seq - 1} (đã bị xóa?)",
                    )
                )
            else:
                problems.append(Problem(chain_seq, "chain_broken", "số thứ tự chuỗi lặp lại"))
        if row["prev_hash"] != prev_hash:
            problems.append(
                Problem(
                    chain_seq,
                    "chain_broken",
                    "prev_hash không khớp với sự kiện liền trước (sự kiện bị xóa hoặc chèn)",
                )
            )
        recomputed = compute_hash(row["prev_hash"], row)
        if recomputed != row["hash"]:
            problems.append(
                Problem(chain_seq, "edited", "nội dung sự kiện không khớp mã băm (bị sửa)")
            )
        created = row["created_at"]
        if prev_created is not None and created < prev_created:
            problems.append(
                Problem(
                    chain_seq,
                    "backdated",
                    f"thời điểm {format_instant(created)} sớm hơn sự kiện liền trước "
                    f"({format_instant(prev_created)})",
                )
            )
        dossier_id = row["dossier_id"]
        expected_dossier_seq = last_seq_by_dossier.get(dossier_id, 0) + 1
        if row["seq"] != expected_dossier_seq:
            problems.append(
                Problem(
                    chain_seq,
                    "dossier_seq",
                    f"hồ sơ {dossier_id}: sự kiện thứ {row['seq']}, cần là {expected_dossier_seq}",
                )
            )
        last_seq_by_dossier[dossier_id] = row["seq"]
        prev_created = created
        prev_hash = row["hash"]
        expected_seq = chain_seq + 1

    last_seq = expected_seq - 1
    if head is None:
        if count:
            problems.append(Problem(None, "head", "mất bản ghi đầu chuỗi sự kiện"))
    else:
        head_seq, head_hash = head
        if head_seq != last_seq or (count and head_hash != prev_hash):
            problems.append(
                Problem(
                    None,
                    "head",
                    f"đầu chuỗi ghi #{head_seq} nhưng sự kiện cuối là #{last_seq} "
                    "(sự kiện cuối bị xóa hoặc chuỗi bị thay)",
                )
            )
    if dossier_versions is not None:
        for dossier_id, version in dossier_versions.items():
            events = last_seq_by_dossier.get(dossier_id, 0)
            if events != version:
                problems.append(
                    Problem(
                        None,
                        "dossier_seq",
                        f"hồ sơ {dossier_id}: phiên bản {version} nhưng có {events} sự kiện",
                    )
                )
    return VerifyReport(
        events=count,
        dossiers=len(last_seq_by_dossier),
        problems=problems,
        head_seq=last_seq,
        head_hash=prev_hash,
    )


def chain_rows(
    start_seq: int, start_hash: str, events: Iterable[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """Fill chain_seq, prev_hash and hash for new events (the bulk path for simulations)."""
    seq, prev = start_seq, start_hash
    for fields in events:
        seq += 1
        row = {**fields, "chain_seq": seq, "prev_hash": prev}
        row["payload"] = to_jsonable(row["payload"])
        row["hash"] = compute_hash(prev, row)
        prev = row["hash"]
        yield row
