"""The admin pages for users and role assignments obey the permission module and services."""

import pytest

from cchc.accounts.models import Role, RoleAssignment, User
from cchc.accounts.tests.conftest import grant, make_user


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", password="x", full_name="Root")


def test_superuser_creates_a_user_through_the_service(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "cv01",
            "full_name": " Lê  Văn C ",
            "email": "",
            "phone": "0912 345 678",
            "password1": "Mat-khau-2026!",
            "password2": "Mat-khau-2026!",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="cv01")
    assert user.full_name == "Lê Văn C"  # normalised by user_create
    assert user.phone == "0912345678"


def test_bad_phone_is_a_form_error_in_vietnamese(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "cv02",
            "full_name": "X",
            "phone": "123",
            "password1": "Mat-khau-2026!",
            "password2": "Mat-khau-2026!",
        },
    )
    assert response.status_code == 200
    assert "Số điện thoại không hợp lệ" in response.content.decode()
    assert not User.objects.filter(username="cv02").exists()


def test_staff_without_user_manage_cannot_open_the_pages(client, tree):
    user = make_user("cv", is_staff=True)
    grant(user, Role.SPECIALIST, tree["commune_a"])
    client.force_login(user)
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/accounts/roleassignment/add/").status_code == 403


def test_system_admin_sees_only_assignments_in_scope(client, tree, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    inside = grant(make_user("trong"), Role.SPECIALIST, tree["commune_a"])
    outside = grant(make_user("ngoai"), Role.SPECIALIST, tree["other"])
    client.force_login(admin_user)
    page = client.get("/admin/accounts/roleassignment/").content.decode()
    assert f"/admin/accounts/roleassignment/{inside.pk}/change/" in page
    assert f"/admin/accounts/roleassignment/{outside.pk}/change/" not in page
    assert client.get(f"/admin/accounts/roleassignment/{outside.pk}/change/").status_code == 302


def test_system_admin_assigns_a_role_in_scope_and_is_refused_outside(client, tree, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    target = make_user("cv")
    client.force_login(admin_user)
    ok = client.post(
        "/admin/accounts/roleassignment/add/",
        {"user": target.pk, "role": Role.SPECIALIST, "unit": tree["commune_a"].pk, "title": "CV"},
    )
    assert ok.status_code == 302, ok.content.decode()[:3000]
    assert RoleAssignment.objects.filter(user=target, unit=tree["commune_a"]).exists()
    refused = client.post(
        "/admin/accounts/roleassignment/add/",
        {"user": target.pk, "role": Role.SPECIALIST, "unit": tree["other"].pk},
    )
    assert refused.status_code == 200  # the unit is not even a valid choice
    assert not RoleAssignment.objects.filter(user=target, unit=tree["other"]).exists()
    duplicate = client.post(
        "/admin/accounts/roleassignment/add/",
        {"user": target.pk, "role": Role.SPECIALIST, "unit": tree["commune_a"].pk},
    )
    assert duplicate.status_code == 200
    assert "đã có vai trò" in duplicate.content.decode()
    assert RoleAssignment.objects.filter(user=target).count() == 1


def test_revoke_action(client, tree, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    assignment = grant(make_user("cv"), Role.SPECIALIST, tree["commune_a"])
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/roleassignment/",
        {"action": "revoke_today", "_selected_action": [assignment.pk]},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.valid_to is not None


def test_user_change_page_shows_role_assignments_inline(client, tree, superuser):
    user = make_user("cv", full_name="Chuyên Viên")
    grant(user, Role.SPECIALIST, tree["commune_a"], title="Chuyên viên địa chính")
    client.force_login(superuser)
    page = client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert "Chuyên viên địa chính" in page and "Xã A" in page
