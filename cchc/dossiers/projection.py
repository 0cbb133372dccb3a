"""The dossier projection: current state as a fold over the dossier's events.

Every event payload carries, besides its facts (reason, items, basis...), the changes it
makes to the projection: `set` (dossier fields), `step_close` (closes the open step),
`step_set` (changes the open step, e.g. a new assignee or a due time moved by a pause)
and `step_open` (a new pass through a step). Services apply an event with the same
`apply_event` that `dossier_replay` uses, so the stored projection and the replay
cannot drift apart unless someone writes the tables directly — which `dossier_rebuild`
repairs and `cchc audit verify --projections` reports.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.dateparse import parse_date, parse_datetime

from cchc.dossiers.models import Dossier, DossierEvent, DossierPetition, DossierStep

STEP_FIELDS = (
    "index",
    "order",
    "name",
    "unit_id",
    "assignee_id",
    "quota",
    "started_at",
    "due_at",
    "finished_at",
    "outcome",
    "overrun_working_days",
)

PETITION_FIELDS = (
    "no",
    "kind",
    "content",
    "received_at",
    "due_at",
    "answered_at",
    "answer",
    "answered_by_id",
    "outcome",
)


def _projected_fields() -> dict[str, models.Field]:
    return {f.attname: f for f in Dossier._meta.concrete_fields if f.attname != "id"}


DOSSIER_FIELDS = _projected_fields()
_STEP_MODEL_FIELDS = {f.attname: f for f in DossierStep._meta.concrete_fields}
_PETITION_MODEL_FIELDS = {f.attname: f for f in DossierPetition._meta.concrete_fields}


def _parse(model_field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model_field, models.DateTimeField):
        return value if isinstance(value, dt.datetime) else parse_datetime(value)
    if isinstance(model_field, models.DateField):
        return value if isinstance(value, dt.date) else parse_date(value)
    if isinstance(model_field, models.DecimalField):
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-model_field.decimal_places))
    if isinstance(model_field, models.FileField):
        return str(value)
    return value


def _normalise(model_field: models.Field, value: Any) -> Any:
    """What a stored value compares as (files by name, decimals at field precision)."""
    if isinstance(model_field, models.FileField):
        return getattr(value, "name", value) or ""
    return _parse(model_field, value)


@dataclass
class DossierState:
    fields: dict[str, Any] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)
    petitions: list[dict[str, Any]] = field(default_factory=list)

    def open_step(self) -> dict[str, Any] | None:
        if self.steps and self.steps[-1]["finished_at"] is None:
            return self.steps[-1]
        return None

    def comparable(self) -> dict[str, Any]:
        return {"fields": self.fields, "steps": self.steps, "petitions": self.petitions}


def apply_event(state: DossierState, action: str, payload: dict[str, Any], seq: int) -> None:
    """Fold one event into the state (in place). Pure: no database, no clock."""
    for name, value in (payload.get("set") or {}).items():
        state.fields[name] = _parse(DOSSIER_FIELDS[name], value)
    if "step_close" in payload:
        step = state.open_step()
        if step is None:
            raise ValueError(f"event {seq} ({action}) closes a step but none is open")
        for name, value in payload["step_close"].items():
            step[name] = _parse(_STEP_MODEL_FIELDS[name], value)
    if "step_set" in payload:
        step = state.open_step()
        if step is None:
            raise ValueError(f"event {seq} ({action}) changes a step but none is open")
        for name, value in payload["step_set"].items():
            step[name] = _parse(_STEP_MODEL_FIELDS[name], value)
    if "step_open" in payload:
        new = {name: None for name in STEP_FIELDS}
        new.update(outcome="", overrun_working_days=Decimal("0.00"))
        for name, value in payload["step_open"].items():
            new[name] = _parse(_STEP_MODEL_FIELDS[name], value)
        new["index"] = len(state.steps) + 1
        state.steps.append(new)
    if "petition_open" in payload:
        new = {name: None for name in PETITION_FIELDS}
        new.update(answer="", outcome="")
        for name, value in payload["petition_open"].items():
            new[name] = _parse(_PETITION_MODEL_FIELDS[name], value)
        new["no"] = len(state.petitions) + 1
        state.petitions.append(new)
    if "petition_set" in payload:
        values = dict(payload["petition_set"])
        target = state.petitions[int(values.pop("no")) - 1]
        for name, value in values.items():
            target[name] = _parse(_PETITION_MODEL_FIELDS[name], value)
    state.fields["version"] = seq


def dossier_replay(events: Iterable[DossierEvent | dict[str, Any]]) -> DossierState:
    """The state a dossier's events produce, in `seq` order."""
    state = DossierState()
    for event in events:
        if isinstance(event, dict):
            apply_event(state, event["action"], event["payload"], event["seq"])
        else:
            apply_event(state, event.action, event.payload, event.seq)
    return state


