"""The simulated life of each dossier, computed in memory.

For every dossier the engine decides what happens and when (`Act`s: receive, hand over,
assign, supplement, pause, apologise, approve, issue, return, rate, refuse, withdraw)
and, alongside, the event each act records: the same action, actor, unit and payload
that the service in `cchc.dossiers.services` builds for that act at that moment. The
state between acts is kept with the projection reducer (`projection.apply_event`), so
the engine reads due times exactly as the services read them from the projection.

- the services path (`services_path`) performs the acts through the real services, with
  the clock set to each act's time; the engine's events are then only a prediction
  (tests compare the two);
- the bulk path (`bulk`) writes the engine's events and the reducer's final state
  directly, chained with `events.chain_rows`.

Pure: no database access once the `World` is loaded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError

from cchc.accounts.models import Role, User
from cchc.dossiers import rules
from cchc.dossiers.events import to_jsonable
from cchc.dossiers.models import (
    ApplicantKind,
    Channel,
    ComponentSource,
    DossierStatus,
    FeeStatus,
    PauseKind,
    ReturnMethod,
)
from cchc.dossiers.projection import DOSSIER_FIELDS, DossierState, apply_event

# The services' own pure helpers, so that step clocks and Mẫu 05 outcomes are computed
# by the very code the services run (not a copy of it).
from cchc.dossiers.services import (
    _NO_CURRENT,
    _clean_applicant,
    _close_step,
    _component_facts,
    _current_fields,
    _days,
    _step_open,
)
from cchc.dossiers.simulation import profile
from cchc.dossiers.simulation.world import LEADER_ROLES, Option, Point, World
from cchc.procedures.models import StepHandler
from cchc.units.models import Unit


@dataclass
class Act:
    """One thing that happens to a dossier: a service call at a moment."""

    kind: str
    at: dt.datetime
    args: dict[str, Any]


@dataclass
class SimEvent:
    """The event an act records (DossierEvent fields minus dossier and chain)."""

    seq: int
    at: dt.datetime
    action: str
    actor_id: int | None
    unit_id: int | None
    payload: dict[str, Any]


@dataclass
class Component:
    requirement_id: int | None
    name: str
    source: str
    reuse_reference: str
    copies: int
    seq: int


@dataclass
class Run:
    """One simulated dossier: its acts, its events and its final projected state."""

    ordinal: int
    point: Point
    option: Option
    channel: str
    received_at: dt.datetime
    agency_code: str
    code: str
    applicant: dict[str, Any]
    acts: list[Act] = field(default_factory=list)
    events: list[SimEvent] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    state: DossierState = field(default_factory=DossierState)


class _Cutoff(Exception):
    """The next act would happen after the end of the simulated period."""


def _user_id(user: User | None) -> int | None:
    return user.pk if user is not None else None


class Life:
    """Drives one run forward, act by act, mirroring the services' payloads."""

    def __init__(self, run: Run, world: World, rng: random.Random, cutoff: dt.datetime):
        self.run = run
        self.world = world
        self.rng = rng
        self.cutoff = cutoff
        self.cal = run.point.calendar
        self.now = run.received_at

    # -- plumbing ----------------------------------------------------------------------

    @property
    def f(self) -> dict[str, Any]:
        return self.run.state.fields

    def _at(self, when: dt.datetime) -> dt.datetime:
        when = max(when, self.now + dt.timedelta(microseconds=1))
        if when > self.cutoff:
            raise _Cutoff
        self.now = when
        return when

    def emit(
        self,
        kind: str,
        at: dt.datetime,
        *,
        action: str,
        actor: User | None,
        unit_id: int | None,
        payload: dict[str, Any],
        args: dict[str, Any],
    ) -> None:
        payload = to_jsonable(payload)
        seq = len(self.run.events) + 1
        apply_event(self.run.state, action, payload, seq)
        self.run.events.append(SimEvent(seq, at, action, _user_id(actor), unit_id, payload))
        self.run.acts.append(Act(kind, at, {"actor": actor, **args}))

    def staff(self, unit: Unit, role: str) -> User:
        return self.rng.choice(self.world.cast.staff(unit, role))

    def later(self, working_days: float) -> dt.datetime:
        return self.cal.add_working_time(self.now, profile.days(working_days))

    def _open_step(self) -> dict[str, Any] | None:
        return self.run.state.open_step()

    def _unit(self, pk: int | None) -> Unit | None:
        return self.world.units.get(pk) if pk is not None else None

    # -- acts (payloads as in cchc.dossiers.services) ------------------------------------

    def receive(self, components: list[dict[str, Any]]) -> None:
        run, point, option = self.run, self.run.point, self.run.option
        version = option.version
        at = self.now
        errors: dict[str, list] = {}
        clean_applicant = _clean_applicant(run.applicant, errors)
        if errors:
            raise ValidationError(errors)
        cleaned = [
            {
                "requirement_id": c["requirement"].pk,
                "name": c["requirement"].name.strip(),
                "source": c["source"],
                "file": None,
                "reuse_reference": c.get("reuse_reference", ""),
                "copies": int(c["requirement"].copies or 1),
            }
            for c in components
        ]
        channel = run.channel
        actor = None
        if channel == Channel.COUNTER:
            actor = self.staff(point.unit, Role.ONE_STOP_OFFICER)
        elif channel == Channel.POSTAL:
            actor = self.staff(point.postal_unit, Role.PARTNER_STAFF)
        first = option.templates[0]
        first_unit = point.unit  # no handling unit is named at receipt
        step = _step_open(
            template=first,
            unit=first_unit,
            assignee=actor if channel == Channel.COUNTER else None,
            start=at,
            calendar=self.cal,
            clock_start=self.cal.clock_start(at),
        )
        due = self.cal.due_at(at, version.processing_time, version.processing_time_unit)
        assisted = run.applicant.pop("_assisted", None)
        initial = {name: f.get_default() for name, f in DOSSIER_FIELDS.items()}
        initial.update(
            {
                "code": run.code,
                "procedure_version_id": version.pk,
                "receiving_unit_id": point.unit.pk,
                "handling_unit_id": None,
                "postal_unit_id": point.postal_unit.pk if channel == Channel.POSTAL else None,
                "channel": channel,
                "applicant_id": run.applicant.get("_id"),
                "assisted_by_name": assisted or "",
                "assisted_by_unit_id": None,
                "subjects": [],
                "received_at": at,
                "deemed_received_at": self.cal.deemed_receipt(at),
                "due_at": due,
                "original_due_at": due,
                "status": DossierStatus.PROCESSING,
                "fee_status": FeeStatus.UNPAID
                if option.fee_total > 0
                else FeeStatus.NOT_APPLICABLE,
                "fee_amount": option.fee_total,
                "lookup_secret_hash": run.applicant.get("_secret_hash", ""),
                **_current_fields(step),
            }
        )
        initial.pop("version", None)
        self.emit(
            "receive",
            at,
            action="received",
            actor=actor,
            unit_id=(point.postal_unit.pk if channel == Channel.POSTAL else point.unit.pk),
            payload={
                "set": initial,
                "step_open": step,
                "applicant": clean_applicant,
                "components": _component_facts(cleaned),
                "procedure_time": {
                    "amount": version.processing_time,
                    "unit": version.processing_time_unit,
                },
            },
            args={
                "components": components,
                "assisted_by": {"name": assisted} if assisted else None,
            },
        )
        for c in cleaned:
            run.components.append(
                Component(
                    c["requirement_id"],
                    c["name"],
                    c["source"],
                    c["reuse_reference"],
                    c["copies"],
                    1,
                )
            )

    def handover(self, at: dt.datetime, actor: User, k: int) -> None:
        option = self.run.option
        template = option.templates[k]
        unit = option.units[k]
        step = self._open_step()
        new_step = _step_open(
            template=template, unit=unit, assignee=None, start=at, calendar=self.cal
        )
        sets = _current_fields(new_step)
        if template.handler == StepHandler.HANDLING_AGENCY and not self.f.get("handling_unit_id"):
            sets["handling_unit_id"] = unit.pk
        self.emit(
            "handover",
            at,
            action="handed_over",
            actor=actor,
            unit_id=self.f["current_unit_id"],
            payload={
                "from_unit_id": self.f["current_unit_id"],
                "to_unit_id": unit.pk,
                "to_user_id": None,
                "note": "",
                "advance": True,
                "bounce": False,
                "batch": "",
                "set": sets,
                "step_close": _close_step(SimpleNamespace(**step), at, self.cal),
                "step_open": new_step,
            },
            args={"to_unit": unit},
        )

    def assign(self, at: dt.datetime, actor: User, to_user: User) -> None:
        self.emit(
            "assign",
            at,
            action="assigned",
            actor=actor,
            unit_id=self.f["current_unit_id"],
            payload={
                "from_user_id": self.f["current_assignee_id"],
                "to_user_id": to_user.pk,
                "note": "",
                "set": {"current_assignee_id": to_user.pk},
                "step_set": {"assignee_id": to_user.pk},
            },
            args={"to_user": to_user},
        )

    def approve(self, at: dt.datetime, actor: User, k_next: int | None) -> None:
        option = self.run.option
        step = self._open_step()
        payload: dict[str, Any] = {
            "note": "",
            "set": {
                "status": DossierStatus.APPROVED,
                "approved_at": at,
                "approved_by_id": actor.pk,
            },
            "step_close": _close_step(SimpleNamespace(**step), at, self.cal),
        }
        to_unit = None
        if k_next is not None:
            to_unit = option.units[k_next]
            new_step = _step_open(
                template=option.templates[k_next],
                unit=to_unit,
                assignee=None,
                start=at,
                calendar=self.cal,
            )
            payload["step_open"] = new_step
            payload["set"].update(_current_fields(new_step))
        else:
            payload["set"].update({**_NO_CURRENT})
        self.emit(
            "approve",
            at,
            action="approved",
            actor=actor,
            unit_id=self.f["current_unit_id"],
            payload=payload,
            args={"to_unit": to_unit},
        )

    def _pause(self, at, kind, action, actor, facts, extra_set, args) -> None:
        status = (
            DossierStatus.WAITING_SUPPLEMENT
            if kind == PauseKind.SUPPLEMENT
            else DossierStatus.PAUSED
        )
        self.emit(
            {"supplement_requested": "supplement_request", "paused": "pause"}[action],
            at,
            action=action,
            actor=actor,
            unit_id=self.f["current_unit_id"],
            payload={
                **facts,
                "kind": kind,
                "set": {"status": status, "pause_kind": kind, "paused_since": at, **extra_set},
            },
            args=args,
        )

    def _resume_payload(self, at: dt.datetime, facts: dict[str, Any]) -> dict[str, Any]:
        f = self.f
        paused = self.cal.working_days_between(f["paused_since"], at)
        sets: dict[str, Any] = {
            "status": DossierStatus.PROCESSING,
            "pause_kind": "",
            "paused_since": None,
            "paused_working_days": _days(f["paused_working_days"] + paused),
            "due_at": self.cal.extend(f["due_at"], paused),
        }
        payload: dict[str, Any] = {
            **facts,
            "paused_from": f["paused_since"],
            "paused_working_days": paused,
        }
        if f.get("apology_due_at"):
            sets["apology_due_at"] = self.cal.extend(f["apology_due_at"], paused)
        step = self._open_step()
        if step is not None:
            step_due = self.cal.extend(step["due_at"], paused)
            sets["current_step_due_at"] = step_due
            payload["step_set"] = {"due_at": step_due}
        payload["set"] = sets
        return payload

    def request_supplement(self, at: dt.datetime, actor: User) -> None:
        count = self.f["supplement_count"] + 1
        items = (
            [self.rng.choice(self.run.option.requirements).name]
            if self.run.option.requirements
            else ["Giấy tờ chứng minh"]
        )
        reason = "Thành phần hồ sơ chưa đúng quy định, cần bổ sung, hoàn thiện."
        self._pause(
            at,
            PauseKind.SUPPLEMENT,
            "supplement_requested",
            actor,
            {"items": items, "reason": reason, "flagged": count > 1},
            {"supplement_count": count},
            {"items": items, "reason": reason},
        )

    def provide_supplement(self, at: dt.datetime) -> None:
        run = self.run
        online = run.channel == Channel.ONLINE
        req = self.rng.choice(run.option.requirements) if run.option.requirements else None
        source = ComponentSource.REUSED if online else ComponentSource.PAPER
        reuse = f"KHO-{run.code}-BS{self.f['supplement_count']}" if online else ""
        component = {
            "requirement": req,
            "name": "" if req else "Giấy tờ bổ sung",
            "source": source,
            "reuse_reference": reuse,
        }
        cleaned = [
            {
                "requirement_id": req.pk if req else None,
                "name": (req.name if req else "Giấy tờ bổ sung").strip(),
                "source": source,
                "file": None,
                "reuse_reference": reuse,
                "copies": int(req.copies if req else 1),
            }
        ]
        actor = None if online else self.staff(run.point.unit, Role.ONE_STOP_OFFICER)
        payload = self._resume_payload(at, {"note": "", "components": _component_facts(cleaned)})
        self.emit(
            "supplement_provide",
            at,
            action="supplement_provided",
            actor=actor,
            unit_id=run.point.unit.pk,
            payload=payload,
            args={"components": [component]},
        )
        c = cleaned[0]
        run.components.append(
            Component(
                c["requirement_id"],
                c["name"],
                c["source"],
                c["reuse_reference"],
                c["copies"],
                len(run.events),
            )
        )

    def pause_financial(self, at: dt.datetime, actor: User) -> None:
        basis = "Điều 45 Luật Đất đai 2024: thời gian thực hiện nghĩa vụ tài chính không tính vào thời gian giải quyết"
        notice = f"Thông báo nộp tiền số {self.rng.randrange(1, 9999):04d}/TB-CCT"
        self._pause(
            at,
            PauseKind.FINANCIAL_OBLIGATION,
            "paused",
            actor,
            {"basis": basis, "notice": notice},
            {},
            {"kind": PauseKind.FINANCIAL_OBLIGATION, "basis": basis, "notice": notice},
        )

    def resume(self, at: dt.datetime, actor: User) -> None:
        receipt = f"BL-{self.rng.randrange(1, 999999):06d}"
        payload = self._resume_payload(
            at, {"receipt": receipt, "note": "", "kind": self.f["pause_kind"]}
        )
        self.emit(
            "resume",
            at,
            action="resumed",
            actor=actor,
            unit_id=self.f["current_unit_id"],
            payload=payload,
            args={"receipt": receipt},
        )

    def apologise(self, at: dt.datetime, actor: User, new_due: dt.datetime) -> None:
        reason = "Hồ sơ cần xác minh thêm nên chưa giải quyết kịp thời hạn."
        self.emit(
            "apologise",
            at,
            action="apologised",
            actor=actor,
            unit_id=self.f["current_unit_id"],
            payload={
                "reason": reason,
                "previous_due_at": self.f["due_at"],
                "set": {"apologised_at": at, "apology_due_at": new_due, "apology_reason": reason},
            },
            args={"new_due": new_due, "reason": reason},
        )

    def _finish_payload(self, at: dt.datetime, status: str, reason: str) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "reason": reason,
            "set": {
                "status": status,
                "finished_at": at,
                "outcome": rules.step_outcome(at, self.f["due_at"], tz=self.cal.tz).value,
                "closing_reason": reason,
                "pause_kind": "",
                "paused_since": None,
                **_NO_CURRENT,
            },
        }
        step = self._open_step()
        if step is not None:
            payload["step_close"] = _close_step(SimpleNamespace(**step), at, self.cal)
        return payload

    def issue(self, at: dt.datetime, actor: User) -> None:
        number = f"{self.rng.randrange(1, 9999)}/{self.run.option.sector}"
        payload = self._finish_payload(at, DossierStatus.RESULT_READY, "")
        payload["set"].pop("closing_reason")
        payload["set"].update({"result_paper": True, "result_number": number})
        payload["subject_effects"] = []
        self.emit(
            "issue",
            at,
            action="result_issued",
            actor=actor,
            unit_id=self.f["current_unit_id"],
            payload=payload,
            args={"result_number": number},
        )

    def close(self, at: dt.datetime, kind: str, actor: User | None, reason: str) -> None:
        status = {"refuse": DossierStatus.REFUSED, "withdraw": DossierStatus.WITHDRAWN}[kind]
        unit_id = self.f["current_unit_id"] if kind == "refuse" else self.run.point.unit.pk
        self.emit(
            kind,
            at,
            action={"refuse": "refused", "withdraw": "withdrawn"}[kind],
            actor=actor,
            unit_id=unit_id,
            payload=self._finish_payload(at, status, reason),
            args={"reason": reason},
        )

    def return_result(self, at: dt.datetime, actor: User, method: str) -> None:
        self.emit(
            "return",
            at,
            action="result_returned",
            actor=actor,
            unit_id=self.run.point.unit.pk,
            payload={
                "method": method,
                "note": "",
                "collected_by": None,
                "set": {
                    "status": DossierStatus.RETURNED,
                    "returned_at": at,
                    "return_method": method,
                },
            },
            args={"method": method},
        )

    def rate(self, at: dt.datetime, rating: str, comment: str) -> None:
        self.emit(
            "rate",
            at,
            action="rated",
            actor=None,
            unit_id=self.run.point.unit.pk,
            payload={"set": {"rating": rating, "rating_comment": comment.strip()}},
            args={"rating": rating, "comment": comment},
        )

    # -- the story -----------------------------------------------------------------------

    def live(self, components: list[dict[str, Any]]) -> None:
        self.receive(components)
        with contextlib.suppress(_Cutoff):
            self._process()

    def _process(self) -> None:
        rng, run, option, point = self.rng, self.run, self.run.option, self.run.point
        templates = option.templates
        amount = Decimal(option.version.processing_time)
        unit = option.version.processing_time_unit
        total = float(amount) / 8 if unit == "working_hours" else float(amount)
        if unit == "calendar_days":
            total = float(amount) * 5 / 7
        quotas = [float(t.quota) for t in templates]
        weights = quotas if sum(quotas) > 0 else [1.0] * len(templates)
        shares = [w / sum(weights) for w in weights]
        # The dossier's own pace times its handling unit's speed (stable per unit code).
        pace = profile.pace(rng) * profile.unit_speed(option.handling_unit.code, self.world.seed)
        fate = rng.random()
        refuse = fate < profile.REFUSAL_RATE
        withdraw = not refuse and fate < profile.REFUSAL_RATE + profile.WITHDRAWAL_RATE
        handling_k = next(
            (k for k, t in enumerate(templates) if t.handler == StepHandler.HANDLING_AGENCY),
            min(1, len(templates) - 1),
        )
        supplements = 0
        if rng.random() < profile.SUPPLEMENT_RATE:
            supplements = 2 if rng.random() < profile.SECOND_SUPPLEMENT_RATE else 1
        financial = (
            option.sector in profile.LAND_SECTORS and rng.random() < profile.FINANCIAL_PAUSE_RATE
        )
        apologise = rng.random() < profile.APOLOGY_RATE
        # The receipt step: the one-stop hands the dossier on the same or the next day.
        for k, template in enumerate(templates):
            step_unit = option.units[k]
            holder = self._holder(k)
            duration = max(total * shares[k] * pace, 0.02)
            if k == 0:
                # Receipt: handed on within the day, sooner for same-day procedures.
                duration = min(rng.uniform(0.02, 0.6), max(duration, 0.02))
            if k > 0 and template.role == Role.SPECIALIST and step_unit.pk != point.unit.pk:
                leader = self.staff(step_unit, Role.UNIT_LEADER)
                spent = min(duration * 0.15, 0.3)
                self.assign(self._at(self.later(spent)), leader, holder)
                duration -= spent
            if k == handling_k:
                if withdraw:
                    self.close(
                        self._at(self.later(duration * 0.5)),
                        "withdraw",
                        None,
                        "Công dân đề nghị rút hồ sơ.",
                    )
                    self._maybe_rate(late=False)
                    return
                for _ in range(supplements):
                    self.request_supplement(self._at(self.later(duration * 0.3)), holder)
                    self.provide_supplement(
                        self._at(self.later(rng.uniform(*profile.SUPPLEMENT_WAIT_DAYS)))
                    )
                    duration *= 0.7
                if financial:
                    self.pause_financial(self._at(self.later(duration * 0.5)), holder)
                    self.resume(
                        self._at(self.later(rng.uniform(*profile.FINANCIAL_PAUSE_DAYS))), holder
                    )
                    duration *= 0.5
                if refuse:
                    self.close(
                        self._at(self.later(duration)),
                        "refuse",
                        holder,
                        "Hồ sơ không đủ điều kiện giải quyết theo quy định.",
                    )
                    self._maybe_rate(late=False)
                    return
                self._maybe_apologise(apologise, duration, k)
            end = self._at(self.later(duration))
            if template.role in LEADER_ROLES:
                self.approve(
                    end,
                    self.staff(step_unit, template.role),
                    k + 1 if k + 1 < len(templates) else None,
                )
            elif k + 1 < len(templates):
                self.handover(end, holder, k + 1)
            else:
                self.issue(end, holder)
        if self.f["status"] != DossierStatus.RESULT_READY:
            # The last step was an approval: the one-stop issues the result.
            self.issue(
                self._at(self.later(rng.uniform(0.05, 0.5))),
                self.staff(point.unit, Role.ONE_STOP_OFFICER),
            )
        late = self.f["outcome"] == "late"
        method = ReturnMethod.COUNTER
        actor = self.staff(point.unit, Role.ONE_STOP_OFFICER)
        if run.channel == Channel.POSTAL or rng.random() < profile.POST_RETURN_SHARE:
            method = ReturnMethod.POST
        self.return_result(self._at(self.later(rng.uniform(*profile.PICKUP_DAYS))), actor, method)
        self._maybe_rate(late=late)

    def _holder(self, k: int) -> User:
        """Who does step k: the receiving officer at the counter, else someone in the unit."""
        option, point = self.run.option, self.run.point
        template, unit = option.templates[k], option.units[k]
        if k == 0 and self.f.get("current_assignee_id"):
            return next(
                u
                for u in self.world.cast.staff(point.unit, Role.ONE_STOP_OFFICER)
                if u.pk == self.f["current_assignee_id"]
            )
        role = template.role
        if unit.pk == point.unit.pk:
            role = Role.ONE_STOP_OFFICER
        return self.staff(unit, role)

    def _maybe_apologise(self, wanted: bool, duration: float, k: int) -> None:
        """Mẫu 04 when the unit foresees missing the due time, at least a working day ahead."""
        if not wanted or self.f.get("apologised_at"):
            return
        finish = self.later(duration + 0.5)
        due = self.f["due_at"]
        if finish <= due:
            return
        at = self.later(min(duration * 0.2, 0.5))
        if at > self.cutoff or self.cal.working_days_between(at, due) < 1:
            return
        leader = self.staff(self.run.option.handling_unit, Role.UNIT_LEADER)
        new_due = self.cal.add_working_time(finish, profile.days(1.0))
        self.apologise(self._at(at), leader, new_due)

    def _maybe_rate(self, *, late: bool) -> None:
        if self.rng.random() >= profile.RATING_SHARE:
            return
        rating = profile.pick(self.rng, profile.RATING_LATE if late else profile.RATING_ON_TIME)
        comment = self.rng.choice(profile.RATING_COMMENTS[rating])
        self.rate(self._at(self.later(self.rng.uniform(0.0, 1.0))), rating, comment)


