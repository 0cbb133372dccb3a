"""Fixtures for accounts tests: a small unit tree and users holding roles in it."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from cchc.accounts.models import Role, RoleAssignment, User
from cchc.units.models import Unit, UnitKind

_seq = itertools.count(1)


def make_unit(name: str, kind: str = UnitKind.DEPARTMENT, parent: Unit | None = None, **kw) -> Unit:
    """A unit with its materialised path, as units.services maintains it."""
    unit = Unit.objects.create(code=f"T{next(_seq)}", name=name, kind=kind, parent=parent, **kw)
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    return unit


def make_user(username: str, *, password: str = "mat-khau-an-toan-2026", **kw) -> User:
    kw.setdefault("full_name", username.title())
    return User.objects.create_user(username=username, password=password, **kw)


def grant(user: User, role: str, unit: Unit | None, **kw) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, unit=unit, **kw)


@pytest.fixture
def tree(db):
    """province -> (commune A -> one-stop A, commune B), and an unrelated province."""
    province = make_unit("Tỉnh Thử", UnitKind.PROVINCE)
    commune_a = make_unit("Xã A", UnitKind.COMMUNE, province)
    one_stop_a = make_unit("Bộ phận Một cửa xã A", UnitKind.ONE_STOP, commune_a)
    commune_b = make_unit("Xã B", UnitKind.COMMUNE, province)
    other = make_unit("Tỉnh Khác", UnitKind.PROVINCE)
    return {
        "province": province,
        "commune_a": commune_a,
        "one_stop_a": one_stop_a,
        "commune_b": commune_b,
        "other": other,
    }


@pytest.fixture
def admin_user(tree):
    user = make_user("quantri", full_name="Quản Trị Viên")
    grant(user, Role.SYSTEM_ADMIN, tree["province"], include_subtree=True)
    return user


TODAY = dt.date(2026, 11, 27)
