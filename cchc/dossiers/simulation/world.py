"""What a simulation runs on: the receiving points, their procedures and their staff.

Everything is read from the database (units, the procedure catalog, role assignments);
the only write is creating simulated staff accounts ("mophong.*") where a unit has
nobody holding a role a procedure step needs, so that every act can pass the real
permission checks.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.test.utils import override_settings

from cchc.accounts.models import Role, RoleAssignment, User
from cchc.calendars.selectors import calendars_for_units
from cchc.calendars.workdays import WorkCalendar
from cchc.dossiers.simulation import profile
from cchc.procedures.models import (
    ComponentRequirement,
    ProcedureVersion,
    ProcessStep,
    ResultType,
    StepHandler,
)
from cchc.procedures.selectors import procedure_version_is_handled_by
from cchc.units.models import TERRITORIAL_KINDS, Unit, UnitKind

STAFF_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.UNIT_LEADER, Role.CHAIRMAN})
LEADER_ROLES = frozenset({Role.UNIT_LEADER, Role.CHAIRMAN})
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HANDLING_KINDS = (UnitKind.DEPARTMENT, UnitKind.AGENCY, UnitKind.PUBLIC_SERVICE)


@dataclass
class Option:
    """One procedure version a point receives, with the unit of each of its steps."""

    version: ProcedureVersion
    sector: str
    templates: list[ProcessStep]
    units: list[Unit]
    handling_unit: Unit
    requirements: list[ComponentRequirement]
    fee_total: Decimal
    online: bool
    weight: float
    valid_from: dt.datetime
    valid_to: dt.datetime | None

    @property
    def procedure(self):
        return self.version.procedure

    def in_force(self, at: dt.datetime) -> bool:
        return self.valid_from <= at and (self.valid_to is None or at < self.valid_to)


@dataclass
class Point:
    """A receiving one-stop unit."""

    unit: Unit
    level: str
    calendar: WorkCalendar
    committee: Unit | None
    postal_unit: Unit | None
    options: list[Option] = field(default_factory=list)


class Cast:
    """Staff by (unit, role); creates a simulated account where nobody holds the role."""

    def __init__(self, *, year: int, seed: int) -> None:
        self.year = year
        self.seed = seed
        self._staff: dict[tuple[int, str], list[User]] = {}
        self.created: list[User] = []

    def staff(self, unit: Unit, role: str, *, at_least: int = 1) -> list[User]:
        key = (unit.pk, role)
        if key not in self._staff:
            start, end = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
            users = [
                a.user
                for a in RoleAssignment.objects.filter(role=role, unit=unit, user__is_active=True)
                .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=start))
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=end))
                .select_related("user")
                .order_by("user_id")
            ]
            for i in range(len(users), at_least):
                users.append(self._create(unit, role, i + 1))
            self._staff[key] = users
        return self._staff[key]

    def _create(self, unit: Unit, role: str, number: int) -> User:
        from cchc.accounts.services import role_assign, user_create

        username = f"mophong.{unit.code}.{role}{number}".lower()[:150]
        user = User.objects.filter(username=username).first()
        if user is None:
            rng = random.Random(username)  # noqa: S311 - reproducible simulation draws, not security
            # The throw-away password is replaced by an unusable one at once: do not spend
            # a PBKDF2 hash (~0.7 s) on it.
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                user = user_create(
                    username=username,
                    password=secrets.token_urlsafe(24),
                    full_name=f"{profile.person_name(rng)} (mô phỏng)",
                )
            # Simulated staff never sign in.
            user.set_unusable_password()
            user.save(update_fields=["password"])
            self.created.append(user)
        if not RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
            role_assign(
                user=user,
                role=role,
                unit=unit,
                include_subtree=role == Role.CHAIRMAN,
                title="Cán bộ mô phỏng",
            )
        return user


@dataclass
class World:
    year: int
    seed: int
    points: list[Point]
    cast: Cast
    units: dict[int, Unit]
    skipped: list[str] = field(default_factory=list)


def _territory(unit: Unit, by_id: dict[int, Unit]) -> Unit | None:
    """The nearest territorial unit above `unit` (not `unit` itself)."""
    for pk in reversed(unit.ancestor_ids):
        u = by_id.get(pk)
        if u is not None and u.kind in TERRITORIAL_KINDS and u.pk != unit.pk:
            return u
    return None


def _nearest(unit: Unit, by_id: dict[int, Unit], kind: str) -> Unit | None:
    for pk in reversed(unit.ancestor_ids):
        u = by_id.get(pk)
        if u is not None and u.kind == kind and u.pk != unit.pk:
            return u
    return None


def _in(units: list[Unit], root: Unit | None, kinds) -> list[Unit]:
    if root is None or not root.path:
        return []
    return [u for u in units if u.kind in kinds and u.path.startswith(root.path)]


def _handling_unit(sector: str, candidates: list[Unit]) -> Unit | None:
    for word in profile.SECTOR_DEPARTMENT_WORDS.get(sector, ()):
        for unit in candidates:
            if word.lower() in unit.name.lower():
                return unit
    return candidates[0] if candidates else None


def load_world(*, year: int, seed: int, unit_codes: list[str] | None = None) -> World:
    """Receiving points (one-stop units, optionally those under `unit_codes`) with the
    procedure versions in force during `year` that they receive and the simulation can
    drive; raises ValidationError (Vietnamese) when there is nothing to simulate."""
    all_units = list(Unit.objects.order_by("code"))
    by_id = {u.pk: u for u in all_units}
    roots = None
    if unit_codes:
        by_code = {u.code: u for u in all_units}
        unknown = [c for c in unit_codes if c not in by_code]
        if unknown:
            raise ValidationError(f"Không có đơn vị mã {', '.join(unknown)}.", code="unknown_unit")
        roots = [by_code[c] for c in unit_codes]
    one_stops = [
        u
        for u in all_units
        if u.kind == UnitKind.ONE_STOP
        and (roots is None or any(u.pk == r.pk or u.path.startswith(r.path) for r in roots))
    ]
    if not one_stops:
        raise ValidationError(
            "Không có Bộ phận Một cửa (đơn vị loại một cửa) nào để mô phỏng tiếp nhận hồ sơ.",
            code="no_one_stop",
        )
    year_start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    year_end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    versions = list(
        ProcedureVersion.objects.filter(procedure__is_active=True, valid_from__lt=year_end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=year_start))
        .select_related("procedure__sector")
        .prefetch_related("fees", "steps", "components", "implementing_units")
        .order_by("procedure__code", "number")
    )
    calendars = calendars_for_units(units=one_stops)
    cast = Cast(year=year, seed=seed)
    world = World(year=year, seed=seed, points=[], cast=cast, units=by_id)
    for unit in one_stops:
        territory = _territory(unit, by_id)
        level = (
            "province"
            if territory is not None and territory.kind == UnitKind.PROVINCE
            else "commune"
        )
        committee = _nearest(unit, by_id, UnitKind.PEOPLES_COMMITTEE)
        partners = _in(all_units, territory, {UnitKind.PARTNER})
        if not partners and territory is not None:
            partners = _in(all_units, _territory(territory, by_id), {UnitKind.PARTNER})
        point = Point(
            unit=unit,
            level=level,
            calendar=calendars[unit.pk],
            committee=committee,
            postal_unit=partners[0] if partners else None,
        )
        handlers = [u for u in _in(all_units, territory, HANDLING_KINDS) if u.pk != unit.pk]
        for version in versions:
            option = _option(point, version, handlers, all_units, territory)
            if option is None:
                continue
            if not procedure_version_is_handled_by(version=version, unit=unit):
                continue
            point.options.append(option)
        if point.options:
            world.points.append(point)
        else:
            world.skipped.append(unit.code)
    if not world.points:
        raise ValidationError(
            f"Không có thủ tục nào có hiệu lực trong năm {year} mà các Bộ phận Một cửa đã chọn "
            "tiếp nhận được (cần quy trình các bước xử lý do cán bộ thực hiện).",
            code="no_procedure",
        )
    for point in world.points:
        _ensure_staff(point, cast)
    return world


def _option(point, version, handlers, all_units, territory) -> Option | None:
    templates = sorted(version.steps.all(), key=lambda s: s.order)
    if not templates or version.result_type == ResultType.ELECTRONIC:
        return None
    sector = version.procedure.sector.code
    handling = _handling_unit(sector, handlers)
    if handling is None:
        return None
    units = []
    for t in templates:
        if t.role not in STAFF_ROLES:
            return None  # e.g. "the land user pays the financial obligation" steps
        if t.handler == StepHandler.RECEIVING_ONE_STOP:
            unit = point.unit
        elif t.handler == StepHandler.HANDLING_AGENCY:
            unit = handling
        elif t.handler == StepHandler.DECIDING_AUTHORITY:
            unit = point.committee or handling
        else:
            if not t.handler_unit_kind:
                return None
            if t.handler_unit_kind == UnitKind.PEOPLES_COMMITTEE and point.committee:
                unit = point.committee
            else:
                found = _in(all_units, territory, {t.handler_unit_kind})
                if not found:
                    return None
                unit = found[0]
        units.append(unit)
    weights = profile.SECTOR_WEIGHTS.get(point.level, {})
    return Option(
        version=version,
        sector=sector,
        templates=templates,
        units=units,
        handling_unit=handling,
        requirements=sorted(
            (c for c in version.components.all() if c.is_required), key=lambda c: c.order
        ),
        fee_total=sum((f.amount for f in version.fees.all()), Decimal(0)),
        online=version.online_level != "none",
        weight=weights.get(sector, profile.DEFAULT_SECTOR_WEIGHT),
        valid_from=version.valid_from,
        valid_to=version.valid_to,
    )


def _ensure_staff(point: Point, cast: Cast) -> None:
    cast.staff(point.unit, Role.ONE_STOP_OFFICER, at_least=2)
    if point.postal_unit is not None:
        cast.staff(point.postal_unit, Role.PARTNER_STAFF)
    for option in point.options:
        cast.staff(option.handling_unit, Role.UNIT_LEADER)
        for t, unit in zip(option.templates, option.units, strict=True):
            if t.role == Role.SPECIALIST:
                cast.staff(unit, Role.SPECIALIST, at_least=2)
                if unit.pk != point.unit.pk:
                    cast.staff(unit, Role.UNIT_LEADER)
            else:
                cast.staff(unit, t.role)
