import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.accounts.models import Role, RoleAssignment, User
from cchc.accounts.permissions import Action, has_permission
from cchc.accounts.services import (
    role_assign,
    role_assignment_update,
    role_revoke,
    user_create,
    user_update,
)
from cchc.accounts.tests.conftest import grant, make_unit, make_user

PASSWORD = "Mat-khau-2026!"


def _errors(excinfo) -> dict:
    return {field: [e.code for e in errs] for field, errs in excinfo.value.error_dict.items()}


# --- user_create -------------------------------------------------------------------------------


def test_user_create_normalises_and_can_sign_in(db):
    user = user_create(
        username="nguyenvana",
        password=PASSWORD,
        full_name="  Nguyễn   Văn A ",
        email="A@Example.VN",
        phone="+84 912 345 678",
    )
    user.refresh_from_db()
    assert user.full_name == "Nguyễn Văn A"
    assert user.email == "a@example.vn"
    assert user.phone == "0912345678"
    assert user.check_password(PASSWORD)
    assert not user.is_staff


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"username": ""}, "username", "required"),
        ({"username": "có dấu"}, "username", "username_invalid"),
        ({"full_name": "  "}, "full_name", "required"),
        ({"email": "not-an-email"}, "email", "email_invalid"),
        ({"phone": "12345"}, "phone", "phone_format"),
        ({"password": "123"}, "password", "password_too_short"),
    ],
)
def test_user_create_rejects_bad_input_and_creates_nothing(db, kwargs, field, code):
    args = {"username": "cv01", "password": PASSWORD, "full_name": "Chuyên Viên"} | kwargs
    with pytest.raises(ValidationError) as excinfo:
        user_create(**args)
    assert code in _errors(excinfo)[field]
    assert not User.objects.exists()


def test_username_is_unique_regardless_of_case(db):
    user_create(username="NguyenVanA", password=PASSWORD, full_name="A")
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="nguyenvana", password=PASSWORD, full_name="A2")
    assert _errors(excinfo) == {"username": ["username_taken"]}
    assert "đã được sử dụng" in excinfo.value.messages[0]


def test_user_create_needs_user_manage_when_an_actor_is_given(tree, admin_user):
    specialist = make_user("cv")
    grant(specialist, Role.SPECIALIST, tree["commune_a"])
    with pytest.raises(PermissionDenied):
        user_create(username="x", password=PASSWORD, full_name="X", actor=specialist)
    assert not User.objects.filter(username="x").exists()
    assert user_create(username="x", password=PASSWORD, full_name="X", actor=admin_user).pk


# --- role_assign -------------------------------------------------------------------------------


def test_role_assign_grants_the_permissions_of_the_role(tree, admin_user):
    user = make_user("ld")
    assignment = role_assign(
        user=user,
        role=Role.UNIT_LEADER,
        unit=tree["commune_a"],
        include_subtree=True,
        title=" Chủ tịch  UBND xã ",
        actor=admin_user,
    )
    assert assignment.title == "Chủ tịch UBND xã"
    assert has_permission(user, Action.DOSSIER_APPROVE, tree["one_stop_a"])


def test_role_assign_outside_the_actors_scope_is_refused(tree, admin_user):
    user = make_user("cv")
    with pytest.raises(PermissionDenied):
        role_assign(user=user, role=Role.SPECIALIST, unit=tree["other"], actor=admin_user)
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_nobody_assigns_roles_to_themselves(tree, admin_user):
    with pytest.raises(PermissionDenied):
        role_assign(user=admin_user, role=Role.CHAIRMAN, unit=tree["commune_a"], actor=admin_user)


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"role": "mayor"}, "role", "role_invalid"),
        ({"unit": None}, "unit", "required"),
        ({"role": Role.CITIZEN}, "unit", "unit_not_allowed"),
        (
            {"valid_from": dt.date(2026, 5, 1), "valid_to": dt.date(2026, 4, 30)},
            "valid_to",
            "valid_range",
        ),
        ({"title": "x" * 151}, "title", "max_length"),
    ],
)
def test_role_assign_rejects_bad_input(tree, kwargs, field, code):
    user = make_user("cv")
    args = {"user": user, "role": Role.SPECIALIST, "unit": tree["commune_a"]} | kwargs
    with pytest.raises(ValidationError) as excinfo:
        role_assign(**args)
    assert _errors(excinfo) == {field: [code]}
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_role_assign_refuses_an_expired_unit_and_a_locked_account(tree):
    old = make_unit("Huyện cũ", kind="district", valid_to=dt.date(2025, 6, 30))
    user = make_user("cv")
    with pytest.raises(ValidationError) as excinfo:
        role_assign(user=user, role=Role.SPECIALIST, unit=old)
    assert _errors(excinfo) == {"unit": ["unit_expired"]}
    # History may still be recorded: a period that ended before the unit did.
    role_assign(
        user=user,
        role=Role.SPECIALIST,
        unit=old,
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2025, 6, 30),
    )
    user.is_active = False
    user.save()
    with pytest.raises(ValidationError) as excinfo:
        role_assign(user=user, role=Role.SPECIALIST, unit=tree["commune_a"])
    assert _errors(excinfo) == {"user": ["user_inactive"]}


def test_citizen_role_has_no_unit(db):
    user = make_user("dan")
    assignment = role_assign(user=user, role=Role.CITIZEN, unit=None)
    assert assignment.unit is None
    with pytest.raises(ValidationError) as excinfo:
        role_assign(user=user, role=Role.CITIZEN, unit=None)
    assert _errors(excinfo) == {"role": ["duplicate"]}