def state_from_db(dossier: Dossier, steps: Iterable[DossierStep] | None = None) -> DossierState:
    fields = {
        name: _normalise(model_field, getattr(dossier, name))
        for name, model_field in DOSSIER_FIELDS.items()
    }
    if steps is None:
        steps = DossierStep.objects.filter(dossier=dossier).order_by("index") if dossier.pk else []
    step_dicts = [
        {name: _normalise(_STEP_MODEL_FIELDS[name], getattr(s, name)) for name in STEP_FIELDS}
        for s in steps
    ]
    petitions = DossierPetition.objects.filter(dossier=dossier).order_by("no") if dossier.pk else []
    petition_dicts = [
        {n: _normalise(_PETITION_MODEL_FIELDS[n], getattr(p, n)) for n in PETITION_FIELDS}
        for p in petitions
    ]
    return DossierState(fields=fields, steps=step_dicts, petitions=petition_dicts)


def write_state(dossier: Dossier, before: DossierState, after: DossierState) -> Dossier:
    """Persist the difference between two states onto the projection tables."""
    changed = [n for n in DOSSIER_FIELDS if before.fields.get(n) != after.fields.get(n)]
    for name in changed:
        setattr(dossier, name, after.fields[name])
    if dossier.pk is None:
        for name, value in after.fields.items():
            setattr(dossier, name, value)
        dossier.save(force_insert=True)
    elif changed:
        dossier.save(update_fields=[DOSSIER_FIELDS[n].name for n in changed])
    for i, step in enumerate(after.steps):
        old = before.steps[i] if i < len(before.steps) else None
        if old == step:
            continue
        values = {n: v for n, v in step.items() if n != "index"}
        if old is None:
            DossierStep.objects.create(dossier=dossier, index=step["index"], **values)
        else:
            DossierStep.objects.filter(dossier=dossier, index=step["index"]).update(**values)
    for i, petition in enumerate(after.petitions):
        old = before.petitions[i] if i < len(before.petitions) else None
        if old == petition:
            continue
        values = {n: v for n, v in petition.items() if n != "no"}
        if old is None:
            DossierPetition.objects.create(dossier=dossier, no=petition["no"], **values)
        else:
            DossierPetition.objects.filter(dossier=dossier, no=petition["no"]).update(**values)
    return dossier


def advance(dossier: Dossier, action: str, payload: dict[str, Any], seq: int) -> DossierState:
    """Apply one new event to a stored dossier's projection (used by services)."""
    before = state_from_db(dossier)
    after = copy.deepcopy(before)
    apply_event(after, action, payload, seq)
    write_state(dossier, before, after)
    return after


def dossier_rebuild(*, dossier: Dossier) -> bool:
    """Rewrite the projection of one dossier from its events; True when something changed."""
    events = DossierEvent.objects.filter(dossier=dossier).order_by("seq")
    replayed = dossier_replay(events)
    stored = state_from_db(dossier)
    if replayed.comparable() == stored.comparable():
        return False
    extra = [s["index"] for s in stored.steps[len(replayed.steps) :]]
    if extra:
        DossierStep.objects.filter(dossier=dossier, index__in=extra).delete()
        stored.steps = stored.steps[: len(replayed.steps)]
    extra = [p["no"] for p in stored.petitions[len(replayed.petitions) :]]
    if extra:
        DossierPetition.objects.filter(dossier=dossier, no__in=extra).delete()
        stored.petitions = stored.petitions[: len(replayed.petitions)]
    write_state(dossier, stored, replayed)
    return True


def projection_differences(dossier: Dossier) -> list[str]:
    """Field names (and step indexes) where the stored projection differs from replay."""
    replayed = dossier_replay(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
    stored = state_from_db(dossier)
    diffs = [
        name for name in DOSSIER_FIELDS if replayed.fields.get(name) != stored.fields.get(name)
    ]
    if replayed.steps != stored.steps:
        diffs.append("steps")
    if replayed.petitions != stored.petitions:
        diffs.append("petitions")
    return diffs
