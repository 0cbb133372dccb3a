"""Reusable test data for dossiers (also for the screens and the portal).

`make_world()` builds a small unit tree, a commune-level procedure with a four-step
process, and users holding the roles that act on it. `receive(world)` receives a
dossier through the real service; `drive_to(world, dossier, stage)` moves it on.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile

from cchc.accounts.models import Role, RoleAssignment, User
from cchc.dossiers import services
from cchc.dossiers.models import Channel, ComponentSource, Dossier
from cchc.procedures.models import (
    ComponentRequirement,
    FeeItem,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Sector,
    StepHandler,
)
from cchc.units.models import Unit, UnitKind

_seq = itertools.count(1)

# Valid 12-digit personal IDs (province 052 Bình Định, born 1990 / 1985).
PERSONAL_ID = "052090000001"
PERSONAL_ID_2 = "052185000002"
# A valid tax code (check digit per TT 105/2020/TT-BTC).
TAX_CODE = "0100109106"


def pdf_bytes(text: str = "") -> bytes:
    """A minimal well-formed PDF (the intake checks files by content, not by name)."""
    return b"%PDF-1.4\n% " + text.encode() + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_unit(name: str, kind: str, parent: Unit | None = None, **kw: Any) -> Unit:
    """A unit with its materialised path, as units.services maintains it."""
    n = next(_seq)
    unit = Unit.objects.create(
        code=kw.pop("code", f"D{n}"), name=name, kind=kind, parent=parent, **kw
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    return unit


def make_user(username: str | None = None, **kw: Any) -> User:
    username = username or f"user{next(_seq)}"
    kw.setdefault("full_name", username.title())
    return User.objects.create_user(username=username, password="mat-khau-an-toan-2026", **kw)


def grant(user: User, role: str, unit: Unit | None, **kw: Any) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, unit=unit, **kw)


def make_procedure(
    *,
    processing_time: Decimal = Decimal(5),
    quotas: tuple[Decimal, ...] = (Decimal("0.5"), Decimal(3), Decimal(1), Decimal("0.5")),
    kinds: tuple[str, ...] = (UnitKind.COMMUNE,),
    fee: Decimal = Decimal(0),
    valid_from: dt.datetime | None = None,
    name: str = "Đăng ký khai sinh",
) -> ProcedureVersion:
    n = next(_seq)
    sector, _ = Sector.objects.get_or_create(code="HT", defaults={"name": "Hộ tịch"})
    procedure = Procedure.objects.create(
        code=f"1.00{n:04d}.000.00.00.H52", name=name, sector=sector
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        valid_from=valid_from or dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
        implementing_unit_kinds=list(kinds),
        processing_time=processing_time,
        processing_time_unit="working_days",
    )
    ComponentRequirement.objects.create(version=version, order=1, name="Tờ khai đăng ký khai sinh")
    ComponentRequirement.objects.create(version=version, order=2, name="Giấy chứng sinh")
    ComponentRequirement.objects.create(
        version=version, order=3, name="Văn bản ủy quyền", is_required=False
    )
    names = [
        ("Tiếp nhận hồ sơ", StepHandler.RECEIVING_ONE_STOP, Role.ONE_STOP_OFFICER),
        ("Thẩm định, xử lý hồ sơ", StepHandler.HANDLING_AGENCY, Role.SPECIALIST),
        ("Phê duyệt kết quả", StepHandler.DECIDING_AUTHORITY, Role.UNIT_LEADER),
        ("Trả kết quả", StepHandler.RECEIVING_ONE_STOP, Role.ONE_STOP_OFFICER),
    ]
    for order, ((step_name, handler, role), quota) in enumerate(zip(names, quotas, strict=True), 1):
        ProcessStep.objects.create(
            version=version, order=order, name=step_name, handler=handler, role=role, quota=quota
        )
    if fee:
        FeeItem.objects.create(version=version, name="Lệ phí", amount=fee)
    return version


@dataclass
class World:
    province: Unit
    commune: Unit
    one_stop: Unit
    department: Unit
    other_department: Unit
    post: Unit
    other_commune_one_stop: Unit
    officer: User
    specialist: User
    specialist_2: User
    leader: User
    postal_staff: User
    citizen: User
    outsider: User
    version: ProcedureVersion
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def procedure(self) -> Procedure:
        return self.version.procedure

    def requirements(self) -> list[ComponentRequirement]:
        return list(self.version.components.order_by("order"))


def make_world(**procedure_kw: Any) -> World:
    n = next(_seq)
    province = make_unit("Tỉnh Gia Lai", UnitKind.PROVINCE, agency_code=f"H{n:02d}")
    commune = make_unit(
        "Phường Quy Nhơn", UnitKind.COMMUNE, province, agency_code=f"H{n:02d}.50.05"
    )
    one_stop = make_unit("Bộ phận Một cửa phường Quy Nhơn", UnitKind.ONE_STOP, commune)
    department = make_unit("Phòng Văn hóa - Xã hội", UnitKind.DEPARTMENT, commune)
    other_department = make_unit("Phòng Kinh tế", UnitKind.DEPARTMENT, commune)
    post = make_unit("Bưu điện Quy Nhơn", UnitKind.PARTNER, province)
    other_commune = make_unit(
        "Xã Tuy Phước", UnitKind.COMMUNE, province, agency_code=f"H{n:02d}.50.07"
    )
    other_one_stop = make_unit("Bộ phận Một cửa xã Tuy Phước", UnitKind.ONE_STOP, other_commune)
    officer = make_user(full_name="Nguyễn Văn Một Cửa")
    grant(officer, Role.ONE_STOP_OFFICER, one_stop)
    specialist = make_user(full_name="Trần Thị Chuyên Viên")
    grant(specialist, Role.SPECIALIST, department)
    specialist_2 = make_user(full_name="Lê Văn Thay Thế")
    grant(specialist_2, Role.SPECIALIST, department)
    leader = make_user(full_name="Phạm Lãnh Đạo")
    grant(leader, Role.UNIT_LEADER, department)
    grant(leader, Role.UNIT_LEADER, one_stop)
    postal_staff = make_user(full_name="Võ Bưu Tá")
    grant(postal_staff, Role.PARTNER_STAFF, post)
    citizen = make_user(full_name="Công Dân", personal_id=PERSONAL_ID)
    grant(citizen, Role.CITIZEN, None)
    outsider = make_user(full_name="Người Ngoài")
    grant(outsider, Role.ONE_STOP_OFFICER, other_one_stop)
    version = make_procedure(**procedure_kw)
    return World(
        province=province,
        commune=commune,
        one_stop=one_stop,
        department=department,
        other_department=other_department,
        post=post,
        other_commune_one_stop=other_one_stop,
        officer=officer,
        specialist=specialist,
        specialist_2=specialist_2,
        leader=leader,
        postal_staff=postal_staff,
        citizen=citizen,
        outsider=outsider,
        version=version,
    )


def applicant_data(**kw: Any) -> dict[str, Any]:
    data = {
        "kind": "person",
        "name": "Nguyễn Thị Dân",
        "personal_id": PERSONAL_ID,
        "date_of_birth": dt.date(1990, 5, 17),
        "address": "12 Lê Lợi, phường Quy Nhơn",
        "phone": "0912345678",
        "email": "dan@example.vn",
    }
    data.update(kw)
    return data


def components_for(world: World, *, source: str = ComponentSource.PAPER) -> list[dict[str, Any]]:
    items = []
    for req in world.requirements():
        if not req.is_required:
            continue
        item: dict[str, Any] = {"requirement": req, "source": source}
        if source in (
            ComponentSource.DIGITIZED,
            ComponentSource.ELECTRONIC,
            ComponentSource.CERTIFIED_COPY,
        ):
            item["file"] = ContentFile(pdf_bytes(f"scan of {req.name}"), name=f"tp{req.order}.pdf")
        if source == ComponentSource.REUSED:
            item["reuse_reference"] = f"KHO-{req.order}"
        items.append(item)
    return items


def receive(world: World, **kw: Any) -> Dossier:
    """A dossier received at the counter by the world's officer (overridable)."""
    kw.setdefault("actor", world.officer)
    kw.setdefault("channel", Channel.COUNTER)
    kw.setdefault("procedure", world.procedure)
    kw.setdefault("receiving_unit", world.one_stop)
    kw.setdefault("applicant", applicant_data())
    kw.setdefault("components", components_for(world))
    return services.dossier_receive(**kw)


