"""The bulk path: the engine's events and projections written with `bulk_create`.

What is written is what the services would have written for the same acts: the events
are the engine's (same actions, actors, units, payloads, times), chained with
`events.chain_rows` (the chain's own hashing); the `Dossier` and `DossierStep` rows are
the state the projection reducer (`projection.apply_event`) produced from those events;
applicants, components and the per-day code sequences are the rows intake would leave.
So `cchc audit verify --projections` passes after it.

Ids of applicants and dossiers are given in advance (they are hashed into the events
before the rows exist); run it on a database nobody else writes to at the same time
(the demo, a benchmark, a staging copy). Everything happens in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from cchc.dossiers.events import GENESIS_HASH, chain_rows
from cchc.dossiers.models import (
    Applicant,
    Dossier,
    DossierCodeSequence,
    DossierComponent,
    DossierEvent,
    DossierStep,
    EventChainHead,
)
from cchc.dossiers.projection import DOSSIER_FIELDS
from cchc.dossiers.simulation.engine import Run, SimEvent, in_time_order

BATCH = 2000


@dataclass
class BulkStats:
    dossiers: int = 0
    events: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def _unusable_hash(seed: int, ordinal: int) -> str:
    # An unusable password hash ("!" prefix): a simulated dossier has no lookup secret.
    return "!" + hashlib.sha256(f"sim:{seed}:{ordinal}".encode()).hexdigest()[:40]


def lock_head() -> EventChainHead:
    head = EventChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        EventChainHead.objects.bulk_create(
            [EventChainHead(pk=1, chain_seq=0, hash=GENESIS_HASH)], ignore_conflicts=True
        )
        head = EventChainHead.objects.select_for_update().get(pk=1)
    return head


class _Table:
    """Rows of one model inserted with `executemany`, values adapted as the ORM would.

    `bulk_create` spends most of its time building model instances and preparing each
    value through the field; here each column gets the backend's adapter once.
    """

    def __init__(self, model, columns: list[str]) -> None:
        from django.db import models

        self.model = model
        self.names = columns
        fields = [model._meta.get_field(c) for c in columns]
        ops = connection.ops
        adapters = []
        for f in fields:
            if isinstance(f, models.DateTimeField):
                adapters.append(ops.adapt_datetimefield_value)
            elif isinstance(f, models.DateField):
                adapters.append(ops.adapt_datefield_value)
            elif isinstance(f, models.JSONField):
                adapters.append(lambda v, f=f: ops.adapt_json_value(v, f.encoder))
            elif isinstance(f, models.DecimalField | models.FileField):
                adapters.append(lambda v, f=f: f.get_db_prep_save(v, connection))
            else:
                adapters.append(None)
        self.adapters = adapters
        qn = connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - identifiers from model metadata, quoted; values are parameters
            qn(model._meta.db_table),
            ", ".join(qn(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        self.rows: list[tuple] = []

    def add(self, values: dict) -> None:
        self.rows.append(
            tuple(
                a(values[n]) if a is not None else values[n]
                for n, a in zip(self.names, self.adapters, strict=True)
            )
        )

    def flush(self) -> None:
        if self.rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.rows)
            self.rows = []


_APPLICANT = ["id", "kind", "personal_id", "tax_code", "name", "date_of_birth", "address"]
_APPLICANT += ["phone", "email", "user"]
_STEP = ["dossier", "index", "order", "name", "unit", "assignee", "quota", "started_at"]
_STEP += ["due_at", "finished_at", "outcome", "overrun_working_days"]
_COMPONENT = ["dossier", "requirement", "name", "source", "copies", "file", "file_sha256"]
_COMPONENT += ["reuse_reference", "added_by_seq"]
_EVENT = ["chain_seq", "dossier", "seq", "actor", "unit", "created_at", "action", "payload"]
_EVENT += ["prev_hash", "hash"]


class Writer:
    def __init__(self, *, seed: int, batch: int = BATCH) -> None:
        self.seed = seed
        self.batch = batch
        self.applicant_base = (Applicant.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.dossier_base = (Dossier.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.applicants = _Table(Applicant, _APPLICANT)
        self.dossiers = _Table(Dossier, ["id", *DOSSIER_FIELDS])
        self.steps = _Table(DossierStep, _STEP)
        self.components = _Table(DossierComponent, _COMPONENT)
        self.events = _Table(DossierEvent, _EVENT)
        self.codes: dict[tuple[str, dt.date], int] = {}
        self.stats = BulkStats()

    def prepare(self, run: Run) -> None:
        """Before the engine runs a dossier: the ids its receipt event will carry."""
        run.applicant["_id"] = self.applicant_base + run.ordinal
        run.applicant["_secret_hash"] = _unusable_hash(self.seed, run.ordinal)

    def dossier_id(self, run: Run) -> int:
        return self.dossier_base + run.ordinal

    def add_run(self, run: Run) -> None:
        pk = self.dossier_id(run)
        facts = run.events[0].payload["applicant"]
        dob = facts.get("date_of_birth")
        self.applicants.add(
            {
                "id": run.applicant["_id"],
                "kind": facts["kind"],
                "personal_id": facts.get("personal_id", ""),
                "tax_code": facts.get("tax_code", ""),
                "name": facts["name"],
                "date_of_birth": dt.date.fromisoformat(dob) if dob else None,
                "address": facts.get("address", ""),
                "phone": facts.get("phone", ""),
                "email": facts.get("email", ""),
                "user": None,
            }
        )
        self.dossiers.add({"id": pk, **run.state.fields})
        for step in run.state.steps:
            self.steps.add(
                {
                    "dossier": pk,
                    "unit": step["unit_id"],
                    "assignee": step["assignee_id"],
                    **step,
                }
            )
        for c in run.components:
            self.components.add(
                {
                    "dossier": pk,
                    "requirement": c.requirement_id,
                    "name": c.name,
                    "source": c.source,
                    "copies": c.copies,
                    "file": "",
                    "file_sha256": "",
                    "reuse_reference": c.reuse_reference,
                    "added_by_seq": c.seq,
                }
            )
        day = run.received_at.astimezone(run.point.calendar.tz).date()
        number = int(run.code.rsplit("-", 1)[1])
        key = (run.agency_code, day)
        self.codes[key] = max(self.codes.get(key, 0), number)
        self.stats.dossiers += 1
        status = run.state.fields["status"]
        self.stats.statuses[status] = self.stats.statuses.get(status, 0) + 1
        if len(self.dossiers.rows) >= self.batch:
            self.flush_rows()

    def flush_rows(self) -> None:
        for table in (self.applicants, self.dossiers, self.steps, self.components):
            table.flush()

    def add_event(self, row: dict) -> None:
        self.events.add(
            {**row, "dossier": row["dossier_id"], "actor": row["actor_id"], "unit": row["unit_id"]}
        )
        self.stats.events += 1
        if len(self.events.rows) >= self.batch * 4:
            self.flush_events()

    def flush_events(self) -> None:
        self.flush_rows()  # the dossiers these events belong to exist first
        self.events.flush()


def _tap(runs: Iterator[Run], writer: Writer) -> Iterator[Run]:
    for run in runs:
        writer.add_run(run)
        yield run


def write(runs: Iterator[Run], *, writer: Writer) -> BulkStats:
    """Write the runs (generated lazily, in arrival order) in one transaction."""
    with transaction.atomic():
        head = lock_head()

        def rows() -> Iterator[dict]:
            for run, event in in_time_order(_tap(runs, writer)):
                yield _event_fields(writer.dossier_id(run), event)

        last_seq, last_hash = head.chain_seq, head.hash or GENESIS_HASH
        for row in chain_rows(last_seq, last_hash, rows()):
            writer.add_event(row)
            last_seq, last_hash = row["chain_seq"], row["hash"]
        writer.flush_events()
        _save_codes(writer.codes)
        head.chain_seq, head.hash = last_seq, last_hash
        head.save(update_fields=["chain_seq", "hash"])
        _reset_sequences()
    return writer.stats


def _event_fields(dossier_id: int, e: SimEvent) -> dict:
    return {
        "dossier_id": dossier_id,
        "seq": e.seq,
        "actor_id": e.actor_id,
        "unit_id": e.unit_id,
        "created_at": e.at,
        "action": e.action,
        "payload": e.payload,
    }


def _save_codes(codes: dict[tuple[str, dt.date], int]) -> None:
    rows = [DossierCodeSequence(agency_code=a, day=d, last_number=n) for (a, d), n in codes.items()]
    DossierCodeSequence.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["agency_code", "day"],
        update_fields=["last_number"],
    )


def _reset_sequences() -> None:
    """Explicit ids were inserted: move PostgreSQL's id sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Applicant, Dossier])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
