import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.accounts.models import Role, RoleAssignment, User
from cchc.units.models import UnitKind
from cchc.units.services import unit_close

D = dt.date
URL = "/units/"


@pytest.fixture
def staff(db, client):
    user = User.objects.create_user(username="canbo", password="x")
    client.force_login(user)
    return user


def test_url_name():
    assert reverse("units:tree") == URL


def test_login_required(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def _grow(make_unit, parent, n, start):
    for i in range(start, start + n):
        c = make_unit(f"Xã Số {i}", parent=parent)
        make_unit(f"UBND xã Số {i}", UnitKind.PEOPLES_COMMITTEE, parent=c)


def test_default_tree_is_user_scope_and_query_count_constant(
    client, staff, make_unit, django_assert_num_queries
):
    province = make_unit("Tỉnh Gia Lai", UnitKind.PROVINCE)
    other = make_unit("Tỉnh Khác", UnitKind.PROVINCE)
    make_unit("Xã Ngoài Phạm Vi", parent=other)
    RoleAssignment.objects.create(
        user=staff, role=Role.UNIT_LEADER, unit=province, include_subtree=True
    )
    _grow(make_unit, province, 2, 0)
    client.get(URL)  # warm caches (content types, templates)
    with CaptureQueriesContext(connection) as small:
        response = client.get(URL)
    body = response.content.decode()
    assert "Tỉnh Gia Lai" in body and "Xã Số 1" in body and "UBND xã Số 1" in body
    assert "Ngoài Phạm Vi" not in body
    # session, user, role assignments, the tree: nothing per unit.
    assert len(small.captured_queries) <= 5
    _grow(make_unit, province, 30, 2)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert "UBND xã Số 31" in response.content.decode()


def test_tree_of_chosen_unit_on_date_shows_history(client, staff, history):
    unit_close(unit=history["district"], valid_to=D(2025, 6, 30), successors=[history["tay_son"]])
    response = client.get(URL, {"unit": history["old_p"].code, "on": "2025-06-01"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Huyện Tây Sơn" in body and "Thị trấn Phú Phong" in body
    assert "Dữ liệu lịch sử" in body
    assert "nay là" in body and "Xã Tây Sơn" in body  # what the closed district became
    response = client.get(URL, {"unit": history["old_p"].code, "on": "2025-08-01"})
    body = response.content.decode()
    assert "Huyện Tây Sơn" not in body and "Thị trấn Phú Phong" not in body
    assert "Tỉnh Bình Định" in body  # not closed in this fixture
    response = client.get(URL, {"unit": history["district"].code, "on": "2025-08-01"})
    assert "Không có đơn vị nào có hiệu lực" in response.content.decode()


def test_breadcrumb_and_bad_input(client, staff, history):
    body = client.get(URL, {"unit": history["tay_xuan"].code}).content.decode()
    assert "Tỉnh Bình Định" in body and "Huyện Tây Sơn" in body
    body = client.get(URL, {"unit": "KHONG-CO", "on": "31/12/2025"}).content.decode()
    assert "Không tìm thấy đơn vị có mã" in body


def test_without_assignment_shows_top_level(client, staff, make_unit):
    province = make_unit("Tỉnh A", UnitKind.PROVINCE)
    make_unit("Xã Con", parent=province)
    body = client.get(URL).content.decode()
    assert "Tỉnh A" in body and "Xã Con" not in body