STAGES = ("received", "at_department", "assigned", "at_leader", "approved", "result", "returned")


def drive_to(world: World, dossier: Dossier, stage: str) -> Dossier:
    """Move a dossier along the happy path up to `stage`, from where it stands (a dossier
    that only went through this path has version == stage index + 1)."""
    target = STAGES.index(stage)
    d = Dossier.objects.get(pk=dossier.pk)
    steps = [
        lambda d: services.dossier_handover(
            actor=world.officer, dossier=d, to_unit=world.department, expected_version=d.version
        ),
        lambda d: services.dossier_assign(
            actor=world.leader, dossier=d, to_user=world.specialist, expected_version=d.version
        ),
        lambda d: services.dossier_handover(
            actor=world.specialist,
            dossier=d,
            to_unit=world.department,
            to_user=world.leader,
            expected_version=d.version,
        ),
        lambda d: services.dossier_approve(
            actor=world.leader, dossier=d, expected_version=d.version
        ),
        lambda d: services.dossier_issue_result(
            actor=world.officer, dossier=d, paper=True, expected_version=d.version
        ),
        lambda d: services.dossier_return_result(
            actor=world.officer, dossier=d, method="counter", expected_version=d.version
        ),
    ]
    for action in steps[d.version - 1 : target]:
        action(d)
        d = Dossier.objects.get(pk=d.pk)
    return d