def test_duplicate_is_refused_but_an_ended_assignment_is_renewed(tree):
    user = make_user("cv")
    first = role_assign(user=user, role=Role.SPECIALIST, unit=tree["commune_a"])
    with pytest.raises(ValidationError):
        role_assign(user=user, role=Role.SPECIALIST, unit=tree["commune_a"])
    role_revoke(assignment=first)
    assert not has_permission(user, Action.DOSSIER_PROCESS, tree["commune_a"])
    again = role_assign(user=user, role=Role.SPECIALIST, unit=tree["commune_a"], title="Mới")
    assert again.pk == first.pk and again.valid_to is None and again.title == "Mới"
    assert has_permission(user, Action.DOSSIER_PROCESS, tree["commune_a"])


def test_system_admin_role_gives_and_takes_admin_site_access(tree, admin_user):
    user = make_user("qt2")
    assignment = role_assign(
        user=user, role=Role.SYSTEM_ADMIN, unit=tree["commune_b"], actor=admin_user
    )
    user.refresh_from_db()
    assert user.is_staff
    role_revoke(assignment=assignment, actor=admin_user)
    user.refresh_from_db()
    assert not user.is_staff


# --- role_revoke -------------------------------------------------------------------------------


def test_revoke_keeps_the_record_until_yesterday(tree):
    user = make_user("cv")
    assignment = grant(user, Role.SPECIALIST, tree["commune_a"], valid_from=dt.date(2026, 1, 1))
    revoked = role_revoke(assignment=assignment, on=dt.date(2026, 3, 10))
    assert revoked.valid_to == dt.date(2026, 3, 9)
    assert has_permission(user, Action.DOSSIER_VIEW, tree["commune_a"], on=dt.date(2026, 3, 9))
    assert not has_permission(user, Action.DOSSIER_VIEW, tree["commune_a"], on=dt.date(2026, 3, 10))
    with pytest.raises(ValidationError) as excinfo:
        role_revoke(assignment=assignment, on=dt.date(2026, 3, 10))
    assert _errors(excinfo) == {"valid_to": ["already_ended"]}


def test_revoking_an_assignment_that_has_not_started_deletes_it(tree):
    user = make_user("cv")
    assignment = grant(user, Role.SPECIALIST, tree["commune_a"], valid_from=dt.date(2027, 1, 1))
    assert role_revoke(assignment=assignment, on=dt.date(2026, 11, 27)) is None
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_revoke_needs_user_manage_over_the_unit(tree, admin_user):
    outsider_admin = make_user("qt-khac")
    grant(outsider_admin, Role.SYSTEM_ADMIN, tree["other"])
    user = make_user("cv")
    assignment = grant(user, Role.SPECIALIST, tree["commune_a"])
    with pytest.raises(PermissionDenied):
        role_revoke(assignment=assignment, actor=outsider_admin)
    assignment.refresh_from_db()
    assert assignment.valid_to is None
    assert role_revoke(assignment=assignment, actor=admin_user).valid_to is not None


# --- updates -----------------------------------------------------------------------------------


def test_user_update_validates_identity_fields(tree, admin_user):
    user = make_user("cv")
    user_update(
        user=user,
        actor=admin_user,
        phone="+84 386 123 456",
        personal_id="079 205 123456",
        tax_code="0100233488",
    )
    user.refresh_from_db()
    assert (user.phone, user.personal_id, user.tax_code) == (
        "0386123456",
        "079205123456",
        "0100233488",
    )
    with pytest.raises(ValidationError) as excinfo:
        user_update(user=user, tax_code="0100233480")
    assert _errors(excinfo) == {"tax_code": ["tax_code_checksum"]}
    user.refresh_from_db()
    assert user.tax_code == "0100233488"


def test_user_update_lock_rules(tree, admin_user):
    user = make_user("cv")
    specialist = make_user("cv2")
    grant(specialist, Role.SPECIALIST, tree["commune_a"])
    with pytest.raises(PermissionDenied):
        user_update(user=user, actor=specialist, is_active=False)
    with pytest.raises(PermissionDenied):
        user_update(user=admin_user, actor=admin_user, is_active=False)
    user_update(user=user, actor=admin_user, is_active=False)
    user.refresh_from_db()
    assert not user.is_active


def test_role_assignment_update_changes_the_period_only_within_scope(tree, admin_user):
    user = make_user("cv")
    assignment = grant(user, Role.SPECIALIST, tree["commune_a"])
    updated = role_assignment_update(
        assignment=assignment,
        include_subtree=True,
        title="Trưởng bộ phận",
        valid_from=dt.date(2026, 1, 1),
        valid_to=None,
        actor=admin_user,
    )
    assert updated.include_subtree and updated.title == "Trưởng bộ phận"
    outsider = make_user("qt-khac")
    grant(outsider, Role.SYSTEM_ADMIN, tree["other"])
    with pytest.raises(PermissionDenied):
        role_assignment_update(
            assignment=assignment,
            include_subtree=False,
            title="",
            valid_from=None,
            valid_to=None,
            actor=outsider,
        )
    with pytest.raises(ValidationError):
        role_assignment_update(
            assignment=assignment,
            include_subtree=False,
            title="",
            valid_from=dt.date(2026, 2, 1),
            valid_to=dt.date(2026, 1, 1),
        )
    assignment.refresh_from_db()
    assert assignment.include_subtree and assignment.valid_from == dt.date(2026, 1, 1)


def test_database_refuses_a_second_unitless_assignment_of_the_same_role(db):
    from django.db import IntegrityError, transaction

    user = make_user("dan")
    grant(user, Role.CITIZEN, None)
    with pytest.raises(IntegrityError), transaction.atomic():
        grant(user, Role.CITIZEN, None)
