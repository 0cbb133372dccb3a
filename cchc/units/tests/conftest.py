import datetime as dt

import pytest

from cchc.units.models import UnitKind
from cchc.units.services import unit_create

D = dt.date


@pytest.fixture
def make_unit(db):
    counter = iter(range(1, 10_000))

    def make(name="Đơn vị", kind=UnitKind.COMMUNE, parent=None, code=None, **kwargs):
        return unit_create(
            code=code or f"T{next(counter)}", name=name, kind=kind, parent=parent, **kwargs
        )

    return make


@pytest.fixture
def province(make_unit):
    return make_unit("Tỉnh Gia Lai", UnitKind.PROVINCE, code="TP52", valid_from=D(2025, 7, 1))


@pytest.fixture
def history(make_unit):
    """Old province → district → communes, closed 30/6/2025, and the new units after it."""
    old_p = make_unit("Tỉnh Bình Định", UnitKind.PROVINCE, code="XP52")
    district = make_unit("Huyện Tây Sơn", UnitKind.DISTRICT, parent=old_p, code="XD547")
    phu_phong = make_unit("Thị trấn Phú Phong", UnitKind.TOWNSHIP, parent=district, code="XW21808")
    tay_xuan = make_unit("Xã Tây Xuân", UnitKind.COMMUNE, parent=district, code="XW21844")
    new_p = make_unit("Tỉnh Gia Lai", UnitKind.PROVINCE, code="NP52", valid_from=D(2025, 7, 1))
    tay_son = make_unit("Xã Tây Sơn", UnitKind.COMMUNE, parent=new_p, code="NW21808")
    return {
        "old_p": old_p,
        "district": district,
        "phu_phong": phu_phong,
        "tay_xuan": tay_xuan,
        "new_p": new_p,
        "tay_son": tay_son,
    }
