import pytest

from cchc.accounts.models import User
from cchc.units.models import Unit, UnitKind, UnitSuccession


@pytest.fixture
def admin_client_(client, db):
    user = User.objects.create_superuser(username="root", password="x", email="r@example.org")
    client.force_login(user)
    return client


def test_changelist_search_and_filter(admin_client_, make_unit):
    province = make_unit("Tỉnh Gia Lai", UnitKind.PROVINCE, code="P52", agency_code="H22")
    make_unit("Xã Tây Sơn", parent=province, code="W21808")
    for params in ({}, {"q": "tay son"}, {"q": "H22"}, {"kind__exact": "commune"}):
        response = admin_client_.get("/admin/units/unit/", params)
        assert response.status_code == 200, params
    assert (
        "Xã Tây Sơn" in admin_client_.get("/admin/units/unit/", {"q": "tay son"}).content.decode()
    )
    assert admin_client_.get("/admin/units/unitsuccession/").status_code == 200


def test_add_through_admin_uses_services(admin_client_, make_unit):
    province = make_unit("Tỉnh Gia Lai", UnitKind.PROVINCE, code="P52")
    data = {
        "code": "P52.SNV",
        "name": "Sở Nội vụ",
        "kind": "agency",
        "parent": province.pk,
        "agency_code": "H22.15",
    }
    response = admin_client_.post("/admin/units/unit/add/", data)
    assert response.status_code == 302
    unit = Unit.objects.get(code="P52.SNV")
    assert unit.path == f"{province.path}{unit.pk}/" and unit.depth == 1
    assert "so noi vu" in unit.search_text


def test_admin_shows_agency_code_error(admin_client_, make_unit):
    data = {"code": "X1", "name": "Sở", "kind": "agency", "agency_code": "h22-15"}
    response = admin_client_.post("/admin/units/unit/add/", data)
    assert response.status_code == 200
    assert "Mã định danh điện tử chỉ gồm" in response.content.decode()
    assert not Unit.objects.filter(code="X1").exists()


def test_admin_move_recomputes_paths(admin_client_, make_unit):
    a = make_unit("Tỉnh A", UnitKind.PROVINCE, code="A")
    b = make_unit("Tỉnh B", UnitKind.PROVINCE, code="B")
    x = make_unit("Xã X", parent=a, code="X")
    y = make_unit("Phòng Y", UnitKind.DEPARTMENT, parent=x, code="Y")
    data = {"name": "Xã X", "kind": "commune", "parent": b.pk}
    response = admin_client_.post(f"/admin/units/unit/{x.pk}/change/", data)
    assert response.status_code == 302
    y.refresh_from_db()
    assert y.path == f"/{b.pk}/{x.pk}/{y.pk}/"


def test_admin_succession_closes_predecessor(admin_client_, history):
    data = {
        "predecessor": history["tay_xuan"].pk,
        "successor": history["tay_son"].pk,
        "effective_date": "2025-07-01",
        "legal_basis": "NQ 1664/NQ-UBTVQH15",
    }
    response = admin_client_.post("/admin/units/unitsuccession/add/", data)
    assert response.status_code == 302
    history["tay_xuan"].refresh_from_db()
    assert str(history["tay_xuan"].valid_to) == "2025-06-30"
    assert UnitSuccession.objects.count() == 1
    data["effective_date"] = "2025-01-01"
    data["predecessor"] = history["phu_phong"].pk
    response = admin_client_.post("/admin/units/unitsuccession/add/", data)
    assert response.status_code == 200 and "không có hiệu lực vào ngày" in response.content.decode()