# --- Arrivals ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    ordinal: int
    point: Point
    option: Option
    channel: str
    at: dt.datetime


def arrivals(world: World, *, count: int, cutoff: dt.datetime, rng: random.Random) -> list[Arrival]:
    """`count` receipts spread over the year (up to `cutoff`), in time order."""
    year = world.year
    last_day = min(cutoff.astimezone(world.points[0].calendar.tz).date(), dt.date(year, 12, 31))
    point_weights = [
        len(p.options) ** 0.5 * (3.0 if p.level == "province" else 1.0) for p in world.points
    ]
    per_point = {}
    for p in world.points:
        w = profile.day_weights(p.calendar, year, last_day)
        # No arrivals before the first procedure version in force at this point.
        opens = min(o.valid_from for o in p.options).astimezone(p.calendar.tz).date()
        for i, day in enumerate(w.days):
            if day < opens:
                w.counter[i] = w.online[i] = 0.0
        per_point[p.unit.pk] = (w, _cumulative(w.counter), _cumulative(w.online))
    out: list[tuple[dt.datetime, int, Point, Option, str]] = []
    for i in range(count):
        point = rng.choices(world.points, weights=point_weights)[0]
        weights, counter_cum, online_cum = per_point[point.unit.pk]
        online_option = [o for o in point.options if o.online]
        # Channel first (the online share rises through the year), then day and time.
        day_index = _draw(rng, counter_cum) if counter_cum else _draw(rng, online_cum)
        day = weights.days[day_index]
        channel = Channel.COUNTER
        if online_option and rng.random() < profile.online_share(day):
            channel = Channel.ONLINE
            day = weights.days[_draw(rng, online_cum)]
            at = profile.online_time(point.calendar, day, rng)
        else:
            if point.postal_unit is not None and rng.random() < profile.POSTAL_SHARE:
                channel = Channel.POSTAL
            at = profile.counter_time(point.calendar, day, rng)
        at = min(at, cutoff - dt.timedelta(seconds=1))
        candidates = _in_force(online_option if channel == Channel.ONLINE else point.options, at)
        if not candidates:
            continue
        option = rng.choices(candidates, weights=[o.weight for o in candidates])[0]
        out.append((at, i, point, option, channel))
    out.sort(key=lambda a: (a[0], a[1]))
    return [Arrival(n, p, o, c, at) for n, (at, _i, p, o, c) in enumerate(out)]


