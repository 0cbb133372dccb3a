import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc.accounts.models import Role, RoleAssignment, User
from cchc.procedures.models import Procedure
from cchc.units.services import unit_create

pytestmark = pytest.mark.django_db


def test_catalog_page_is_public_and_filters(client, sample_catalog, django_assert_max_num_queries):
    url = reverse("procedures:catalog")
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Danh mục thủ tục hành chính" in body
    assert "Đăng ký khai sinh" in body
    assert "10.000 đồng" in body  # chứng thực chữ ký, VND formatting
    assert "Tải danh mục (XLSX)" not in body
    filtered = client.get(url, {"sector": "CT", "q": "chữ ký"}).content.decode()
    assert "Chứng thực chữ ký" in filtered and "Đăng ký khai sinh" not in filtered


def test_catalog_query_count_does_not_grow_with_rows(
    client, sample_catalog, django_assert_num_queries
):
    url = reverse("procedures:catalog")
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_num_queries(6) as small:
        client.get(url, {"sector": "BTXH"})
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_detail_page(client, sample_catalog, django_assert_max_num_queries):
    url = reverse("procedures:detail", args=["1.013978"])
    with django_assert_max_num_queries(8):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "20 ngày làm việc" in body
    assert "880.000 đồng" in body
    assert "Không tính vào thời hạn" in body  # the tax-authority legal pause
    assert "Mẫu số 04/ĐK" in body
    assert "Luật Đất đai" in body
    assert "Lịch sử phiên bản" in body
    hours = client.get(reverse("procedures:detail", args=["2.000815"])).content.decode()
    assert "8 giờ làm việc" in hours
    assert client.get(reverse("procedures:detail", args=["9.999999"])).status_code == 404


def test_export_link_and_download_need_procedure_manage(client, sample_catalog):
    url = reverse("procedures:export_xlsx")
    assert client.get(url).status_code == 403
    user = User.objects.create_user("admin", password="x")
    province = unit_create(code="P52", name="Tỉnh Gia Lai", kind="province")
    RoleAssignment.objects.create(user=user, role=Role.SYSTEM_ADMIN, unit=province)
    client.force_login(user)
    assert "Tải danh mục (XLSX)" in client.get(reverse("procedures:catalog")).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook["procedures"].max_row == Procedure.objects.count() + 1


def test_detail_query_count_does_not_grow_with_versions(
    client, sample_catalog, django_assert_num_queries
):
    import datetime as dt

    from django.utils import timezone

    from cchc.procedures.services import procedure_version_create

    url = reverse("procedures:detail", args=["2.000884"])
    client.get(url)
    with django_assert_num_queries(6) as one:
        client.get(url)
    procedure = Procedure.objects.get(code="2.000884")
    for days, note in ((1, "a"), (2, "b")):
        procedure_version_create(
            procedure=procedure,
            valid_from=timezone.now() + dt.timedelta(days=days),
            actor=None,
            notes=note,
        )
    with django_assert_num_queries(len(one.captured_queries)):
        body = client.get(url + "?v=1").content.decode()
    assert "Đang xem phiên bản 1" not in body  # v1 is still the one in force
    assert "Đang xem phiên bản 3" in client.get(url + "?v=3").content.decode()


def test_admin_pages_render(client, sample_catalog):
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    version = Procedure.objects.get(code="1.013978").versions.get()
    for url in (
        reverse("admin:procedures_procedure_changelist"),
        reverse("admin:procedures_procedureversion_changelist"),
        reverse("admin:procedures_procedureversion_change", args=[version.pk]),
        reverse("admin:procedures_procedure_change", args=[version.procedure_id]),
    ):
        assert client.get(url).status_code == 200, url
