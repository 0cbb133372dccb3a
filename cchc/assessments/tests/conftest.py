"""A small province: Home Affairs over the province, a commune with its chairman."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cchc.accounts.models import Role, User
from cchc.assessments import services
from cchc.assessments.models import Framework
from cchc.dossiers.tests.factories import grant, make_unit, make_user
from cchc.units.models import Unit, UnitKind

PASSWORD = "mat-khau-an-toan-2026"


@dataclass
class Province:
    province: Unit
    commune: Unit
    other_commune: Unit
    home_affairs: User
    chairman: User
    other_chairman: User
    framework: Framework


@pytest.fixture
def prov(db) -> Province:
    province = make_unit("Tỉnh Gia Lai", UnitKind.PROVINCE)
    commune = make_unit("Phường Quy Nhơn", UnitKind.COMMUNE, province, code="XA01")
    other = make_unit("Xã Tuy Phước", UnitKind.COMMUNE, province, code="XA02")
    home_affairs = make_user("noivu", full_name="Sở Nội vụ")
    grant(home_affairs, Role.HOME_AFFAIRS, province, include_subtree=True)
    chairman = make_user("chutich", full_name="Chủ tịch phường")
    grant(chairman, Role.CHAIRMAN, commune)
    other_chairman = make_user("chutich2", full_name="Chủ tịch xã")
    grant(other_chairman, Role.CHAIRMAN, other)
    framework = services.framework_create_from_template(actor=None, name="par_commune", year=2026)
    return Province(province, commune, other, home_affairs, chairman, other_chairman, framework)


# A framework small enough to drive by hand in the real browser.
SMALL_FRAMEWORK = {
    "code": "PAR-XA-TEST",
    "year": 2026,
    "level": "commune",
    "title": "Bộ tiêu chí thử",
    "areas": [
        {
            "code": "1",
            "title": "Công tác chỉ đạo, điều hành",
            "criteria": [
                {"code": "1.1", "title": "Kế hoạch CCHC", "max": 6, "evidence": "Kế hoạch"},
                {"code": "1.2", "title": "Tuyên truyền CCHC", "max": 4},
            ],
        }
    ],
}


@dataclass
class SmallProvince:
    commune: Unit
    home_affairs: User  # "noivu"
    chairman: User  # "chutich", of the commune
    framework: Framework  # SMALL_FRAMEWORK: 1.1 (6 points), 1.2 (4 points)


@pytest.fixture
def small_province(transactional_db) -> SmallProvince:
    """For the browser tests: a commune, Home Affairs over the province, the commune's
    chairman (both signing in with PASSWORD) and a two-criterion framework."""
    province = make_unit("Tỉnh Gia Lai", UnitKind.PROVINCE)
    commune = make_unit("Phường Quy Nhơn", UnitKind.COMMUNE, province, code="XA01")
    home_affairs = make_user("noivu", full_name="Sở Nội vụ")
    grant(home_affairs, Role.HOME_AFFAIRS, province, include_subtree=True)
    chairman = make_user("chutich", full_name="Chủ tịch phường")
    grant(chairman, Role.CHAIRMAN, commune)
    framework = services.framework_create(actor=None, data=SMALL_FRAMEWORK)
    return SmallProvince(commune, home_affairs, chairman, framework)