def _in_force(options: list[Option], at: dt.datetime) -> list[Option]:
    """Per procedure, the highest-numbered version in force at `at` (as intake picks it)."""
    best: dict[int, Option] = {}
    for o in options:
        if o.in_force(at):
            cur = best.get(o.version.procedure_id)
            if cur is None or o.version.number > cur.version.number:
                best[o.version.procedure_id] = o
    return list(best.values())


def _cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out if total > 0 else []


def _draw(rng: random.Random, cumulative: list[float]) -> int:
    import bisect

    return min(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def applicant_for(rng: random.Random, option: Option, channel: str) -> dict[str, Any]:
    """A plausible applicant. No phone number or e-mail: notifications about simulated
    dossiers must never reach a real person."""
    if option.sector in ("HKD", "DBBD") and rng.random() < 0.35:
        return {
            "kind": ApplicantKind.ORGANISATION,
            "name": f"Công ty TNHH {profile.person_name(rng).split()[-1]} {rng.randrange(1, 99)}",
            "tax_code": _tax_code(rng),
            "address": "Tỉnh Gia Lai",
        }
    number, born = profile.personal_id(rng)
    data = {
        "kind": ApplicantKind.PERSON,
        "name": profile.person_name(rng),
        "personal_id": number,
        "date_of_birth": born,
        "address": "Tỉnh Gia Lai",
    }
    if channel == Channel.ONLINE and rng.random() < profile.ASSISTED_SHARE:
        data["_assisted"] = profile.VOLUNTEER
    return data


def _tax_code(rng: random.Random) -> str:
    from cchc.accounts.identity import tax_check_digit

    while True:
        first = f"{rng.randrange(1, 99):02d}{rng.randrange(10**7):07d}"
        check = tax_check_digit(first)
        if check is not None and first[2:9] != "0000000":
            return f"{first}{check}"


def components_for(
    rng: random.Random, option: Option, channel: str, code: str
) -> list[dict[str, Any]]:
    online = channel == Channel.ONLINE
    return [
        {
            "requirement": req,
            "source": ComponentSource.REUSED if online else ComponentSource.PAPER,
            "reuse_reference": f"KHO-{code}-{req.order}" if online else "",
        }
        for req in option.requirements
    ]


def dossier_codes(
    arrivals_: list[Arrival],
    *,
    code_start: dict[tuple[str, dt.date], int],
    agency_codes: dict[int, str],
) -> list[tuple[str, str]]:
    """(agency e-ID, dossier code) of each arrival, numbered per agency and day in
    arrival order as intake numbers them, after the numbers already issued."""
    numbers = dict(code_start)
    out = []
    for arrival in arrivals_:
        agency = agency_codes[arrival.point.unit.pk]
        day = arrival.at.astimezone(arrival.point.calendar.tz).date()
        numbers[(agency, day)] = numbers.get((agency, day), 0) + 1
        out.append((agency, rules.format_dossier_code(agency, day, numbers[(agency, day)])))
    return out


def live_one(
    world: World,
    arrival: Arrival,
    agency: str,
    code: str,
    *,
    cutoff: dt.datetime,
    applicant_extra=None,
) -> Run:
    """One dossier's life. Its randomness depends only on (seed, arrival ordinal)."""
    rng = random.Random(f"{world.seed}:{arrival.ordinal}")  # noqa: S311 - reproducible simulation draws, not security
    run = Run(
        ordinal=arrival.ordinal,
        point=arrival.point,
        option=arrival.option,
        channel=arrival.channel,
        received_at=arrival.at,
        agency_code=agency,
        code=code,
        applicant=applicant_for(rng, arrival.option, arrival.channel),
    )
    if applicant_extra is not None:
        applicant_extra(run)
    life = Life(run, world, rng, cutoff)
    life.live(components_for(rng, arrival.option, arrival.channel, code))
    return run


def lives(
    world: World,
    arrivals_: list[Arrival],
    *,
    cutoff: dt.datetime,
    code_start: dict[tuple[str, dt.date], int],
    agency_codes: dict[int, str],
    applicant_extra=None,
    workers: int = 1,
) -> Iterator[Run]:
    """Simulate each arrival's life, yielded in arrival order.

    With `workers` > 1 the lives are computed in forked processes (the engine is pure
    and each life has its own random stream, so the result is the same); the runs then
    carry no `acts` (the bulk path does not need them).
    """
    codes = dossier_codes(arrivals_, code_start=code_start, agency_codes=agency_codes)
    if workers <= 1:
        for arrival, (agency, code) in zip(arrivals_, codes, strict=True):
            yield live_one(
                world, arrival, agency, code, cutoff=cutoff, applicant_extra=applicant_extra
            )
        return
    yield from _parallel_lives(world, arrivals_, codes, cutoff, applicant_extra, workers)


_FORKED: dict[str, Any] = {}
CHUNK = 250


def _live_chunk(bounds: tuple[int, int]) -> list[tuple]:
    world, arrivals_, codes, cutoff, extra = _FORKED["args"]
    out = []
    for i in range(*bounds):
        run = live_one(world, arrivals_[i], *codes[i], cutoff=cutoff, applicant_extra=extra)
        out.append((i, run.applicant, run.events, run.components, run.state))
    return out


def _parallel_lives(world, arrivals_, codes, cutoff, applicant_extra, workers) -> Iterator[Run]:
    import multiprocessing

    # Fork: the children inherit the loaded world and never touch the database.
    _FORKED["args"] = (world, arrivals_, codes, cutoff, applicant_extra)
    bounds = [(i, min(i + CHUNK, len(arrivals_))) for i in range(0, len(arrivals_), CHUNK)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for chunk in pool.imap(_live_chunk, bounds):
                for i, applicant, events, components, state in chunk:
                    arrival = arrivals_[i]
                    yield Run(
                        ordinal=arrival.ordinal,
                        point=arrival.point,
                        option=arrival.option,
                        channel=arrival.channel,
                        received_at=arrival.at,
                        agency_code=codes[i][0],
                        code=codes[i][1],
                        applicant=applicant,
                        events=events,
                        components=components,
                        state=state,
                    )
    finally:
        _FORKED.clear()


def in_time_order(runs: Iterator[Run]) -> Iterator[tuple[Run, SimEvent]]:
    """Merge the runs' events into one stream ordered by time (ties: arrival, seq).

    Runs come in arrival order and no event precedes its dossier's receipt, so an event
    can be released once the next arrival is later than it: memory holds only the
    dossiers still open, not the whole year.
    """
    heap: list[tuple[dt.datetime, int, int, Run, SimEvent]] = []
    for run in runs:
        while heap and heap[0][0] <= run.received_at:
            _at, _o, _s, r, e = heapq.heappop(heap)
            yield r, e
        for e in run.events:
            heapq.heappush(heap, (e.at, run.ordinal, e.seq, run, e))
    while heap:
        _at, _o, _s, r, e = heapq.heappop(heap)
        yield r, e
