"""Builds the demo database through the real services. Every step is idempotent."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cchc.accounts.models import RoleAssignment, User
from cchc.accounts.services import role_assign, user_create
from cchc.demo.structure import (
    COMMUNES,
    DEMO_PASSWORD,
    DEMO_USERS,
    PROVINCE_AGENCY,
    PROVINCE_CODE,
    PROVINCE_ORGS,
    Org,
    commune_orgs,
)
from cchc.units.models import Unit
from cchc.units.services import unit_create

Log = Callable[[str], object]


@dataclass
class DemoReport:
    units_created: int = 0
    users_created: int = 0
    dossiers_created: int = 0
    steps: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Dữ liệu trình diễn sẵn sàng: thêm {self.units_created} tổ chức, "
            f"{self.users_created} tài khoản, {self.dossiers_created} hồ sơ mô phỏng."
        )

    def account_lines(self) -> list[str]:
        lines = []
        for demo in DEMO_USERS:
            role = RoleAssignment.objects.filter(user__username=demo.username).first()
            label = role.get_role_display() if role else demo.role
            where = f" — {role.unit}" if role and role.unit else ""
            lines.append(f"{demo.username:<20} {label}{where}")
        return lines


def _ensure_org(
    org: Org, *, parent: Unit, code_prefix: str, agency_prefix: str, report: DemoReport
) -> None:
    code = f"{code_prefix}.{org.suffix}"
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        agency = f"{agency_prefix}.{org.agency_suffix}" if org.agency_suffix else agency_prefix
        unit = unit_create(
            code=code, name=org.name, kind=org.kind, parent=parent, agency_code=agency
        )
        report.units_created += 1
    for child in org.children:
        _ensure_org(
            child,
            parent=unit,
            code_prefix=code,
            agency_prefix=unit.agency_code,
            report=report,
        )


def _ensure_units(report: DemoReport, log: Log) -> None:
    if not Unit.objects.filter(code=PROVINCE_CODE).exists():
        log("Nhập danh mục đơn vị hành chính...")
        call_command("import_units", verbosity=0)
    province = Unit.objects.get(code=PROVINCE_CODE)
    with transaction.atomic():
        for org in PROVINCE_ORGS:
            _ensure_org(
                org,
                parent=province,
                code_prefix=PROVINCE_CODE,
                agency_prefix=PROVINCE_AGENCY,
                report=report,
            )
        for commune_code, agency in COMMUNES:
            commune = Unit.objects.get(code=commune_code)
            for org in commune_orgs(
                commune.name.replace("Xã ", "xã ").replace("Phường ", "phường ")
            ):
                _ensure_org(
                    org,
                    parent=commune,
                    code_prefix=commune_code,
                    agency_prefix=agency,
                    report=report,
                )


def _ensure_users(report: DemoReport) -> None:
    with transaction.atomic():
        for demo in DEMO_USERS:
            user = User.objects.filter(username=demo.username).first()
            if user is None:
                user = user_create(
                    username=demo.username,
                    password=DEMO_PASSWORD,
                    full_name=demo.full_name,
                    email=f"{demo.username}@demo.cchc.vn",
                )
                report.users_created += 1
                if demo.username == "admin":
                    user.is_superuser = True
                    user.is_staff = True
                    user.save(update_fields=["is_superuser", "is_staff"])
            if not RoleAssignment.objects.filter(user=user).exists():
                unit = Unit.objects.get(code=demo.unit_code) if demo.unit_code else None
                role_assign(
                    user=user,
                    role=demo.role,
                    unit=unit,
                    include_subtree=demo.include_subtree,
                    title=demo.title,
                )


DEMO_DOSSIERS = 5000


def _ensure_counters() -> None:
    """Two counters at every demo one-stop centre, serving every sector (the floor screens)."""
    from cchc.floor.models import Counter
    from cchc.floor.services import counter_create
    from cchc.procedures.models import Sector
    from cchc.units.models import UnitKind

    admin = User.objects.get(username="admin")
    sectors = list(Sector.objects.all())
    province = Unit.objects.get(code=PROVINCE_CODE)
    for one_stop in Unit.objects.subtree_of(province).filter(kind=UnitKind.ONE_STOP):
        for number in (1, 2):
            if not Counter.objects.filter(unit=one_stop, number=number).exists():
                counter_create(
                    actor=admin,
                    unit=one_stop,
                    number=number,
                    name=f"Quầy {number}",
                    sectors=sectors,
                )


def _ensure_activity(report: DemoReport, log: Log) -> None:
    """A year of dossiers up to today through the bulk simulation (same events as the services)."""
    from cchc.dossiers.models import Dossier
    from cchc.indices.rollups import rollup_rebuild

    if Dossier.objects.exists():
        return
    log(f"Mô phỏng {DEMO_DOSSIERS} hồ sơ trong năm {timezone.localdate().year}...")
    call_command(
        "simulate",
        dossiers=DEMO_DOSSIERS,
        seed=1,
        year=timezone.localdate().year,
        bulk=True,
        verbosity=0,
    )
    # The bulk path does not fire the per-event hooks that keep the index rollups current.
    rollup_rebuild()
    report.dossiers_created = Dossier.objects.count()
    # The last days' changes go through the portal outbox and the local sandbox, with a few
    # refusals and outages, so the sync screen and DOSSIER_SYNC show a believable state.
    from cchc.integrations.portal.demo import portal_demo_state

    log("Đồng bộ hồ sơ mấy ngày gần đây lên hộp cát Cổng DVCQG...")
    portal_demo_state()


def _ensure_sso_links(log: Log) -> None:
    """Link the local identity provider's demo staff to the demo accounts, where the local
    provider is on (dev/demo settings); elsewhere there is nothing to link."""
    from django.core.management.base import CommandError

    try:
        call_command("sso_link", demo=True, verbosity=0, stdout=io.StringIO())
    except CommandError as exc:
        log(f"Bỏ qua liên kết đăng nhập một lần: {exc}")


def demo_build(*, log: Log = print, with_activity: bool = True) -> DemoReport:
    report = DemoReport()
    _ensure_units(report, log)
    log("Nhập danh mục thủ tục hành chính...")
    call_command("import_catalog", verbosity=0)
    _ensure_users(report)
    _ensure_counters()
    _ensure_sso_links(log)
    if with_activity:
        _ensure_activity(report, log)
    return report
